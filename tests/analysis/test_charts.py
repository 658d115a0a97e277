from __future__ import annotations

import xml.etree.ElementTree as ET

from analysis import StepObservation, step_distribution
from analysis.charts import DistributionLabels, step_distribution_svg

LABELS = DistributionLabels(
    title_by_group={"woman": "Kvinnor", "man": "Män"}, intake="Vid inskrivning",
    latest="Senaste", step_axis="Steg", share_axis="Andel (%)",
)


def sample(women: int, men: int):
    people = [StepObservation(f"w{i}", "woman", 1 + i % 3, 2 + i % 4) for i in range(women)]
    people += [StepObservation(f"m{i}", "man", 2 + i % 2, 2 + i % 3) for i in range(men)]
    return step_distribution(people, range(1, 8), threshold=5)


def test_the_chart_is_deterministic_svg_with_its_labels():
    svg = step_distribution_svg(sample(30, 30), LABELS)
    assert svg == step_distribution_svg(sample(30, 30), LABELS)
    root = ET.fromstring(svg)  # noqa: S314 - our own chart, not untrusted input
    assert root.tag.endswith("svg")
    text = svg.decode("utf-8")
    for label in ("Kvinnor", "Män", "Vid inskrivning", "Senaste", "Steg"):
        assert label in text


def test_suppressed_bars_are_marked_not_drawn_as_zero():
    distribution = sample(3, 30)  # three women: every women's bar is hidden
    assert all(cell.suppressed for cell in distribution.shares["intake"]["woman"])
    svg = step_distribution_svg(distribution, LABELS).decode("utf-8")
    assert "–" in svg
