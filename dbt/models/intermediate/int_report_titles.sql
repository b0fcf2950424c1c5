{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='source_file',
          on_schema_change='fail', pre_hook="{{ delete_changed_files() }}") }}  -- per file: macros/incremental.sql
-- Each report's table title as printed: its first line when the parser read it as a title. What
-- report_title() (macros/quality.sql) shows; read here once per file, where each of the 15 check
-- models printing it joined every source line with its accounting (at 100k reports ~1 CPU s each).
select
    reports.report_id,
    reports.source_file,
    {{ clean_text("replace(lines.text, chr(9), ' ')") }} as table_title
from {{ ref('stg_fiscal_txt__reports') }} as reports
join {{ ref('stg_fiscal_txt__source_lines') }} as lines
  on lines.source_file = reports.source_file and lines.line_no = reports.line_start
join {{ ref('stg_fiscal_txt__line_accounting') }} as accounted
  on accounted.source_file = lines.source_file and accounted.line_no = lines.line_no
where accounted.disposition = 'title'
{{- changed_files_only('reports.source_file', 'and') }}
