"""Charts of a review: target attainment, KPI contributions, the SWOT position, the action timeline.

Each chart function takes analysis results and returns SVG text (``fmt="svg"``, the default) or PNG
bytes (``fmt="png"``), or ``None`` when there is nothing to draw.

SVG (the HTML report) is our own markup from `report.svg_charts`: no dependency, no lock, a few
milliseconds per chart, every label a real ``<text>`` in the report's font stack, escaped.
PNG (the Word export, the tools' image content) is drawn by matplotlib, an optional dependency
(``pip install 'fupan-mcp[export]'``): it is imported inside the functions, never at start-up, and
`ChartsUnavailable` says how to install it when it is missing. matplotlib keeps global state, so
PNG drawing takes one lock; the HTML path never does. PNG needs a CJK font on the machine: Noto
Sans CJK, Source Han Sans or WenQuanYi are looked up and used when found. Output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import io
import logging
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

from fupan_mcp.analysis.actions import is_overdue
from fupan_mcp.domain.actions import ActionItem, ActionStatus
from fupan_mcp.domain.attainment import AttainmentResult, Status
from fupan_mcp.domain.kpi import KpiTreeResult
from fupan_mcp.domain.review import Review, ReviewAnalysis, SectionId
from fupan_mcp.domain.swot import SwotFactor, SwotResult
from fupan_mcp.domain.timeline import TimelineResult
from fupan_mcp.errors import INSTALL_HINT, MissingExtra
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report import svg_charts
from fupan_mcp.report.formatting import axis_scale, percent, quantity, quantity_in, signed_quantity
from fupan_mcp.report.strings import TEXT
from fupan_mcp.report.svg_charts import CSS_FONT_STACK, MAX_ROWS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CSS_FONT_STACK",
    "INSTALL_HINT",
    "ChartFormat",
    "ChartsUnavailable",
    "ReviewChart",
    "actions_chart",
    "attainment_chart",
    "available",
    "cjk_font",
    "inline_svg",
    "kpi_chart",
    "review_charts",
    "swot_chart",
    "timeline_chart",
]

log = logging.getLogger(__name__)

ChartFormat = Literal["svg", "png"]
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Heiti SC",
    "Arial Unicode MS",
)
_CJK_FILES = re.compile(r"(NotoSansCJK|NotoSansSC|SourceHanSans|wqy-|WenQuanYi|msyh|PingFang|simhei)", re.I)

STATUS_COLORS: dict[Status, str] = {
    "achieved": "#1a7f37",
    "not_achieved": "#cf222e",
    "needs_verification": "#bf8700",
    "not_evaluable": "#8c959f",
    "reported": "#57606a",
}
ACTION_COLORS: dict[ActionStatus, str] = {
    "open": "#57606a",
    "in_progress": "#0969da",
    "done": "#1a7f37",
    "wont_do": "#afb8c1",
}
_OVERDUE = "#cf222e"
_RISE = "#1a7f37"
_FALL = "#cf222e"
_TOTAL = "#0969da"
_MUTED = "#656d76"
_LINE = "#d0d7de"

_RATE_CAP = 2.0
"""Bars stop at 200 %; a rate above is drawn to the cap and labelled with its value."""


class ChartsUnavailable(MissingExtra):
    """matplotlib is not installed; the message says how to install it."""

    def __init__(self) -> None:
        super().__init__("matplotlib (needed for PNG charts)")


def available() -> bool:
    """Whether matplotlib (PNG charts) can be imported (checked without importing it); SVG needs nothing."""
    return importlib.util.find_spec("matplotlib") is not None


# --------------------------------------------------------------------------- matplotlib set-up

_LOCK = threading.RLock()
"""matplotlib keeps global state (rcParams, the font cache): one chart at a time."""


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font with Chinese glyphs, or None (labels then fall back to boxes in PNG)."""
    from matplotlib import font_manager

    def installed() -> set[str]:
        return {entry.name for entry in font_manager.fontManager.ttflist}

    names = installed()
    found = next((family for family in _CJK_FAMILIES if family in names), None)
    if found is None:  # a font installed after matplotlib built its cache: add it by file
        for path in font_manager.findSystemFonts():
            if _CJK_FILES.search(path):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # pragma: no cover - a broken font file
                    continue
        names = installed()
        found = next((family for family in _CJK_FAMILIES if family in names), None)
    if found is None:
        log.warning("no CJK font found (install fonts-noto-cjk): Chinese text in PNG charts will not render")
    return found


