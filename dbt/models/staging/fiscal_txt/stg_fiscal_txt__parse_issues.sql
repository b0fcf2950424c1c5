with

source as (

    select * from {{ source('fiscal_txt', 'parse_issues') }}

),

renamed as (

    select
        source_file,
        cast(line_no as integer) as line_no,
        lower(trim(severity)) as severity,
        trim(code) as issue_code,
        trim(message) as message,
        {{ clean_text('raw_text') }} as raw_text

    from source

)

select * from renamed
