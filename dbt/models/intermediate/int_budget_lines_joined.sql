-- Budget cells with their table's title, year and unit, and the amount in 元
-- (most tables print 元; the 三公 table prints 万元).
with

cells as (

    select * from {{ ref('stg_fiscal_txt__budget_cells') }}

),

budget_tables as (

    select budget_table_id, table_title, fiscal_year, money_unit, department, department_key, department_scope
    from {{ ref('stg_fiscal_txt__budget_tables') }}

),

joined as (

    select
        cells.*,
        budget_tables.table_title,
        budget_tables.fiscal_year,
        budget_tables.money_unit,
        budget_tables.department,
        budget_tables.department_key,
        budget_tables.department_scope,
        {{ to_yuan('cells.amount', 'budget_tables.money_unit') }} as amount_yuan

    from cells
    left join budget_tables on cells.budget_table_id = budget_tables.budget_table_id

)

select * from joined
