"""Native SVG charts for the HTML report: attainment, KPI waterfall, SWOT, action and incident timelines.

Why our own SVG and not matplotlib's: a page of matplotlib charts took ~1 s (layout was most of it)
under one process-wide lock, for files of glyph-less paths and styles. These charts are written
directly as SVG text in a few milliseconds, need no optional dependency and no lock (every call
builds its own strings), keep every label as a real ``<text>`` element (searchable, selectable,
crisp at any zoom and in print) in the report's CJK font stack, and do not rely on colour alone:
statuses also differ by fill pattern or marker shape and are written out beside the marks.

Every piece of user text goes through `_esc` (XML escaping) before it enters the markup, and the
result is still checked by `charts.inline_svg` before the HTML report inlines it. Ids are prefixed
with the chart's key so that several charts can share one page. Layout uses an estimate of text
width (CJK full width, Latin about half), which is what keeps the axis labels from overlapping.
matplotlib remains for the Word pictures (`report.charts`, PNG).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from html import escape

from fupan_mcp.analysis.actions import is_overdue
from fupan_mcp.domain.actions import ActionItem, ActionStatus
from fupan_mcp.domain.attainment import AttainmentResult, Status
from fupan_mcp.domain.kpi import KpiTreeResult
from fupan_mcp.domain.swot import SwotFactor, SwotResult
from fupan_mcp.domain.timeline import TimelineResult
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report.formatting import axis_scale, percent, quantity, quantity_in, signed_quantity
from fupan_mcp.report.strings import TEXT

__all__ = [
    "CSS_FONT_STACK",
    "MAX_ROWS",
    "actions_svg",
    "attainment_svg",
    "date_ticks",
    "fit",
    "kpi_svg",
    "swot_svg",
    "text_width",
    "timeline_svg",
]

CSS_FONT_STACK = (
    '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", Helvetica, Arial, sans-serif'
)
"""The font stack of the HTML report; the SVG charts ask for the same fonts."""

MAX_ROWS = 40
"""Rows one chart draws; the title says how many there were."""

WIDTH = 760
INK = "#1f2328"
MUTED = "#656d76"
LINE = "#d0d7de"
GRID = "#eaeef2"
RISE = "#1a7f37"
FALL = "#cf222e"
TOTAL = "#0969da"
OVERDUE = "#cf222e"
SIZE = 12
"""Font size of labels, in px of the 760-wide view box."""

STATUS_COLORS: dict[Status, str] = {
    "achieved": "#1a7f37",
    "not_achieved": "#cf222e",
    "needs_verification": "#bf8700",
    "not_evaluable": "#8c959f",
    "reported": "#57606a",
}
STATUS_FILLS: dict[Status, str] = {  # greyscale-safe: a texture as well as a colour
    "achieved": "solid",
    "not_achieved": "hatch",
    "needs_verification": "dots",
    "not_evaluable": "solid",
    "reported": "cross",
}
ACTION_COLORS: dict[ActionStatus, str] = {
    "open": "#57606a",
    "in_progress": "#0969da",
    "done": "#1a7f37",
    "wont_do": "#8c959f",
}
ACTION_SHAPES: dict[ActionStatus, str] = {
    "open": "ring",
    "in_progress": "disc",
    "done": "diamond",
    "wont_do": "square",
}
_RATE_CAP = 2.0
"""Bars stop at 200 %; a rate above is drawn to the cap and labelled with its value."""


# --------------------------------------------------------------------------- text and markup


def _esc(text: str) -> str:
    return escape(text, quote=True)


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _char_width(ch: str) -> float:
    code = ord(ch)
    if code >= 0x2E80 or 0x2010 <= code <= 0x206F:  # CJK, and quotes and dashes, full width in CJK fonts
        return 1.0
    if ch in "il.,:;'|!()[] ·":
        return 0.3
    if ch.isupper() or ch in "mw%@MW":
        return 0.72
    return 0.56


def text_width(text: str, size: float = SIZE) -> float:
    """An estimate of the rendered width in px: CJK glyphs are full width, Latin about half (a little wide)."""
    return sum(_char_width(ch) for ch in text) * size


def fit(text: str, width: float, size: float = SIZE) -> str:
    """The text on one line, cut with '…' to fit ``width`` px."""
    text = " ".join(text.split())
    if text_width(text, size) <= width:
        return text
    room = width - text_width("…", size)
    used, cut = 0.0, 0
    for cut, ch in enumerate(text):  # noqa: B007 - the index where the text is cut
        used += _char_width(ch) * size
        if used > room:
            break
    return text[:cut].rstrip() + "…"


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of at most ``width`` px, broken after a space or punctuation where one is near."""
    lines: list[str] = []
    rest = " ".join(text.split())
    while rest and text_width(rest, size) > width:
        used, cut = 0.0, len(rest)
        for index, ch in enumerate(rest):
            used += _char_width(ch) * size
            if used > width:
                cut = index
                break
        breaks = [i + 1 for i in range(max(1, cut - 24), cut) if rest[i] in " ,;:)),;:、。"]
        cut = breaks[-1] if breaks else max(1, cut)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        lines.append(rest)
    return lines


