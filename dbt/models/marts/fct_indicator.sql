with

indicators as (

    select * from {{ ref('stg_fiscal_txt__indicators') }}

),

final as (

    select
        report_id,
        source_file,
        report_seq,
        indicator_seq,
        level1,
        level2,
        indicator_name,
        target_text,
        actual_text,
        planned_text,
        weight,
        score,
        deviation_reason,
        line_no,
        -- extras
        level1_code,
        level2_code

    from indicators

)

select * from final
