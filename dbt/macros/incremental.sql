{#- Incremental marts (facts): each run replaces only the rows of the files its load touched.

    The load lists in raw.changed_files every file whose raw rows it wrote or deleted (added,
    changed, removed, or their issues changed). A fact model is incremental with
    unique_key source_file (delete+insert) and:
    - reads only those files (changed_files_only() in each CTE that reads staging), and
    - first deletes those files' rows (pre-hook delete_changed_files()): a removed file has
      no new rows, so delete+insert alone would keep its old ones.
    A full build (new warehouse, --full-refresh, or a changed dbt project: assets/dbt.py)
    builds every file. -#}

{% macro changed_files_only(column='source_file', keyword='where') -%}
    {%- if is_incremental() %}
    {{ keyword }} {{ column }} in (select source_file from {{ source('fiscal_txt', 'changed_files') }})
    {%- endif %}
{%- endmacro %}


{% macro delete_changed_files() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where source_file in (select source_file from {{ source('fiscal_txt', 'changed_files') }})
    {%- endif -%}
{%- endmacro %}
