-- One key per real unit: no two dim_unit keys may be the same name once normalised again, or
-- once every remaining punctuation mark is dropped ('松江区…局' vs '松江区…局。'); and each key is
-- already in canonical form (normalising it changes nothing). Rows returned are the offenders.
with

units as (

    select unit_name from {{ ref('dim_unit') }}

),

normalised as (

    select
        unit_name,
        {{ normalize_unit_name('unit_name') }} as renormalised,
        regexp_replace({{ normalize_unit_name('unit_name') }}, '[^\p{L}\p{N}]', '', 'g') as bare
    from units

)

select unit_name, renormalised, bare, 'not canonical' as problem
from normalised
where renormalised is distinct from unit_name

union all

select unit_name, renormalised, bare, 'same name as another key' as problem
from normalised
qualify count(*) over (partition by bare) > 1
