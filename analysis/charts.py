"""Charts as SVG or PNG bytes, drawn on a ``Figure`` (never pyplot): safe in a web process."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import matplotlib
import matplotlib.patches
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator, ScalarFormatter
from matplotlib.transforms import blended_transform_factory

from analysis.suppression import Cell

# Okabe–Ito blue: distinguishable with the common colour-vision deficiencies.
LINE_COLOUR = "#0072B2"


#: For stacked steps: a sequential, colour-blind-safe map; values are also labelled.
STEP_COLOURS = "cividis"
HIDDEN_STYLE = {"color": "#d9d9d9", "hatch": "xx", "edgecolor": "#595959"}
#: Women and men differ in marker shape as well as colour, never colour alone.
GROUP_STYLES = {
    "woman": {"color": "#0072B2", "marker": "o"},
    "man": {"color": "#D55E00", "marker": "s"},
    "total": {"color": "#000000", "marker": "D"},
}


class _DecimalMark(ScalarFormatter):
    """Tick labels with the reader's decimal mark: "0,2" beside Swedish tables."""

    def __init__(self, mark: str) -> None:
        super().__init__()
        self.mark = mark

    def __call__(self, x: float, pos: int | None = None) -> str:
        return super().__call__(x, pos).replace(".", self.mark)


def _decimal(value: float, mark: str) -> str:
    return f"{value:g}".replace(".", mark)


@dataclass(frozen=True)
class StackedBar:
    label: str
    #: One share per step; hidden cells are drawn together as one hatched "hidden" part.
    shares: tuple[Cell, ...]


@dataclass(frozen=True)
class StackLabels:
    step: str
    share_axis: str
    hidden: str


def stacked_distribution(
    bars: list[StackedBar], steps: tuple[int, ...], labels: StackLabels
) -> Figure:
    """One 100 % bar per group and moment, a segment per step, lowest step first."""
    figure = Figure(figsize=(9, 0.5 * len(bars) + 1.6), layout="constrained")
    axes = figure.subplots()
    colours = matplotlib.colormaps[STEP_COLOURS].resampled(len(steps))
    positions = np.arange(len(bars))[::-1]
    # One segment per bar and step; a hidden or empty share has no segment.
    widths = np.array([[0.0 if cell.suppressed or not cell.value else 100 * cell.value
                        for cell in bar.shares] for bar in bars]).reshape(len(bars), len(steps))
    lefts = np.cumsum(widths, axis=1) - widths
    # A call per step, not per segment: each call costs a container and its bookkeeping.
    for index, step in enumerate(steps):
        drawn = widths[:, index] > 0
        if not drawn.any():
            continue
        axes.barh(positions[drawn], widths[drawn, index], left=lefts[drawn, index],
                  color=colours(index), edgecolor="white", label=f"{labels.step} {step}")
        text_colour = "white" if index < len(steps) / 2 else "black"
        for position, left, width in zip(positions[drawn], lefts[drawn, index],
                                         widths[drawn, index], strict=True):
            if width >= 6:
                axes.text(left + width / 2, position, str(step), ha="center", va="center",
                          fontsize=8, color=text_colour)
    shown = widths.sum(axis=1)
    hidden = np.array([any(cell.suppressed for cell in bar.shares) for bar in bars],
                      dtype=bool) & (shown < 99.5)
    if hidden.any():
        axes.barh(positions[hidden], 100 - shown[hidden], left=shown[hidden],
                  label=labels.hidden, **HIDDEN_STYLE)
    axes.set_yticks(positions, [bar.label for bar in bars])
    axes.set_xlim(0, 100)
    axes.set_xlabel(labels.share_axis)
    handles, names = axes.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    # Steps in order, the hidden part last, whatever order the bars drew them in.
    order = [f"{labels.step} {step}" for step in steps] + [labels.hidden]
    unique = {name: unique[name] for name in order if name in unique}
    axes.legend(unique.values(), unique.keys(), loc="upper center", ncols=4, fontsize=8,
                bbox_to_anchor=(0.5, -0.25 if len(bars) < 5 else -0.12))
    return figure


