"""One root cause, one finding: group the violations one wrong cell causes at several places.

A 1-元 slip in a 项 cell makes its 款 (and 类) disagree with their children, its row disagree with
the same row of another table, the column total and the balance disagree: several violations, one
error. Every violation keeps its row in quality.violations (SQL users keep every place); the
grouping adds to each row:

- ``root_cause_id``: the id of its root cause: the root violation's stable ``finding_id`` (its
  ``<check_name>#<check_row>`` in a warehouse without finding ids);
- ``is_root_cause``: whether the row is that root (the place to correct);
- ``root_cause_places``: how many violations the root cause has (itself included);

and ``quality.finding_groups`` holds one row per root cause. The rules, in one place:

1. Only the budget amount rules take part, at the places dbt's ``quality.finding_places`` gives
   them (the checked row's code; '' for a total row). Every other violation is its own root.
2. Two violations are linked when they are in the same document (file and year), show the same
   difference (|observed − expected| in 元, computed from the printed figures: the same slip seen
   from another place gives the same figures) and the same kind of verdict (hints with hints), and
   the more specific one's code extends the other's (a row and its 款, 类 and totals; the same row
   in another table). A different difference is never merged: rounding residue in a sum can split
   a group, it cannot join two.
3. The root is the most specific linked place: the deepest code, then the rule (the row against its
   own columns, against another table, the parent against its children, the totals:
   ``finding_places.specificity_rank``), then the position in the document.
4. A violation linked to candidates in two unrelated branches (a total that two equal slips could
   explain) is not attached to either: it stays its own root cause.
5. A report's fund rows: a 年度资金总额 that is not the sum of its parts (fund_total_mismatch) because
   one 其中 part exceeds it (sub_item_exceeds_total, same report and amount column, the same difference)
   is that part's finding: the part's row is the root. Two parts above the total: no link.
"""

from __future__ import annotations

import duckdb

PLACES = "quality.finding_places"

# violations on the subject tree, most specific first (rules 1 and 3)
_NODES = """
create or replace temp table root_cause_nodes as
select
    v.check_name || '#' || v.check_row as finding_id,
    v.source_file, v.fiscal_year, v.severity = 'hint' as is_hint, abs(v.difference) as size, p.subject_code,
    row_number() over (
        order by length(p.subject_code) desc, p.specificity_rank, v.source_file, v.table_seq, v.line_no,
                 v.check_name, v.check_row
    ) as specificity
from quality.violations as v
join quality.finding_places as p using (check_name, check_row)
where p.on_subject_tree and v.difference is not null and v.difference <> 0 and {v}
"""

# each violation's more specific linked places (rule 2), its root (rule 3) unless ambiguous (rule 4)
_ROOTS = """
create or replace temp table root_cause_of as
with candidates as (
    select a.finding_id, b.finding_id as candidate, b.subject_code as candidate_code, b.specificity
    from root_cause_nodes as a
    join root_cause_nodes as b
      on b.source_file = a.source_file and b.fiscal_year is not distinct from a.fiscal_year
     and b.is_hint = a.is_hint and b.size = a.size
     and starts_with(b.subject_code, a.subject_code) and b.specificity < a.specificity
),
best as (
    select finding_id, arg_min(candidate, specificity) as root, arg_min(candidate_code, specificity) as root_code
    from candidates group by finding_id
)
select b.finding_id, b.root
from best as b
where not exists (
    select 1 from candidates as c where c.finding_id = b.finding_id and not starts_with(b.root_code, c.candidate_code)
)
"""

# rule 5: the sum a part above its total breaks (one part with that difference: else ambiguous)
_FUND_PARTS = """
insert into root_cause_of
select t.check_name || '#' || t.check_row, arg_min(p.check_name || '#' || p.check_row, p.line_no)
from quality.violations as t
join quality.violations as p
  on p.source_file = t.source_file and p.report_seq = t.report_seq and p.measure = t.measure
 and abs(p.difference) = abs(t.difference) and (p.severity = 'hint') = (t.severity = 'hint')
where t.check_name = 'fund_total_mismatch' and p.check_name = 'sub_item_exceeds_total' and {t}
group by all having count(*) = 1
"""

