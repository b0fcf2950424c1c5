{#-
    The one unit conversion: an amount as printed, in its printed unit, to 元 as decimal(18,2).
    万元 × 10000, 元 × 1; any other (or missing) unit gives NULL rather than a guess.
    `unit` is a SQL expression (a column or a quoted literal).
-#}
{% macro to_yuan(amount, unit) -%}
    cast(round(
        cast({{ amount }} as decimal(24, 6)) * case trim({{ unit }})
            when '万元' then 10000
            when '元' then 1
        end,
        2
    ) as decimal(18, 2))
{%- endmacro %}
