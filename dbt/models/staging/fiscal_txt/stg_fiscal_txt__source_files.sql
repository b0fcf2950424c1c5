with

source as (

    select * from {{ source('fiscal_txt', 'source_files') }}

),

renamed as (

    select
        source_file,
        lower(trim(sha256)) as sha256,
        cast(size_bytes as bigint) as size_bytes,
        {{ clean_text('families') }} as families,
        cast(line_count as integer) as line_count,
        cast(loaded_at as timestamp) as loaded_at

    from source

)

select * from renamed