def _rc() -> Any:  # matplotlib types rcParams keys as a Literal of every known name
    cjk = cjk_font()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [*([cjk] if cjk else []), "DejaVu Sans"],
        "font.size": 10,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#8c959f",
        "axes.titlesize": 11.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "svg.fonttype": "none",
        "svg.hashsalt": "fupan-mcp",
        "text.parse_math": False,
        "text.usetex": False,
    }


@contextmanager
def _matplotlib() -> Iterator[None]:
    if not available():
        raise ChartsUnavailable()
    import matplotlib

    with _LOCK:
        matplotlib.use("Agg")
        with matplotlib.rc_context(_rc()), _quiet_glyph_warnings():
            yield


@contextmanager
def _quiet_glyph_warnings() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph .* missing from", category=UserWarning)
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support", category=UserWarning)
        yield


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _emit(figure: Figure, fmt: ChartFormat, salt: str) -> str | bytes:
    import matplotlib

    buffer = io.BytesIO()
    if fmt == "svg":
        with matplotlib.rc_context({"svg.hashsalt": f"fupan-{salt}"}):
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        return buffer.getvalue().decode("utf-8")
    figure.savefig(buffer, format="png", dpi=160, metadata={"Software": None})
    return buffer.getvalue()


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pick(fmt: ChartFormat, draw: Any, salt: str) -> str | bytes | None:
    with _matplotlib():
        figure = draw()
        if figure is None:
            return None
        return _emit(figure, fmt, salt)


# --------------------------------------------------------------------------- attainment


@overload
def attainment_chart(result: AttainmentResult, language: Language = ..., fmt: Literal["svg"] = ...) -> str | None: ...
@overload
def attainment_chart(result: AttainmentResult, language: Language = ..., *, fmt: Literal["png"]) -> bytes | None: ...
def attainment_chart(
    result: AttainmentResult, language: Language = "zh", fmt: ChartFormat = "svg"
) -> str | bytes | None:
    """Attainment rate per metric against the 100 % target line, coloured by status; None without metrics.

    Metrics without a rate (a range target, evidence to verify, a missing actual) get their status
    written instead of a bar.
    """
    if fmt == "svg":
        return svg_charts.attainment_svg(result, language)
    return _pick(fmt, lambda: _attainment_figure(result, language), "attainment")


def _attainment_figure(result: AttainmentResult, language: Language) -> Figure | None:
    from matplotlib.patches import Patch

    metrics = result.metrics[:MAX_ROWS]
    if not metrics:
        return None
    rates = [m.attainment_rate for m in metrics]
    top = max([1.0, *(min(r, _RATE_CAP) for r in rates if r is not None)])
    limit = max(1.25, top * 1.22) * 100
    figure = _figure(7.6, 1.3 + 0.42 * len(metrics))
    axes = figure.add_subplot()
    positions = list(range(len(metrics)))[::-1]
    for y, metric in zip(positions, metrics, strict=True):
        color = STATUS_COLORS[metric.status]
        status = tr(TEXT, f"chart.status.{metric.status}", language)
        rate = metric.attainment_rate
        if rate is None:
            axes.text(1.5, y, tr(TEXT, "chart.no_rate", language, status=status), va="center", color=color, fontsize=9)
            continue
        width = max(0.0, min(rate, _RATE_CAP)) * 100
        axes.barh(y, width, height=0.62, color=color, alpha=0.88)
        label = percent(rate) + (" »" if rate > _RATE_CAP else "")
        axes.text(width + limit * 0.01, y, label, va="center", fontsize=9, color="#1f2328")
    axes.axvline(100, color=_MUTED, linestyle="--", linewidth=1)
    axes.text(
        100,
        len(metrics) - 0.45,
        tr(TEXT, "chart.attainment.target", language),
        ha="center",
        va="bottom",
        fontsize=8,
        color=_MUTED,
    )
    axes.set_yticks(positions, [_short(m.name, 18) for m in metrics])
    axes.set_ylim(-0.6, len(metrics) - 0.1)
    axes.set_xlim(0, limit)
    axes.xaxis.set_major_formatter(lambda value, _pos: f"{value:.0f}%")
    axes.set_xlabel(tr(TEXT, "chart.attainment.axis", language))
    title = tr(TEXT, "chart.attainment.title", language)
    if len(result.metrics) > MAX_ROWS:
        title += tr(TEXT, "chart.more_rows", language, shown=MAX_ROWS, total=len(result.metrics))
    axes.set_title(title)
    present = [s for s in STATUS_COLORS if any(m.status == s for m in metrics)]
    handles = [Patch(color=STATUS_COLORS[s], label=tr(TEXT, f"chart.status.{s}", language)) for s in present]
    figure.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=9)
    return figure


