with

source as (

    select * from {{ source('fiscal_txt', 'line_accounting') }}

),

renamed as (

    select
        source_file,
        cast(line_no as integer) as line_no,
        lower(trim(disposition)) as disposition,
        {{ clean_text('family') }} as family

    from source

)

select * from renamed