class _Canvas:
    """An SVG document being written: element strings in drawing order, pattern definitions apart."""

    def __init__(self, key: str, width: float = WIDTH) -> None:
        self.key = key
        self.width = width
        self.parts: list[str] = []
        self.defs: dict[str, str] = {}

    def ref(self, name: str) -> str:
        return f"fp-{self.key}-{name}"

    def fill(self, kind: str, color: str) -> str:
        """A fill for marks of ``color``: solid, or a pattern in that colour (readable in greyscale)."""
        if kind == "solid":
            return color
        name = f"{kind}-{color.lstrip('#')}"
        ident = self.ref(name)
        if name not in self.defs:
            ground = f'<rect width="6" height="6" fill="{color}"/>'
            mark = {
                "hatch": '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#fff" stroke-width="1.6"/>',
                "dots": '<circle cx="3" cy="3" r="1.3" fill="#fff"/>',
                "cross": '<path d="M0,3 h6 M3,0 v6" stroke="#fff" stroke-width="1.2"/>',
            }[kind]
            self.defs[name] = (
                f'<pattern id="{ident}" width="6" height="6" patternUnits="userSpaceOnUse">{ground}{mark}</pattern>'
            )
        return f"url(#{ident})"

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = SIZE,
        anchor: str = "start",
        fill: str = INK,
        bold: bool = False,
        full: str | None = None,
    ) -> None:
        """A label; ``full`` (the untruncated text) becomes its tooltip when the label was cut."""
        weight = ' font-weight="bold"' if bold else ""
        tip = f"<title>{_esc(full)}</title>" if full is not None and full != text else ""
        self.parts.append(
            f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" fill="{fill}"{weight}>'
            f"{tip}{_esc(text)}</text>"
        )

    def rect(self, x: float, y: float, w: float, h: float, fill: str, *, extra: str = "") -> None:
        self.parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0.0))}" height="{_n(h)}" fill="{fill}"{extra}/>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, *, extra: str = "") -> None:
        self.parts.append(f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}"{extra}/>')

    def raw(self, markup: str) -> None:
        self.parts.append(markup)

    def title(self, text: str, y: float = 20, size: float = 13.5) -> float:
        """The chart's title, wrapped to the width; returns the y below it."""
        for line in _wrap(text, self.width - 16, size):
            self.text(8, y, line, size=size, bold=True)
            y += size * 1.45
        return y

    def render(self, height: float, label: str) -> str:
        defs = f"<defs>{''.join(self.defs.values())}</defs>" if self.defs else ""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(self.width)} {_n(height)}" '
            f'width="{_n(self.width)}" height="{_n(height)}" font-family="{_esc(CSS_FONT_STACK)}" '
            f'role="img" aria-label="{_esc(label)}"><title>{_esc(label)}</title>{defs}'
            f'<rect width="100%" height="100%" fill="#fff"/>{"".join(self.parts)}</svg>'
        )


def _marker(shape: str, x: float, y: float, color: str, r: float = 5.5) -> str:
    if shape == "ring":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r - 0.8)}" fill="#fff" stroke="{color}" stroke-width="2"/>'
    if shape == "disc":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{color}"/>'
    if shape == "diamond":
        d = r * 1.25
        return (
            f'<path d="M{_n(x)},{_n(y - d)} l{_n(d)},{_n(d)} l{_n(-d)},{_n(d)} l{_n(-d)},{_n(-d)} z" fill="{color}"/>'
        )
    if shape == "square":
        return (
            f'<rect x="{_n(x - r + 1)}" y="{_n(y - r + 1)}" width="{_n(2 * r - 2)}" height="{_n(2 * r - 2)}" '
            f'fill="#fff" stroke="{color}" stroke-width="2"/>'
        )
    d = r * 0.85  # the overdue cross
    strokes = f"M{_n(x - d)},{_n(y - d)} L{_n(x + d)},{_n(y + d)} M{_n(x - d)},{_n(y + d)} L{_n(x + d)},{_n(y - d)}"
    return f'<path d="{strokes}" stroke="{color}" stroke-width="3" stroke-linecap="round"/>'


