{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- The same subject agrees across the tables of one file and year, comparing like with like:
--   1 部门收入预算总表 合计            = 部门支出预算总表 合计
--   2 部门收入预算总表 财政拨款收入    = 一般公共预算 + 政府性基金 功能分类预算表 合计
--   3 财政拨款收支预算总表 一般公共预算 = 一般公共预算支出功能分类预算表 合计
--   4 财政拨款收支预算总表 政府性基金预算 = 政府性基金预算支出功能分类预算表 合计
--   5 部门财务收支预算总表 支出 (预算数) = 部门支出预算总表 合计
-- Rows with a subject code match by code; rows without (the 一、二、 rows and 合计/总计 rows of
-- two-sided tables) match by name, 合计/总计 rows to each other. Only subjects present on both
-- sides are compared (a missing row is not an amount mismatch). tolerance_yuan: one printed unit
-- (the coarser side's) per reference term.
with

pairs(pair_id, left_kind, left_measure, right_kind, right_measure) as (

    values
        (1, 'income', '合计', 'expenditure', '合计'),
        (2, 'income', '财政拨款收入', 'gpb_function', '合计'),
        (2, 'income', '财政拨款收入', 'gf_function', '合计'),
        (3, 'appropriation', '一般公共预算', 'gpb_function', '合计'),
        (4, 'appropriation', '政府性基金预算', 'gf_function', '合计'),
        (5, 'finance_summary', '*', 'expenditure', '合计')

),

lines as (

    select *, case when is_total_row then '合计' else name_key end as match_name
    from {{ changed_rows('int_budget_lines_classified') }}
    where amount_yuan is not null and coalesce(side, '支出') = '支出'

),

left_rows as (

    select distinct p.pair_id, l.*
    from lines as l
    join pairs as p on l.table_kind = p.left_kind and (p.left_measure = '*' or l.measure = p.left_measure)

),

right_rows as (

    select p.pair_id, r.*
    from lines as r
    join pairs as p on r.table_kind = p.right_kind and r.measure = p.right_measure

),

right_by_code as (

    select
        pair_id, source_file, fiscal_year, subject_code,
        sum(amount_yuan) as amount, count(*) as terms, max(unit_factor) as unit_factor, min(decimals) as decimals,
        string_agg(distinct '《' || table_title || '》', '、' order by '《' || table_title || '》') as tables  -- ordered: the same text in every build
    from right_rows
    where coalesce(subject_code, '') <> ''
    group by all

),

right_by_name as (

    select
        pair_id, source_file, fiscal_year, match_name,
        sum(amount_yuan) as amount, count(*) as terms, max(unit_factor) as unit_factor, min(decimals) as decimals,
        string_agg(distinct '《' || table_title || '》', '、' order by '《' || table_title || '》') as tables  -- ordered: the same text in every build
    from right_rows
    group by all
    having count(distinct coalesce(subject_code, '')) = 1

),

matched as (

    select l.*, rc.amount as right_amount, rc.terms, rc.unit_factor as right_factor, rc.decimals as right_decimals,
           rc.tables
    from left_rows as l
    join right_by_code as rc
      on rc.pair_id = l.pair_id and rc.source_file = l.source_file
     and rc.fiscal_year is not distinct from l.fiscal_year and rc.subject_code = l.subject_code
    where coalesce(l.subject_code, '') <> ''

    union all

    select l.*, rn.amount, rn.terms, rn.unit_factor, rn.decimals as right_decimals, rn.tables
    from left_rows as l
    join right_by_name as rn
      on rn.pair_id = l.pair_id and rn.source_file = l.source_file
     and rn.fiscal_year is not distinct from l.fiscal_year and rn.match_name = l.match_name
    where coalesce(l.subject_code, '') = ''

),

checked as (

    select
        {{ budget_context('m') }},
        case when coalesce(m.subject_code, '') = '' then m.subject_name
             else m.subject_code || ' ' || coalesce(m.subject_name, '') end as subject,
        m.measure,
        m.line_no,
        m.tables || ' 合计' as detail,
        {{ money('m.right_amount') }} as expected_yuan,
        {{ money('m.amount_yuan') }} as observed_yuan,
        {{ money('m.terms * ' ~ printed_unit('least(m.decimals, m.right_decimals)', 'greatest(m.unit_factor, m.right_factor)')) }}
            as tolerance_yuan,
        m.pair_id
    from matched as m

)

{{ numbered_with_pages('checked', 'table_seq, line_no, measure, pair_id', columns='* exclude (pair_id)') }}
