{#- The name a fund row's amount column prints under, by report type (the fund rules' `measure`):
    one place for the words two rules show the reader. -#}
{% macro fund_measure(column_name, report_type) -%}
    case {{ column_name }}
        when 'budget_initial_yuan' then case when {{ report_type }} = 'target' then '年度资金申请数' else '年初预算数' end
        when 'budget_adjusted_yuan' then '全年预算数'
        when 'budget_tracking_yuan' then '跟踪期预算数'
        when 'executed_yuan' then case when {{ report_type }} = 'tracking' then '跟踪期执行数' else '全年执行数' end
    end
{%- endmacro %}
