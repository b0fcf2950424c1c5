with

source as (

    select * from {{ source('fiscal_txt', 'narrative_amounts') }}

),

renamed as (

    select
        source_file,
        cast(line_no as integer) as line_no,
        cast(fiscal_year as integer) as fiscal_year,
        {{ clean_text('subject_name') }} as subject_name,
        lower(trim(context)) as context,
        cast(amount as decimal(24, 6)) as amount_stated,
        cast(decimals as integer) as decimals,
        {{ normalize_label('unit') }} as unit,
        {{ to_yuan('amount', normalize_label('unit')) }} as amount_yuan,
        trim(raw_text) as raw_text

    from source

)

select * from renamed
