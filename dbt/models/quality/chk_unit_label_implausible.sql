{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='entity_key',
          on_schema_change='fail', pre_hook="{{ touch_entities('budget') }}",
          post_hook="{{ record_members('budget') }}") }}  -- per department-year: macros/per_file.sql
-- An amount whose unit label is implausible against its own document: the digits are right, the
-- 万元 / 元 printed after them is not (off by exactly 10^4).
--   narrative: a 说明 figure that differs from its tables but equals one of its candidates when read in
--              the other unit, at its printed precision (887,361万元 where the table prints 887,361 元);
--              chk_narrative_amount_mismatch finds the candidate and leaves the row to this rule;
--   target:    a 绩效目标 report's budget amount labelled 万元 that exceeds the report's own cost ceiling
--              (成本 indicator ≤ X 万元) while read in 元 it lies within it, and not below a tenth of it
--              (a per-unit ceiling far below the amount says nothing about the amount's unit).
-- One row per compared amount; expected_unit is the unit that makes it agree, observed_unit the unit
-- printed. GX: expected_unit = observed_unit.
with

narrative as (

    select
        source_file, report_id, report_seq, table_seq, report_type, fiscal_year, project_name, implementing_unit,
        department, district, table_title, money_unit, subject, '说明金额' as measure, line_no,
        case
            when unit_plausible then detail
            else '读作“' || other_unit || '”即与' || rescaled_place || '一致（'
                 || cast(rescaled_expected_yuan as varchar) || ' 元）'
        end as detail,
        case when unit_plausible then money_unit else other_unit end as expected_unit,
        money_unit as observed_unit,
        page_no,
        entity_key
    from {{ ref('chk_narrative_amount_mismatch') }}
    where {{ in_touched_entity('entity_key') }}

),

-- the 万元 targets of the touched entities, before their ceilings are looked up (not every report's)
target_reports as (

    select r.*, {{ budget_entity('d.department_key', 'd.fiscal_year', 'r.source_file') }} as entity_key
    from {{ ref('fct_report') }} as r
    left join {{ ref('int_budget_documents') }} as d on d.source_file = r.source_file  -- the file's entity
    where r.report_type = 'target' and r.budget_amount_unit = '万元' and r.budget_amount_stated > 0
      and {{ in_touched_entity(budget_entity('d.department_key', 'd.fiscal_year', 'r.source_file')) }}

),

ceilings as (

    select
        i.report_id,
        -- the lowest ceiling; of equal ones the first printed (name and line of one indicator)
        arg_min(i.indicator_name, (v.target_value, i.line_no, i.indicator_seq)) as indicator_name,
        arg_min(i.line_no, (v.target_value, i.line_no, i.indicator_seq)) as indicator_line,
        min(v.target_value) as ceiling_wan
    from {{ ref('fct_indicator') }} as i
    join {{ ref('stg_fiscal_txt__indicator_values') }} as v
      on v.source_file = i.source_file and v.report_seq = i.report_seq and v.indicator_seq = i.indicator_seq
    where (i.level2 like '%成本%' or i.indicator_name like '%成本%')
      and v.target_operator in ('<=', '<') and v.target_unit in ('万元', '万')
      and i.source_file in (select source_file from target_reports)
      and v.source_file in (select source_file from target_reports)
    group by i.report_id

),

target as (

    select
        r.source_file, r.report_id, r.report_seq, cast(null as integer) as table_seq, r.report_type, r.fiscal_year,
        r.project_name, r.implementing_unit, r.supervising_dept as department, r.district,
        {{ report_title('r') }} as table_title, r.budget_amount_unit as money_unit, r.project_name as subject,
        '本年度项目金额' as measure, r.line_start as line_no,
        '成本指标“' || c.indicator_name || '”（第 ' || c.indicator_line || ' 行）不超过 '
            || regexp_replace(cast(c.ceiling_wan as varchar), '\.?0+$', '') || ' 万元' as detail,
        case
            when r.budget_amount_stated > c.ceiling_wan
             and r.budget_amount_stated / 10000 <= c.ceiling_wan
             and r.budget_amount_stated / 10000 >= c.ceiling_wan / 10
                then '元'
            else '万元'
        end as expected_unit,
        r.budget_amount_unit as observed_unit,
        r.page_no,
        r.entity_key
    from target_reports as r
    join ceilings as c using (report_id)

)

select
    {{ entity_check_row('source_file', 'entity_key', 'line_no, subject, measure, detail, expected_unit, observed_unit') }}
        as check_row,
    *
from (
    select * from narrative
    union all by name
    select * from target
)
