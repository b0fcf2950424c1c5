{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- No template placeholder is left in a published document: every non-blank line of every input's
-- text (raw.source_lines: table cells and prose alike) is searched for the seed placeholder_patterns
-- (XX, ××, 〔单位〕, 某某 …). One row per non-blank line, numbered by it; expected_placeholder is '' (none),
-- observed_placeholder the first placeholder the line prints ('' when none).
with

lines as (

    -- the staging view's text is trimmed, null when blank
    select s.source_file, s.line_no, s.page_no, s.text
    from {{ changed_rows('stg_fiscal_txt__source_lines') }} as s
    where s.text is not null

),

{%- set patterns = seed_rows('placeholder_patterns') %}
{%- set alternatives = [] %}
{%- for p in patterns %}{% do alternatives.append('(?:' ~ p['pattern'] ~ ')') %}{% endfor %}

candidates as materialized (

    -- the lines matching any pattern: one regex pass over every line (all patterns as one
    -- alternation), where a pass per pattern read every line once per pattern; materialized, or
    -- DuckDB inlines it into each pattern's pass
    select source_file, line_no, text
    from lines
    where {% if alternatives %}regexp_matches(text, {{ sql_literal(alternatives | join('|')) }}){% else %}false{% endif %}

),

matched as (

    -- one pass per pattern over the candidates, each a literal: compiled once, not once per line
    -- (macros/seed_patterns.sql)
    {%- for p in patterns %}
    select source_file, line_no, {{ sql_literal(p['pattern']) }} as pattern,
           regexp_extract(text, {{ sql_literal(p['pattern']) }}, 1) as placeholder,
           {{ sql_literal(p['meaning']) }} as meaning
    from candidates
    where regexp_matches(text, {{ sql_literal(p['pattern']) }})
    union all
    {%- endfor %}
    select cast(null as varchar), cast(null as integer), cast(null as varchar), cast(null as varchar),
           cast(null as varchar)
    where false

),

found as (

    select
        source_file,
        line_no,
        arg_min(placeholder, pattern) as placeholder,
        arg_min(meaning, pattern) as meaning
    from matched
    group by all

),

budgets as (

    -- each of the first line stating one: the same in every build, whatever the rows' order
    select source_file,
           arg_min(fiscal_year, line_no) filter (where fiscal_year is not null) as fiscal_year,
           arg_min(department, line_no) filter (where department is not null) as department,
           arg_min(district, line_no) filter (where district is not null) as district
    from {{ changed_rows('int_budget_lines_classified') }}
    group by source_file

),

reports as (

    -- its title once per report, not once per line
    select r.source_file, r.line_start, r.line_end, r.report_id, r.report_seq, r.report_type, r.fiscal_year,
           r.project_name, r.implementing_unit, r.supervising_dept, r.district, r.money_unit,
           {{ report_title('r') }} as table_title
    from {{ changed_rows('fct_report') }} as r

),

report_lines as (

    -- each line of each report's range, so a line finds its report by an equality join: a range
    -- join (line between start and end) compared every line with every report of its file.
    -- One report per line, one check row per line: should two ranges overlap, the line is the
    -- earlier-starting report's (a later one starts after the lines before it end; a window over
    -- the reports, where a group by over their 3.2 M lines at 100k cost more than the row_number() it spared)
    select source_file, report_id, unnest(range(line_from, line_end + 1))::integer as line_no
    from (
        select source_file, report_id, line_end,
               greatest(line_start, 1 + max(line_end) over (
                   partition by source_file order by line_start, report_seq
                   rows between unbounded preceding and 1 preceding)) as line_from
        from reports
    )

),

found_in_table as (

    -- the budget table holding a line that prints a placeholder (found lines only: few)
    select f.source_file, f.line_no, arg_min(t.table_title, t.line_start) as table_title
    from found as f
    join {{ changed_rows('stg_fiscal_txt__budget_tables') }} as t
      on t.source_file = f.source_file and f.line_no between t.line_start and t.line_end
    group by all

),

file_numbers as (

    -- check_row's number of each file, hashed once per file, not once per line
    select source_file, {{ check_row_number('source_file') }} as file_number
    from (select distinct source_file from lines)

),

placed as (

    -- each line with its report, numbered by its line: a row_number() window over every line
    -- sorted 6.3 M rows at 100k reports (1.3 GB spilled), the model's largest cost
    select l.source_file, l.line_no, l.page_no, l.text, rl.report_id,
           {{ check_row_at('n.file_number', 'l.line_no', 'l.source_file') }} as check_row
    from lines as l
    left join report_lines as rl using (source_file, line_no)
    join file_numbers as n using (source_file)

),

checked as (

    select
        l.check_row,
        l.source_file,
        r.report_id,
        r.report_seq,
        cast(null as integer) as table_seq,
        coalesce(r.report_type, case when b.source_file is not null then 'budget' end) as report_type,
        coalesce(r.fiscal_year, b.fiscal_year) as fiscal_year,
        r.project_name,
        r.implementing_unit,
        coalesce(r.supervising_dept, b.department) as department,
        coalesce(r.district, b.district) as district,
        -- where the line is: its report's title, else the budget table holding it (prose: none)
        coalesce(r.table_title, t.table_title) as table_title,
        r.money_unit,
        coalesce(f.placeholder, '') as subject,
        '文本' as measure,
        l.line_no,
        '第 ' || l.line_no || ' 行，' || coalesce(f.meaning, '') || '；原文“' || left(replace(l.text, chr(9), ' '), 80) || '”' as detail,
        '' as expected_placeholder,
        coalesce(f.placeholder, '') as observed_placeholder,
        l.page_no
    from placed as l
    left join found as f using (source_file, line_no)
    left join budgets as b using (source_file)
    left join reports as r on r.report_id = l.report_id
    left join found_in_table as t
      on t.source_file = l.source_file and t.line_no = l.line_no

)

select * from checked
