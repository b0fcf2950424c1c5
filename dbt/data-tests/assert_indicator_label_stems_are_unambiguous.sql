-- The indicator_categories lookup matches labels without their 指标/目标 suffix; two labels
-- with the same stem and level must then mean the same category, or indicators would fan out.
select level, {{ indicator_label_stem('label_zh') }} as label_stem, count(distinct code_en) as n_codes
from {{ ref('indicator_categories') }}
group by 1, 2
having count(distinct code_en) > 1
