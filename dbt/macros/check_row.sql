{#- check_row: the key of a check row (GX names failing rows by it), unique within its chk_* model
    and the same for a file's rows whatever other files are added or removed, so an incremental
    run can rebuild one file's rows and keep every other file's rows and violations.

    = the file's number (the top 43 bits of md5(source_file): stable, no registry needed) × 2^20
    + the row's 1-based position within its file (order_by, as the rule orders its rows).
    Within a file check_row follows document order, as the old row_number() over the model did;
    across files the order is the files' numbers, so who needs the model's order sorts by
    source_file, check_row. BIGINT (43 + 20 bits). Two of 100,000 file names share a number
    with odds of about 1 in 2,000: a build where two do fails (guard_file_numbers, below) rather than
    mix their rows; a file with 2^20 (1,048,576) rows in one rule fails the build rather than
    overlap the next number. -#}
{% macro check_row(source_file, order_by, entity_key=none, file_number=none) -%}
    {#- entity_key (cross-file models, macros/per_file.sql): numbered within the row's file and entity;
        file_number: a column already holding check_row_number(source_file), computed once per file
        (md5 of every row's file name was a tenth of chk_placeholder_text's 6 M rows) -#}
    {%- set numbered = source_file if entity_key is none else source_file ~ " || '|' || " ~ entity_key -%}
    {%- set within = source_file if entity_key is none else source_file ~ ", " ~ entity_key -%}
    {%- set what = "one file" if entity_key is none else "one file and entity" -%}
    ({{ check_row_number(numbered) if file_number is none else file_number }} << 20)
    + case
        when row_number() over (partition by {{ within }} order by {{ order_by }}) < 1048576
            then row_number() over (partition by {{ within }} order by {{ order_by }})
        else error('more than 1,048,575 check rows in {{ what }}: ' || {{ source_file }})
    end
{%- endmacro %}


{#- The number check_row gives a file (or a file and entity): the top 43 bits of md5 of the name. -#}
{% macro check_row_number(name) -%}
    (md5_number_upper({{ name }}) >> 21)::bigint
{%- endmacro %}


{#- Two files with one number would share check rows, silently: the build fails instead, naming both
    (a limit of the pipeline, not a finding of the documents: renaming either file lifts it).
    on-run-start (dbt_project.yml): every dbt invocation, incremental or not, checks all loaded files
    (raw.source_files, one row per file: a hash join, milliseconds at 100,000 files). -#}
{% macro guard_file_numbers() -%}
    {%- set files = source('fiscal_txt', 'source_files') -%}
    {%- if execute and adapter.get_relation(database=files.database, schema=files.schema, identifier=files.identifier) -%}
    select error('check_row: files "' || a.source_file || '" and "' || b.source_file
                 || '" have the same number (top 43 bits of md5 of the name); rename one of them')
    from {{ files }} as a
    join {{ files }} as b
      on {{ check_row_number('a.source_file') }} = {{ check_row_number('b.source_file') }}
     and a.source_file < b.source_file
    {%- endif -%}
{%- endmacro %}


{#- The same for the entity models' rows (numbered per file and entity: check_row(entity_key=…)):
    two (file, entity) pairs of one model with one number. on-run-end (dbt_project.yml), over the
    check rows of each entity model this run built (a group by: milliseconds at 10,000 reports). -#}
{% macro guard_entity_numbers(results) -%}
    {%- set checks = [] -%}
    {%- for result in results if result.node.resource_type == 'model' and result.status == 'success'
                                 and result.node.config.get('unique_key') == 'entity_key' -%}
        {%- do checks.append(
            "select '" ~ result.node.name ~ "' as model, check_row >> 20 as number, "
            ~ "min(source_file || '\" (' || entity_key || ')') as one, "
            ~ "max(source_file || '\" (' || entity_key || ')') as other from " ~ result.node.relation_name
            ~ " group by number having count(distinct source_file || '|' || entity_key) > 1") -%}
    {%- endfor -%}
    {%- if checks -%}
    select error('check_row of ' || model || ': "' || one || ' and "' || other
                 || ' have the same number (top 43 bits of md5 of file and entity); rename the file')
    from ({{ checks | join(' union all ') }})
    {%- endif -%}
{%- endmacro %}
