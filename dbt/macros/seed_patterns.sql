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


{#- Each row of `tables` (a relation with `title_key`) with the standard budget table its title is (seed
    budget_standard_tables: it matches title_regex, not exclude_regex): the row's `columns`, template,
    table_no, table_key. Each standard table's regexes as literals, compiled once, not once per
    (table, standard table) pair of a join. -#}
{% macro standard_tables_found(tables, columns) -%}
    {%- for s in seed_rows('budget_standard_tables') %}
    select {{ columns | join(', ') }}, {{ sql_literal(s['template']) }} as template,
           {{ s['table_no'] }} as table_no, {{ sql_literal(s['table_key']) }} as table_key
    from {{ tables }}
    where regexp_matches(title_key, {{ sql_literal(s['title_regex']) }})
    {%- if s['exclude_regex'] %}
      and not regexp_matches(title_key, {{ sql_literal(s['exclude_regex']) }})
    {%- endif %}
    union all
    {%- endfor %}
    {#- no rows, the columns' names and types (a seed without rows, and while dbt parses) #}
    select {{ columns | join(', ') }}, cast(null as varchar) as template, cast(null as integer) as table_no,
           cast(null as varchar) as table_key
    from {{ tables }}
    where false
{%- endmacro %}