_COLUMNS = """
alter table quality.violations add column root_cause_id varchar;
alter table quality.violations add column is_root_cause boolean;
alter table quality.violations add column root_cause_places integer;
"""
# a root cause's places are in one file (rule 2): a file's rows are assigned from its own rows
_ASSIGN = """
update quality.violations as v set root_cause_id = null where {v};
update quality.violations as v set root_cause_id = r.root
from root_cause_of as r where r.finding_id = v.check_name || '#' || v.check_row and {v};
update quality.violations as v set root_cause_id = check_name || '#' || check_row where root_cause_id is null and {v};
update quality.violations as v set is_root_cause = root_cause_id = check_name || '#' || check_row where {v};
update quality.violations as v set root_cause_places = n.places
from (select root_cause_id, count(*) as places from quality.violations as v where {v} group by root_cause_id) as n
where n.root_cause_id = v.root_cause_id and {v};
"""

# the root's stable finding id (expectations/finding_ids.py) names its root cause across runs
_STABLE_IDS = """
update quality.violations as v set root_cause_id = r.finding_id
from (select check_name || '#' || check_row as root, finding_id from quality.violations as v where {v}) as r
where r.root = v.root_cause_id and r.finding_id is not null and {v};
"""

# One row per root cause: the root's place and values, the worst severity of its places, the others.
_GROUPS = """
select
    r.root_cause_id, r.check_name, s.severity, r.source_file, r.page_no, r.table_seq, r.table_title,
    r.line_no, r.subject, r.measure, r.expected_number, r.observed_number, r.difference,
    r.root_cause_places as places, s.checks, s.other_places
from quality.violations as r
join (
    select
        root_cause_id,
        case min(case severity when 'error' then 0 when 'warning' then 1 else 2 end)
            when 0 then 'error' when 1 then 'warning' else 'hint' end as severity,
        list(distinct check_name order by check_name) as checks,
        list(check_name || ' ' || source_file || ':' || coalesce(line_no::varchar, '?')
             || coalesce(' ' || subject, '') || coalesce(' · ' || measure, '')
             order by source_file, line_no, check_name) filter (where not is_root_cause) as other_places
    from quality.violations as v where {v} group by root_cause_id
) as s using (root_cause_id)
where r.is_root_cause and {r}
order by s.severity, r.check_name, r.source_file, r.line_no
"""


def _has_places(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'quality' and table_name = 'finding_places'"
        ).fetchone()[0]
    )


def assign_root_causes(con: duckdb.DuckDBPyConnection, files: str | None = None) -> None:
    """Add root_cause_id, is_root_cause, root_cause_places to quality.violations and write
    quality.finding_groups. Without quality.finding_places (a warehouse dbt has not built it in),
    every violation is its own root cause. ``files``: a table listing the only files whose
    violations changed (an incremental run): their rows and groups are assigned anew, the others kept."""
    scope = {alias: _in_files(alias, files) for alias in ("v", "t", "r")}
    if _has_places(con):
        con.execute(_NODES.format(**scope))
        con.execute(_ROOTS)
    else:
        con.execute("create or replace temp table root_cause_of (finding_id varchar, root varchar)")
    con.execute(_FUND_PARTS.format(**scope))
    if files is None:
        con.execute(_COLUMNS)
    con.execute(_ASSIGN.format(**scope))
    if con.execute("select count(*) from information_schema.columns where table_schema = 'quality' "
                   "and table_name = 'violations' and column_name = 'finding_id'").fetchone()[0]:
        con.execute(_STABLE_IDS.format(**scope))
    if files is None:
        con.execute(f"create or replace table quality.finding_groups as {_GROUPS.format(**scope)}")
    else:
        con.execute(f"delete from quality.finding_groups as r where {scope['r']}")
        con.execute(f"insert into quality.finding_groups {_GROUPS.format(**scope)}")
    con.execute("drop table if exists root_cause_nodes")
    con.execute("drop table root_cause_of")


def _in_files(alias: str, files: str | None) -> str:
    """A condition on the violations row ``alias``: its file is listed in ``files`` (None: every row).
    A row naming no file is listed as ''."""
    if files is None:
        return "true"
    return f"coalesce({alias}.source_file, '') in (select coalesce(source_file, '') from {files})"
