-- Amounts stay in the table's unit here: the unit lives on the budget table, so the
-- conversion to 元 happens in int_budget_lines_joined (staging does no joins).
with

source as (

    select * from {{ source('fiscal_txt', 'budget_cells') }}

),

renamed as (

    select
        source_file || '#' || cast(table_seq as varchar) as budget_table_id,
        source_file,
        cast(table_seq as integer) as table_seq,
        cast(row_seq as integer) as row_seq,
        {{ clean_text('side') }} as side,
        -- the contract keeps '' (not NULL) for rows without a code
        coalesce(regexp_replace(subject_code, '\s+', '', 'g'), '') as subject_code,
        {{ clean_text('code_level') }} as code_level,
        {{ clean_text('subject_name') }} as subject_name,
        trim(measure) as measure,
        cast(amount as decimal(24, 6)) as amount,
        cast(decimals as integer) as decimals,
        cast(line_no as integer) as line_no

    from source

)

select * from renamed
