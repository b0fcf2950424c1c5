{#- Data tests of an incremental run judge the rows it rebuilt, not the whole warehouse.

    A test whose `where` config says `__changed_files__` keeps, on an incremental run, only the rows
    of the files raw.changed_files lists: a unique test over every source line took seconds at 100k
    reports for the few hundred lines of one new file. It is exact for a relation whose rows of a
    file are made from that file's rows alone (staging views over raw, the fact marts incremental on
    source_file) and a test judging a row, or a key that includes its file: the other files' rows
    are those an earlier build made and tested. A full build (--full-refresh, or a warehouse with no
    recorded build: raw.dbt_build_state, written by the dbt step just before dbt; a warehouse without
    one gets --full-refresh) tests every row.
    dbt's own get_where_subquery (the `where` as a subquery around the tested model), plus the
    placeholder (the yml rendering context has no source() or flags), and no alias on the subquery:
    DuckDB needs none, and a test may alias its model (foreign_keys: `{{ model }} as child`). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where and '__changed_files__' in where -%}
        {%- set where = where | replace('__changed_files__', changed_files_condition()) -%}
    {%- endif -%}
    {%- if where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ')') -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#- The rows an incremental run rebuilt (a condition on source_file); a full build: every row. -#}
{% macro changed_files_condition() -%}
    {%- set changed = graph.sources['source.' ~ project_name ~ '.fiscal_txt.changed_files'] -%}
    {%- set built = adapter.get_relation(database=changed.database, schema=changed.schema,
                                         identifier='dbt_build_state') if execute else none -%}
    {%- if flags.FULL_REFRESH or built is none -%}
    true
    {%- else -%}
    source_file in (select source_file from {{ changed.relation_name }})
    {%- endif -%}
{%- endmacro %}
