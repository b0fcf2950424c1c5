{#- Incremental check models (quality.chk_* of a per-file rule, finding_places): a run rebuilds
    only the check rows of the files raw.changed_files lists, like the fact marts
    (macros/incremental.sql: delete+insert on source_file, the pre-hook deletes a removed file's
    rows). A per-file rule's rows of a file depend on that file's rows only, so every relation it
    reads that has source_file is read through changed_rows(); seeds and dims are read whole.
    check_row is a per-file key (macros/check_row.sql), so kept rows keep their keys.
    Rules comparing files (across documents, a department-year's files) stay tables. -#}
{% macro changed_rows(model) -%}
    {%- if rebuilt_files_condition() -%}
    (select * from {{ ref(model) }} where {{ rebuilt_files_condition() }})
    {%- else -%}
    {{ ref(model) }}
    {%- endif -%}
{%- endmacro %}

{#- The condition on source_file that keeps the files an incremental check model rebuilds: the
    changed files; for an entity model (below) the files of its touched entities, changed or not (a
    page's or a title's line is its row's file's). Empty on a full build. -#}
{% macro rebuilt_files_condition() -%}
    {%- if is_incremental() and config.get('unique_key') == 'source_file' -%}
    source_file in (select source_file from {{ source('fiscal_txt', 'changed_files') }})
    {%- elif is_incremental() and config.get('unique_key') == 'entity_key' -%}
    source_file in (select source_file from {{ this.schema }}.cross_file_members
                    where model = '{{ this.name }}' and entity_key in ({{ touched_entities() }})
                    union all
                    select source_file from {{ source('fiscal_txt', 'changed_files') }})
    {%- endif -%}
{%- endmacro %}


{#- Cross-file check models, incremental by entity: a rule comparing files compares them within one
    entity (a project: unit + project name + year; a department-year's budget files), so its rows are
    those of their entity's files only. The model is delete+insert on one column, entity_key; a run
    rebuilds the entities the change touches: those the changed files (raw.changed_files) belonged
    to before the change and those they belong to after it. "Before" is gone from the marts by then
    (a removed file's reports are deleted), so each model keeps its files' entities in
    quality.cross_file_members (post-hook record_members), read by the next run's pre-hook
    (touch_entities), which lists the touched entities in quality.cross_file_touched (the body and
    the quality step read it: expectations/scope.py) and deletes their rows.
    Config of such a model:
      materialized='incremental', incremental_strategy='delete+insert', unique_key='entity_key',
      pre_hook="{{ touch_entities('<kind>') }}", post_hook="{{ record_members('<kind>') }}"
    Its check_row is entity_check_row(): per (file, entity), so kept rows keep their keys. -#}

{#- The entity of a project's documents (int_project_documents_matched's key). -#}
{% macro project_entity(unit_key, project_key, fiscal_year) -%}
    md5('project|' || {{ unit_key }} || '|' || {{ project_key }} || '|' || {{ fiscal_year }})
{%- endmacro %}

{#- The entity of a budget file (int_budget_documents): its department-year (a 说明 and its tables may be
    two files), else the file alone. -#}
{% macro budget_entity(department_key, fiscal_year, source_file) -%}
    case when {{ department_key }} is not null and {{ fiscal_year }} is not null
         then md5('department_year|' || {{ department_key }} || '|' || {{ fiscal_year }})
         else md5('file|' || {{ source_file }}) end
{%- endmacro %}

{#- (source_file, entity_key): the entities each file belongs to now; on an incremental run, of the
    changed files only. -#}
{% macro entity_members(kind) -%}
    {%- set changed = "source_file in (select source_file from " ~ source('fiscal_txt', 'changed_files') ~ ")" -%}
    {%- if kind == 'project' -%}
    select distinct source_file,
           {{ project_entity('implementing_unit_key', name_key('project_name'), 'fiscal_year') }} as entity_key
    from {{ ref('fct_report') }}
    where implementing_unit_key is not null and project_name is not null and fiscal_year is not null
    {%- if is_incremental() %} and {{ changed }}{% endif %}
    {%- elif kind == 'budget' -%}
    select source_file, {{ budget_entity('department_key', 'fiscal_year', 'source_file') }} as entity_key
    from {{ ref('int_budget_documents') }}
    {%- if is_incremental() %} where {{ changed }}{% endif %}
    {%- else -%}
    {{ exceptions.raise_compiler_error('entity_members: unknown kind ' ~ kind) }}
    {%- endif -%}
{%- endmacro %}

{% macro _entity_tables() -%}
    create table if not exists {{ this.schema }}.cross_file_members (model varchar, source_file varchar, entity_key varchar);
    create table if not exists {{ this.schema }}.cross_file_touched (model varchar, entity_key varchar);
{%- endmacro %}

{#- pre-hook: list the touched entities (before: the changed files' entities recorded by the last run;
    after: their entities now; a file on its own is an entity too) and delete their rows. -#}
{% macro touch_entities(kind) -%}
    {%- if is_incremental() -%}
    {{ _entity_tables() }}
    delete from {{ this.schema }}.cross_file_touched where model = '{{ this.name }}';
    insert into {{ this.schema }}.cross_file_touched
    select distinct '{{ this.name }}', entity_key from (
        select entity_key from {{ this.schema }}.cross_file_members
        where model = '{{ this.name }}'
          and source_file in (select source_file from {{ source('fiscal_txt', 'changed_files') }})
        union all
        select entity_key from ({{ entity_members(kind) }})
        union all
        select md5('file|' || source_file) from {{ source('fiscal_txt', 'changed_files') }}
    );
    delete from {{ this }} where entity_key in ({{ touched_entities() }})
    {%- endif -%}
{%- endmacro %}

{#- post-hook: record the files' entities for the next run (a full build: all of them). -#}
{% macro record_members(kind) -%}
    {{ _entity_tables() }}
    {%- if is_incremental() %}
    delete from {{ this.schema }}.cross_file_members where model = '{{ this.name }}'
      and source_file in (select source_file from {{ source('fiscal_txt', 'changed_files') }});
    {%- else %}
    delete from {{ this.schema }}.cross_file_members where model = '{{ this.name }}';
    delete from {{ this.schema }}.cross_file_touched where model = '{{ this.name }}';
    {%- endif %}
    insert into {{ this.schema }}.cross_file_members
    select distinct '{{ this.name }}', source_file, entity_key from ({{ entity_members(kind) }})
{%- endmacro %}

{#- The entities this run rebuilds (a select of entity_key). -#}
{% macro touched_entities() -%}
    select entity_key from {{ this.schema }}.cross_file_touched where model = '{{ this.name }}'
{%- endmacro %}

{#- A condition on an entity key: the rows an incremental run rebuilds (a full build: every row). -#}
{% macro in_touched_entity(entity_key) -%}
    {%- if is_incremental() -%} {{ entity_key }} in ({{ touched_entities() }}) {%- else -%} true {%- endif -%}
{%- endmacro %}

{#- check_row of an entity model: like check_row() (macros/check_row.sql), but numbered within the
    row's file and entity, so rebuilding one entity keeps the keys of the file's other entities'
    rows. The top 43 bits are md5 of file and entity. -#}
{% macro entity_check_row(source_file, entity_key, order_by) -%}
    {{ check_row(source_file, order_by, entity_key=entity_key) }}
{%- endmacro %}

{#- The page of each line of the files `relation` names (source_file, line_no, page_no), to left join
    on (source_file, line_no): page_of()'s lookup, but restricted to the relation's files before
    the join, so an entity model reads its touched files' lines, not every line of the warehouse.
    On an incremental run the changed files' condition too: with the relation alone DuckDB
    misjudges its size and hashed all 7.4M lines at 100k reports (~1.5 CPU s a model); the small
    changed_files table lets it hand the file names to the scan, which skips the other files' row groups.
    Only lines with a page: (source_file, line_no) is unique, so a row whose line has none gets null
    either way, and without PDFs no line is hashed (the join built from 5 M lines at 100k reports). -#}
{% macro pages_of(relation) -%}
    (select source_file, line_no, page_no from {{ ref('stg_fiscal_txt__source_lines') }}
     where page_no is not null and source_file in (select source_file from {{ relation }})
     {%- if rebuilt_files_condition() %} and {{ rebuilt_files_condition() }}{% endif %})
{%- endmacro %}

{#- The check model's rows of `relation` (`columns` of it), each with its check_row (numbered by
    `order_by` within its file) and its page: joined with its files' lines after numbering, because
    page_of()'s correlated lookup cost ~1 CPU s a model at 100k reports. -#}
{% macro numbered_with_pages(relation, order_by, columns='*') -%}
select numbered.*, pages.page_no
from (
    select
        {{ check_row('source_file', order_by) }} as check_row,
        {{ columns }}
    from {{ relation }}
) as numbered
left join {{ pages_of(relation) }} as pages using (source_file, line_no)
{%- endmacro %}

{#- Per source_file, the value of `column` that most rows of `relation` print; of values printed as
    often, the one printed first (by `line_column`): the same in every build, whatever the rows' order. -#}
{% macro most_printed_per_file(relation, column, line_column='line_no') -%}
    select source_file, arg_max({{ column }}, (printed, -first_line)) as {{ column }}
    from (
        select source_file, {{ column }}, count(*) as printed, min({{ line_column }}) as first_line
        from {{ relation }}
        where {{ column }} is not null
        group by all
    )
    group by source_file
{%- endmacro %}