def _legend(canvas: _Canvas, y: float, entries: Sequence[tuple[str, str]]) -> float:
    """Entries (a swatch's markup drawn at the origin, label) in rows centred on the width; the y below."""
    rows: list[list[tuple[str, str, float]]] = [[]]
    used = 0.0
    for swatch, label in entries:
        w = 22 + text_width(label, 11) + 18
        if rows[-1] and used + w > canvas.width - 40:
            rows.append([])
            used = 0.0
        rows[-1].append((swatch, label, w))
        used += w
    for row in rows:
        x = (canvas.width - sum(w for *_, w in row)) / 2
        for swatch, label, w in row:
            canvas.raw(f'<g transform="translate({_n(x + 8)},{_n(y - 4)})">{swatch}</g>')
            canvas.text(x + 20, y, label, size=11, fill=INK)
            x += w
        y += 18
    return y


def _nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw))


def _no_overlap(positions: Sequence[tuple[float, str]], size: float, gap: float = 10) -> bool:
    ends = [(x - text_width(label, size) / 2, x + text_width(label, size) / 2) for x, label in positions]
    return all(left - prev_right >= gap for (_, prev_right), (left, _) in itertools.pairwise(ends))


# --------------------------------------------------------------------------- attainment


def attainment_svg(result: AttainmentResult, language: Language) -> str | None:
    """Attainment rate per metric against the 100 % line; status as colour, texture and word. None without metrics."""
    metrics = result.metrics[:MAX_ROWS]
    if not metrics:
        return None
    canvas = _Canvas("attainment")
    title = tr(TEXT, "chart.attainment.title", language)
    if len(result.metrics) > MAX_ROWS:
        title += tr(TEXT, "chart.more_rows", language, shown=MAX_ROWS, total=len(result.metrics))
    top = canvas.title(title) + 14
    names = [fit(m.name, 200) for m in metrics]
    left = 16 + max(text_width(name) for name in names)
    right = WIDTH - 190
    rates = [m.attainment_rate for m in metrics]
    peak = max([1.0, *(min(r, _RATE_CAP) for r in rates if r is not None)])
    limit = max(1.25, peak * 1.1)
    step = _nice_step(limit, 5)

    def x(rate: float) -> float:
        return left + (right - left) * min(max(rate, 0.0), _RATE_CAP) / limit

    row_h = 28
    bottom = top + row_h * len(metrics)
    tick = 0.0
    while tick <= limit + 1e-9:
        canvas.line(x(tick), top, x(tick), bottom, GRID)
        canvas.text(x(tick), bottom + 16, f"{tick * 100:.0f}%", size=11, anchor="middle", fill=MUTED)
        tick += step
    canvas.text(
        (left + right) / 2,
        bottom + 34,
        tr(TEXT, "chart.attainment.axis", language),
        size=11,
        anchor="middle",
        fill=MUTED,
    )
    for index, metric in enumerate(metrics):
        y = top + row_h * index
        mid = y + row_h / 2 + 4
        canvas.text(left - 8, mid, names[index], anchor="end", full=metric.name)
        color = STATUS_COLORS[metric.status]
        status = tr(TEXT, f"chart.status.{metric.status}", language)
        rate = metric.attainment_rate
        if rate is None:
            canvas.text(left + 6, mid, tr(TEXT, "chart.no_rate", language, status=status), size=11.5, fill=color)
            continue
        end = x(rate)
        canvas.rect(
            left,
            y + 6,
            end - left,
            row_h - 12,
            canvas.fill(STATUS_FILLS[metric.status], color),
            extra=f' stroke="{color}"',
        )
        label = percent(rate) + (" »" if rate > _RATE_CAP else "")
        canvas.text(end + 6, mid, label, bold=True)
        canvas.text(end + 12 + text_width(label), mid, status, size=11, fill=color)
    canvas.line(left, top - 4, left, bottom, MUTED)
    canvas.line(x(1.0), top - 6, x(1.0), bottom, MUTED, extra=' stroke-dasharray="5 3" stroke-width="1.3"')
    canvas.text(x(1.0), top - 9, tr(TEXT, "chart.attainment.target", language), size=10.5, anchor="middle", fill=MUTED)
    present = [s for s in STATUS_COLORS if any(m.status == s for m in metrics)]
    entries = [
        (
            f'<rect x="-7" y="-7" width="14" height="10" fill="{canvas.fill(STATUS_FILLS[s], STATUS_COLORS[s])}" '
            f'stroke="{STATUS_COLORS[s]}"/>',
            tr(TEXT, f"chart.status.{s}", language),
        )
        for s in present
    ]
    height = _legend(canvas, bottom + 58, entries)
    return canvas.render(height, tr(TEXT, "chart.caption.attainment", language))


