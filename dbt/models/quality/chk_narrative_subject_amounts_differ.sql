{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- One item of the 说明 states one budget amount for its subject: the amount printed after the
-- subject ('“…住房公积金（项）”350.35万元') equals the item's 'YYYY年预算安排B万元'.
-- One row per change claim (form stated) whose item opens with such an amount.
-- expected_yuan: the item's first amount; observed_yuan: the 预算安排 amount; tolerance_yuan: half a
-- unit of each amount's last printed decimal (96.4 and 96.40 are one amount).
with

items as (

    select * from {{ changed_rows('stg_fiscal_txt__narrative_changes') }}
    where form = 'stated' and item_amount is not null

),

departments as (

    -- the document's department: also for a narrative published apart from its tables
    select source_file, department, district
    from {{ changed_rows('int_budget_documents') }}

),

checked as (

    select
        i.source_file,
        cast(null as varchar) as report_id,
        cast(null as integer) as report_seq,
        cast(null as integer) as table_seq,
        'budget' as report_type,
        i.fiscal_year,
        cast(null as varchar) as project_name,
        cast(null as varchar) as implementing_unit,
        d.department,
        d.district,
        '预算编制说明' as table_title,
        i.unit as money_unit,
        i.subject_name as subject,
        coalesce(i.budget_year || '年', '') || '预算安排' as measure,
        i.line_no,
        '同一条目先写 ' || cast(cast(i.item_amount as double) as varchar) || ' ' || i.unit || '，后写“'
            || i.claim_text || '”' as detail,
        {{ money(to_yuan('i.item_amount', 'i.unit')) }} as expected_yuan,
        {{ money(to_yuan('i.budget_amount', 'i.unit')) }} as observed_yuan,
        {{ money('(i.half_item + i.half_budget) * ' ~ unit_factor('i.unit')) }} as tolerance_yuan
    from items as i
    left join departments as d using (source_file)

)

-- detail (it quotes the claim) orders two claims of one line and subject
{{ numbered_with_pages('checked', 'line_no, subject, detail') }}
