-- An amount printed in a unit to_yuan does not know (or with no unit at all) would silently
-- become NULL in 元. Lists every such amount, wherever it comes from.
{{ config(severity='warn') }}

select 'fct_project_fund' as model, source_file, line_no, money_unit as unit
from {{ ref('fct_project_fund') }}
where (budget_initial_stated is not null and budget_initial_yuan is null)
   or (budget_adjusted_stated is not null and budget_adjusted_yuan is null)
   or (budget_tracking_stated is not null and budget_tracking_yuan is null)
   or (executed_stated is not null and executed_yuan is null)

union all

select 'fct_budget_line', source_file, line_no, money_unit
from {{ ref('fct_budget_line') }}
where amount_stated is not null and amount_yuan is null

union all

select 'fct_narrative_amount', source_file, line_no, unit
from {{ ref('fct_narrative_amount') }}
where amount_stated is not null and amount_yuan is null

union all

select 'fct_report', source_file, line_start, budget_amount_unit
from {{ ref('fct_report') }}
where budget_amount_stated is not null and budget_amount_yuan is null
