with

fund_sources as (

    select * from {{ ref('fund_sources') }}

),

final as (

    select
        fund_source,
        label_zh,
        name_en,
        parent_fund_source,
        cast(sort_order as integer) as sort_order

    from fund_sources

)

select * from final