def transition_heatmap(
    steps: tuple[int, ...], counts: tuple[tuple[Cell, ...], ...], intake_axis: str,
    latest_axis: str, suppressed_mark: str = "–",
) -> Figure:
    """Intake step (rows) × latest step (columns); hidden cells grey with a dash."""
    figure = Figure(figsize=(5.6, 5.6), layout="constrained")
    axes = figure.subplots()
    values = np.array([[np.nan if c.suppressed else c.value for c in row] for row in counts],
                      dtype=float)
    axes.imshow(np.where(np.isnan(values), 0, values), cmap="Blues", origin="lower")
    for i, row in enumerate(counts):
        for j, cell in enumerate(row):
            if cell.suppressed:
                axes.add_patch(matplotlib.patches.Rectangle(
                    (j - 0.5, i - 0.5), 1, 1, facecolor="#d9d9d9", edgecolor="white"))
                text, colour = suppressed_mark, "black"
            else:
                peak = np.nanmax(values) if np.isfinite(values).any() else 0
                text = f"{cell.value:g}"
                colour = "white" if peak and cell.value > peak / 2 else "black"
            axes.text(j, i, text, ha="center", va="center", fontsize=9, color=colour)
    ticks = list(range(len(steps)))
    axes.set_xticks(ticks, [str(s) for s in steps])
    axes.set_yticks(ticks, [str(s) for s in steps])
    axes.set_xlabel(latest_axis)
    axes.set_ylabel(intake_axis)
    # The diagonal is "no change": above it, a move up.
    axes.plot([-0.5, len(steps) - 0.5], [-0.5, len(steps) - 0.5], color="black",
              linewidth=0.6, linestyle="--")
    return figure


@dataclass(frozen=True)
class IntervalPoint:
    group: str
    value: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class IntervalRow:
    label: str
    points: tuple[IntervalPoint, ...]
    #: A reference line for this row, e.g. a target's goal.
    goal: float | None = None


def interval_chart(
    rows: list[IntervalRow], group_labels: dict[str, str], axis: str,
    reference: float | None = None, goal_label: str | None = None,
    limits: tuple[float, float] | None = None, decimal_mark: str = ".",
    groups: tuple[str, ...] | None = None, hidden_label: str | None = None,
    suppressed_mark: str = "–",
) -> Figure:
    """Estimates with 95 % intervals, a line per row and a marker shape per group.

    With ``groups``, every row has a place for each of them: a group without a point
    there is hidden, drawn as ``suppressed_mark`` at the axis' left edge and named
    ``hidden_label`` in the legend, so that a downloaded chart does not read as
    though the group were not there at all."""
    figure = Figure(figsize=(9, 0.7 * max(len(rows), 1) + 1.4), layout="constrained")
    axes = figure.subplots()
    drawn = list(dict.fromkeys(p.group for row in rows for p in row.points))
    shown_groups = list(groups) if groups is not None else drawn
    # First group on top, as in the table beside the chart.
    offsets = {g: ((len(shown_groups) - 1) / 2 - i) * 0.22 for i, g in enumerate(shown_groups)}
    positions = list(range(len(rows)))[::-1]
    at_left_edge = blended_transform_factory(axes.transAxes, axes.transData)
    any_hidden = False
    for position, row in zip(positions, rows, strict=True):
        for point in row.points:
            style = GROUP_STYLES.get(point.group, GROUP_STYLES["total"])
            y = position + offsets[point.group]
            error = None
            if point.low is not None and point.high is not None:
                error = [[point.value - point.low], [point.high - point.value]]
            axes.errorbar(point.value, y, xerr=error, fmt=style["marker"], color=style["color"],
                          capsize=3, markersize=6, label=group_labels.get(point.group, point.group))
        drawn_here = {point.group for point in row.points}
        for group in [g for g in groups or () if g not in drawn_here]:
            any_hidden = True
            axes.text(0.01, position + offsets[group], suppressed_mark, transform=at_left_edge,
                      color=GROUP_STYLES.get(group, GROUP_STYLES["total"])["color"],
                      ha="left", va="center", fontsize=10)
        if row.goal is not None:
            axes.plot([row.goal, row.goal], [position - 0.4, position + 0.4], color="black",
                      linewidth=2, label=goal_label)
    if reference is not None:
        axes.axvline(reference, color="#595959", linewidth=0.8)
    axes.set_yticks(positions, [row.label for row in rows])
    axes.set_xlabel(axis)
    axes.xaxis.set_major_formatter(_DecimalMark(decimal_mark))
    if limits is not None:
        axes.set_xlim(*limits)
    axes.xaxis.grid(True, linewidth=0.3)
    handles, names = axes.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    # Every group in its order, also one hidden in every row; then the goal.
    legend = {}
    for group in shown_groups:
        label = group_labels.get(group, group)
        style = GROUP_STYLES.get(group, GROUP_STYLES["total"])
        legend[label] = unique.pop(label, None) or Line2D(
            [], [], linestyle="none", marker=style["marker"], color=style["color"])
    legend |= unique
    if hidden_label is not None and any_hidden:
        legend[hidden_label] = Line2D([], [], linestyle="none", color="black",
                                      marker=f"${suppressed_mark}$", markersize=5)
    if legend:
        # Above the plot: inside, an interval reaching across the axis has no corner
        # free, and the legend would hide the end of one.
        figure.legend(legend.values(), legend.keys(), loc="outside upper center",
                      ncols=len(legend), fontsize=8)
    return figure


