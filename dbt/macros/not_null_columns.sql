{#- A check model's not-null columns (a column's `constraints: [{type: not_null}]` in its yml) made
    NOT NULL in its table, not dbt tests: a check model has no contract (its ~25 columns would need
    their types in the yml), so dbt writes no constraint into its DDL. When the table is made (a first
    build, a full refresh) this post-hook alters each such column, which fails if a row is null; from
    then on DuckDB refuses a null on every insert, an incremental delete+insert included ("NOT NULL
    constraint failed: <model>.<column>"), so the model fails and the build with it, as a failing
    not_null test did, and no run spends a test node (~40 ms of dbt, plus Dagster's check event) on it.
    An incremental run keeps the table, and with it the constraint: nothing to do. -#}
{% macro not_null_columns() -%}
  {%- if execute and not is_incremental() -%}
    {%- for column in model['columns'].values()
          if column['constraints'] | selectattr('type', 'equalto', 'not_null') | list -%}
      alter table {{ this }} alter column {{ adapter.quote(column['name']) }} set not null;
    {% endfor -%}
  {%- endif -%}
{%- endmacro %}
