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

renamed as (

    select
        source_file || '#' || cast(report_seq as varchar) as report_id,
        source_file,
        cast(report_seq as integer) as report_seq,
        cast(indicator_seq as integer) as indicator_seq,
        cast(line_no as integer) as line_no,

        {{ clean_text('level1') }} as level1,
        {{ clean_text('level2') }} as level2,
        {{ indicator_label_stem(normalize_label('level1')) }} as level1_label,
        {{ indicator_label_stem(normalize_label('level2')) }} as level2_label,
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
