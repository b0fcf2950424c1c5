{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/per_file.sql
-- Where each check row of the budget amount rules sits in the budget's subject tree, so that the
-- findings one wrong cell causes can be told apart from independent ones (one root cause, one
-- finding: expectations/root_causes.py groups the violations with this model after GX has judged
-- them). One wrong cell shows up at several places of its document: its own row (栏目合计), the
-- same row in another table (跨表), its parents (款, 类: 层级合计) and the totals that include it
-- (合计/总计 rows, 收支平衡, 经济分类合计). Those places share the cell's code or a prefix of it.
--   subject_code: the code of the checked row ('' for a total row: it includes every code).
--   specificity_rank: among places of the same code, which is the more specific root (lower first):
--     the row that does not add up across its own columns, then the row against another table, then
--     the parent against its children, then the table totals.
--   on_subject_tree: false for the rows of the 三公 table, whose items are no function-class
--     subjects: a total there includes none of the coded rows.
{%- set rules_by_specificity = [
    'budget_column_sum_mismatch',
    'budget_cross_table_mismatch',
    'budget_hierarchy_mismatch',
    'budget_economic_total_mismatch',
    'budget_balance_mismatch',
] %}
with

checked as (

    {% for rule in rules_by_specificity %}
    select
        '{{ rule }}' as check_name, {{ loop.index }} as specificity_rank,
        check_row, source_file, fiscal_year, table_seq, line_no, subject
    from {{ changed_rows('chk_' ~ rule) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

table_kinds as (

    select distinct source_file, table_seq, table_kind from {{ changed_rows('int_budget_lines_classified') }}

),

coded as (

    -- the check models print a coded row as '<code> <name>' and a total row by its name only
    select *, coalesce(regexp_extract(subject, '^([0-9]+)( |$)', 1), '') as subject_code from checked

)

select
    c.check_name,
    c.check_row,
    c.source_file,
    c.fiscal_year,
    c.table_seq,
    c.line_no,
    c.subject_code,
    c.specificity_rank,
    c.subject_code <> '' or t.table_kind is distinct from 'three_public' as on_subject_tree
from coded as c
left join table_kinds as t on t.source_file = c.source_file and t.table_seq = c.table_seq
