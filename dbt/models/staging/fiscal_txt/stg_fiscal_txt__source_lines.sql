with

source as (

    select * from {{ source('fiscal_txt', 'source_lines') }}

),

renamed as (

    select
        source_file,
        cast(line_no as integer) as line_no,
        cast(page_no as integer) as page_no,
        sheet_name,
        text

    from source

)

select * from renamed
