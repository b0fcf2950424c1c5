{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- A change claim of the prose agrees with its own amounts: P = (B − A) ÷ A × 100, with the sign of
-- its verb (增加/增长 +, 减少/下降 −, 持平 0).
--   stated:  A (base) and B (budget) printed;
--   implied: B and the change D printed, A = B − D (增加) or B + D (减少).
-- expected_rate_pct: the signed change the amounts give; observed_rate_pct: the stated percent with the
-- verb's sign. tolerance_pct: the widest the change can be given the amounts' printed precision (each
-- ± half its last decimal), plus one unit of the percent's last decimal (rounded or truncated);
-- a 持平 without a percent is allowed 1 percentage point. A base of zero has no percent change: not checked.
with

claims as (

    select
        c.*,
        case c.direction when 'increase' then 1 when 'decrease' then -1 else 0 end as sign,
        case when c.form = 'stated' then c.base_amount
             when c.direction = 'decrease' then c.budget_amount + c.change_amount
             else c.budget_amount - c.change_amount end as base,
        case when c.form = 'stated' then c.half_base else c.half_budget + c.half_change end as half_base_total
    from {{ changed_rows('stg_fiscal_txt__narrative_changes') }} as c
    where c.form = 'stated' or c.direction <> 'flat'

),

bounded as (

    select
        claims.*,
        100.0 * (budget_amount - base) / base as change_pct,
        -- the change at the two ends of what the printed amounts stand for
        case when form = 'stated'
             then 100.0 * ((budget_amount - half_budget) - (base + half_base)) / (base + half_base)
             else 100.0 * sign * (change_amount - half_change) / (base + half_base_total) end as low_pct,
        case when form = 'stated'
             then 100.0 * ((budget_amount + half_budget) - (base - half_base)) / (base - half_base)
             else 100.0 * sign * (change_amount + half_change) / (base - half_base_total) end as high_pct
    from claims
    where base > half_base_total

),

departments as (

    -- the document's department: also for a narrative published apart from its tables
    select source_file, department, district
    from {{ changed_rows('int_budget_documents') }}

),

checked as (

    select
        b.source_file,
        cast(null as varchar) as report_id,
        cast(null as integer) as report_seq,
        cast(null as integer) as table_seq,
        'budget' as report_type,
        b.fiscal_year,
        cast(null as varchar) as project_name,
        cast(null as varchar) as implementing_unit,
        d.department,
        d.district,
        '预算编制说明' as table_title,
        b.unit as money_unit,
        b.subject_name as subject,
        '变动比例' as measure,
        b.line_no,
        case when b.form = 'stated'
             then coalesce(b.base_year || '年', '') || '执行数 ' || cast(cast(b.base_amount as double) as varchar) || ' ' || b.unit
                  || '，' || coalesce(b.budget_year || '年', '') || '预算 ' || cast(cast(b.budget_amount as double) as varchar)
                  || ' ' || b.unit
             else '预算 ' || cast(cast(b.budget_amount as double) as varchar) || ' ' || b.unit || '，比上年'
                  || case b.direction when 'decrease' then '减少 ' else '增加 ' end
                  || cast(cast(b.change_amount as double) as varchar) || ' ' || b.unit
        end || '；说明原文“' || b.claim_text || '”' as detail,
        {{ points('round(b.change_pct, 4)') }} as expected_rate_pct,
        {{ points('b.sign * coalesce(b.percent, 0)') }} as observed_rate_pct,
        {{ points('round(greatest(abs(b.high_pct - b.change_pct), abs(b.change_pct - b.low_pct))
                   + case when b.percent_places is null then 1 else pow(10, -b.percent_places) end, 4)') }}
            as tolerance_pct,
        b.form,
        b.direction
    from bounded as b
    left join departments as d using (source_file)

)

-- detail (it quotes the claim) orders two claims of one line and subject
{{ numbered_with_pages('checked', 'line_no, subject, detail') }}
