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
    {{ report_title(r) }} as table_title,
    {{ r }}.money_unit
{%- endmacro %}


{#- A report's table title as printed: its first line when the parser read it as a title
    ('财政项目支出绩效自评表 (2024年度)', models/intermediate/int_report_titles.sql), else the report
    type's name. Evidence for a finding. -#}
{% macro report_title(r) -%}
    coalesce(
        (
            select titles.table_title
            from {{ changed_rows('int_report_titles') }} as titles
            where titles.report_id = {{ r }}.report_id
        ),
        {{ report_type_label(r ~ '.report_type') }}
    )
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


{#- The PDF page of a check row's line (raw.source_lines); null for text, Word and Excel inputs.
    Only lines with a page are looked up ((source_file, line_no) is unique): none without PDFs. -#}
{% macro page_of(relation) -%}
    (
        select lines.page_no from {{ changed_rows('stg_fiscal_txt__source_lines') }} as lines
        where lines.source_file = {{ relation }}.source_file and lines.line_no = {{ relation }}.line_no
          and lines.page_no is not null
    )
{%- endmacro %}


{#- page_of() as a join, for a check model reading a mart's rows (`rows`: their alias, with
    source_file and line_no): `pages.page_no` is each row's page. Joined where the rows are read,
    DuckDB builds its hash table from the mart's rows and streams the lines past it; page_of()'s
    lookup after the check rows' window built one from all 7.4 M source lines at 100k reports.
    Only lines with a page are joined (as pages_of(), macros/per_file.sql): the same rows, and
    none to read past when no input is a PDF. -#}
{% macro join_pages(rows) -%}
    left join (select source_file, line_no, page_no from {{ changed_rows('stg_fiscal_txt__source_lines') }}
               where page_no is not null) as pages
      on pages.source_file = {{ rows }}.source_file and pages.line_no = {{ rows }}.line_no
{%- endmacro %}


{#- The worth in 元 of one unit of the last printed digit: a figure printed with `decimals`
    decimals (NULL: not known, read as 2) in a unit of `factor` 元. A figure stands for anything
    that rounds to it, so differences up to this much per term are what rounding explains. -#}
{% macro printed_unit(decimals, factor) -%}
    (cast(power(10, -least(coalesce({{ decimals }}, 2), 6)) as decimal(18, 6)) * {{ factor }})
{%- endmacro %}


{#- An amount in 元 as the document would print it in `money_unit` with `decimals` decimals (NULL:
    2), back in 元: 171,915,169 元 in 万元 to 0 decimals → 171,920,000. Exact DECIMAL arithmetic
    (DuckDB divides DECIMALs as doubles, so the unit is applied by multiplication; each branch is
    cast back to one scale, else CASE would take the first branch's scale of 0). -#}
{% macro rounded_as_printed(amount_yuan, money_unit, decimals) -%}
    (case least(coalesce({{ decimals }}, 2), 4)
        {%- for d in range(5) %}
        when {{ d }} then cast(round(cast({{ amount_yuan }} as decimal(24, 6))
                                     * case {{ money_unit }} when '万元' then 0.0001 else 1 end, {{ d }})
                               as decimal(24, 6))
        {%- endfor %}
     end * {{ unit_factor(money_unit) }})
{%- endmacro %}