# --------------------------------------------------------------------------- KPI contributions


@overload
def kpi_chart(result: KpiTreeResult, language: Language = ..., fmt: Literal["svg"] = ...) -> str | None: ...
@overload
def kpi_chart(result: KpiTreeResult, language: Language = ..., *, fmt: Literal["png"]) -> bytes | None: ...
def kpi_chart(result: KpiTreeResult, language: Language = "zh", fmt: ChartFormat = "svg") -> str | bytes | None:
    """A waterfall of the drivers' contributions adding up to the root's change; None without a decomposition."""
    if fmt == "svg":
        return svg_charts.kpi_svg(result, language)
    return _pick(fmt, lambda: _kpi_figure(result, language), "kpi")


def _kpi_figure(result: KpiTreeResult, language: Language) -> Figure | None:
    decomposition = result.decomposition
    if decomposition is None or not decomposition.contributions:
        return None
    unit = decomposition.unit
    steps = [(c.name, c.value, c.share) for c in decomposition.contributions]
    if len(steps) > MAX_ROWS:  # the rest in one step, so that the waterfall still adds up
        rest = steps[MAX_ROWS - 1 :]
        more = tr(TEXT, "chart.swot.more", language, n=len(rest))
        steps = [*steps[: MAX_ROWS - 1], (more, sum(value for _, value, _ in rest), None)]
    scale = max([abs(decomposition.total_change), *(abs(v) for _, v, _ in steps)]) or 1.0
    if abs(decomposition.residual) > scale * 1e-6:
        steps.append((tr(TEXT, "chart.kpi.residual", language), decomposition.residual, None))
    rows = len(steps) + 1
    running, ends = 0.0, [0.0]
    for _, value, _ in steps:
        running += value
        ends.append(running)
    low, high = min([*ends, decomposition.total_change]), max([*ends, decomposition.total_change])
    span = (high - low) or scale
    limits = (low - span * 0.08, high + span * 0.38)
    axis = axis_scale(limits, unit, language)  # the ticks and the bar labels in one scale word: 5亿, +13.36亿
    figure = _figure(7.6, 1.4 + 0.44 * rows)
    axes = figure.add_subplot()
    running = 0.0
    ends = [0.0]
    labels: list[str] = []
    for index, (name, value, share) in enumerate(steps):
        y = rows - 1 - index
        color = _RISE if value >= 0 else _FALL
        axes.barh(y, value, left=running, height=0.6, color=color, alpha=0.88)
        text = quantity_in(value, unit, language, axis, signed=True)
        if share is not None:
            text = tr(TEXT, "diagram.change", language, value=text, change=percent(share))
        axes.text(max(running, running + value) + scale * 0.02, y, text, va="center", fontsize=9)
        if index:
            axes.plot([running, running], [y + 0.3, y + 0.7], color=_MUTED, linewidth=0.8, linestyle=":")
        running += value
        ends.append(running)
        labels.append(_short(name, 16))
    total = decomposition.total_change
    axes.barh(0, total, left=0, height=0.6, color=_TOTAL, alpha=0.9)
    axes.plot([running, running], [0.3, 0.7], color=_MUTED, linewidth=0.8, linestyle=":")
    axes.text(
        max(0.0, total) + scale * 0.02,
        0,
        quantity_in(total, unit, language, axis, signed=True),
        va="center",
        fontsize=9,
        fontweight="bold",
    )
    labels.append(tr(TEXT, "chart.kpi.total" + ("" if decomposition.reference == "baseline" else ".target"), language))
    axes.set_yticks(list(range(rows))[::-1], labels)
    axes.set_xlim(*limits)
    axes.axvline(0, color=_MUTED, linewidth=0.8)
    axes.xaxis.set_major_formatter(lambda value, _pos: quantity_in(value, unit, language, axis))
    root = next((e for e in result.evaluations if e.id == decomposition.root), None)
    axes.set_title(
        tr(
            TEXT,
            "chart.kpi.title" + ("" if decomposition.reference == "baseline" else ".target"),
            language,
            root=_short(root.name if root else decomposition.root, 20),
            baseline=quantity(decomposition.baseline, unit, language),
            actual=quantity(decomposition.actual, unit, language),
            change=signed_quantity(total, unit, language),
            method=decomposition.method.upper(),
        ),
        fontsize=10.5,
    )
    return figure