# --------------------------------------------------------------------------- KPI contributions


def kpi_svg(result: KpiTreeResult, language: Language) -> str | None:
    """A waterfall of the drivers' contributions adding up to the root's change; None without a decomposition."""
    decomposition = result.decomposition
    if decomposition is None or not decomposition.contributions:
        return None
    unit = decomposition.unit
    steps: list[tuple[str, float, float | None]] = [(c.name, c.value, c.share) for c in decomposition.contributions]
    if len(steps) > MAX_ROWS:  # the rest in one step, so that the waterfall still adds up
        rest = steps[MAX_ROWS - 1 :]
        more = tr(TEXT, "chart.swot.more", language, n=len(rest))
        steps = [*steps[: MAX_ROWS - 1], (more, sum(value for _, value, _ in rest), None)]
    scale = max([abs(decomposition.total_change), *(abs(v) for _, v, _ in steps)]) or 1.0
    if abs(decomposition.residual) > scale * 1e-6:
        steps.append((tr(TEXT, "chart.kpi.residual", language), decomposition.residual, None))
    total = decomposition.total_change
    canvas = _Canvas("kpi")
    root = next((e for e in result.evaluations if e.id == decomposition.root), None)
    title = tr(
        TEXT,
        "chart.kpi.title" + ("" if decomposition.reference == "baseline" else ".target"),
        language,
        root=fit(root.name if root else decomposition.root, 240),
        baseline=quantity(decomposition.baseline, unit, language),
        actual=quantity(decomposition.actual, unit, language),
        change=signed_quantity(total, unit, language),
        method=decomposition.method.upper(),
    )
    top = canvas.title(title) + 6
    names = [fit(name, 200) for name, _, _ in steps] + [
        tr(TEXT, "chart.kpi.total" + ("" if decomposition.reference == "baseline" else ".target"), language)
    ]
    left = 16 + max(text_width(name) for name in names)
    right = WIDTH - 150
    running, ends = 0.0, [0.0]
    for _, value, _ in steps:
        running += value
        ends.append(running)
    low, high = min([*ends, total, 0.0]), max([*ends, total, 0.0])
    span = (high - low) or scale
    low, high = low - span * 0.04, high + span * 0.04
    axis = axis_scale((low, high), unit, language)  # ticks and bar labels in one scale word: 5亿, +13.36亿

    def x(value: float) -> float:
        return left + (right - left) * (value - low) / (high - low)

    row_h = 28
    bottom = top + row_h * (len(steps) + 1)
    for count in (6, 5, 4, 3, 2):
        step = _nice_step(high - low, count)
        ticks = [step * k for k in range(math.ceil(low / step), math.floor(high / step) + 1)]
        placed = [(x(t), quantity_in(t, unit, language, axis)) for t in ticks]
        if _no_overlap(placed, 11):
            break
    for tx, label in placed:
        canvas.line(tx, top, tx, bottom, GRID)
        canvas.text(tx, bottom + 16, label, size=11, anchor="middle", fill=MUTED)
    running = 0.0
    for index, (name, value, share) in enumerate(steps):
        y = top + row_h * index
        mid = y + row_h / 2 + 4
        canvas.text(left - 8, mid, names[index], anchor="end", full=name)
        color, kind = (RISE, "solid") if value >= 0 else (FALL, "hatch")
        start, end = x(running), x(running + value)
        canvas.rect(
            min(start, end),
            y + 6,
            max(abs(end - start), 1.0),
            row_h - 12,
            canvas.fill(kind, color),
            extra=f' stroke="{color}"',
        )
        text = quantity_in(value, unit, language, axis, signed=True)
        if share is not None:
            text = tr(TEXT, "diagram.change", language, value=text, change=percent(share))
        canvas.text(max(start, end) + 6, mid, text)
        if index:
            canvas.line(start, y - 6, start, y + 6, MUTED, extra=' stroke-dasharray="2 2"')
        running += value
    y = top + row_h * len(steps)
    canvas.text(left - 8, y + row_h / 2 + 4, names[-1], anchor="end", bold=True)
    canvas.line(x(running), y - 6, x(running), y + 6, MUTED, extra=' stroke-dasharray="2 2"')
    canvas.rect(min(x(0), x(total)), y + 6, max(abs(x(total) - x(0)), 1.0), row_h - 12, TOTAL)
    shown = quantity_in(total, unit, language, axis, signed=True)
    canvas.text(max(x(0), x(total)) + 6, y + row_h / 2 + 4, shown, bold=True)
    canvas.line(x(0), top - 4, x(0), bottom, MUTED)
    return canvas.render(bottom + 30, tr(TEXT, "chart.caption.kpi", language))


