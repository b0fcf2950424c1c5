{#- Regular expressions from a seed, as SQL literals.

    DuckDB compiles a regex read from a column once per row: joining every source line with a
    seed's patterns compiled one regex per (line, pattern), most of the dbt build (47 s of
    thread time at 1,100 reports). A literal is compiled once per query. The seed stays the one
    place of its words: its rows are read when the model runs (seeds build first: ref). -#}

{#- The seed's rows (agate rows, by column name) matching `where`; none while dbt parses. -#}
{% macro seed_rows(seed_name, where='true') -%}
    {%- set seed = ref(seed_name) -%}
    {%- if execute -%}
        {{ return(run_query('select * from ' ~ seed ~ ' where ' ~ where ~ ' order by all').rows) }}
    {%- endif -%}
    {{ return([]) }}
{%- endmacro %}


{#- A value as a SQL string literal (quotes doubled; DuckDB keeps backslashes as they are). -#}
{% macro sql_literal(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}


{#- True when `text` matches any of the rows' `column` patterns (false when there are none). -#}
{% macro matches_any(text, rows, column='pattern') -%}
    ({%- for row in rows %}regexp_matches({{ text }}, {{ sql_literal(row[column]) }}) or {% endfor -%} false)
{%- endmacro %}
