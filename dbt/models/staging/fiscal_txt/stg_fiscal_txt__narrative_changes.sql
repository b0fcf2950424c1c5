-- Change claims of the prose, as printed; half_* is half a unit of the last printed decimal of each
-- number (what rounding to the printed precision can hide).
with

source as (

    select * from {{ source('fiscal_txt', 'narrative_changes') }}

),

renamed as (

    select
        source_file,
        cast(line_no as integer) as line_no,
        cast(fiscal_year as integer) as fiscal_year,
        form,
        {{ clean_text('subject_name') }} as subject_name,
        cast(base_year as integer) as base_year,
        cast(budget_year as integer) as budget_year,
        cast(base_amount as decimal(24, 6)) as base_amount,
        cast(budget_amount as decimal(24, 6)) as budget_amount,
        cast(change_amount as decimal(24, 6)) as change_amount,
        {{ normalize_label('unit') }} as unit,
        direction,
        cast(percent as decimal(24, 6)) as percent,
        cast(percent_places as integer) as percent_places,
        0.5 * pow(10, -base_places) as half_base,
        0.5 * pow(10, -budget_places) as half_budget,
        0.5 * pow(10, -change_places) as half_change,
        cast(item_amount as decimal(24, 6)) as item_amount,
        0.5 * pow(10, -item_places) as half_item,
        trim(claim_text) as claim_text

    from source

)

select * from renamed
