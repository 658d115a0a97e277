"""Breakdowns, the completers' figure and the women–men share difference, worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.age import age_band, age_bands, age_range
from analysis.movement import (
    StepObservation,
    improved_share_difference,
    movement_breakdown,
    movement_table,
)


def observed(gender: str, moves: list[int], start: int = 0) -> list[StepObservation]:
    return [StepObservation(f"{gender}{start + i}", gender, 3, 3 + m) for i, m in enumerate(moves)]


@pytest.mark.parametrize(
    ("age", "band"),
    [(14, "15-24"), (15, "15-24"), (24, "15-24"), (25, "25-54"), (54, "25-54"),
     (55, "55-64"), (64, "55-64"), (65, "65+"), (90, "65+")],
)
def test_age_bands_have_the_published_edges(age, band):
    assert age_band(age) == band
    assert age_bands(np.array([age, age])).tolist() == [band, band]


def test_age_ranges_for_filtering():
    assert age_range("15-24") == (None, 24)  # younger participants count in the first band
    assert age_range("65+") == (65, None)
    with pytest.raises(ValueError, match="unknown age band"):
        age_range("30-40")


def test_share_moved_up_women_minus_men_has_a_newcombe_interval():
    # Women 8 of 12 up, men 5 of 15 up.
    observations = (observed("woman", [1] * 8 + [0] * 2 + [-1] * 2)
                    + observed("man", [1] * 5 + [0] * 5 + [-1] * 5))
    table = movement_table(observations, threshold=3)
    difference = improved_share_difference(observations, table)
    # Wilson 8/12: 0.390622–0.861880; 5/15: 0.151763–0.582865 (score formula, z = 1.959964).
    # Newcombe: d = 2/3 − 1/3 = 0.333333;
    # low = d − sqrt((0.666667−0.390622)² + (0.582865−0.333333)²) = −0.038777
    # high = d + sqrt((0.861880−0.666667)² + (0.333333−0.151763)²) = 0.599934
    assert difference.difference == pytest.approx(1 / 3)
    assert difference.ci.low == pytest.approx(-0.038777, abs=1e-5)
    assert difference.ci.high == pytest.approx(0.599934, abs=1e-5)


def test_no_difference_below_the_minimum_or_when_a_share_is_hidden():
    few = observed("woman", [1] * 5 + [0] * 4) + observed("man", [1] * 5 + [0] * 10)
    assert improved_share_difference(few, movement_table(few, 3)) is None  # 9 women < 10
    hidden = observed("woman", [1] * 2 + [0] * 12) + observed("man", [1] * 6 + [0] * 10)
    table = movement_table(hidden, threshold=5)
    assert table.row("woman").improved.suppressed
    assert improved_share_difference(hidden, table) is None


def test_breakdown_shares_per_part_and_gender():
    young = observed("woman", [1] * 6 + [0] * 6) + observed("man", [1] * 5 + [-1] * 5)
    old = observed("woman", [1] * 9 + [0] * 5, 100) + observed("man", [1] * 6 + [0] * 6, 100)
    observations = young + old
    parts = ["15-24"] * len(young) + ["55-64"] * len(old)
    table = movement_table(observations, threshold=5)
    breakdown = movement_breakdown(
        observations, parts, ["15-24", "25-54", "55-64", "65+"],
        table, threshold=5,
    )
    rows = {row.key: row for row in breakdown.rows}
    assert rows["15-24"].n.value == 22 and rows["55-64"].n.value == 26
    assert rows["15-24"].improved["woman"].value == 0.5
    assert rows["15-24"].improved["man"].value == 0.5
    assert rows["55-64"].improved["woman"].value == 9 / 14
    assert rows["55-64"].improved["man"].value == 0.5
    # Nobody in these bands: hidden, never 0.
    assert rows["25-54"].n.suppressed and rows["65+"].improved["woman"].suppressed


def test_a_gender_hidden_in_the_main_table_is_hidden_in_every_part():
    # Men: 3 up in all — hidden in the main table; the parts must not add up to it.
    women = observed("woman", [1] * 6 + [0] * 6) + observed("woman", [1] * 6 + [0] * 6, 50)
    men = observed("man", [1] * 2 + [0] * 6) + observed("man", [1] * 1 + [0] * 6, 50)
    observations = women[:12] + men[:8] + women[12:] + men[8:]
    parts = ["A"] * 20 + ["B"] * 19
    table = movement_table(observations, threshold=5)
    assert table.row("man").improved.suppressed
    breakdown = movement_breakdown(observations, parts, ["A", "B"],
                                   table, threshold=5)
    assert all(row.improved["man"].suppressed for row in breakdown.rows)