# --------------------------------------------------------------------------- SWOT


@overload
def swot_chart(result: SwotResult, language: Language = ..., fmt: Literal["svg"] = ...) -> str | None: ...
@overload
def swot_chart(result: SwotResult, language: Language = ..., *, fmt: Literal["png"]) -> bytes | None: ...
def swot_chart(result: SwotResult, language: Language = "zh", fmt: ChartFormat = "svg") -> str | bytes | None:
    """The IFE × EFE position (1–4, split at 2.5) when both scores exist, else the four quadrants' factors."""
    if fmt == "svg":
        return svg_charts.swot_svg(result, language)
    return _pick(fmt, lambda: _swot_figure(result, language), "swot")


def _swot_figure(result: SwotResult, language: Language) -> Figure | None:
    ife, efe = result.ife.score, result.efe.score
    if ife is not None and efe is not None:
        return _swot_position(ife, efe, language)
    quadrants = (result.strengths, result.weaknesses, result.opportunities, result.threats)
    if not any(quadrants):
        return None
    return _swot_counts(quadrants, language)


def _swot_position(ife: float, efe: float, language: Language) -> Figure:
    figure = _figure(5.8, 5.0)
    axes = figure.add_subplot()
    shades = {"SO": "#dafbe1", "WO": "#fff8c5", "ST": "#ddf4ff", "WT": "#ffebe9"}
    cells = {"WO": (1.0, 2.5), "SO": (2.5, 2.5), "WT": (1.0, 1.0), "ST": (2.5, 1.0)}
    for key, (x, y) in cells.items():
        axes.fill_between([x, x + 1.5], y, y + 1.5, color=shades[key], zorder=0)
        top = y > 2
        left = x < 2
        axes.text(
            x + (0.08 if left else 1.42),
            y + (1.42 if top else 0.08),
            tr(TEXT, f"chart.swot.{key}", language),
            ha="left" if left else "right",
            va="top" if top else "bottom",
            fontsize=10,
            color=_MUTED,
        )
    axes.axvline(2.5, color=_MUTED, linewidth=1, linestyle="--")
    axes.axhline(2.5, color=_MUTED, linewidth=1, linestyle="--")
    axes.scatter([ife], [efe], s=140, color=_TOTAL, zorder=3, edgecolors="white", linewidths=1.5)
    right = ife <= 3.2
    axes.annotate(
        tr(TEXT, "chart.swot.point", language, ife=f"{ife:.2f}", efe=f"{efe:.2f}"),
        (ife, efe),
        xytext=(10 if right else -10, 10 if efe <= 3.6 else -16),
        textcoords="offset points",
        ha="left" if right else "right",
        fontsize=9.5,
        fontweight="bold",
        color="#1f2328",
        bbox={"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": _LINE},
    )
    axes.set_xlim(1, 4)
    axes.set_ylim(1, 4)
    axes.set_xticks([1, 1.5, 2, 2.5, 3, 3.5, 4])
    axes.set_yticks([1, 1.5, 2, 2.5, 3, 3.5, 4])
    axes.set_aspect("equal")
    axes.set_xlabel(tr(TEXT, "chart.swot.ife", language))
    axes.set_ylabel(tr(TEXT, "chart.swot.efe", language))
    axes.set_title(tr(TEXT, "chart.swot.title", language))
    return figure


