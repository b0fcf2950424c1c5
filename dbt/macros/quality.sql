{#- Helpers shared by the quality models (models/quality/chk_*.sql). -#}

{#- A name as a comparison key: spaces and quotes removed ('“三公”经费' → '三公经费'). -#}
{% macro name_key(column) -%}
    regexp_replace({{ column }}, '[\s“”"‘’''「」《》]', '', 'g')
{%- endmacro %}


{#- 1 for 元, 10000 for 万元: the document's rounding unit in 元. -#}
{% macro unit_factor(money_unit) -%}
    cast(case {{ money_unit }} when '万元' then 10000 else 1 end as decimal(18, 2))
{%- endmacro %}


{#- The item of a 三公 label, from the three_public_items seed (first pattern by priority). -#}
{% macro three_public_item(label) -%}
    (
        select arg_min(items.item, items.priority)
        from {{ ref('three_public_items') }} as items
        where {{ label }} like items.label_pattern
    )
{%- endmacro %}


{#- The context columns every check row of a report carries (r = a marts.fct_report row). -#}
{% macro report_context(r) -%}
    {{ r }}.source_file,
    {{ r }}.report_id,
    {{ r }}.report_seq,
    cast(null as integer) as table_seq,
    {{ r }}.report_type,
    {{ r }}.fiscal_year,
    {{ r }}.project_name,
    {{ r }}.implementing_unit,
    {{ r }}.supervising_dept as department,
    {{ r }}.district,
    cast(null as varchar) as table_title,
    {{ r }}.money_unit
{%- endmacro %}


{#- The context columns of a check row on a budget table (b = an int_budget_lines_classified row). -#}
{% macro budget_context(b) -%}
    {{ b }}.source_file,
    cast(null as varchar) as report_id,
    cast(null as integer) as report_seq,
    {{ b }}.table_seq,
    'budget' as report_type,
    {{ b }}.fiscal_year,
    cast(null as varchar) as project_name,
    cast(null as varchar) as implementing_unit,
    {{ b }}.department,
    {{ b }}.district,
    {{ b }}.table_title,
    {{ b }}.money_unit
{%- endmacro %}


{#- Money as the quality models carry it. -#}
{% macro money(expression) -%}
    cast({{ expression }} as decimal(18, 2))
{%- endmacro %}


{#- Rates (%), weights and scores (分) as the quality models carry them. -#}
{% macro points(expression) -%}
    cast({{ expression }} as decimal(18, 4))
{%- endmacro %}


{#- The Chinese name of a report_type. -#}
{% macro report_type_label(report_type) -%}
    case {{ report_type }} when 'target' then '绩效目标表' when 'tracking' then '绩效跟踪表'
        when 'self_eval' then '绩效自评表' else {{ report_type }} end
{%- endmacro %}


{#- The PDF page of a check row's line (raw.source_lines); null for text, Word and Excel inputs. -#}
{% macro page_of(relation) -%}
    (
        select lines.page_no from {{ ref('stg_fiscal_txt__source_lines') }} as lines
        where lines.source_file = {{ relation }}.source_file and lines.line_no = {{ relation }}.line_no
    )
{%- endmacro %}
