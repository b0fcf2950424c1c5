{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='entity_key',
          on_schema_change='fail', pre_hook="{{ touch_entities('budget') }}",
          post_hook="{{ record_members('budget') }}") }}  -- per department-year: macros/per_file.sql
-- Amounts stated in the 预算编制说明 / 三公 说明 agree with the tables.
--   subject: the subject's 合计 in the function-classification tables (the narrative lists 财政拨款
--            spending) or in 部门支出预算总表, by name;
--   total:   the matching table total (一般公共预算 / 政府性基金 / 财政拨款 / 收入 / 支出, chosen
--            from the narrative's wording);
--   three_public, operating_cost: the matching column of the 三公 table (items from the seed);
--   procurement: the 政府采购 table's total;
--   target_projects: the sum of the document's 绩效目标 tables' amounts, only when the document prints
--            as many of them as the 说明 counts (编报绩效目标的项目5个): a document that publishes a
--            selection of its targets does not add up to their total.
-- The tables are those of the narrative's document (int_budget_documents): a department-year
-- published as two files (narrative and tables apart) is compared across the pair.
-- Several tables may hold a candidate; the narrative agrees when any does, so each narrative
-- amount is compared with its closest candidate. Amounts with no candidate are not checked.
-- Compared at the narrative's printed precision: as_printed_yuan is the table amount rounded to the
-- decimals the narrative prints (17,192万元 stands for 171,915,169 元); a narrative equal to it is
-- no finding. A narrative may truncate instead of round: a difference from the table amount
-- (expected_yuan) within one printed unit, and never less than 0.01 of the unit (a 说明 that pads
-- 250.52 to 250.520 claims no more than two decimals), is what rounding explains (tolerance_yuan).
with

documents as (

    select *, {{ budget_entity('department_key', 'fiscal_year', 'source_file') }} as entity_key
    from {{ ref('int_budget_documents') }}

),

budget as (

    select b.*, d.document_id
    from {{ ref('int_budget_lines_classified') }} as b
    join documents as d using (source_file)
    where {{ in_touched_entity('d.entity_key') }}

),

narrative as (

    select
        n.*,
        {{ unit_factor('n.unit') }} as unit_factor,
        case n.unit when '万元' then '元' else '万元' end as other_unit,
        case
            when n.context = 'subject' then {{ name_key('n.subject_name') }}
            when n.context in ('operating_cost', 'procurement') then n.context
            -- the count of projects the 说明 states (编报绩效目标的项目5个) is part of the match
            when n.context = 'target_projects' then 'targets:' || regexp_extract(n.subject_name, '(\d+)个', 1)
            when n.context = 'three_public' then coalesce({{ three_public_item('n.subject_name') }}, 'total')
            when n.context = 'total' then
                case
                    when n.subject_name like '%一般公共预算%' then 'gpb'
                    when n.subject_name like '%政府性基金%' then 'gf'
                    -- 国有资本经营预算: no table total to compare with (not 'expenditure')
                    when n.subject_name like '%国有资本经营%' then 'soe'
                    when n.subject_name like '%财政拨款%' then 'appropriation'
                    when n.subject_name like '%收入%' then 'income'
                    else 'expenditure'
                end
        end as match_key,
        {{ budget_entity('nd.department_key', 'nd.fiscal_year', 'n.source_file') }} as entity_key
    from {{ ref('fct_narrative_amount') }} as n
    left join documents as nd on nd.source_file = n.source_file
    where n.amount_yuan is not null
      and {{ in_touched_entity(budget_entity('nd.department_key', 'nd.fiscal_year', 'n.source_file')) }}

),

candidates as (

    select 'subject' as context, document_id, source_file, fiscal_year, name_key as match_key, amount_yuan, table_seq,
           table_title, line_no
    from budget
    where table_kind in ('gpb_function', 'gf_function', 'expenditure') and measure = '合计'
      and coalesce(subject_code, '') <> ''

    union all

    select 'total', document_id, source_file, fiscal_year,
           case table_kind
               when 'gpb_function' then 'gpb'
               when 'gf_function' then 'gf'
               when 'appropriation' then 'appropriation'
               when 'income' then 'income'
               when 'expenditure' then 'expenditure'
               when 'finance_summary' then
                   case when subject_name like '%收入%' then 'income' else 'expenditure' end
           end,
           amount_yuan, table_seq, table_title, line_no
    from budget
    where is_total_row and (measure in ('合计', '预算数') or table_kind in ('appropriation', 'finance_summary'))
      and table_kind in ('gpb_function', 'gf_function', 'appropriation', 'income', 'expenditure', 'finance_summary')

    union all

    select case when three_public_item = 'operating_cost' then 'operating_cost' else 'three_public' end,
           document_id, source_file, fiscal_year, three_public_item, amount_yuan, table_seq, table_title, line_no
    from budget
    where table_kind = 'three_public' and three_public_item is not null

    union all

    select 'procurement', document_id, source_file, fiscal_year, 'procurement', amount_yuan, table_seq, table_title,
           line_no
    from budget
    where table_kind = 'procurement' and is_total_row

    union all

    -- the year of the file's first report stating one (not whichever row comes first)
    select 'target_projects', coalesce(any_value(d.document_id), r.source_file), r.source_file,
           arg_min(r.fiscal_year, r.report_seq) filter (where r.fiscal_year is not null),
           'targets:' || count(*), sum(r.budget_amount_yuan),
           null, count(*) || ' 张绩效目标表之和', min(r.line_start)
    from {{ ref('fct_report') }} as r
    left join documents as d using (source_file)
    -- a file's targets are candidates for its entity's narratives only (a file of targets alone: itself)
    where r.report_type = 'target'
      and {{ in_touched_entity(budget_entity('d.department_key', 'd.fiscal_year', 'r.source_file')) }}
    group by r.source_file
    having count(*) = count(r.budget_amount_yuan)

),

compared as (

    select
        n.source_file, n.fiscal_year, n.subject_name, n.context, n.line_no, n.unit, n.unit_factor,
        n.other_unit, n.amount_stated, n.amount_yuan, n.decimals, n.entity_key,
        -- of equally close candidates the first by file and line (then the smaller amount): else the pick
        -- follows the rows' order
        arg_min(c.amount_yuan, (abs(c.amount_yuan - n.amount_yuan), c.source_file, c.line_no, c.table_title,
                                c.amount_yuan))
            as closest_amount,
        arg_min(
            case when c.source_file <> n.source_file then c.source_file || ' ' else '' end
                || '《' || c.table_title || '》第 ' || c.line_no || ' 行',
            (abs(c.amount_yuan - n.amount_yuan), c.source_file, c.line_no, c.table_title, c.amount_yuan)
        ) as closest_place,
        count(*) as candidates,
        -- a candidate the figure equals (at its printed precision) when read in the other unit: its unit
        -- label, not its digits, is wrong (unit_label_implausible, one finding instead of this rule's)
        arg_min(c.amount_yuan, (abs(c.amount_yuan - n.amount_stated * {{ unit_factor('n.other_unit') }}),
                                c.source_file, c.line_no, c.table_title, c.amount_yuan))
            filter (where {{ rounded_as_printed('c.amount_yuan', 'n.other_unit', 'n.decimals') }}
                          = n.amount_stated * {{ unit_factor('n.other_unit') }}) as rescaled_amount,
        arg_min(
            case when c.source_file <> n.source_file then c.source_file || ' ' else '' end
                || '《' || c.table_title || '》第 ' || c.line_no || ' 行',
            (abs(c.amount_yuan - n.amount_stated * {{ unit_factor('n.other_unit') }}), c.source_file, c.line_no,
             c.table_title, c.amount_yuan)
        ) filter (where {{ rounded_as_printed('c.amount_yuan', 'n.other_unit', 'n.decimals') }}
                        = n.amount_stated * {{ unit_factor('n.other_unit') }}) as rescaled_place
    from narrative as n
    left join documents as nd on nd.source_file = n.source_file  -- a file of prose and targets only: itself
    join candidates as c
      on c.document_id = coalesce(nd.document_id, n.source_file) and c.context = n.context and c.match_key = n.match_key
     and (n.fiscal_year is null or c.fiscal_year is null or n.fiscal_year = c.fiscal_year)
    group by all

)

select
    {{ entity_check_row('c.source_file', 'c.entity_key', 'c.line_no, c.subject_name, c.context, c.amount_stated') }}
        as check_row,
    c.source_file,
    cast(null as varchar) as report_id,
    cast(null as integer) as report_seq,
    cast(null as integer) as table_seq,  -- the narrative is prose, not a table
    'budget' as report_type,
    c.fiscal_year,
    cast(null as varchar) as project_name,
    cast(null as varchar) as implementing_unit,
    d.department,
    d.district,
    '预算编制说明' as table_title,
    c.unit as money_unit,
    c.subject_name as subject,
    c.context as measure,
    c.line_no,
    c.closest_place || '（' || c.candidates || ' 处候选）' as detail,
    {{ money('c.closest_amount') }} as expected_yuan,
    {{ money('c.amount_yuan') }} as observed_yuan,
    {{ money('greatest(' ~ printed_unit('c.decimals', 'c.unit_factor') ~ ', ' ~ printed_unit('2', 'c.unit_factor') ~ ')') }}
        as tolerance_yuan,
    {{ money(rounded_as_printed('c.closest_amount', 'c.unit', 'c.decimals')) }} as as_printed_yuan,
    c.other_unit,
    {{ money('c.amount_stated * ' ~ unit_factor('c.other_unit')) }} as rescaled_yuan,
    {{ money('c.rescaled_amount') }} as rescaled_expected_yuan,
    c.rescaled_place,
    -- this rule judges the figures whose unit is plausible: no candidate in the other unit, or one in its own
    (c.rescaled_amount is null
     or abs(c.closest_amount - c.amount_yuan)
        <= greatest({{ printed_unit('c.decimals', 'c.unit_factor') }}, {{ printed_unit('2', 'c.unit_factor') }}))
        as unit_plausible,
    pages.page_no,
    c.entity_key
from compared as c
left join documents as d using (source_file)
left join {{ pages_of('compared') }} as pages using (source_file, line_no)
