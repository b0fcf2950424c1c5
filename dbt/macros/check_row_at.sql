{#- check_row of a row that carries its own 1-based position in its file (chk_placeholder_text: one
    row per line, its line number): check_row's key (macros/check_row.sql), the file's number × 2^20
    + that position, without a row_number() window over the model's rows. Unique when the position
    is (the model's one row per position); a position beyond 2^20 - 1 fails the build, as check_row does.
    file_number: a column holding check_row_number(source_file). -#}
{% macro check_row_at(file_number, position, source_file) -%}
    ({{ file_number }} << 20)
    + case
        when {{ position }} between 1 and 1048575 then {{ position }}
        else error('check row position out of 1..1,048,575 in one file: ' || {{ source_file }})
    end
{%- endmacro %}
