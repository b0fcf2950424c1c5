{#- Generic test: no two rows share the same values of combination_of_columns (a composite key). NULLs compare equal. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns_csv = combination_of_columns | join(', ') %}
    select {{ columns_csv }}, count(*) as n_rows
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1
{% endtest %}
