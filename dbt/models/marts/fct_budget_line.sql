with

lines as (

    select * from {{ ref('int_budget_lines_joined') }}

),

final as (

    select
        source_file,
        fiscal_year,
        table_seq,
        table_title,
        side,
        row_seq,
        subject_code,
        code_level,
        subject_name,
        measure,
        amount_yuan,
        line_no,
        -- extras
        nullif(subject_code, '') as subject_code_key,
        money_unit,
        amount as amount_stated,
        department,
        department_key,
        department_scope

    from lines

)

select * from final