#: The monthly chart's groups, in the order of the table beside it.
MONTHLY_GROUPS = ("woman", "man", "total")


def monthly_chart(
    months: tuple[str, ...], series: dict[str, dict[str, dict[str, Cell]]],
    titles: dict[str, str], group_labels: dict[str, str], count_axis: str,
    suppressed_mark: str = "–", hidden_label: str | None = None,
) -> Figure:
    """Per kind (enrolled, exited), women and men per month side by side, and the
    total of everyone as a line over them.

    The total is often shown where women's or men's figures are hidden: without it,
    a month whose gender figures are all hidden would look like a month nobody
    enrolled in. A hidden total leaves a gap in its line, never a point at zero. A
    hidden bar is drawn as ``suppressed_mark`` on the axis, which the legend names
    ``hidden_label``: a downloaded chart stands without the page's explanations."""
    figure = Figure(figsize=(10, 3.2 * len(series)), layout="constrained")
    # One month axis, labelled once under the last panel.
    axes_list = figure.subplots(len(series), 1, squeeze=False, sharex=True)[:, 0]
    positions = np.arange(len(months))
    for axes, (kind, per_month) in zip(axes_list, series.items(), strict=True):
        for offset, group, hatch in ((-0.2, "woman", ""), (0.2, "man", "//")):
            cells = [per_month[m][group] for m in months]
            heights = [0 if c.suppressed else c.value for c in cells]
            axes.bar(positions + offset, heights, 0.4, hatch=hatch, edgecolor="black",
                     linewidth=0.4, color=GROUP_STYLES[group]["color"],
                     label=group_labels[group])
            for position, cell in zip(positions, cells, strict=True):
                if cell.suppressed:
                    axes.text(position + offset, 0, suppressed_mark, ha="center",
                              va="bottom", fontsize=8)
        totals = [np.nan if cell.suppressed else cell.value
                  for cell in (per_month[m]["total"] for m in months)]
        total_style = GROUP_STYLES["total"]
        axes.plot(positions, totals, color=total_style["color"], marker=total_style["marker"],
                  markersize=4, linewidth=1, label=group_labels["total"])
        axes.set_title(titles[kind])
        axes.set_ylabel(count_axis)
        # Whole participants from zero up, even in a month with none shown.
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(0, max(1, axes.get_ylim()[1]))
        axes.yaxis.grid(True, linewidth=0.3)
        axes.set_axisbelow(True)
    # One legend for both panels, above them, where it covers no month's bars; in the
    # table's order, women first.
    handles = dict(zip(*reversed(axes_list[0].get_legend_handles_labels()), strict=True))
    names = [group_labels[group] for group in MONTHLY_GROUPS]
    any_hidden = any(per_month[m][group].suppressed for per_month in series.values()
                     for m in months for group in ("woman", "man"))
    if hidden_label is not None and any_hidden:
        handles[hidden_label] = Line2D([], [], linestyle="none", color="black",
                                       marker=f"${suppressed_mark}$", markersize=5)
        names.append(hidden_label)
    figure.legend([handles[name] for name in names], names, loc="outside upper center",
                  ncols=len(names), fontsize=8)
    axes_list[-1].set_xticks(positions, months, rotation=45, ha="right", fontsize=8)
    return figure


