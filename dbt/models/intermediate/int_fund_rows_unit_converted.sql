-- Fund rows with their amounts in 元: the unit is printed once per report (项目资金 (万元)).
with

fund_rows as (

    select * from {{ ref('stg_fiscal_txt__fund_rows') }}

),

reports as (

    select report_id, money_unit from {{ ref('stg_fiscal_txt__reports') }}

),

converted as (

    select
        fund_rows.*,
        reports.money_unit,
        {{ to_yuan('fund_rows.budget_initial', 'reports.money_unit') }} as budget_initial_yuan,
        {{ to_yuan('fund_rows.budget_adjusted', 'reports.money_unit') }} as budget_adjusted_yuan,
        {{ to_yuan('fund_rows.budget_tracking', 'reports.money_unit') }} as budget_tracking_yuan,
        {{ to_yuan('fund_rows.executed', 'reports.money_unit') }} as executed_yuan,
        {{ to_yuan('fund_rows.forecast_executed', 'reports.money_unit') }} as forecast_executed_yuan

    from fund_rows
    left join reports on fund_rows.report_id = reports.report_id

)

select * from converted
