-- Self-evaluation: 资金分值 + Σ 指标分值 = 总分 (total_weight; 100 when not printed).
-- One row per self-evaluation stating any weight. The tolerance (±0.05) is the expectation's.
with

indicator_weight as (

    select report_id, sum(weight) as weight_sum, count(weight) as stated
    from {{ ref('fct_indicator') }}
    group by all

),

fund_weight as (

    select report_id, sum(weight) as weight
    from {{ ref('fct_project_fund') }}
    where fund_source = 'total'
    group by all

),

checked as (

    select
        {{ report_context('r') }},
        '总分（分值）' as subject,
        '分值' as measure,
        coalesce(r.total_line_no, r.line_end) as line_no,
        '资金分值 ' || printf('%.2f', coalesce(fw.weight, 0)) || ' + 指标分值合计 '
            || printf('%.2f', coalesce(iw.weight_sum, 0)) || '（' || coalesce(iw.stated, 0) || ' 项指标）'
            || case when r.total_weight is null then '；总分未填，按 100 计' else '' end as detail,
        {{ points('coalesce(r.total_weight, 100)') }} as expected_weight,
        {{ points('coalesce(fw.weight, 0) + coalesce(iw.weight_sum, 0)') }} as observed_weight
    from {{ ref('fct_report') }} as r
    left join indicator_weight as iw using (report_id)
    left join fund_weight as fw using (report_id)
    where r.report_type = 'self_eval' and (iw.stated > 0 or fw.weight is not null)

)

select
    {{ check_row('source_file', 'report_seq') }} as check_row,
    *,
    {{ page_of('checked') }} as page_no
from checked
