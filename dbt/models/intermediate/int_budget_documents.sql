-- One row per budget file, with the document it belongs to. A department may publish one year's
-- budget as two files (the 说明 narrative in one, the tables in the other): a file without table
-- amounts belongs to the document of a file with tables of the same department and year (its
-- department from its tables' 部门 line, else the one its title names), so its prose amounts are
-- compared with those tables. A file with tables of its own is its own document (document_id = its
-- source_file): two budgets of one department-year (a revision) are never mixed. A view over the
-- per-file table int_budget_files (one row per budget file): cheap to evaluate in every reader.
with

files as (

    select * from {{ ref('int_budget_files') }}

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
