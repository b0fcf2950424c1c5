{#- Incremental dimensions: a dim grouped by its key from a per-file table (dim_unit from
    int_unit_mentions, dim_year from int_year_mentions, dim_budget_subject from fct_budget_line)
    rebuilds only the keys the changed files (raw.changed_files) name now or named before the change.
    A key's row depends on its own mentions only (and on the seeds, whose change means a full build),
    so the rows of the other keys stay as they are; a key no file names any more loses its row.
    "Before" is gone by the time the dim runs (the per-file table has replaced the changed files'
    rows), so the per-file table's pre-hook keeps the keys it is about to delete in
    <its name>__touched (keep_changed_keys); the dim adds the keys named now, deletes their rows and
    groups their mentions (touch_dim_keys, in_touched_keys), then drops the list (forget_dim_keys).
    The list only grows until the dim has run, so no key is lost if the dim did not run after it.
    Config of such a dim:
      materialized='incremental', incremental_strategy='delete+insert', unique_key='<key>',
      pre_hook="{{ touch_dim_keys('<per-file table>', '<key>') }}",
      post_hook="{{ forget_dim_keys('<per-file table>') }}"
    and of its per-file table: pre_hook=["{{ keep_changed_keys('<key>') }}", "{{ delete_changed_files() }}"]. -#}

{% macro touched_keys_table(mentions) -%}
    {{ mentions.schema }}.{{ mentions.identifier }}__touched
{%- endmacro %}

{% macro _touched_keys_create(mentions, key) -%}
    create table if not exists {{ touched_keys_table(mentions) }} as select {{ key }} from {{ mentions }} limit 0
{%- endmacro %}

{#- pre-hook of the per-file table, before its changed files' rows are deleted -#}
{% macro keep_changed_keys(key) -%}
    {%- if is_incremental() -%}
    {{ _touched_keys_create(this, key) }};
    insert into {{ touched_keys_table(this) }}
    select distinct {{ key }} from {{ this }}
    where source_file in (select source_file from {{ source('fiscal_txt', 'changed_files') }})
    {%- endif -%}
{%- endmacro %}

{#- pre-hook of the dim: add the keys the changed files name now, delete every touched key's row -#}
{% macro touch_dim_keys(mentions_model, key) -%}
    {%- if is_incremental() -%}
    {%- set mentions = ref(mentions_model) -%}
    {{ _touched_keys_create(mentions, key) }};
    insert into {{ touched_keys_table(mentions) }}
    select distinct {{ key }} from {{ mentions }}
    where source_file in (select source_file from {{ source('fiscal_txt', 'changed_files') }});
    delete from {{ this }} where {{ key }} in (select {{ key }} from {{ touched_keys_table(mentions) }})
    {%- endif -%}
{%- endmacro %}

{#- The condition on the dim's key that keeps the mentions it groups: the touched keys (a full build: all). -#}
{% macro in_touched_keys(mentions_model, key) -%}
    {%- if is_incremental() -%}
    {{ key }} in (select {{ key }} from {{ touched_keys_table(ref(mentions_model)) }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- post-hook of the dim: the touched keys are rebuilt (a full build: every key) -#}
{% macro forget_dim_keys(mentions_model) -%}
    drop table if exists {{ touched_keys_table(ref(mentions_model)) }}
{%- endmacro %}
