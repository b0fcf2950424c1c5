{#- check_row: the key of a check row (GX names failing rows by it), unique within its chk_* model
    and the same for a file's rows whatever other files are added or removed, so an incremental
    run can rebuild one file's rows and keep every other file's rows and violations.

    = the file's number (the top 43 bits of md5(source_file): stable, no registry needed) × 2^20
    + the row's 1-based position within its file (order_by, as the rule orders its rows).
    Within a file check_row follows document order, as the old row_number() over the model did;
    across files the order is the files' numbers, so who needs the model's order sorts by
    source_file, check_row. BIGINT (43 + 20 bits). Two of 100,000 file names share a number
    with odds of about 1 in 2,000; a file with 2^20 (1,048,576) rows in one rule fails the build
    rather than overlap the next number. -#}
{% macro check_row(source_file, order_by, entity_key=none) -%}
    {#- entity_key (cross-file models, macros/per_file.sql): numbered within the row's file and entity -#}
    {%- set numbered = source_file if entity_key is none else source_file ~ " || '|' || " ~ entity_key -%}
    {%- set within = source_file if entity_key is none else source_file ~ ", " ~ entity_key -%}
    {%- set what = "one file" if entity_key is none else "one file and entity" -%}
    ((md5_number_upper({{ numbered }}) >> 21)::bigint << 20)
    + case
        when row_number() over (partition by {{ within }} order by {{ order_by }}) < 1048576
            then row_number() over (partition by {{ within }} order by {{ order_by }})
        else error('more than 1,048,575 check rows in {{ what }}: ' || {{ source_file }})
    end
{%- endmacro %}
