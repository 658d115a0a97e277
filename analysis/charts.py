"""Charts as SVG bytes, drawn on a ``Figure`` (never pyplot) so it is safe in a web process."""

from __future__ import annotations

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
    buffer = BytesIO()
    # Same data, same bytes: no timestamp, and element ids from a fixed salt.
    with matplotlib.rc_context({"svg.hashsalt": "stegvis"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()
