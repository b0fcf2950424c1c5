with

source as (

    select * from {{ source('fiscal_txt', 'indicators') }}

),

categories as (

    -- a seed lookup, not a join between sources: label stems → English codes.
    -- Labels are matched without their 指标/目标 suffix, so 社会效益, 社会效益指标 and
    -- 社会效益目标 meet (assert_indicator_label_stems_are_unambiguous guards the lookup).
    select distinct level, {{ indicator_label_stem('label_zh') }} as label_stem, code_en
    from {{ ref('indicator_categories') }}

),

seed_labels as (

    -- The seed's own labels, each cleaned and stemmed once: nearly every indicator prints one of
    -- them, and cleaning both labels of each of ~967,000 indicators (100k reports) was most of
    -- the view's cost. A label printed otherwise is cleaned on its row (renamed). Taken from the
    -- seed, not as the indicators' distinct labels: an incremental run's filter on source_file
    -- must still reach the indicators' scan, which a distinct over all of them would not let it.
    select
        printed,
        {{ clean_text('printed') }} as cleaned,
        {{ indicator_label_stem(normalize_label('printed')) }} as label_stem
    from (select distinct label_zh as printed from {{ ref('indicator_categories') }})

),

renamed as (

    select
        source_file || '#' || cast(report_seq as varchar) as report_id,
        source_file,
        cast(report_seq as integer) as report_seq,
        cast(indicator_seq as integer) as indicator_seq,
        cast(line_no as integer) as line_no,

        -- (CASE evaluates its ELSE on the rows whose label is not the seed's only)
        case when seed1.printed is null then {{ clean_text('source.level1') }} else seed1.cleaned end as level1,
        case when seed2.printed is null then {{ clean_text('source.level2') }} else seed2.cleaned end as level2,
        case when seed1.printed is null
             then {{ indicator_label_stem(normalize_label('source.level1')) }}
             else seed1.label_stem end as level1_label,
        case when seed2.printed is null
             then {{ indicator_label_stem(normalize_label('source.level2')) }}
             else seed2.label_stem end as level2_label,
        {{ clean_text('indicator_name') }} as indicator_name,
        {{ clean_text('target_text') }} as target_text,
        {{ clean_text('actual_text') }} as actual_text,
        {{ clean_text('planned_text') }} as planned_text,
        cast(weight as decimal(18, 4)) as weight,
        cast(score as decimal(18, 4)) as score,
        {{ clean_text('deviation_reason') }} as deviation_reason,
        {{ clean_text('explanation') }} as explanation,
        {{ clean_text('forecast_text') }} as forecast_text,
        {{ clean_text('deviation_cause') }} as deviation_cause,
        {{ clean_text('completion_likelihood') }} as completion_likelihood,
        {{ clean_text('remarks') }} as remarks

    from source
    left join seed_labels as seed1 on seed1.printed = source.level1
    left join seed_labels as seed2 on seed2.printed = source.level2

),

categorized as (

    select
        renamed.* exclude (level1_label, level2_label),
        case
            when renamed.level1_label is null then null
            else coalesce(level1_category.code_en, 'other')
        end as level1_code,
        case
            when renamed.level2_label is null then null
            else coalesce(level2_category.code_en, 'other')
        end as level2_code

    from renamed
    left join categories as level1_category
        on level1_category.level = 1 and level1_category.label_stem = renamed.level1_label
    left join categories as level2_category
        on level2_category.level = 2 and level2_category.label_stem = renamed.level2_label

)

select * from categorized
