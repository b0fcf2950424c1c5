with

source as (

    select * from {{ source('fiscal_txt', 'budget_tables') }}

),

renamed as (

    select
        source_file || '#' || cast(table_seq as varchar) as budget_table_id,
        source_file,
        cast(table_seq as integer) as table_seq,
        {{ clean_text('table_title') }} as table_title,
        cast(line_start as integer) as line_start,
        cast(line_end as integer) as line_end,
        cast(fiscal_year as integer) as fiscal_year,
        {{ normalize_label('money_unit') }} as money_unit,
        {{ clean_text('department') }} as department,
        {{ normalize_unit_name('department') }} as department_key,
        {{ unit_scope('department') }} as department_scope,
        {{ district_from(clean_text('department')) }} as district

    from source

)

select * from renamed
