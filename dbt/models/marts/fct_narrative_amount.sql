with

amounts as (

    select * from {{ ref('stg_fiscal_txt__narrative_amounts') }}

),

final as (

    select
        source_file,
        fiscal_year,
        subject_name,
        context,
        amount_stated,
        unit,
        amount_yuan,
        line_no,
        raw_text,
        decimals

    from amounts

)

select * from final
