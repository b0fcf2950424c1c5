{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- A 功能分类 code carries its name: every coded row of a budget table (and every prose line) names
-- the subject as the code's standard name, or as the document names that code elsewhere.
--   类 rows: the standard name (seed budget_subject_classes), or a name of seed budget_subject_names
--            (accepted, or old while the year is not past its last_year), or a name the same code
--            carries in another table of the document;
--   款/项 rows: no national seed here: a name the code carries in fewer tables of the document than
--            another name is the odd one (a tie is not judged);
--   rows without a code and prose: a class's old name in a budget of a later year (九、医疗卫生与计划生育支出
--            in a 2019 budget) is a finding; expected is the standard name.
-- Names are compared as stems: width-folded, without spaces, quotes, ordinals (九、), level marks
-- ((类)) and a final 支出. expected_name_key / observed_name_key are those stems (GX compares them).
{% set stem -%}
    regexp_replace(regexp_replace({{ fold_width('NAME') }}, '[\s“”"]|^[一二三四五六七八九十]+、|^\d+[.、]|\([类款项]\)', '', 'g'), '支出$', '')
{%- endset %}
with

lines as (

    select * from {{ changed_rows('int_budget_lines_classified') }}

),

classes as (

    select subject_code, subject_name, {{ stem | replace('NAME', 'subject_name') }} as stem
    from {{ ref('budget_subject_classes') }}
    where classification = 'function'

),

other_names as (

    select subject_code, subject_name, name_status, last_year,
           {{ stem | replace('NAME', 'subject_name') }} as stem
    from {{ ref('budget_subject_names') }}

),

years as (

    -- the year most of the file's rows state (of years stated as often, the one printed first) and the
    -- department of the first line naming one: the same in every build, whatever the rows' order
    select d.source_file, y.fiscal_year, d.department, d.district
    from (
        select source_file,
               arg_min(department, line_no) filter (where department is not null) as department,
               arg_min(district, line_no) filter (where district is not null) as district
        from lines
        group by source_file
    ) as d
    left join ({{ most_printed_per_file('lines', 'fiscal_year') }}) as y using (source_file)

),

names as (

    -- the stem of each name once: the budgets print a few dozen names over ~165,000 coded rows
    -- (100k reports), and the stem's regexes were most of the model's cost
    select name, {{ stem | replace('NAME', 'name') }} as stem
    from (
        select subject_name as name from lines
        union select subject_name from classes
        union select subject_name from other_names
    )

),

coded as (

    select
        c.source_file, c.table_seq, c.side, c.row_seq, c.subject_code, c.level, c.subject_name,
        n.stem, c.line_no, c.fiscal_year, c.department, c.district, c.table_title, c.money_unit
    from (
        select
            source_file, table_seq, side, row_seq, subject_code, level, subject_name,
            min(line_no) as line_no,
            any_value(fiscal_year) as fiscal_year, any_value(department) as department,
            any_value(district) as district, any_value(table_title) as table_title,
            any_value(money_unit) as money_unit
        from lines
        where subject_code like '2%' and level in ('类', '款', '项') and coalesce(subject_name, '') <> ''
        group by all
    ) as c
    join names as n on n.name = c.subject_name

),

name_tables as (

    -- of a stem's names the one printed first; first_line breaks the tie of names on as many tables below
    select source_file, subject_code, stem, arg_min(subject_name, (line_no, subject_name)) as subject_name,
           count(distinct table_seq) as tables, min(line_no) as first_line
    from coded
    group by all

),

coded_judged as (

    select
        c.*,
        cls.subject_name as standard_name,
        cls.stem as standard_stem,
        o.name_status,
        o.last_year,
        -- the name on most tables; of names on as many, the one printed first (then the name itself)
        (select arg_min(n.subject_name, (-n.tables, n.first_line, n.subject_name)) from name_tables as n
          where n.source_file = c.source_file and n.subject_code = c.subject_code and n.stem <> c.stem)
            as other_name,
        (select max(n.tables) from name_tables as n
          where n.source_file = c.source_file and n.subject_code = c.subject_code and n.stem <> c.stem)
            as other_tables,
        (select count(distinct n.table_seq) from coded as n
          where n.source_file = c.source_file and n.subject_code = c.subject_code and n.stem = c.stem)
            as this_name_tables
    from coded as c
    left join classes as cls on c.level = '类' and cls.subject_code = c.subject_code
    left join other_names as o on o.subject_code = c.subject_code and o.stem = c.stem

),

