{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- A department budget publishes every standard table of its template (seed budget_standard_tables:
-- Shanghai nine, 国有资本经营预算 from 2023; Jiangsu twelve). The unit is the document (the file):
-- it is checked against the template whose tables it holds the largest share of, and only when it
-- holds at least half of them, so a narrative-only file (a department-year published as narrative
-- and tables in two files), a table-less file or a file of another kind of document is not checked.
-- One row per (document, standard table of its template for its year); tables_found counts the
-- document's tables whose title is that table. GX's verdict: tables_found ≥ 1.
with

tables as (

    select
        source_file,
        table_seq,
        table_title,
        line_start,
        fiscal_year,
        department,
        district,
        money_unit,
        {{ name_key('table_title') }} as title_key
    from {{ changed_rows('stg_fiscal_txt__budget_tables') }}

),

documents as (

    -- each the value most of the file's tables print; of values printed as often, the first printed
    -- (mode() leaves such a tie to the rows' order)
    select t.source_file, y.fiscal_year, d.department, s.district, u.money_unit, t.line_no
    from (select source_file, min(line_start) as line_no from tables group by source_file) as t
    left join ({{ most_printed_per_file('tables', 'fiscal_year', 'line_start') }}) as y using (source_file)
    left join ({{ most_printed_per_file('tables', 'department', 'line_start') }}) as d using (source_file)
    left join ({{ most_printed_per_file('tables', 'district', 'line_start') }}) as s using (source_file)
    left join ({{ most_printed_per_file('tables', 'money_unit', 'line_start') }}) as u using (source_file)

),

standard as (

    select * from {{ ref('budget_standard_tables') }}

),

standard_found as (

    -- each table with the standard table its title is (macros/seed_patterns.sql)
    {{ standard_tables_found('tables', ['source_file', 'table_seq']) }}

),

matched as (

    select
        d.source_file,
        s.template,
        s.template_zh,
        s.table_no,
        s.label_zh,
        count(t.table_seq) as tables_found
    from documents as d
    join standard as s on s.since_year is null or d.fiscal_year >= s.since_year
    left join standard_found as t
      on t.source_file = d.source_file and t.template = s.template and t.table_no = s.table_no
    group by all

),

shares as (

    select
        source_file,
        template,
        avg(case when tables_found > 0 then 1.0 else 0.0 end) as share,
        count(*) as standard_count
    from matched
    group by all

),

chosen as (

    -- of templates held in equal shares, the one with more standard tables (more of it found), then by name
    select source_file, arg_max(template, (share, standard_count, template)) as template, max(share) as share
    from shares
    group by source_file
    having max(share) >= 0.5

),

checked as (

    select
        m.source_file,
        cast(null as varchar) as report_id,
        cast(null as integer) as report_seq,
        cast(null as integer) as table_seq,
        'budget' as report_type,
        d.fiscal_year,
        cast(null as varchar) as project_name,
        cast(null as varchar) as implementing_unit,
        d.department,
        d.district,
        cast(null as varchar) as table_title,
        d.money_unit,
        m.label_zh as subject,
        '标准表' as measure,
        d.line_no,
        m.template_zh || '模板（' || coalesce(d.fiscal_year || ' 年', '') || '共 ' || s.standard_count
            || ' 张标准表）' as detail,
        '《' || m.label_zh || '》' as expected_table,
        case when m.tables_found > 0 then '《' || m.label_zh || '》' else '未找到' end as observed_table,
        m.tables_found,
        m.template,
        m.table_no
    from matched as m
    join chosen as c on c.source_file = m.source_file and c.template = m.template
    join shares as s on s.source_file = m.source_file and s.template = m.template
    join documents as d on d.source_file = m.source_file

)

{{ numbered_with_pages('checked', 'table_no') }}
