{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- Across the columns of one budget table row: 合计 = Σ the other amount columns (expenditure
-- tables 基本支出 + 项目支出; income tables 财政拨款收入 + 事业收入 + 事业单位经营收入 + 其他收入 …;
-- economic tables 人员经费 + 公用经费; 财政拨款支出 一般公共预算 + 政府性基金预算). Columns named
-- 小计 are subtotals and not summed. A column the row does not print counts as 0 (trailing zero
-- columns are omitted on 项 rows), so a row is checked when it prints 合计 and another column.
-- The 三公 table is folded in: 三公经费合计 = 因公出国(境)费 + 公务接待费 + 公务用车购置及运行费,
-- and 公务用车购置及运行费 = 购置费 + 运行费 (机关运行经费 is not a 三公 part; items from the
-- three_public_items seed). tolerance_yuan: one printed unit per summed column (the row's coarsest
-- printed precision).
with

lines as (

    select * from {{ changed_rows('int_budget_lines_classified') }}

),

generic as (

    select
        source_file, table_seq, side, row_seq,
        any_value(fiscal_year) as fiscal_year,
        any_value(table_title) as table_title,
        any_value(department) as department,
        any_value(district) as district,
        any_value(case when coalesce(subject_code, '') = '' then subject_name
                       else subject_code || ' ' || coalesce(subject_name, '') end) as subject,
        any_value(money_unit) as money_unit,
        any_value(unit_factor) as unit_factor,
        min(decimals) as decimals,
        min(line_no) filter (where measure = '合计') as line_no,
        sum(amount_yuan) filter (where measure = '合计') as total_amount,
        count(amount_yuan) filter (where measure = '合计') as totals_stated,
        sum(coalesce(amount_yuan, 0)) filter (where measure <> '合计' and measure not like '%小计%') as parts_sum,
        count(*) filter (where measure <> '合计' and measure not like '%小计%') as parts_count,
        string_agg(measure, ' + ' order by line_no, measure)
            filter (where measure <> '合计' and measure not like '%小计%') as terms
    from lines
    where table_kind <> 'three_public'
    group by source_file, table_seq, side, row_seq

),

three_public as (

    select
        source_file, table_seq, row_seq,
        any_value(fiscal_year) as fiscal_year,
        any_value(table_title) as table_title,
        any_value(department) as department,
        any_value(district) as district,
        any_value(money_unit) as money_unit,
        any_value(unit_factor) as unit_factor,
        min(decimals) as decimals,
        sum(amount_yuan) filter (where three_public_item = 'total') as total_amount,
        min(line_no) filter (where three_public_item = 'total') as total_line_no,
        sum(amount_yuan) filter (where three_public_item = 'vehicle') as vehicle_amount,
        min(line_no) filter (where three_public_item = 'vehicle') as vehicle_line_no,
        count(amount_yuan) filter (where three_public_item = 'vehicle') as vehicle_stated,
        sum(coalesce(amount_yuan, 0)) filter (where three_public_item in ('overseas_travel', 'reception'))
            as travel_reception,
        count(*) filter (where three_public_item in ('overseas_travel', 'reception')) as travel_reception_count,
        sum(coalesce(amount_yuan, 0)) filter (where three_public_item in ('vehicle_purchase', 'vehicle_running'))
            as vehicle_parts,
        count(*) filter (where three_public_item in ('vehicle_purchase', 'vehicle_running')) as vehicle_parts_count
    from lines
    where table_kind = 'three_public'
    group by source_file, table_seq, row_seq

),

checked as (

    select
        source_file, fiscal_year, table_seq, table_title, department, district, money_unit,
        subject, '合计' as measure, line_no,
        parts_sum as expected_amount, coalesce(total_amount, 0) as observed_amount,
        parts_count as terms_count, unit_factor, decimals, terms || ' 之和' as detail
    from generic
    where totals_stated > 0 and parts_count > 0

    union all

    select
        source_file, fiscal_year, table_seq, table_title, department, district, money_unit,
        '“三公”经费', '合计', total_line_no,
        -- a part the table leaves blank (not printed) counts as 0, as in the generic rule
        travel_reception + case when vehicle_stated > 0 then vehicle_amount else coalesce(vehicle_parts, 0) end,
        total_amount,
        travel_reception_count + case when vehicle_stated > 0 then 1 else vehicle_parts_count end,
        unit_factor,
        decimals,
        '因公出国(境)费 + 公务接待费 + 公务用车购置及运行费 之和'
    from three_public
    where total_amount is not null and travel_reception_count + vehicle_stated + vehicle_parts_count > 0

    union all

    select
        source_file, fiscal_year, table_seq, table_title, department, district, money_unit,
        '“三公”经费', '公务用车购置及运行费', vehicle_line_no,
        vehicle_parts, vehicle_amount, vehicle_parts_count, unit_factor, decimals, '购置费 + 运行费 之和'
    from three_public
    where vehicle_stated > 0 and vehicle_parts_count > 0

)

select numbered.*, pages.page_no
from (
    select
        -- detail (the summed columns) orders the two sides of a line should both print one subject
        {{ check_row('source_file', 'table_seq, line_no, measure, subject, detail') }} as check_row,
        source_file,
        cast(null as varchar) as report_id,
        cast(null as integer) as report_seq,
        table_seq,
        'budget' as report_type,
        fiscal_year,
        cast(null as varchar) as project_name,
        cast(null as varchar) as implementing_unit,
        department,
        district,
        table_title,
        money_unit,
        subject,
        measure,
        line_no,
        detail,
        {{ money('expected_amount') }} as expected_yuan,
        {{ money('observed_amount') }} as observed_yuan,
        {{ money('terms_count * ' ~ printed_unit('decimals', 'unit_factor')) }} as tolerance_yuan
    from checked
) as numbered
-- each row's page by a join with its files' lines (pages_of, macros/per_file.sql): page_of()'s
-- correlated lookup cost ~1 CPU s a model at 100k reports
left join {{ pages_of('checked') }} as pages using (source_file, line_no)