# --------------------------------------------------------------------------- SWOT


def swot_svg(result: SwotResult, language: Language) -> str | None:
    """The IFE × EFE position (1–4, split at 2.5) when both scores exist, else the four quadrants' factors."""
    ife, efe = result.ife.score, result.efe.score
    if ife is not None and efe is not None:
        return _swot_position(ife, efe, language)
    quadrants = (result.strengths, result.weaknesses, result.opportunities, result.threats)
    if not any(quadrants):
        return None
    return _swot_counts(quadrants, language)


def _swot_position(ife: float, efe: float, language: Language) -> str:
    canvas = _Canvas("swot", 560)
    top = canvas.title(tr(TEXT, "chart.swot.title", language)) + 8
    left, side = 90.0, 400.0

    def px(value: float) -> float:
        return left + side * (min(max(value, 1.0), 4.0) - 1) / 3

    def py(value: float) -> float:
        return top + side - side * (min(max(value, 1.0), 4.0) - 1) / 3

    shades = {"WO": "#fff8c5", "SO": "#dafbe1", "WT": "#ffebe9", "ST": "#ddf4ff"}
    cells = {"WO": (1.0, 4.0), "SO": (2.5, 4.0), "WT": (1.0, 2.5), "ST": (2.5, 2.5)}
    for key, (cx, cy) in cells.items():
        canvas.rect(px(cx), py(cy), side / 2, side / 2, shades[key])
        is_left = cx < 2
        is_top = cy > 3
        canvas.text(
            px(cx) + (8 if is_left else side / 2 - 8),
            py(cy) + (20 if is_top else side / 2 - 10),
            tr(TEXT, f"chart.swot.{key}", language),
            anchor="start" if is_left else "end",
            fill=MUTED,
            size=12.5,
            bold=True,
        )
    for k in range(7):
        value = 1 + k * 0.5
        canvas.text(px(value), top + side + 16, f"{value:g}", size=11, anchor="middle", fill=MUTED)
        canvas.text(left - 8, py(value) + 4, f"{value:g}", size=11, anchor="end", fill=MUTED)
    canvas.rect(left, top, side, side, "none", extra=f' stroke="{MUTED}"')
    dash = ' stroke-dasharray="5 3"'
    canvas.line(px(2.5), top, px(2.5), top + side, MUTED, extra=dash)
    canvas.line(left, py(2.5), left + side, py(2.5), MUTED, extra=dash)
    canvas.text(left + side / 2, top + side + 36, tr(TEXT, "chart.swot.ife", language), size=11.5, anchor="middle")
    axis_y = top + side / 2
    canvas.raw(
        f'<text x="{_n(left - 40)}" y="{_n(axis_y)}" font-size="11.5" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 {_n(left - 40)} {_n(axis_y)})">{_esc(tr(TEXT, "chart.swot.efe", language))}</text>'
    )
    x, y = px(ife), py(efe)
    canvas.raw(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="8" fill="{TOTAL}" stroke="#fff" stroke-width="2"/>')
    label = tr(TEXT, "chart.swot.point", language, ife=f"{ife:.2f}", efe=f"{efe:.2f}")
    w = text_width(label, 12.5) + 12
    lx = x + 12 if x + 12 + w <= left + side else x - 12 - w
    ly = y - 30 if y - 30 >= top else y + 12
    canvas.rect(lx, ly, w, 20, "#fff", extra=f' stroke="{LINE}" rx="4"')
    canvas.text(lx + 6, ly + 14.5, label, size=12.5, bold=True)
    return canvas.render(top + side + 52, tr(TEXT, "chart.caption.swot", language))


def _swot_counts(quadrants: Sequence[Sequence[SwotFactor]], language: Language) -> str:
    canvas = _Canvas("swot")
    top = canvas.title(tr(TEXT, "chart.swot.counts_title", language)) + 4
    keys = ("strengths", "weaknesses", "opportunities", "threats")
    colors = ("#dafbe1", "#ffebe9", "#ddf4ff", "#fff8c5")
    box_w, box_h = (WIDTH - 24) / 2, 150.0
    for index, (key, color, factors) in enumerate(zip(keys, colors, quadrants, strict=True)):
        x = 8 + (index % 2) * (box_w + 8)
        y = top + (index // 2) * (box_h + 8)
        canvas.rect(x, y, box_w, box_h, color, extra=f' stroke="{LINE}" rx="4"')
        canvas.text(x + 12, y + 24, tr(TEXT, f"chart.swot.{key}", language), size=14, bold=True)
        canvas.text(x + box_w - 12, y + 30, str(len(factors)), size=26, anchor="end", fill=MUTED, bold=True)
        lines = [(f"· {fit(f.text, box_w - 40)}", f.text) for f in factors[:4]]
        if len(factors) > 4:
            more = tr(TEXT, "chart.swot.more", language, n=len(factors) - 4)
            lines.append((more, more))
        for row, (line, full) in enumerate(lines):
            canvas.text(x + 14, y + 52 + row * 19, line, size=12, full=f"· {full}")
    return canvas.render(top + 2 * box_h + 16, tr(TEXT, "chart.swot.counts_title", language))


# --------------------------------------------------------------------------- actions


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    return dt.date(total // 12, total % 12 + 1, 1)


def date_ticks(
    first: dt.date, last: dt.date, x: Callable[[dt.date], float], size: float = 11
) -> list[tuple[dt.date, str]]:
    """Axis ticks for ``first``..``last``: the finest step whose labels (spaced by ``x``, a date → px
    function) stand apart, at most 8. Days read 'MM-DD' with the full date where a year starts and
    on the first tick, months 'YYYY-MM', years 'YYYY': the year is always on the axis."""
    candidates: list[tuple[str, int]] = [("day", 1), ("day", 2), ("day", 7), ("day", 14)]
    candidates += [("month", m) for m in (1, 2, 3, 6)] + [("year", y) for y in (1, 2, 5, 10, 20, 50, 100)]
    chosen: list[tuple[dt.date, str]] = []
    for unit, step in candidates:
        days: list[dt.date] = []
        if unit == "day":
            day = first
            while day <= last and len(days) <= 9:
                days.append(day)
                day += dt.timedelta(days=step)
        elif unit == "month":
            day = _add_months(first, 0 if first.day == 1 else 1)
            day = _add_months(day, (-(day.month - 1)) % step)
            while day <= last and len(days) <= 9:
                days.append(day)
                day = _add_months(day, step)
        else:
            year = math.ceil((first.year + (0 if (first.month, first.day) == (1, 1) else 1)) / step) * step
            while year <= last.year and year < 10_000 and len(days) <= 9:
                days.append(dt.date(year, 1, 1))
                year += step
        if not 2 <= len(days) <= 8:
            if len(days) > 8:
                continue
            if unit != "year":
                continue
        labels: list[str] = []
        for index, day in enumerate(days):
            if unit == "year":
                labels.append(f"{day.year}")
            elif unit == "month":
                labels.append(day.strftime("%Y-%m"))
            elif index == 0 or day.year != days[index - 1].year:
                labels.append(day.isoformat())
            else:
                labels.append(day.strftime("%m-%d"))
        placed = list(zip(days, labels, strict=True))
        if _no_overlap([(x(d), label) for d, label in placed], size):
            chosen = placed
            break
    return chosen


def actions_svg(
    actions: Sequence[ActionItem], language: Language, review_date: dt.date | None, today: dt.date | None
) -> str | None:
    """Due dates per action from the review date; status as colour, marker shape and legend, overdue
    (as of ``today``) as a red cross with the word. None when no action has a due date."""
    dated = sorted(
        ((index, action) for index, action in enumerate(actions) if action.due is not None),
        key=lambda pair: (pair[1].due or dt.date.min, pair[0]),
    )[:MAX_ROWS]  # the earliest due
    if not dated:
        return None
    canvas = _Canvas("actions")
    title = tr(TEXT, "chart.actions.title", language)
    with_due = sum(1 for action in actions if action.due is not None)
    if with_due > len(dated):
        title += tr(TEXT, "chart.more_rows", language, shown=len(dated), total=with_due)
    undated = len(actions) - with_due
    if undated:
        title += " · " + tr(TEXT, "chart.actions.undated", language, n=undated)
    dues = [action.due for _, action in dated if action.due is not None]
    first, last = min(dues), max(dues)
    if review_date is not None:
        first = min(first, review_date)
    markers: list[tuple[dt.date, str, str, str]] = []
    if review_date is not None:
        markers.append((review_date, "chart.actions.review", MUTED, "5 3"))
    if today is not None and today != review_date and (today - last).days <= 60 and (first - today).days <= 60:
        markers.append((today, "chart.actions.today", OVERDUE, "2 3"))
        first, last = min(first, today), max(last, today)
    long_span = (last - first).days > 300 or first.year != last.year
    top = canvas.title(title) + 6 + 16 * len(markers)
    labels = []
    for _, action in dated:  # labelled by what is to be done, not by an internal id
        text = fit(action.action, 170)
        labels.append(
            tr(TEXT, "chart.actions.row", language, action=text, owner=fit(action.owner, 80)) if action.owner else text
        )
    left = 16 + max(text_width(label) for label in labels)
    right = WIDTH - 118
    pad = max(2, (last - first).days // 30)
    start, end = first - dt.timedelta(days=pad), last + dt.timedelta(days=pad)
    span_days = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return left + (right - left) * (day - start).days / span_days

    row_h = 24
    bottom = top + row_h * len(dated)
    for day, label in date_ticks(start, end, x):
        canvas.line(x(day), top, x(day), bottom, GRID)
        canvas.text(x(day), bottom + 16, label, size=11, anchor="middle", fill=MUTED)
    overdue_shown = False
    for row, ((_, action), label) in enumerate(zip(dated, labels, strict=True)):
        assert action.due is not None
        y = top + row_h * row
        mid = y + row_h / 2
        canvas.text(left - 8, mid + 4, label, anchor="end", full=action.action)
        overdue = today is not None and is_overdue(action, today)
        overdue_shown = overdue_shown or overdue
        color = OVERDUE if overdue else ACTION_COLORS[action.status]
        if review_date is not None and review_date <= action.due:
            canvas.rect(x(review_date), mid - 4, x(action.due) - x(review_date), 8, color, extra=' opacity="0.3"')
        canvas.raw(_marker("cross" if overdue else ACTION_SHAPES[action.status], x(action.due), mid, color))
        note = action.due.isoformat() if long_span else action.due.strftime("%m-%d")
        if overdue:
            note += " " + tr(TEXT, "chart.actions.overdue", language)
        canvas.text(x(action.due) + 10, mid + 4, note, size=11, fill=color, bold=overdue)
    canvas.line(left, bottom, right, bottom, MUTED)
    for line, (day, key, color, dash) in enumerate(markers):
        canvas.line(
            x(day), top - 16 * (len(markers) - line) + 4, x(day), bottom, color, extra=f' stroke-dasharray="{dash}"'
        )
        canvas.text(
            x(day) + 4,
            top - 16 * (len(markers) - line) + 2,
            tr(TEXT, key, language, date=day.isoformat()),
            size=10.5,
            fill=color,
        )
    statuses = [s for s in ACTION_COLORS if any(a.status == s for _, a in dated)]
    entries = [
        (_marker(ACTION_SHAPES[s], 0, -3, ACTION_COLORS[s], 5), tr(TEXT, f"chart.action_status.{s}", language))
        for s in statuses
    ]
    if overdue_shown:
        entries.append((_marker("cross", 0, -3, OVERDUE, 5), tr(TEXT, "chart.actions.overdue", language)))
    height = _legend(canvas, bottom + 40, entries)
    return canvas.render(height, tr(TEXT, "chart.caption.actions", language))


# --------------------------------------------------------------------------- the incident timeline

_DURATION_ORDER = (
    "trigger_to_impact",
    "time_to_detect",
    "time_to_escalate",
    "time_to_mitigate",
    "time_to_resolve",
    "impact_duration",
)
_MILESTONE_COLORS = {
    "trigger": "#8250df",
    "impact_start": FALL,
    "detected": "#bf8700",
    "escalated": "#bc4c00",
    "mitigated": TOTAL,
    "resolved": RISE,
    "impact_end": FALL,
}
_MINUTE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)


def timeline_svg(result: TimelineResult, language: Language) -> str | None:
    """The computed durations as bars on the clock, the impact shaded, every event as a tick; None without any."""
    durations = sorted(result.durations, key=lambda d: _DURATION_ORDER.index(d.key))
    events = [e for e in result.events if e.at is not None]
    if not durations or not events:
        return None
    origin = events[0].at
    assert origin is not None

    def minutes(at: dt.datetime) -> float:  # in UTC: one zone's datetimes subtract by wall clock
        if at.tzinfo and origin.tzinfo:
            return (at.astimezone(dt.timezone.utc) - origin.astimezone(dt.timezone.utc)).total_seconds() / 60
        return (at.replace(tzinfo=None) - origin.replace(tzinfo=None)).total_seconds() / 60

    canvas = _Canvas("timeline")
    zone = result.timezone or tr(TEXT, "chart.timeline.no_zone", language)
    top = canvas.title(tr(TEXT, "chart.timeline.title", language, zone=zone)) + 14
    names = [tr(TEXT, f"chart.duration.{d.key}", language) for d in durations]
    events_label = tr(TEXT, "chart.timeline.events", language)
    left = 16 + max(text_width(name) for name in [*names, events_label])
    right = WIDTH - 110
    span = max(minutes(e.at) for e in events if e.at is not None) or 1.0
    low, high = -span * 0.02, span * 1.02

    def x(value: float) -> float:
        return left + (right - left) * (value - low) / (high - low)

    row_h = 28
    bottom = top + row_h * (len(durations) + 1)
    impact = next((d for d in durations if d.key == "impact_duration"), None)
    if impact is not None:
        a, b = x(minutes(impact.start)), x(minutes(impact.end))
        canvas.rect(a, top, b - a, bottom - top, "#ffebe9")
        canvas.text(a + 4, top - 4, tr(TEXT, "chart.timeline.impact", language), size=10.5, fill=FALL)
    long_span = span > 20 * 60
    for step in _MINUTE_STEPS:
        if span / step > 7:
            continue
        clock = origin.hour * 60 + origin.minute + origin.second / 60  # ticks on round clock times
        offset = (-clock) % step
        ticks = [offset + step * k for k in range(0, math.floor((high - offset) / step) + 1)]
        stamp = "%m-%d %H:%M" if long_span else "%H:%M"
        placed = [(x(t), (origin + dt.timedelta(minutes=t)).strftime(stamp)) for t in ticks]
        if _no_overlap(placed, 11):
            break
    for tx, label in placed:
        canvas.line(tx, top, tx, bottom, GRID)
        canvas.text(tx, bottom + 16, label, size=11, anchor="middle", fill=MUTED)
    for row, duration in enumerate(durations):
        y = top + row_h * row
        mid = y + row_h / 2 + 4
        canvas.text(left - 8, mid, names[row], anchor="end")
        color = _MILESTONE_COLORS.get(duration.end_kind, TOTAL)
        a = x(minutes(duration.start))
        b = x(minutes(duration.start) + duration.minutes)
        canvas.rect(min(a, b), y + 6, max(abs(b - a), 2.0), row_h - 12, color, extra=' opacity="0.85"')
        canvas.text(max(a, b) + 6, mid, duration.text, size=11.5)
    y = top + row_h * len(durations)
    canvas.text(left - 8, y + row_h / 2 + 4, events_label, anchor="end")
    for event in events:
        assert event.at is not None
        ex = x(minutes(event.at))
        color = _MILESTONE_COLORS.get(event.kind or "", MUTED)
        if event.kind in _MILESTONE_COLORS:
            canvas.line(ex, top, ex, y, color, extra=' stroke-dasharray="2 3" opacity="0.7"')
        canvas.raw(
            f'<line x1="{_n(ex)}" y1="{_n(y + 6)}" x2="{_n(ex)}" y2="{_n(y + row_h - 6)}" stroke="{color}" '
            f'stroke-width="2.5"><title>{_esc(event.at_text + " " + event.text)}</title></line>'
        )
    canvas.line(left, bottom, right, bottom, MUTED)
    return canvas.render(bottom + 30, tr(TEXT, "chart.caption.timeline", language))
