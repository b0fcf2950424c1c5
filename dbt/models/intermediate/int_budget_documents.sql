-- One row per budget file, with the document it belongs to. A department may publish one year's
-- budget as two files (the 说明 narrative in one, the tables in the other): a file without table
-- amounts belongs to the document of a file with tables of the same department and year (its
-- department from its tables' 部门 line, else the one its title names), so its prose amounts are
-- compared with those tables. A file with tables of its own is its own document (document_id = its
-- source_file): two budgets of one department-year (a revision) are never mixed.
with

files as (

    select
        t.source_file,
        mode(t.department_key) filter (where t.department_key is not null) as department_key,
        mode(t.department) filter (where t.department is not null) as department,
        mode(t.district) filter (where t.district is not null) as district,
        mode(t.fiscal_year) filter (where t.fiscal_year is not null) as fiscal_year,
        bool_or(c.budget_table_id is not null) as has_amounts
    from {{ ref('stg_fiscal_txt__budget_tables') }} as t
    left join {{ ref('stg_fiscal_txt__budget_cells') }} as c using (budget_table_id)
    group by t.source_file

),

documents as (

    select
        f.*,
        case when f.has_amounts or f.department_key is null or f.fiscal_year is null then f.source_file
             else coalesce(
                 (select min(t.source_file) from files as t
                  where t.has_amounts and t.department_key = f.department_key and t.fiscal_year = f.fiscal_year),
                 f.source_file)
        end as document_id
    from files as f

)

select
    source_file,
    document_id,
    department_key,
    department,
    district,
    fiscal_year,
    count(*) over (partition by document_id) as document_files
from documents