FORMATS = {"svg": "image/svg+xml", "png": "image/png"}

#: A chart not drawn yet: a call building its figure, such as one of this module's
#: functions with plain data bound (``functools.partial``). It pickles, so that a
#: worker process can draw it too.
Drawing = Callable[[], Figure]


def render(figure: Figure, fmt: str) -> bytes:
    """The figure as SVG or PNG bytes: the same data always gives the same bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    buffer = BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    # Every figure lays itself out (constrained layout) to fit its size, so no
    # "tight" bounding box: that would draw each figure twice. Words stay text in an
    # SVG, not glyph outlines: a third smaller and quicker to draw, and a reader can
    # select and search them. The viewer's sans-serif draws them where DejaVu Sans,
    # which they were measured in, is missing.
    with matplotlib.rc_context({"svg.hashsalt": "stegvis", "svg.fonttype": "none"}):
        figure.savefig(buffer, format=fmt, metadata=metadata, dpi=150)
    return buffer.getvalue()


@dataclass(frozen=True)
class ProgressSeries:
    """One panel of a participant's progress chart: a score at each occasion."""

    title: str
    #: One value per occasion; None where it was not answered.
    values: list[float | None]
    low: int
    high: int


PROGRESS_COLUMNS = 3
#: What a third of the figure's width holds at the title's size, with room for a viewer
#: whose sans-serif runs wider than DejaVu Sans, in which matplotlib measures.
PROGRESS_TITLE_CHARACTERS = 34


def progress_svg(
    occasions: list[str], series: list[ProgressSeries], decimal_mark: str = "."
) -> bytes:
    """Small multiples, one per score, each on its own scale: a 1–7 ladder and a 1–4
    agreement scale drawn on one axis would invite false comparisons."""
    rows = max(1, math.ceil(len(series) / PROGRESS_COLUMNS))
    figure = Figure(figsize=(9, 2.6 * rows), layout="constrained")
    axes_grid = figure.subplots(rows, PROGRESS_COLUMNS, squeeze=False)
    positions = list(range(len(occasions)))
    for index, axes in enumerate(axes_grid.flat):
        if index >= len(series):
            axes.set_visible(False)
            continue
        panel = series[index]
        heights = [math.nan if value is None else value for value in panel.values]
        axes.plot(positions, heights, marker="o", markersize=7, linewidth=2,
                  color=LINE_COLOUR)
        for position, value in zip(positions, panel.values, strict=True):
            if value is not None:
                axes.annotate(_decimal(value, decimal_mark), (position, value),
                              textcoords="offset points", xytext=(0, 7), ha="center",
                              fontsize=9)
        # Wrapped to the panel: matplotlib's own wrap=True fills the figure's width,
        # running a long statement into its neighbours' titles.
        axes.set_title(textwrap.fill(panel.title, PROGRESS_TITLE_CHARACTERS), fontsize=10)
        axes.set_ylim(panel.low - 0.4, panel.high + 0.6)
        axes.set_yticks(range(panel.low, panel.high + 1))
        axes.set_xlim(-0.5, max(len(occasions) - 0.5, 0.5))
        axes.set_xticks(positions, occasions, rotation=30, ha="right", fontsize=8)
        axes.yaxis.grid(True, linewidth=0.3)
        axes.set_axisbelow(True)
    return render(figure, "svg")