coded_checked as (

    select
        *,
        case
            -- an old name in a budget of a later year
            when name_status = 'old' and fiscal_year > last_year then standard_name
            when standard_stem is not null then
                case when stem = standard_stem or name_status is not null or this_name_tables > 1 then subject_name
                     else standard_name end
            when other_tables > this_name_tables then other_name
            else subject_name
        end as expected_name
    from coded_judged

),

printed as (

    -- rows without a code and prose lines, with the stem of each distinct text once (not once per
    -- row, nor per (text, old name) pair the join below compares)
    with texts as (
        select source_file, table_seq, min(line_no) as line_no, subject_name as printed,
               any_value(table_title) as table_title, any_value(money_unit) as money_unit
        from lines
        where coalesce(subject_code, '') = '' and subject_name is not null
        group by source_file, table_seq, row_seq, side, subject_name
        union all
        select s.source_file, cast(null as integer), s.line_no, s.text, '预算编制说明', cast(null as varchar)
        from {{ changed_rows('stg_fiscal_txt__source_lines') }} as s
        join {{ changed_rows('stg_fiscal_txt__line_accounting') }} as a using (source_file, line_no)
        where a.disposition in ('narrative', 'title') and a.family = 'budget'
    )
    select t.*, p.printed_stem
    from texts as t
    join (select printed, {{ stem | replace('NAME', 'printed') }} as printed_stem
          from (select distinct printed from texts)) as p using (printed)

),

old_in_text as (

    -- rows without a code and prose lines naming a class by a name retired before the document's year
    select
        t.source_file, t.table_seq, t.line_no, t.printed, o.subject_name as old_name,
        cls.subject_name as standard_name, t.table_title, t.money_unit
    from printed as t
    join years as y using (source_file)
    join other_names as o
      on o.name_status = 'old' and y.fiscal_year > o.last_year
     and contains(t.printed_stem, o.stem)
    join classes as cls using (subject_code)

),

checked as (

    select
        c.source_file, cast(null as varchar) as report_id, cast(null as integer) as report_seq, c.table_seq,
        'budget' as report_type, c.fiscal_year, cast(null as varchar) as project_name,
        cast(null as varchar) as implementing_unit, c.department, c.district, c.table_title, c.money_unit,
        c.subject_code || ' ' || c.subject_name as subject,
        c.level || '科目名称' as measure,
        c.line_no,
        case when c.name_status = 'old' and c.expected_name <> c.subject_name
                 then '旧科目名称（' || c.last_year || ' 年及以前），' || c.fiscal_year || ' 年起为“' || c.expected_name || '”'
             when c.standard_name is not null then '标准名称“' || c.standard_name || '”'
             else '本文件其他 ' || coalesce(c.other_tables, 0) || ' 张表写作“' || coalesce(c.other_name, '') || '”'
        end as detail,
        c.expected_name as expected_name_text,
        c.subject_name as observed_name_text,
        e.stem as expected_name_key,
        c.stem as observed_name_key
    from coded_checked as c
    left join names as e on e.name = c.expected_name

    union all

    select
        t.source_file, null, null, t.table_seq, 'budget', y.fiscal_year, null, null, y.department, y.district,
        t.table_title, t.money_unit,
        t.old_name as subject,
        '类科目名称' as measure,
        t.line_no,
        '旧科目名称，' || y.fiscal_year || ' 年预算应为“' || t.standard_name || '”；原文“' || left(t.printed, 80) || '”'
            as detail,
        t.standard_name, t.old_name,
        {{ stem | replace('NAME', 't.standard_name') }},
        {{ stem | replace('NAME', 't.old_name') }}
    from old_in_text as t
    join years as y using (source_file)

)

{{ numbered_with_pages('checked', 'line_no, subject, measure, detail') }}
