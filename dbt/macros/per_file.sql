{#- Incremental check models (quality.chk_* of a per-file rule, finding_places): a run rebuilds
    only the check rows of the files raw.changed_files lists, like the fact marts
    (macros/incremental.sql: delete+insert on source_file, the pre-hook deletes a removed file's
    rows). A per-file rule's rows of a file depend on that file's rows only, so every relation it
    reads that has source_file is read through changed_rows(); seeds and dims are read whole.
    check_row is a per-file key (macros/check_row.sql), so kept rows keep their keys.
    Rules comparing files (across documents, a department-year's files) stay tables. -#}
{% macro changed_rows(model) -%}
    {%- if is_incremental() -%}
    (select * from {{ ref(model) }}
     where source_file in (select source_file from {{ source('fiscal_txt', 'changed_files') }}))
    {%- else -%}
    {{ ref(model) }}
    {%- endif -%}
{%- endmacro %}
