{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='entity_key',
          on_schema_change='fail', pre_hook="{{ touch_entities('budget') }}",
          post_hook="{{ record_members('budget') }}") }}  -- per department-year: macros/per_file.sql
-- A standard table printed empty says so: 此表为空, 本部门无政府性基金预算收支 … (seed
-- empty_table_statements), in the table's own lines (from its title to the next title: the 注 under it)
-- or in the 说明, where the line must also name the table's subject (政府性基金, 国有资本经营 …).
-- Checked: the standard tables of the documents budget_table_missing checks (their template chosen
-- there), printed empty when none of the document's tables of that name prints an amount (a table of
-- 0.00 is not empty). The 说明 may be the department's other file of the year (a department-year
-- published as narrative and tables in two files): a file of the same document (int_budget_documents,
-- as narrative_amount_mismatch pairs a 说明 with its tables: two budgets of one department-year, each
-- with its tables, are never mixed). A document lies within one department-year, the rows' entity:
-- an incremental run rebuilds the department-years its changed files belong (or belonged) to,
-- reading only their files' lines; a file without department or year is an entity on its own.
-- One row per empty standard table; statements_found counts the statements. GX: statements_found ≥ 1.
with

-- each budget file's document and department-year; an incremental run: the touched ones' files only
files as (

    select source_file, document_id, {{ budget_entity('department_key', 'fiscal_year', 'source_file') }} as entity_key
    from {{ ref('int_budget_documents') }}
    where {{ in_touched_entity(budget_entity('department_key', 'fiscal_year', 'source_file')) }}

),

present as (

    select m.source_file, m.template, m.table_no, m.subject as label_zh, m.fiscal_year, m.department, m.district,
           m.money_unit, f.document_id, f.entity_key
    from {{ ref('chk_budget_table_missing') }} as m
    join files as f using (source_file)
    where m.tables_found > 0

),

tables as (

    select source_file, table_seq, table_title, line_start, {{ name_key('table_title') }} as title_key
    from {{ ref('stg_fiscal_txt__budget_tables') }}
    where source_file in (select source_file from files)

),

standard_found as (

    -- each table with the standard table its title is (macros/seed_patterns.sql)
    {{ standard_tables_found('tables', ['source_file', 'table_seq', 'table_title', 'line_start']) }}

),

amounts as (

    select source_file, table_seq, count(amount) as amounts
    from {{ ref('stg_fiscal_txt__budget_cells') }}
    where source_file in (select source_file from files)
    group by all

),

empty as (

    select
        p.source_file, p.template, p.table_no, p.label_zh, p.fiscal_year, p.department, p.district,
        p.money_unit, p.document_id, p.entity_key, t.table_key,
        arg_min(t.table_seq, t.line_start) as table_seq,
        arg_min(t.table_title, t.line_start) as table_title,
        min(t.line_start) as line_no
    from present as p
    join standard_found as t using (source_file, template, table_no)
    left join amounts as a on a.source_file = t.source_file and a.table_seq = t.table_seq
    group by all
    having sum(coalesce(a.amounts, 0)) = 0

),

lines as (

    -- the lines of the documents holding an empty table: every use below is within one (a statement
    -- in the table's file or its document's 说明, the table's page), and most documents have none
    select s.source_file, f.document_id, s.line_no, s.page_no, s.text, a.disposition
    from {{ ref('stg_fiscal_txt__source_lines') }} as s
    join files as f using (source_file)
    left join {{ ref('stg_fiscal_txt__line_accounting') }} as a using (source_file, line_no)
    where f.document_id in (select document_id from empty)

),

statements as (

    select lines.source_file, lines.document_id, lines.line_no, lines.text
    from lines
    -- the patterns as literals: compiled once, not once per line (macros/seed_patterns.sql)
    where {{ matches_any('lines.text', seed_rows('empty_table_statements', "word_kind = 'statement'")) }}

),

in_table as (

    select e.source_file, e.table_no, st.line_no, st.text
    from empty as e
    join statements as st
      on st.source_file = e.source_file
     and st.line_no > e.line_no
     and st.line_no < coalesce(
         (select min(t.line_no) from lines as t
          where t.source_file = e.source_file and t.disposition = 'title' and t.line_no > e.line_no),
         2147483647)

),

in_narrative as (

    select e.source_file, e.table_no, st.source_file as statement_file, st.line_no, st.text
    from empty as e
    join {{ ref('empty_table_statements') }} as w on w.word_kind = 'subject' and w.table_key = e.table_key
    -- the file's own 说明, or another file's of its document (the 说明 published apart from the tables)
    join statements as st on st.document_id = e.document_id and regexp_matches(st.text, w.pattern)

),

found as (

    select source_file, table_no, count(*) as statements_found,
           -- the first by line; on the same line in two files, the table's own file first, then by file name
           arg_min(place || '第 ' || line_no || ' 行“' || left(trim(replace(text, chr(9), ' ')), 60) || '”',
                   (line_no, place, text))
               as first_statement
    from (
        select source_file, table_no, line_no, text, '' as place from in_table
        union all
        select source_file, table_no, line_no, text,
               case when statement_file <> source_file then statement_file || ' ' else '' end
        from in_narrative
    )
    group by all

)

select
    {{ entity_check_row('e.source_file', 'e.entity_key', 'e.table_no') }} as check_row,
    e.source_file,
    cast(null as varchar) as report_id,
    cast(null as integer) as report_seq,
    e.table_seq,
    'budget' as report_type,
    e.fiscal_year,
    cast(null as varchar) as project_name,
    cast(null as varchar) as implementing_unit,
    e.department,
    e.district,
    e.table_title,
    e.money_unit,
    e.label_zh as subject,
    '空表' as measure,
    e.line_no,
    '本表未列出任何金额' as detail,
    '注明本表为空（如“此表为空”“本部门无……预算”）' as expected_statement,
    coalesce(f.first_statement, '表中及说明中均未注明') as observed_statement,
    coalesce(f.statements_found, 0) as statements_found,
    -- page_of() would read every file's lines: the touched files' are at hand
    (select l.page_no from lines as l where l.source_file = e.source_file and l.line_no = e.line_no) as page_no,
    e.entity_key
from empty as e
left join found as f using (source_file, table_no)
