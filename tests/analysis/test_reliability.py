"""Reliable change on a scale, against values worked out by a second route."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.groups import shares_by_group
from analysis.reliability import ScaleAnswers, reliable_change_table

INTAKE = [  # three items; twelve people
    [1, 2, 1], [2, 2, 3], [3, 3, 2], [1, 1, 1], [4, 3, 4], [2, 3, 2],
    [3, 4, 3], [2, 1, 2], [1, 2, 2], [4, 4, 3], [3, 2, 3], [2, 2, 1],
]


def alpha_by_definition(rows: list[list[int]]) -> float:
    """k/(k−1)·(1 − Σ item variances / variance of sums), written out without numpy."""
    k, n = len(rows[0]), len(rows)

    def variance(values: list[float]) -> float:
        mean = sum(values) / n
        return sum((v - mean) ** 2 for v in values) / (n - 1)

    items = sum(variance([row[i] for row in rows]) for i in range(k))
    return k / (k - 1) * (1 - items / variance([sum(row) for row in rows]))


def test_alpha_spread_and_who_changed_reliably():
    # Six women gain a full point on every item, six men stay as they were.
    answers = [
        ScaleAnswers("woman" if i < 6 else "man", row,
                     [v + 1 for v in row] if i < 6 else row)
        for i, row in enumerate(INTAKE)
    ]
    table = reliable_change_table("overall", answers, threshold=3)
    assert table.items == 3 and table.alpha_n == 12
    assert table.alpha == pytest.approx(alpha_by_definition(INTAKE))
    means = [sum(row) / 3 for row in INTAKE]
    assert table.sd_intake == pytest.approx(np.std(means, ddof=1))
    # RCI for +1: 1 / sqrt(2·(SD·sqrt(1−α))²) must pass 1.96 for the women to count.
    rci = 1 / math.sqrt(2 * (table.sd_intake * math.sqrt(1 - table.alpha)) ** 2)
    assert rci > 1.96
    women, men = (next(g for g in table.groups if g.group == name) for name in ("woman", "man"))
    assert women.counts == (6, 0, 0) and men.counts == (0, 6, 0)
    # Zeros are small cells: published shares here are hidden, never shown as 0 %.
    assert all(share.suppressed for share in women.shares[1:])


def test_a_single_item_or_too_few_answers_give_a_reason_not_a_number():
    single = reliable_change_table("health", [ScaleAnswers("woman", [3], [4])] * 12, 3)
    assert single.groups is None and "single item" in single.note
    few = reliable_change_table("overall", [ScaleAnswers("woman", row, row)
                                            for row in INTAKE[:5]], 3)
    assert few.groups is None and "fewer than 10" in few.note


def test_shares_are_hidden_with_the_size_of_their_group():
    # Women 7 + 8, men 6 + 8, one other person (1 + 0): the other group's size is hidden
    # and so is the men's, next smallest. 8/14 = 57 % would give the men's 14 away (30
    # − 15 less one to four others leaves 11 to 14; only 14 fits) and with it the 1.
    groups = {g.group: g for g in shares_by_group(
        {"woman": [7, 8], "man": [6, 8], "other": [1, 0]}, 2, threshold=5)}
    assert groups["man"].n.suppressed
    assert all(share.suppressed for share in groups["man"].shares)
    assert groups["woman"].n.value == 15 and groups["total"].n.value == 30
