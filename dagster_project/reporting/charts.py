"""Inline SVG charts: pure functions from numbers to markup (no scripts, no external fonts)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np

FONT = (
    "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Zen Hei','Microsoft YaHei','PingFang SC',sans-serif"
)
AXIS = "#888"
INK = "#222"
BLUE = "#2e6da4"
GREEN = "#2e8b57"


@dataclass(frozen=True)
class Segment:
    value: float
    color: str
    label: str = ""  # tooltip


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="{FONT}" font-size="12">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _num(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def wrap_label(text: str, width: int, max_lines: int = 3) -> list[str]:
    """A label in lines of at most width characters; past max_lines the last line ends in '…'
    (the whole label stays in the <title> tooltip)."""
    lines = [text[i : i + width] for i in range(0, len(text), width)] or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1] + "…"
    return lines


def rate_bins(rates: list[float]) -> list[tuple[str, int]]:
    """Execution rates into bins: <50, 50–60 … 90–<100, exactly 100, >100 (per cent)."""
    edges = [(None, 50.0, "<50")] + [
        (lo, lo + 10.0, f"{lo:.0f}–{lo + 10:.0f}") for lo in (50.0, 60.0, 70.0, 80.0)
    ]
    edges.append((90.0, 100.0, "90–<100"))
    # counted over an array at once: a report's page bins every total fund row (~95k at 100k reports)
    every = np.asarray(rates, dtype=float)
    hundred = np.abs(every - 100.0) < 0.005
    over = ~hundred & (every > 100.0)
    rest = every[~hundred & ~over]
    counts = [(label, int(np.count_nonzero((rest < hi) if lo is None else (rest >= lo) & (rest < hi))))
              for lo, hi, label in edges]
    return [*counts, ("100", int(np.count_nonzero(hundred))), (">100", int(np.count_nonzero(over)))]


def histogram(bins: list[tuple[str, int]], title: str, x_label: str, y_label: str = "项目数") -> str:
    """Vertical columns, one per bin, with the count above each column."""
    width, height, left, bottom, top = 640, 280, 48, 48, 28
    plot_w, plot_h = width - left - 16, height - top - bottom
    peak = max((c for _, c in bins), default=0) or 1
    step = plot_w / max(len(bins), 1)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{AXIS}"/>',
        f'<text x="{left + plot_w / 2}" y="{height - 8}" text-anchor="middle" fill="{INK}">{escape(x_label)}</text>',
        (
            f'<text x="12" y="{top + plot_h / 2}" text-anchor="middle" fill="{INK}" '
            f'transform="rotate(-90 12 {top + plot_h / 2})">{escape(y_label)}</text>'
        ),
    ]
    for i, (label, count) in enumerate(bins):
        bar_h = plot_h * count / peak
        x = left + i * step + step * 0.12
        y = top + plot_h - bar_h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.76:.1f}" height="{bar_h:.1f}" fill="{BLUE}" '
            f'data-bin="{escape(label)}" data-value="{count}"><title>{escape(label)}%：{count}</title></rect>'
        )
        if count:
            body.append(
                f'<text x="{x + step * 0.38:.1f}" y="{y - 4:.1f}" text-anchor="middle">{count}</text>'
            )
        body.append(
            f'<text x="{x + step * 0.38:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'font-size="11" fill="{INK}">{escape(label)}</text>'
        )
    return _svg(width, height, body, title)


def bar_chart(bars: list[Bar], title: str, max_value: float | None = None, label_chars: int = 22) -> str:
    """Horizontal (optionally stacked) bars with the label on the left and the total on the right."""
    bar_h, line_h, top, left, right = 24, 14, 8, 14 + 12 * label_chars, 64
    labels = [wrap_label(bar.label, label_chars) for bar in bars]  # long labels wrap, never cut silently
    rows = [bar_h + line_h * (len(lines) - 1) for lines in labels]
    width = left + 360 + right
    height = top * 2 + (sum(rows) or bar_h)
    peak = max_value or max((b.total for b in bars), default=0) or 1
    scale = 360 / peak
    body: list[str] = []
    y = float(top)
    for bar, lines, row_h in zip(bars, labels, rows):
        middle = y + row_h / 2
        first = middle + 4 - line_h * (len(lines) - 1) / 2
        tspans = "".join(
            f'<tspan x="{left - 8}" y="{first + n * line_h:.1f}">{escape(line)}</tspan>' for n, line in enumerate(lines)
        )
        body.append(
            f'<text text-anchor="end" fill="{INK}" data-label="{escape(bar.label)}">'
            f"<title>{escape(bar.label)}</title>{tspans}</text>"
        )
        x = float(left)
        for seg in bar.segments:
            w = seg.value * scale
            body.append(
                f'<rect x="{x:.1f}" y="{middle - (bar_h - 8) / 2:.1f}" width="{w:.1f}" height="{bar_h - 8}" '
                f'fill="{seg.color}"><title>{escape(seg.label or bar.label)}：{_num(seg.value)}</title></rect>'
            )
            x += w
        body.append(f'<text x="{x + 6:.1f}" y="{middle + 4:.1f}" fill="{INK}">{_num(bar.total)}</text>')
        y += row_h
    body.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - top}" stroke="{AXIS}"/>')
    return _svg(width, height, body, title)


def line_chart(
    years: list[int], series: list[tuple[str, str, list[float | None]]], title: str, y_max: float = 100.0
) -> str:
    """A small multi-line chart over years; series = (name, color, one value or None per year)."""
    width, height, left, bottom, top, right = 300, 170, 34, 40, 12, 12
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([y_max] + [v for _, _, values in series for v in values if v is not None])

    span = (years[-1] - years[0]) or 1

    def x_of(i: int) -> float:  # by the year's value, so a missing year leaves a gap
        return left + (plot_w * (years[i] - years[0]) / span if len(years) > 1 else plot_w / 2)

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * v / peak

    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{AXIS}"/>'
    ]
    for tick in (0, 50, 100):
        body.append(
            f'<text x="{left - 4}" y="{y_of(tick) + 4:.1f}" text-anchor="end" font-size="10" fill="{AXIS}">{tick}</text>'
            f'<line x1="{left}" y1="{y_of(tick):.1f}" x2="{left + plot_w}" y2="{y_of(tick):.1f}" '
            f'stroke="#eee"/>'
        )
    for i, year in enumerate(years):
        body.append(
            f'<text x="{x_of(i):.1f}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10">{year}</text>'
        )
    for n, (name, color, values) in enumerate(series):
        points = [(x_of(i), y_of(v), v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y, v in points:
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"><title>{escape(name)}：{v:.2f}</title></circle>'
            )
        legend_x = left + n * 110
        body.append(
            f'<rect x="{legend_x}" y="{height - 14}" width="10" height="10" fill="{color}"/>'
            f'<text x="{legend_x + 14}" y="{height - 5}" font-size="11">{escape(name)}</text>'
        )
    return _svg(width, height, body, title)