def _swot_counts(quadrants: Sequence[Sequence[SwotFactor]], language: Language) -> Figure:
    figure = _figure(7.6, 3.9)
    axes = figure.add_subplot()
    keys = ("strengths", "weaknesses", "opportunities", "threats")
    colors = ("#dafbe1", "#ffebe9", "#ddf4ff", "#fff8c5")
    origins = ((0.0, 1.0), (1.0, 1.0), (0.0, 0.0), (1.0, 0.0))
    for key, color, (x, y), factors in zip(keys, colors, origins, quadrants, strict=True):
        axes.fill_between([x + 0.01, x + 0.99], y + 0.01, y + 0.99, color=color)
        axes.text(x + 0.05, y + 0.92, tr(TEXT, f"chart.swot.{key}", language), fontsize=11, fontweight="bold", va="top")
        axes.text(
            x + 0.95, y + 0.92, str(len(factors)), fontsize=20, fontweight="bold", ha="right", va="top", color=_MUTED
        )
        lines = [f"· {_short(f.text, 26)}" for f in factors[:4]]
        if len(factors) > 4:
            lines.append(tr(TEXT, "chart.swot.more", language, n=len(factors) - 4))
        axes.text(x + 0.05, y + 0.72, "\n".join(lines), fontsize=8.5, va="top", linespacing=1.55)
    axes.set_xlim(0, 2)
    axes.set_ylim(0, 2)
    axes.axis("off")
    axes.set_title(tr(TEXT, "chart.swot.counts_title", language))
    return figure


# --------------------------------------------------------------------------- actions


@overload
def actions_chart(
    actions: Sequence[ActionItem],
    language: Language = ...,
    fmt: Literal["svg"] = ...,
    *,
    review_date: dt.date | None = ...,
    today: dt.date | None = ...,
) -> str | None: ...
@overload
def actions_chart(
    actions: Sequence[ActionItem],
    language: Language = ...,
    *,
    fmt: Literal["png"],
    review_date: dt.date | None = ...,
    today: dt.date | None = ...,
) -> bytes | None: ...
def actions_chart(
    actions: Sequence[ActionItem],
    language: Language = "zh",
    fmt: ChartFormat = "svg",
    *,
    review_date: dt.date | None = None,
    today: dt.date | None = None,
) -> str | bytes | None:
    """Due dates per action, coloured by status, from the review date; with ``today`` (the reference
    date, e.g. the review date), overdue ones in red.

    None when no action has a due date.
    """
    if fmt == "svg":
        return svg_charts.actions_svg(actions, language, review_date, today)
    return _pick(fmt, lambda: _actions_figure(actions, language, review_date, today), "actions")


