{#- The incremental materialization of our models (delete+insert on one column: macros/incremental.sql,
    macros/per_file.sql) in fewer statements: 4 a model besides its hooks, dbt-duckdb's 9. dbt-duckdb's own
    spends a node's time on look-ups around the one statement that matters: a DESCRIBE of the model's
    whole query for the contract (DuckDB binds the query, then binds it again to build the rows), a
    DESCRIBE of the new rows and one of the table for on_schema_change, the DuckDB version. Here the
    rows are built once into a temporary table and, in the same statement, one query tells whether their
    columns are exactly the table's and the contract's (the usual case: then no column goes through
    jinja); else the columns are read and judged as dbt judges them (same errors). Then one statement
    deletes the keys' rows and inserts the new ones (by name), in the model's transaction.
    A first build, a full refresh, another strategy, a composite key or another on_schema_change
    than 'fail' / 'ignore' go to dbt-duckdb's materialization unchanged. -#}
{%- materialization incremental, adapter='duckdb' -%}

  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set unique_key = config.get('unique_key') -%}
  {%- set on_schema_change = incremental_validate_on_schema_change(config.get('on_schema_change'), default='ignore') -%}
  {%- if existing_relation is none or existing_relation.is_view or should_full_refresh()
        or model['language'] != 'sql' or config.get('incremental_strategy') != 'delete+insert'
        or unique_key is not string or on_schema_change not in ('fail', 'ignore')
        or config.get('incremental_predicates') or config.get('predicates')
        or adapter.is_motherduck() or adapter.is_ducklake(existing_relation) -%}
    {{ return(dbt.materialization_incremental_duckdb()) }}
  {%- endif -%}

  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set temp_relation = make_temp_relation(target_relation).include(database=False, schema=False) -%}
  {%- set grant_config = config.get('grants') -%}
  {%- set sql_header = config.get('sql_header', none) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- the new rows into a temporary table, then whether their columns (names and types, as DuckDB
      describes them) are exactly the contract's and the table's: one statement (DuckDB returns the
      last query's rows) -#}
  {%- set contract = config.get('contract').enforced -%}
  {%- if contract and not model['columns'] -%}{{ exceptions.raise_contract_error([], []) }}{%- endif -%}
  {% call statement('build_rows', fetch_result=True) -%}
    {{ sql_header if sql_header is not none }}
    create temporary table {{ temp_relation }} as (
      {{ sql }}
    );
    {{ incremental_columns_same_sql(temp_relation, existing_relation, contract) }}
  {%- endcall %}
  {%- set same = load_result('build_rows')['data'][0] -%}

  {%- if same[0] and same[1] and on_schema_change == 'fail' -%}
    {#- the same columns: dbt's checks would pass; the rows go in by name (the table's columns are theirs) -#}
    {% call statement('main') -%}
      delete from {{ target_relation }} where ({{ unique_key }}) in (select ({{ unique_key }}) from {{ temp_relation }});
      insert into {{ target_relation }} by name (select * from {{ temp_relation }});
      drop table {{ temp_relation }}
    {%- endcall %}
  {%- else -%}
    {#- columns differ somewhere (or on_schema_change 'ignore'): the columns in full, judged as dbt judges them -#}
    {% call statement('columns', fetch_result=True) -%}
      {{ incremental_columns_sql(temp_relation, existing_relation, contract) }}
    {%- endcall %}
    {%- set columns = {'rows': [], 'table': [], 'contract': []} -%}
    {%- for row in load_result('columns')['table'] -%}
      {%- do columns[row[0]].append(api.Column.create(row[1], row[2])) -%}
    {%- endfor -%}
    {%- if contract -%}{%- do assert_contract_columns(columns['rows'], columns['contract']) -%}{%- endif -%}
    {%- if on_schema_change == 'fail' -%}{%- do assert_same_schema(columns['rows'], columns['table'], target_relation) -%}{%- endif -%}
    {%- set dest_columns = columns['rows'] if on_schema_change == 'fail' else columns['table'] -%}

    {% call statement('main') -%}
      {{ get_delete_insert_merge_sql(target_relation, temp_relation, unique_key, dest_columns, none) }};
      drop table {{ temp_relation }}
    {%- endcall %}
  {%- endif %}

  {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=False) %}
  {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
  {% do persist_docs(target_relation, model) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{%- endmaterialization -%}


{#- (side, column_name, column_type) of the new rows, of the table and of the contract, as DuckDB describes them. -#}
{% macro incremental_columns_sql(rows_relation, table_relation, contract) -%}
    select 'rows' as side, column_name, column_type from (describe {{ rows_relation }})
    union all
    select 'table', column_name, column_type from (describe {{ table_relation }})
    {%- if contract %}
    union all
    select 'contract', column_name, column_type from (describe ({{ get_empty_schema_sql(model['columns']) }}))
    {%- endif %}
{%- endmacro %}


{#- (contract_same, table_same): the new rows' columns (name, type) are exactly the contract's (true
    without a contract) and the table's. Exactly the same columns pass dbt's contract check and
    on_schema_change='fail' check; anything else is judged column by column as dbt judges it. -#}
{% macro incremental_columns_same_sql(rows_relation, table_relation, contract) -%}
    with described as (
      {{ incremental_columns_sql(rows_relation, table_relation, contract) }}
    ), sides as (
      select side, list(column_name || ' ' || column_type order by column_name) as columns
      from described group by side
    )
    select
      {% if contract -%}
      (select columns from sides where side = 'rows') is not distinct from (select columns from sides where side = 'contract')
      {%- else %}true{% endif %} as contract_same,
      (select columns from sides where side = 'rows') is not distinct from (select columns from sides where side = 'table') as table_same
{%- endmacro %}


{#- dbt's assert_columns_equivalent on columns already described: the same names and types, else the
    contract error dbt raises (listing both sides). -#}
{% macro assert_contract_columns(rows_columns, contract_columns) -%}
  {%- set flat_rows, flat_contract = [], [] -%}
  {%- for column in rows_columns %}{% do flat_rows.extend(column.flatten()) %}{% endfor -%}
  {%- for column in contract_columns %}{% do flat_contract.extend(column.flatten()) %}{% endfor -%}
  {%- set sql_columns = format_columns(flat_rows) -%}
  {%- set yaml_columns = format_columns(flat_contract) -%}
  {%- set yaml_formatted = yaml_columns | map(attribute='formatted') | list -%}
  {%- if sql_columns | length != yaml_columns | length -%}
    {%- do exceptions.raise_contract_error(yaml_columns, sql_columns) -%}
  {%- endif -%}
  {%- for sql_col in sql_columns if sql_col['formatted'] not in yaml_formatted -%}
    {%- do exceptions.raise_contract_error(yaml_columns, sql_columns) -%}
  {%- endfor -%}
{%- endmacro %}


{#- on_schema_change='fail': dbt's check_for_schema_changes on columns already described. -#}
{% macro assert_same_schema(source_columns, target_columns, target_relation) -%}
  {%- set source_not_in_target = diff_columns(source_columns, target_columns) -%}
  {%- set target_not_in_source = diff_columns(target_columns, source_columns) -%}
  {%- set new_target_types = diff_column_data_types(source_columns, target_columns) -%}
  {%- if source_not_in_target or target_not_in_source or new_target_types -%}
    {%- set fail_msg -%}
      The source and target schemas on this incremental model are out of sync!
      They can be reconciled in several ways:
        - set the `on_schema_change` config to either append_new_columns or sync_all_columns, depending on your situation.
        - Re-run the incremental model with `full_refresh: True` to update the target schema.
        - update the schema manually and re-run the process.

      Additional troubleshooting context:
         Source columns not in target: {{ source_not_in_target }}
         Target columns not in source: {{ target_not_in_source }}
         New column types: {{ new_target_types }}
    {%- endset -%}
    {%- do exceptions.raise_compiler_error(fail_msg) -%}
  {%- endif -%}
{%- endmacro %}
