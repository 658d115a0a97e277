"""Charts as SVG bytes, drawn on a ``Figure`` (never pyplot) so it is safe in a web process."""

from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO

import matplotlib
from matplotlib.figure import Figure

from analysis.movement import StepDistribution

# Okabe–Ito: distinguishable with the common colour-vision deficiencies. Hatching
# tells the two series apart without colour at all.
INTAKE_STYLE = {"color": "#0072B2", "hatch": ""}
LATEST_STYLE = {"color": "#E69F00", "hatch": "//"}


@dataclass(frozen=True)
class DistributionLabels:
    """Every word the chart shows, already translated by the caller."""

    title_by_group: dict[str, str]
    intake: str
    latest: str
    step_axis: str
    share_axis: str
    suppressed_mark: str = "–"


def step_distribution_svg(distribution: StepDistribution, labels: DistributionLabels) -> bytes:
    figure = Figure(figsize=(9, 3.8), layout="constrained")
    axes_list = figure.subplots(1, len(distribution.groups), sharey=True, squeeze=False)[0]
    positions = list(range(len(distribution.steps)))
    width = 0.4
    for axes, group in zip(axes_list, distribution.groups, strict=True):
        for offset, moment, style, label in (
            (-width / 2, "intake", INTAKE_STYLE, labels.intake),
            (width / 2, "latest", LATEST_STYLE, labels.latest),
        ):
            cells = distribution.shares[moment][group]
            heights = [0.0 if cell.suppressed else 100 * (cell.value or 0.0) for cell in cells]
            bars = axes.bar(
                [p + offset for p in positions], heights, width,
                label=label, color=style["color"], hatch=style["hatch"], edgecolor="black",
                linewidth=0.5,
            )
            for bar, cell in zip(bars, cells, strict=True):
                if cell.suppressed:
                    axes.annotate(
                        labels.suppressed_mark, (bar.get_x() + bar.get_width() / 2, 0),
                        ha="center", va="bottom", fontsize=9,
                    )
        axes.set_title(labels.title_by_group[group])
        axes.set_xticks(positions, [str(step) for step in distribution.steps])
        axes.set_xlabel(labels.step_axis)
        axes.yaxis.grid(True, linewidth=0.3)
        axes.set_axisbelow(True)
    axes_list[0].set_ylabel(labels.share_axis)
    axes_list[0].legend(loc="upper left")
    return _svg(figure)


@dataclass(frozen=True)
class ProgressSeries:
    """One panel of a participant's progress chart: a score at each occasion."""

    title: str
    #: One value per occasion; None where it was not answered.
    values: list[float | None]
    low: int
    high: int


PROGRESS_COLUMNS = 3


def progress_svg(occasions: list[str], series: list[ProgressSeries]) -> bytes:
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
                  color=INTAKE_STYLE["color"])
        for position, value in zip(positions, panel.values, strict=True):
            if value is not None:
                axes.annotate(f"{value:g}", (position, value), textcoords="offset points",
                              xytext=(0, 7), ha="center", fontsize=9)
        axes.set_title(panel.title, fontsize=10, wrap=True)
        axes.set_ylim(panel.low - 0.4, panel.high + 0.6)
        axes.set_yticks(range(panel.low, panel.high + 1))
        axes.set_xlim(-0.5, max(len(occasions) - 0.5, 0.5))
        axes.set_xticks(positions, occasions, rotation=30, ha="right", fontsize=8)
        axes.yaxis.grid(True, linewidth=0.3)
        axes.set_axisbelow(True)
    return _svg(figure)


def _svg(figure: Figure) -> bytes:
    buffer = BytesIO()
    # Same data, same bytes: no timestamp, and element ids from a fixed salt.
    with matplotlib.rc_context({"svg.hashsalt": "stegvis"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()
