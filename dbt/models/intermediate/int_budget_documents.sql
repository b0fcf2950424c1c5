-- One row per budget file, with the document it belongs to: a department-year. A department may
-- publish one year's budget as two files (the 说明 narrative in one, the tables in the other); both
-- are one document for the checks, so prose amounts are compared with the pair's tables.
-- department_key and fiscal_year: the most common of the file's tables (their 部门 line, else the
-- department the document's title names; the title's year). A file naming neither is a document
-- of its own (document_id = its source_file).
with

files as (

    select
        source_file,
        mode(department_key) filter (where department_key is not null) as department_key,
        mode(department) filter (where department is not null) as department,
        mode(district) filter (where district is not null) as district,
        mode(fiscal_year) filter (where fiscal_year is not null) as fiscal_year
    from {{ ref('stg_fiscal_txt__budget_tables') }}
    group by source_file

),

keyed as (

    select
        *,
        case when department_key is not null and fiscal_year is not null
             then department_key || ' ' || fiscal_year
             else source_file end as document_id
    from files

)

select
    source_file,
    document_id,
    department_key,
    department,
    district,
    fiscal_year,
    count(*) over (partition by document_id) as document_files
from keyed