def _actions_figure(
    actions: Sequence[ActionItem], language: Language, review_date: dt.date | None, today: dt.date | None
) -> Figure | None:
    from matplotlib import dates
    from matplotlib.lines import Line2D

    mdates: Any = dates  # matplotlib.dates is untyped

    dated = sorted(
        ((index, action) for index, action in enumerate(actions) if action.due is not None),
        key=lambda pair: (pair[1].due or dt.date.min, pair[0]),
    )[:MAX_ROWS]  # the earliest due
    if not dated:
        return None
    figure = _figure(7.6, 1.6 + 0.4 * len(dated))
    axes = figure.add_subplot()
    dues = [action.due for _, action in dated if action.due is not None]
    first, last = min(dues), max(dues)
    if review_date is not None:
        first = min(first, review_date)
    long_span = (last - first).days > 300 or first.year != last.year
    for row, (_index, action) in enumerate(dated):
        assert action.due is not None
        y = len(dated) - 1 - row
        overdue = today is not None and is_overdue(action, today)
        color = _OVERDUE if overdue else ACTION_COLORS[action.status]
        if review_date is not None and review_date <= action.due:
            axes.plot(
                mdates.date2num([review_date, action.due]),
                [y, y],
                color=color,
                alpha=0.35,
                linewidth=5,
                solid_capstyle="butt",
            )
        axes.plot(
            [mdates.date2num(action.due)],
            [y],
            marker="X" if overdue else "o",
            markersize=9,
            color=color,
            linestyle="none",
        )
        note = action.due.strftime("%Y-%m-%d" if long_span else "%m-%d")
        if overdue:
            note += " " + tr(TEXT, "chart.actions.overdue", language)
        axes.annotate(
            note,
            (mdates.date2num(action.due), y),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
            color=color,
        )
    labels = []
    for _index, action in dated:  # labelled by what is to be done, not by an internal id
        owner = f"({_short(action.owner, 8)})" if action.owner else ""
        labels.append(f"{_short(action.action, 18)}{owner}")
    axes.set_yticks(list(range(len(dated)))[::-1], labels, fontsize=9)
    axes.set_ylim(-0.75, len(dated) - 0.4)
    markers = [(review_date, "actions.review", _MUTED, "--")]
    if today is not None and today != review_date and (today - last).days <= 60 and (first - today).days <= 60:
        markers.append((today, "actions.today", _OVERDUE, ":"))
        first, last = min(first, today), max(last, today)
    for day, key, color, style in markers:
        if day is None:
            continue
        axes.axvline(mdates.date2num(day), color=color, linestyle=style, linewidth=1)
        axes.text(
            mdates.date2num(day),
            -0.62,
            " " + tr(TEXT, f"chart.{key}", language, date=day.isoformat()),
            color=color,
            fontsize=8,
            ha="left",
            va="bottom",
        )
    pad = max(3, (last - first).days // 12)
    axes.set_xlim(mdates.date2num(first - dt.timedelta(days=pad)), mdates.date2num(last + dt.timedelta(days=pad * 3)))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)  # months to years: ticks never crowd
    axes.xaxis.set_major_locator(locator)
    numeric = ["%Y", "%Y-%m", "%m-%d", "%H:%M", "%H:%M", "%S.%f"]  # the year is shown; no month names
    zero = ["", "%Y", "%Y-%m", "%m-%d", "%H:%M", "%H:%M"]
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, formats=numeric, zero_formats=zero))
    title = tr(TEXT, "chart.actions.title", language)
    with_due = sum(1 for action in actions if action.due is not None)
    if with_due > len(dated):
        title += tr(TEXT, "chart.more_rows", language, shown=len(dated), total=with_due)
    undated = len(actions) - with_due
    if undated:
        title += " · " + tr(TEXT, "chart.actions.undated", language, n=undated)
    axes.set_title(title)
    statuses: list[ActionStatus] = [s for s in ACTION_COLORS if any(a.status == s for _, a in dated)]
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            color=ACTION_COLORS[s],
            label=tr(TEXT, f"chart.action_status.{s}", language),
        )
        for s in statuses
    ]
    if today is not None and any(is_overdue(a, today) for _, a in dated):
        handles.append(
            Line2D(
                [], [], marker="X", linestyle="none", color=_OVERDUE, label=tr(TEXT, "chart.actions.overdue", language)
            )
        )
    figure.legend(handles=handles, loc="outside lower center", ncols=len(handles), frameon=False, fontsize=9)
    return figure


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
    "impact_start": _FALL,
    "detected": "#bf8700",
    "escalated": "#bc4c00",
    "mitigated": _TOTAL,
    "resolved": _RISE,
    "impact_end": _FALL,
}


