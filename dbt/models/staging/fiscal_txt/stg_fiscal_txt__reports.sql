with

source as (

    select * from {{ source('fiscal_txt', 'reports') }}

),

-- Both unit names cleaned once, then folded once: each name gives five columns (as printed, key,
-- scope, district), and deriving each from the raw text repeated the cleaning's and folding's
-- regular expressions per column (at 100k reports ~3 CPU s of every model reading them).
cleaned as (

    select
        *,
        {{ clean_text('supervising_dept') }} as supervising_dept_cleaned,
        {{ clean_text('implementing_unit') }} as implementing_unit_cleaned
    from source

),

folded as (

    select
        *,
        {{ unit_name_folded_cleaned('supervising_dept_cleaned') }} as supervising_dept_folded,
        {{ unit_name_folded_cleaned('implementing_unit_cleaned') }} as implementing_unit_folded
    from cleaned

),

renamed as (

    select
        -- keys
        source_file || '#' || cast(report_seq as varchar) as report_id,
        source_file,
        cast(report_seq as integer) as report_seq,
        lower(trim(report_type)) as report_type,

        -- where
        cast(line_start as integer) as line_start,
        cast(line_end as integer) as line_end,
        cast(total_line_no as integer) as total_line_no,
        cast(grade_line_no as integer) as grade_line_no,

        -- what
        cast(fiscal_year as integer) as fiscal_year,
        {{ clean_text('project_name') }} as project_name,
        supervising_dept_cleaned as supervising_dept,
        implementing_unit_cleaned as implementing_unit,
        {{ unit_key_of_folded('supervising_dept_folded') }} as supervising_dept_key,
        {{ unit_key_of_folded('implementing_unit_folded') }} as implementing_unit_key,
        {{ unit_scope_of_folded('supervising_dept_folded') }} as supervising_dept_scope,
        {{ unit_scope_of_folded('implementing_unit_folded') }} as implementing_unit_scope,
        coalesce(
            {{ district_from('implementing_unit_cleaned') }},
            {{ district_from('supervising_dept_cleaned') }}
        ) as district,
        {{ normalize_label('money_unit') }} as money_unit,

        -- scores
        cast(total_weight as decimal(18, 4)) as total_weight,
        cast(total_score as decimal(18, 4)) as total_score,
        {{ clean_text('grade') }} as grade,

        -- tracking
        {{ clean_text('tracking_period_start') }} as tracking_period_start,
        {{ clean_text('tracking_period_end') }} as tracking_period_end,
        {{ clean_text('budget_completion_likelihood') }} as budget_completion_likelihood,
        {{ clean_text('goal_completion_likelihood') }} as goal_completion_likelihood,
        {{ clean_text('corrective_measures') }} as corrective_measures,

        -- goals
        {{ clean_text('goal_expected') }} as goal_expected,
        {{ clean_text('goal_actual') }} as goal_actual,
        {{ clean_text('goal_total') }} as goal_total,
        {{ clean_text('goal_annual') }} as goal_annual,

        -- money: targets' 年度预算安排, as printed and in 元
        cast(budget_amount as decimal(24, 6)) as budget_amount,
        {{ normalize_label('budget_amount_unit') }} as budget_amount_unit,
        {{ to_yuan('budget_amount', normalize_label('budget_amount_unit')) }} as budget_amount_yuan,

        -- targets of the 申报表: 项目编码 (text), 项目总金额（中期规划）, further pairs as printed
        {{ clean_text('project_code') }} as project_code,
        cast(project_total_amount as decimal(24, 6)) as project_total_amount,
        {{ normalize_label('project_total_unit') }} as project_total_unit,
        {{ to_yuan('project_total_amount', normalize_label('project_total_unit')) }} as project_total_yuan,
        -- the 填报表's 项目资金总额 其中：财政资金 (the project's fiscal funds over its term)
        cast(project_total_fiscal_amount as decimal(24, 6)) as project_total_fiscal_amount,
        {{ to_yuan('project_total_fiscal_amount', normalize_label('project_total_unit')) }} as project_total_fiscal_yuan,
        -- and its 其他资金 (the one nearer the project's labels than the year's)
        cast(project_total_other_amount as decimal(24, 6)) as project_total_other_amount,
        {{ to_yuan('project_total_other_amount', normalize_label('project_total_unit')) }} as project_total_other_yuan,
        extra_fields

    from folded

)

select * from renamed
