with

source as (

    select * from {{ source('fiscal_txt', 'source_lines') }}

),

renamed as (

    select
        source_file,
        cast(line_no as integer) as line_no,
        cast(page_no as integer) as page_no,
        nullif(trim(sheet_name), '') as sheet_name,
        -- the line for reading back (cells still TAB-separated); blank lines are null
        nullif(trim(text), '') as text

    from source

)

select * from renamed