@overload
def timeline_chart(result: TimelineResult, language: Language = ..., fmt: Literal["svg"] = ...) -> str | None: ...
@overload
def timeline_chart(result: TimelineResult, language: Language = ..., *, fmt: Literal["png"]) -> bytes | None: ...
def timeline_chart(result: TimelineResult, language: Language = "zh", fmt: ChartFormat = "svg") -> str | bytes | None:
    """The computed durations as bars on the clock (time to detect, mitigate, resolve...), the impact
    shaded, every event as a tick. None without any duration."""
    if fmt == "svg":
        return svg_charts.timeline_svg(result, language)
    return _pick(fmt, lambda: _timeline_figure(result, language), "timeline")


def _timeline_figure(result: TimelineResult, language: Language) -> Figure | None:
    durations = sorted(result.durations, key=lambda d: _DURATION_ORDER.index(d.key))
    events = [e for e in result.events if e.at is not None]
    if not durations or not events:
        return None
    origin = events[0].at
    assert origin is not None

    def minutes(at: dt.datetime) -> float:  # in UTC: one zone's datetimes subtract by wall clock
        utc = dt.timezone.utc
        return (
            (at.astimezone(utc) - origin.astimezone(utc)).total_seconds() / 60
            if at.tzinfo
            else (at - origin).total_seconds() / 60
        )

    figure = _figure(7.6, 1.8 + 0.45 * (len(durations) + 1))
    axes = figure.add_subplot()
    rows = len(durations)
    impact = next((d for d in durations if d.key == "impact_duration"), None)
    if impact is not None:
        axes.axvspan(minutes(impact.start), minutes(impact.end), color=_FALL, alpha=0.07, linewidth=0)
    span = max(minutes(e.at) for e in events if e.at is not None) or 1.0
    for row, duration in enumerate(durations):
        y = rows - row
        left, width = minutes(duration.start), duration.minutes
        color = _MILESTONE_COLORS.get(duration.end_kind, _TOTAL)
        axes.barh(y, width, left=left, height=0.55, color=color, alpha=0.85)
        axes.text(max(left, left + width) + span * 0.01, y, duration.text, va="center", fontsize=9, color="#1f2328")
    for event in events:
        assert event.at is not None
        x = minutes(event.at)
        color = _MILESTONE_COLORS.get(event.kind or "", _MUTED)
        axes.plot([x], [0], marker="|", markersize=12, color=color, linestyle="none")
        if event.kind in _MILESTONE_COLORS:
            axes.axvline(x, color=color, linestyle=":", linewidth=0.8, alpha=0.6)
    labels = [tr(TEXT, "chart.timeline.events", language)] + [
        tr(TEXT, f"chart.duration.{d.key}", language) for d in durations
    ]
    axes.set_yticks(list(range(rows + 1)), _row_labels(labels, rows))
    axes.set_ylim(-0.7, rows + 0.6)
    axes.set_xlim(-span * 0.03, span * 1.18)
    axes.xaxis.set_major_formatter(lambda value, _pos: (origin + dt.timedelta(minutes=value)).strftime("%H:%M"))
    zone = result.timezone or tr(TEXT, "chart.timeline.no_zone", language)
    title = tr(TEXT, "chart.timeline.title", language, zone=zone)
    axes.set_title(title)
    return figure


def _row_labels(labels: Sequence[str], rows: int) -> list[str]:
    """Tick labels from y = 0 (the events) up to y = rows (the first duration)."""
    return [labels[0], *[labels[rows - y + 1] for y in range(1, rows + 1)]]


# --------------------------------------------------------------------------- a whole review


@dataclass(frozen=True)
class ReviewChart:
    """One chart of a review: the report section it belongs to, a caption and the image."""

    key: Literal["attainment", "kpi", "swot", "actions", "timeline"]
    section: SectionId
    caption: str
    data: str | bytes


