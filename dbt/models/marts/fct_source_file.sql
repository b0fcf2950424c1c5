{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- macros/incremental.sql
-- One row per input file: what was found in it and where every non-blank line went.
with

files as (

    select * from {{ ref('stg_fiscal_txt__source_files') }}{{ changed_files_only() }}

),

lines as (

    select
        source_file,
        count(*) as non_blank_lines,
        count(*) filter (where disposition = 'field') as field_lines,
        count(*) filter (where disposition = 'header') as header_lines,
        count(*) filter (where disposition = 'title') as title_lines,
        count(*) filter (where disposition = 'narrative') as narrative_lines,
        count(*) filter (where disposition = 'boilerplate') as boilerplate_lines,
        count(*) filter (where disposition = 'issue') as issue_lines
    from {{ ref('stg_fiscal_txt__line_accounting') }}{{ changed_files_only() }}
    group by source_file

),

issues as (

    select
        source_file,
        count(*) filter (where severity = 'error') as parse_errors,
        count(*) filter (where severity = 'warning') as parse_warnings,
        count(*) filter (where severity = 'info') as parse_infos
    from {{ ref('stg_fiscal_txt__parse_issues') }}{{ changed_files_only() }}
    group by source_file

),

reports as (

    select source_file, count(*) as report_count
    from {{ ref('stg_fiscal_txt__reports') }}{{ changed_files_only() }}
    group by source_file

),

budget_tables as (

    select source_file, count(*) as budget_table_count
    from {{ ref('stg_fiscal_txt__budget_tables') }}{{ changed_files_only() }}
    group by source_file

)

select
    files.source_file,
    files.sha256,
    files.size_bytes,
    files.families,
    files.line_count,
    cast(coalesce(lines.non_blank_lines, 0) as integer) as non_blank_lines,
    cast(coalesce(lines.field_lines, 0) as integer) as field_lines,
    cast(coalesce(lines.header_lines, 0) as integer) as header_lines,
    cast(coalesce(lines.title_lines, 0) as integer) as title_lines,
    cast(coalesce(lines.narrative_lines, 0) as integer) as narrative_lines,
    cast(coalesce(lines.boilerplate_lines, 0) as integer) as boilerplate_lines,
    cast(coalesce(lines.issue_lines, 0) as integer) as issue_lines,
    cast(
        case when coalesce(lines.non_blank_lines, 0) = 0 then null
        else round(100.0 * (lines.non_blank_lines - lines.issue_lines) / lines.non_blank_lines, 2) end
        as decimal(5, 2)
    ) as parsed_share_pct,
    cast(coalesce(issues.parse_errors, 0) as integer) as parse_errors,
    cast(coalesce(issues.parse_warnings, 0) as integer) as parse_warnings,
    cast(coalesce(issues.parse_infos, 0) as integer) as parse_infos,
    cast(coalesce(reports.report_count, 0) as integer) as report_count,
    cast(coalesce(budget_tables.budget_table_count, 0) as integer) as budget_table_count,
    files.loaded_at
from files
left join lines using (source_file)
left join issues using (source_file)
left join reports using (source_file)
left join budget_tables using (source_file)
