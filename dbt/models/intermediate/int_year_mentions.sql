{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail',
          pre_hook=["{{ keep_changed_keys('fiscal_year') }}", "{{ delete_changed_files() }}"]) }}
-- per file: macros/incremental.sql; the changed files' keys kept for the dim: macros/dims.sql
-- How often each file names each year, per kind (a report's type, a budget table, a narrative amount):
-- what dim_year counts. Kept per file, so an incremental run counts the changed files' rows only and
-- dim_year sums a table of a few rows per file instead of reading every report, table and narrative.
with

mentions as (

    select fiscal_year, report_type as kind, source_file
    from {{ ref('stg_fiscal_txt__reports') }}{{ changed_files_only() }}
    union all
    select fiscal_year, 'budget_table', source_file
    from {{ ref('stg_fiscal_txt__budget_tables') }}{{ changed_files_only() }}
    union all
    select fiscal_year, 'narrative', source_file
    from {{ ref('stg_fiscal_txt__narrative_amounts') }}{{ changed_files_only() }}

)

select source_file, fiscal_year, kind, count(*) as mentions
from mentions
where fiscal_year is not null
group by all
