{#-
    Generic test: like `relationships`, but only the parent rows satisfying to_condition count
    (e.g. a level-1 code must exist among the level-1 categories).
-#}
{% test relationships_where(model, column_name, to, field, to_condition='true') %}
    select child.{{ column_name }}
    from {{ model }} as child
    where child.{{ column_name }} is not null
      and not exists (
        select 1
        from {{ to }} as parent
        where parent.{{ field }} = child.{{ column_name }}
          and ({{ to_condition }})
      )
{% endtest %}
