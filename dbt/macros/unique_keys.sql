{#- The keys of the large fact marts, checked by a post-hook instead of a primary key / unique constraint.

    DuckDB keeps a constraint's index (ART) in the file and rewrites it at each checkpoint after any
    insert: at 100k reports (fct_indicator's 967k keys, fct_project_fund's 377k, fct_report's two) the
    checkpoint of one new file's delete+insert took 0.37-0.45 CPU s and 1.1-1.5 s wall (7-27 MB written)
    with the keys, 0.01-0.02 CPU s (1.5-2.8 MB) without, on the critical path as dbt's process closes
    the file. The same rule instead: a model's `meta.unique_keys` (a list of column lists) are checked
    after its rows went in, in its transaction, so a duplicate fails the model (and the build) and
    keeps its rows, dbt naming the model and the error the key's columns and value. An incremental run
    groups only the keys its changed files' rows hold (the other rows were unique after the build that
    made them, and a duplicate needs a new row); a full build groups every row. The small dims keep
    their primary keys. Config of such a model:
      meta: {unique_keys: [[<column>, ...], ...]}, post_hook: "{{ assert_unique_keys() }}" -#}
{% macro assert_unique_keys() -%}
  {%- set keys = (config.get('meta') or {}).get('unique_keys', []) if execute else [] -%}
  {%- set changed = rebuilt_files_condition() -%}
  {%- if keys -%}
    select error('{{ this.schema }}.{{ this.identifier }}: duplicate key "' || key_value || '" (' || n || ' rows; key ' || key_columns || ')')
    from (
    {%- for key in keys %}
      {%- set columns = key | join(', ') %}
      {{ 'union all' if not loop.first }}
      select '({{ columns }})' as key_columns,
             {% for column in key %}'{{ column }}: ' || {{ column }}{{ " || ', ' || " if not loop.last }}{% endfor %} as key_value,
             count(*) as n
      from {{ this }}
      {%- if changed %}
      semi join (select {{ columns }} from {{ this }} where {{ changed }}) using ({{ columns }})
      {%- endif %}
      group by {{ columns }}
      having count(*) > 1
    {%- endfor %}
    )
    limit 1
  {%- endif -%}
{%- endmacro %}
