{#-
    A text cell as the contract wants it: HTML tags removed (the parsers already do this; this
    is the backstop), wrapped Chinese text joined, trimmed (ASCII, full-width and no-break spaces), and NULL when blank or a
    dash placeholder ('-', '—', '－', '--', '——', '–').
    Only tags of the HTML names the exports contain are markup (the list of parsers/text.py
    MARKUP_TAGS): any other text between < and > ('投诉率<1%，满意度>90%') is the document's and stays.
-#}
{% macro clean_text(column) -%}
    {%- set markup_tag = '</?(?i:o:p|colgroup|center|strong|tbody|thead|table|font|span|div|col|img|sub|sup|h[1-6]|br|em|hr|li|ol|td|th|tr|ul|a|b|i|p|u)(?:\s[^<>]*)?/?>' -%}
    {%- set stripped -%}
        regexp_replace(
            regexp_replace({{ column }}, '{{ markup_tag }}', '', 'g'),
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
    {#- The cleaned text once in the SQL, not once to test and once to return: every view inlines
        this into each model reading it, and DuckDB binds (compiles each regex) per occurrence.
        A whole-text dash placeholder becomes '' (RE2's ^ and $: start and end of the text). -#}
    nullif(regexp_replace({{ trimmed }}, '^(?:-|—|－|--|——|–)$', ''), '')
{%- endmacro %}


{#- A label for lookup: cleaned, with every inner space removed ('服务对象满意度 指标' → '服务对象满意度指标'). -#}
{% macro normalize_label(column) -%}
    nullif(regexp_replace(coalesce({{ clean_text(column) }}, ''), '[\s\x{3000}\x{00a0}]+', '', 'g'), '')
{%- endmacro %}


{#-
    NFKC's width folding for the characters Chinese documents mix: full-width ASCII
    (U+FF01–U+FF5E, e.g. '（', '１', 'Ａ') to ASCII and the ideographic space to a space, plus
    the other bracket forms printed around a unit's scope ('【本级】', '〔汇总〕', '﹙…﹚') as '(' / ')'.
    DuckDB has nfc_normalize but no NFKC, so the mapping is spelled out here, character for character.
-#}
{% macro fold_width(column) -%}
    {%- set wide = '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　【】〔〕〖〗﹙﹚' -%}
    {#- translate() costs ~3 µs a text (at 100k reports a third of the unit names' staging), a test for
        any of its characters a twentieth of that; most names print none -#}
    case when regexp_matches({{ column }}, '[{{ wide }}]')
         then translate({{ column }}, '{{ wide }}',
             '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ()()()()')
         else {{ column }} end
{%- endmacro %}


{#-
    A printed unit or department name without spaces, width-folded, with a leading city dropped
    when a district follows: '上海市松江区人力资源和社会保障局（本级）' → '松江区人力资源和社会保障局(本级)'.
    The scope suffix is still there; normalize_unit_name and unit_scope split it off.
-#}
{% macro unit_name_folded(column) -%}
    {{ unit_name_folded_cleaned(clean_text(column)) }}
{%- endmacro %}

{#- unit_name_folded of a text already cleaned (clean_text): a model deriving several columns from one
    name cleans it once (stg_fiscal_txt__reports). -#}
{% macro unit_name_folded_cleaned(cleaned) -%}
    regexp_replace(
        regexp_replace(
            {{ fold_width("coalesce(" ~ cleaned ~ ", '')") }},
            '[\s\x{00a0}]+', '', 'g'),
        '^[^\s市省区()]{2,3}市([^\s市省区()]{2,3}区)',
        '\1'
    )
{%- endmacro %}


{#-
    A unit or department name as a join key: one key per real unit, however it is printed.
    Width-folded (NFKC-style, so （本级） and (本级) meet), no spaces, no leading city when a
    district follows (上海市松江区… = 松江区…), and without the scope suffix (本级) / (汇总),
    which says which figures of the unit a table gives, not which unit it is (see unit_scope):
    '上海市松江区人力资源和社会保障局（本级）' → '松江区人力资源和社会保障局'.
-#}
{% macro normalize_unit_name(column) -%}
    {{ unit_key_of_folded(unit_name_folded(column)) }}
{%- endmacro %}

{#- normalize_unit_name of a name already folded (unit_name_folded). -#}
{% macro unit_key_of_folded(folded) -%}
    nullif(regexp_replace({{ folded }}, '\((本级|汇总)\)$', ''), '')
{%- endmacro %}


{#-
    The scope a unit's name states: '本级' (the department's own office), '汇总' (the
    department's consolidated figures), NULL when the name states none.
-#}
{% macro unit_scope(column) -%}
    {{ unit_scope_of_folded(unit_name_folded(column)) }}
{%- endmacro %}

{#- unit_scope of a name already folded (unit_name_folded). -#}
{% macro unit_scope_of_folded(folded) -%}
    nullif(regexp_extract({{ folded }}, '\((本级|汇总)\)$', 1), '')
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
