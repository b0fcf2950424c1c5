-- One row per (level, code): several printed labels (数量指标, 数量目标) share a code.
with

categories as (

    select * from {{ ref('indicator_categories') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by level, code_en
            order by case vocabulary when 'self_eval' then 1 when 'target' then 2 else 3 end, label_zh
        ) as rank_
    from categories

),

final as (

    select
        cast(level as integer) as level,
        code_en,
        max(case when rank_ = 1 then label_zh end) as label_zh,
        max(case when rank_ = 1 then name_en end) as name_en,
        max(case when rank_ = 1 then parent_code end) as parent,
        string_agg(label_zh, '、' order by rank_) as labels_zh

    from ranked
    group by level, code_en

)

select * from final