@overload
def review_charts(
    analysis: ReviewAnalysis,
    review: Review,
    fmt: Literal["svg"] = ...,
    *,
    language: Language | None = ...,
    today: dt.date | None = ...,
) -> list[ReviewChart]: ...
@overload
def review_charts(
    analysis: ReviewAnalysis,
    review: Review,
    fmt: Literal["png"],
    *,
    language: Language | None = ...,
    today: dt.date | None = ...,
) -> list[ReviewChart]: ...
def review_charts(
    analysis: ReviewAnalysis,
    review: Review,
    fmt: ChartFormat = "svg",
    *,
    language: Language | None = None,
    today: dt.date | None = None,
) -> list[ReviewChart]:
    """Every chart the review has data for, in report order. A chart that fails is logged and left out.

    Overdue actions are marked as of the analysis's reference date (the review date); ``today`` is
    only the fallback when the analysis has none.
    """
    if fmt == "png" and not available():
        raise ChartsUnavailable()
    lang: Language = language or analysis.language
    charts: list[ReviewChart] = []

    def add(key: Literal["attainment", "kpi", "swot", "actions", "timeline"], section: SectionId, draw: Any) -> None:
        try:
            data = draw()
        except ChartsUnavailable:
            raise
        except Exception:  # a chart is an illustration: the report must not fail for it
            log.exception("the %s chart could not be drawn", key)
            return
        if data is not None:
            charts.append(ReviewChart(key, section, tr(TEXT, f"chart.caption.{key}", lang), data))

    if analysis.attainment is not None:
        attainment = analysis.attainment
        add("attainment", "results", lambda: attainment_chart(attainment, lang, fmt=fmt))
    if analysis.kpi_tree is not None:
        kpi_tree = analysis.kpi_tree
        add("kpi", "kpi_tree", lambda: kpi_chart(kpi_tree, lang, fmt=fmt))
    if analysis.swot is not None and analysis.swot.ife.score is not None and analysis.swot.efe.score is not None:
        swot = analysis.swot  # the position adds to the factor table; a chart of the factors would repeat it
        add("swot", "swot", lambda: swot_chart(swot, lang, fmt=fmt))
    if review.actions:
        as_of = analysis.as_of.date if analysis.as_of is not None else today
        add(
            "actions",
            "actions",
            lambda: actions_chart(review.actions, lang, fmt=fmt, review_date=review.review_date, today=as_of),
        )
    if analysis.timeline is not None:
        timeline = analysis.timeline
        add("timeline", "incident_timeline", lambda: timeline_chart(timeline, lang, fmt=fmt))
    return charts


# --------------------------------------------------------------------------- SVG inside HTML

_PROLOGUE = re.compile(r"\A(?:\s*<\?xml[^>]*\?>|\s*<!DOCTYPE[^>]*>|\s*<!--.*?-->)*\s*", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN_TAGS = frozenset({"script", "foreignObject", "iframe", "object", "embed", "image", "a", "animate", "set"})


def inline_svg(svg: str, label: str | None = None) -> str:
    """Our SVG made fit for inlining into an HTML page: no XML prologue or metadata, scalable, checked.

    Raises ValueError if the SVG holds anything active (script, event handler, outside link), which
    our charts never write: user text reaches the SVG only as escaped text.
    """
    body = _METADATA.sub("", _PROLOGUE.sub("", svg, count=1))
    _check_svg(body)
    match = re.match(r"<svg\b([^>]*)>", body)
    if match is None:
        raise ValueError("not an SVG document")
    attributes = re.sub(r'\s(?:width|height|role|aria-label|class)="[^"]*"', "", match.group(1))
    accessible = ' role="img"' + (f' aria-label="{_attr(label)}"' if label else "")
    return f'<svg{attributes}{accessible} class="chart-svg">' + body[match.end() :]


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def _check_svg(svg: str) -> None:
    root = ET.fromstring(svg)
    for element in root.iter():
        tag = element.tag.removeprefix(_SVG_NS) if isinstance(element.tag, str) else ""
        if tag in _FORBIDDEN_TAGS:
            raise ValueError(f"SVG element <{tag}> is not allowed")
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise ValueError(f"SVG attribute {local} is not allowed")
            if local == "href" and not value.startswith("#"):
                raise ValueError("SVG links must stay inside the document")
            if "url(" in value and not re.fullmatch(r"[^()]*url\(#[\w-]+\)[^()]*", value):
                raise ValueError("SVG url() must point inside the document")
