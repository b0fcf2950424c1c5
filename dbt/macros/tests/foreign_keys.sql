{#-
    Generic test: each of a model's foreign keys refers to a row of its parent, all in one test node.
    One `relationships` test per key cost a dbt node each (~40 ms of dbt's Python, and a Dagster check
    event) on every run; this test asks the same of every key. A failing row names the key's column,
    the value no parent row holds and the parent.
    keys: a list of {column, to, field, to_condition (optional, on the parent aliased `parent`)};
    a null key refers to nothing and passes, as in `relationships`.
-#}
{% test foreign_keys(model, keys) %}
    {%- for key in keys %}
    {% if not loop.first %}union all{% endif %}
    select
        '{{ key.column }}' as column_name,
        cast(child.{{ key.column }} as varchar) as value,
        '{{ key.to.identifier }}.{{ key.field }}' as parent
    from {{ model }} as child
    where child.{{ key.column }} is not null
      and not exists (
        select 1
        from {{ key.to }} as parent
        where parent.{{ key.field }} = child.{{ key.column }}
          and ({{ key.get('to_condition', 'true') }})
      )
    {%- endfor %}
{% endtest %}
