{#-
    A text cell as the contract wants it: HTML tags removed (the parsers already do this; this
    is the backstop), wrapped Chinese text joined, trimmed (ASCII, full-width and no-break spaces), and NULL when blank or a
    dash placeholder ('-', '—', '－', '--', '——', '–').
-#}
{% macro clean_text(column) -%}
    {%- set stripped -%}
        regexp_replace(
            regexp_replace({{ column }}, '</?[A-Za-z][^<>]*>', '', 'g'),
            '^[\s\x{3000}\x{00a0}]+|[\s\x{3000}\x{00a0}]+$', '', 'g'
        )
    {%- endset -%}
    {#- A space between two Chinese characters is a line wrap of the PDF cell ('完 成率'):
        join it. Twice, because each match consumes the character after the space. -#}
    {%- set trimmed -%}
        regexp_replace(regexp_replace({{ stripped }},
            '(\p{Han})[ \x{3000}]+(\p{Han})', '\1\2', 'g'),
            '(\p{Han})[ \x{3000}]+(\p{Han})', '\1\2', 'g')
    {%- endset -%}
    nullif(
        case
            when {{ trimmed }} in ('-', '—', '－', '--', '——', '–') then ''
            else {{ trimmed }}
        end,
        ''
    )
{%- endmacro %}


{#- A label for lookup: cleaned, with every inner space removed ('服务对象满意度 指标' → '服务对象满意度指标'). -#}
{% macro normalize_label(column) -%}
    nullif(regexp_replace(coalesce({{ clean_text(column) }}, ''), '[\s\x{3000}\x{00a0}]+', '', 'g'), '')
{%- endmacro %}


{#-
    A unit or department name as a join key: no spaces, full-width parentheses as ASCII, and a
    leading city dropped when a district follows, so that the report's and the budget's spellings
    of one unit meet: '上海市松江区人力资源和社会保障局（本级）' → '松江区人力资源和社会保障局(本级)'.
-#}
{% macro normalize_unit_name(column) -%}
    nullif(
        regexp_replace(
            replace(replace(
                regexp_replace(coalesce({{ clean_text(column) }}, ''), '[\s\x{3000}\x{00a0}]+', '', 'g'),
                '（', '('), '）', ')'),
            '^[^\s市省区()]{2,3}市([^\s市省区()]{2,3}区)',
            '\1'
        ),
        ''
    )
{%- endmacro %}


{#-
    The district (区) a unit or department belongs to, from its name: '上海市松江区人力资源…' → '松江区',
    '闵行区社会保障服务中心' → '闵行区'. Two or three characters before 区, none of them 市/省/区/space.
-#}
{% macro district_from(column) -%}
    nullif(regexp_extract({{ column }}, '([^\s市省区县（）()]{2,3}区)', 1), '')
{%- endmacro %}


{#- An indicator category label without its 指标/目标 suffix: '数量目标' → '数量', '社会效益' → '社会效益'. -#}
{% macro indicator_label_stem(label) -%}
    nullif(regexp_replace({{ label }}, '(指标|目标)$', ''), '')
{%- endmacro %}
