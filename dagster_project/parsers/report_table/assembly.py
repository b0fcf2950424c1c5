"""Assembling the report: the rows its family requires, then the records."""

from __future__ import annotations

from ..records import IndicatorRow, ParseResult, Report
from ..text import Line, join_wrapped
from .state import ReportState

# The IndicatorRow fields after deviation_reason, which no report table prints (targets, tracking).
_NOT_PRINTED = ("explanation", "forecast_text", "deviation_cause", "completion_likelihood", "remarks")
assert IndicatorRow._fields[-len(_NOT_PRINTED) :] == _NOT_PRINTED, IndicatorRow._fields
_NOT_PRINTED_VALUES = (None,) * len(_NOT_PRINTED)


def report_required_blocks(st, first: int) -> None:
    """The blocks every project report prints (fund block, indicators, project name): one issue each
    that is missing. ``st`` is a reader's state with ``fund_rows``, ``indicators``, ``fields``, ``issue``."""
    if not st.fund_rows:
        st.issue(first, "missing_fund_block")
    if not st.indicators:
        st.issue(first, "missing_indicators")
    if "project_name" not in st.fields:
        st.issue(first, "missing_project_name")


def assemble_report(st: ReportState, body: list[Line], result: ParseResult) -> None:
    f = st.fields
    first, last = body[0].no, body[-1].no
    if st.pending_label is not None:
        _name, label, no = st.pending_label
        st.issue(no, "missing_value", label=label)
    spec = st.spec
    if spec.total_row_required and "total_line_no" not in f:
        st.issue(first, "missing_total_row")
    report_required_blocks(st, first)
    if spec.period_required:
        if "tracking_period_start" not in f:
            st.issue(first, "missing_tracking_period", how="", how_en="")
        elif "fiscal_year" not in f:
            f["fiscal_year"] = int(f["tracking_period_start"][:4])
    if spec.missing_closing and not any(name + "_parts" in f for _label, name in spec.closing_labels):
        st.issue(last, spec.missing_closing)
    if spec.year_required and "fiscal_year" not in f:
        st.issue(first, "missing_fiscal_year")

    extra = {}
    for _label, name in spec.closing_labels:
        parts = f.get(name + "_parts")
        if parts is not None:
            extra[name] = join_wrapped(parts)

    result.reports.append(
        Report(
            source_file=st.source_file,
            report_seq=st.report_seq,
            report_type=st.spec.name,
            line_start=first,
            line_end=last,
            fiscal_year=f.get("fiscal_year"),
            project_name=f.get("project_name"),
            supervising_dept=f.get("supervising_dept"),
            implementing_unit=f.get("implementing_unit"),
            money_unit=f.get("money_unit"),
            total_weight=f.get("total_weight"),
            total_score=f.get("total_score"),
            grade=f.get("grade"),
            tracking_period_start=f.get("tracking_period_start"),
            tracking_period_end=f.get("tracking_period_end"),
            goal_expected=join_wrapped(st.goal_parts["expected"]),
            goal_actual=join_wrapped(st.goal_parts["actual"]),
            total_line_no=f.get("total_line_no"),
            grade_line_no=f.get("grade_line_no"),
            **extra,
        )
    )
    result.fund_rows.extend(st.fund_rows)
    # Each a tuple made in C, in the record's field order (records.IndicatorRow): no call per indicator.
    source_file, report_seq = st.source_file, st.report_seq
    result.indicators += [
        tuple.__new__(IndicatorRow, (
            source_file, report_seq, seq, ind.line_no,  # source_file, report_seq, indicator_seq, line_no
            ind.level1, ind.level2,
            (text := ind.text)("indicator_name"), text("target_text"), text("actual_text"), text("planned_text"),
            ind.weight, ind.score, text("deviation_reason"), *_NOT_PRINTED_VALUES,
        ))
        for seq, ind in enumerate(st.indicators, start=1)
    ]
