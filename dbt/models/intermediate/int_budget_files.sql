{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/incremental.sql
-- One row per budget file: its department and year (the most frequent printed on its tables) and
-- whether its tables print an amount. A file's row depends on its own rows only, so an incremental
-- run reads the changed files' tables and cells, not every budget file's (int_budget_documents pairs
-- the files of a department-year from these rows).
select
    t.source_file,
    mode(t.department_key) filter (where t.department_key is not null) as department_key,
    mode(t.department) filter (where t.department is not null) as department,
    mode(t.district) filter (where t.district is not null) as district,
    mode(t.fiscal_year) filter (where t.fiscal_year is not null) as fiscal_year,
    bool_or(c.budget_table_id is not null) as has_amounts
from {{ ref('stg_fiscal_txt__budget_tables') }} as t
left join {{ ref('stg_fiscal_txt__budget_cells') }} as c using (budget_table_id)
{{ changed_files_only('t.source_file') }}
group by t.source_file
