{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- A 款 or 项 row's code extends the code of the row it is printed under: the nearest earlier row
-- of the same table (and side) with a shorter code (a 款 under its 类, a 项 under its 款, or under
-- the 类 when no 款 row is printed). A stray digit (21805 under 208) breaks it.
-- expected_parent_code: the parent row's code; observed_parent_code: the row's code cut to that length.
-- Rows with no earlier coded row (a table starting at 项 level) are not checked.
with

rows as (

    select
        source_file, table_seq, side, row_seq, subject_code, subject_name, level,
        min(line_no) as line_no,
        any_value(fiscal_year) as fiscal_year,
        any_value(department) as department,
        any_value(district) as district,
        any_value(table_title) as table_title,
        any_value(money_unit) as money_unit
    from {{ changed_rows('int_budget_lines_classified') }}
    where coalesce(subject_code, '') <> ''
    group by all

),

parents as (

    select
        r.*,
        (select arg_max(p.subject_code, p.row_seq) from rows as p
          where p.source_file = r.source_file and p.table_seq = r.table_seq
            and p.side is not distinct from r.side and p.row_seq < r.row_seq
            and length(p.subject_code) < length(r.subject_code)) as parent_code,
        (select arg_max(p.subject_name, p.row_seq) from rows as p
          where p.source_file = r.source_file and p.table_seq = r.table_seq
            and p.side is not distinct from r.side and p.row_seq < r.row_seq
            and length(p.subject_code) < length(r.subject_code)) as parent_name,
        (select arg_max(p.line_no, p.row_seq) from rows as p
          where p.source_file = r.source_file and p.table_seq = r.table_seq
            and p.side is not distinct from r.side and p.row_seq < r.row_seq
            and length(p.subject_code) < length(r.subject_code)) as parent_line_no
    from rows as r
    where length(r.subject_code) > 3

),

checked as (

    select
        {{ budget_context('p') }},
        subject_code || ' ' || coalesce(subject_name, '') as subject,
        '科目编码' as measure,
        line_no,
        '上级科目 ' || parent_code || ' ' || coalesce(parent_name, '') || '（第 ' || parent_line_no || ' 行）'
            as detail,
        parent_code as expected_parent_code,
        left(subject_code, length(parent_code)) as observed_parent_code,
        side,
        row_seq
    from parents as p
    where parent_code is not null

)

{{ numbered_with_pages('checked', 'table_seq, side, row_seq') }}
