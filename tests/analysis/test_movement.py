"""Step movement and its group figures, against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import StepObservation, movement_table, step_distribution
from analysis.movement import GENDERS, TOTAL, movement_statistics
from analysis.suppression import SuppressionMask
from tests.analysis.test_suppression import possible_range


def observations(gender: str, pairs: list[tuple[int | None, int | None]], start: int = 0):
    return [
        StepObservation(f"{gender}-{start + i}", gender, intake, latest)
        for i, (intake, latest) in enumerate(pairs)
    ]


# Women: movements +2, +1, 0, +2, −1, +1 → n 6, sum 5, mean 5/6, sorted −1 0 1 1 2 2 → median 1.
WOMEN = observations("woman", [(1, 3), (2, 3), (3, 3), (2, 4), (4, 3), (1, 2), (2, None)])
# Men: movements 0, 0, +1, 0, −1, +3, 0 → n 7, sum 3, mean 3/7, sorted −1 0 0 0 0 1 3 → median 0.
MEN = observations("man", [(2, 2), (3, 3), (1, 2), (4, 4), (5, 4), (2, 5), (3, 3), (None, None)])


def moves(gender: str, changes: list[int], start: int = 0) -> list[StepObservation]:
    """One participant per change, all starting on step 3."""
    return observations(gender, [(3, 3 + change) for change in changes], start)


# Every count at least 5, so every figure is shown.
# Women: +1 ×8, +2 ×3, 0 ×5, −1 ×5 → n 21, sum 8 + 6 − 5 = 9, mean 9/21; sorted, the
#   11th of 21 is the first +1 (places 11–18) → median 1.
# Men: +1 ×5, 0 ×9, −1 ×5 → n 19, sum 0, mean 0; the 10th of 19 is a 0 → median 0.
# Total: n 40, sum 9; −1 fill places 1–10 and 0 places 11–24 → median (0 + 0) / 2 = 0.
LARGE_WOMEN = [1] * 8 + [2] * 3 + [0] * 5 + [-1] * 5
LARGE_MEN = [1] * 5 + [0] * 9 + [-1] * 5


def test_group_figures_match_the_hand_worked_example():
    table = movement_table(moves("woman", LARGE_WOMEN) + moves("man", LARGE_MEN), threshold=5)
    women, men, total = table.row("woman"), table.row("man"), table.row("total")

    assert women.n.value == 21
    assert women.mean.value == pytest.approx(9 / 21)
    assert women.median.value == 1.0
    assert women.improved.value == pytest.approx(11 / 21)
    assert men.n.value == 19
    assert men.mean.value == 0.0
    assert men.median.value == 0.0
    assert total.n.value == 40
    assert total.mean.value == pytest.approx(9 / 40)
    assert total.median.value == 0.0
    assert [row.group for row in table.rows] == ["woman", "man", "total"]


def test_small_outcome_cells_are_suppressed_with_their_complements():
    # Outcome counts (improved, unchanged, worse): women 4 1 1, men 2 4 1, total 6 5 2.
    # Every gender cell is under 5, so all are hidden. In the total row "worse" (2) is
    # hidden, so "unchanged" (5) must go too, or it would give 13 − 6 − 5 = 2 away.
    table = movement_table(WOMEN + MEN, threshold=5)
    for group in ("woman", "man"):
        assert all(cell.suppressed and cell.value is None
                   for cell in table.row(group).shares.values())
    total = table.row("total")
    assert total.improved.value == pytest.approx(6 / 13)
    assert total.unchanged.suppressed and total.worse.suppressed
    # Two participants could not be measured: fewer than 5, so hidden.
    assert table.not_measurable.suppressed


def test_those_not_measured_are_hidden_where_the_measured_are():
    # 3 women measured, 6 not: the report says elsewhere that it covers 9, so the 6
    # would leave the hidden 3.
    people = observations("woman", [(1, 2), (2, 2), (3, 2)] + [(None, 4)] * 6)
    table = movement_table(people, threshold=5)
    assert table.row("total").n.suppressed
    assert table.not_measurable.suppressed
    shown = movement_table(people + observations("man", [(2, 3)] * 5), threshold=5)
    assert shown.row("total").n.value == 8 and shown.not_measurable.value == 6


def test_a_mean_or_median_beside_a_hidden_count_is_hidden():
    # The same table: women and men have 6 and 7, enough to show their sizes, but
    # with moves of one step a mean is (up − down) / n, and the total's 8/13 beside
    # its 6 up would leave 2 down. So no group shows a mean or a median.
    table = movement_table(WOMEN + MEN, threshold=5)
    assert table.row("woman").n.value == 6 and table.row("total").n.value == 13
    for row in table.rows:
        assert row.mean.suppressed and row.median.suppressed
        assert not row.counts_known


def varied(gender: str, n: int) -> list[StepObservation]:
    moves = [1, 0, 2, -1, 1, 0, 3, 1, 0, -2]
    return [StepObservation(f"{gender}{i}", gender, 3, 3 + moves[i % len(moves)]) for i in range(n)]


def test_a_group_of_four_is_suppressed_and_a_group_of_five_is_shown():
    men = varied("man", 20)
    four = movement_table(observations("woman", [(2, 3), (2, 3), (2, 2), (3, 5)]) + men, 5)
    women = four.row("woman")
    assert women.n.suppressed and women.mean.suppressed and women.median.suppressed
    # Women's n must not be recoverable as total − men.
    assert four.row("man").n.suppressed or four.row("total").n.suppressed

    # Five women moving +1 +1 0 +2 −1: their size is shown, but 3 up, 1 unchanged
    # and 1 down are hidden, and so is the mean that could give them back.
    five = movement_table(
        observations("woman", [(2, 3), (2, 3), (2, 2), (3, 5), (4, 3)]) + men, 5
    )
    women = five.row("woman")
    assert women.n.value == 5
    assert all(cell.suppressed for cell in women.shares.values())
    assert women.mean.suppressed and women.median.suppressed


def test_other_genders_count_in_the_total_but_show_only_when_large_enough():
    base = varied("woman", 10) + varied("man", 10)
    few_others = movement_table(base + varied("other", 2), 5)
    assert "other" not in [row.group for row in few_others.rows]
    # Total − women − men would give the two away, so one of those three is hidden too.
    assert any(few_others.row(group).n.suppressed for group in ("woman", "man", "total"))

    many_others = movement_table(base + varied("other", 6), 5)
    assert many_others.row("other").n.value == 6
    assert many_others.row("total").n.value == 26


def test_the_threshold_cannot_be_set_below_three():
    with pytest.raises(ValueError, match="at least 3"):
        movement_table(WOMEN, threshold=2)


def test_unknown_genders_are_refused():
    with pytest.raises(ValueError, match="unknown gender"):
        movement_table([StepObservation(1, "female", 1, 2)], 5)


def test_no_measurable_participants_gives_an_all_hidden_report():
    nobody = [StepObservation(1, "woman", 3, None), StepObservation(2, "man", None, None)]
    table = movement_table(nobody, 5)
    assert all(row.n.suppressed for row in table.rows)
    distribution = step_distribution(nobody, range(1, 8), 5)
    assert all(cell.suppressed for cell in distribution.shares["latest"]["woman"])


def test_movement_statistics_are_the_tested_functions_on_each_group():
    from analysis.statistics import group_difference, paired_change

    observations = moves("woman", LARGE_WOMEN) + moves("man", LARGE_MEN)
    statistics = movement_statistics(observations, movement_table(observations, 5))
    assert statistics.groups["woman"] == paired_change(LARGE_WOMEN)
    assert statistics.groups["man"] == paired_change(LARGE_MEN)
    assert statistics.groups["total"] == paired_change(LARGE_WOMEN + LARGE_MEN)
    assert statistics.women_vs_men == group_difference(LARGE_WOMEN, LARGE_MEN)


def test_statistics_that_could_give_hidden_counts_back_are_withheld():
    # Women 10 up, 2 unchanged, 0 down; men 4 up, 6 unchanged, 2 down; total 14 8 2.
    # The sign test alone would give each group's hidden counts: 10 of 10 that moved
    # went up (so none down) for the women, 4 of 6 for the men, 14 of 16 in total.
    women = [1] * 8 + [0] * 2 + [2] * 2
    men = [0] * 6 + [1] * 4 + [-1] * 2
    observations = moves("woman", women) + moves("man", men)
    table = movement_table(observations, 5)
    statistics = movement_statistics(observations, table)
    for group, n in (("woman", 12), ("man", 12), ("total", 24)):
        assert table.row(group).n.value == n
        change = statistics.groups[group]
        assert change.suppressed and change.n == n
        assert change.note == "not shown: it would reveal counts that are suppressed"
        assert (change.mean, change.median, change.mean_ci, change.wilcoxon,
                change.rank_biserial, change.sign_test) == (None,) * 6
    assert statistics.women_vs_men.suppressed
    assert statistics.women_vs_men.test is None and statistics.women_vs_men.cliffs_delta is None


def test_nobody_unchanged_is_no_reason_to_withhold_statistics():
    from analysis.statistics import paired_change

    # Nobody stayed on their step: the empty column's zeros follow from the rest.
    women = [1] * 7 + [-1] * 5
    men = [2] * 6 + [-1] * 6
    observations = moves("woman", women) + moves("man", men)
    table = movement_table(observations, 5)
    assert table.row("woman").unchanged.suppressed
    assert table.row("woman").mean.value == pytest.approx(2 / 12)
    statistics = movement_statistics(observations, table)
    assert statistics.groups["woman"] == paired_change(women)
    assert statistics.groups["total"] == paired_change(women + men)


def test_no_statistics_for_a_group_whose_size_is_hidden():
    observations = varied("man", 20) + [StepObservation(i, "woman", 2, 3) for i in range(3)]
    statistics = movement_statistics(observations, movement_table(observations, 5))
    assert statistics.groups["woman"] is None
    assert statistics.women_vs_men is None


@given(st.lists(st.tuples(st.sampled_from(GENDERS), st.integers(-2, 2)), max_size=60),
       st.integers(3, 6))
@settings(max_examples=100, deadline=None)
def test_no_published_statistic_pins_down_a_hidden_count(people, threshold):
    """Take a group's statistics to publish all three of its counts (with moves of
    one step they do); even so, every hidden count must keep more than one value."""
    observations = [StepObservation(i, gender, 3, 3 + move)
                    for i, (gender, move) in enumerate(people)]
    table = movement_table(observations, threshold)
    statistics = movement_statistics(observations, table)

    def outcome(move: int) -> int:
        return 0 if move >= 1 else 1 if move == 0 else 2

    counts = np.zeros((len(GENDERS), 3), dtype=int)
    for gender, move in people:
        counts[GENDERS.index(gender), outcome(move)] += 1
    shown = {row.group: row for row in table.rows}

    def published(group: str) -> tuple[bool, np.ndarray]:
        """Whether the group's size is published, and which of its counts are."""
        change = statistics.groups.get(group)
        if change is not None and not change.suppressed:
            return True, np.ones(3, dtype=bool)
        row = shown.get(group)
        if row is None:
            return False, np.zeros(3, dtype=bool)
        return not row.n.suppressed, np.array([not c.suppressed for c in row.shares.values()])

    sizes, cells = zip(*(published(gender) for gender in GENDERS), strict=True)
    total_size, total_cells = published(TOTAL)
    mask = SuppressionMask(cells=~np.array(cells), row_totals=~np.array(sizes),
                           column_totals=~total_cells, grand_total=not total_size)

    rows, columns = counts.shape
    used_rows = counts.sum(axis=1) > 0
    used_columns = counts.sum(axis=0) > 0
    hidden = [(r, c) for r, c in np.argwhere(mask.cells) if used_rows[r] and used_columns[c]]
    hidden += [(r, columns) for r in np.flatnonzero(mask.row_totals) if used_rows[r]]
    hidden += [(rows, c) for c in np.flatnonzero(mask.column_totals) if used_columns[c]]
    for cell in hidden:
        low, high = possible_range(counts, mask, cell)
        assert high == math.inf or math.floor(high + 1e-9) > math.ceil(low - 1e-9), (
            counts, threshold, cell)


# 15 women, 14 men and one participant of another gender. Outcomes (up, unchanged,
# down): women 7 4 4, men 8 3 3, other 1 0 0. The other group's size (1) is hidden,
# so one more size in that column must go, or 30 − 15 − 14 gives it away: the men's,
# the next smallest.
COMPLEMENTED = (
    observations("woman", [(3, 4)] * 7 + [(3, 3)] * 4 + [(3, 2)] * 4)
    + observations("man", [(3, 4)] * 8 + [(3, 3)] * 3 + [(3, 2)] * 3)
    + observations("other", [(3, 4)])
)


def test_a_group_whose_size_is_hidden_publishes_no_figure_at_all():
    table = movement_table(COMPLEMENTED, threshold=5)
    men = table.row("man")
    assert men.n.suppressed
    # Shown, 8 of 14 moved up (57 %) would give the size away: the men number 30 − 15
    # less the one to four of another gender, 11 to 14, and only 8/14 is 57 %. With it
    # the other group's 1. A mean or a median is a sum or a position over n: the same.
    assert men.mean.suppressed and men.median.suppressed
    assert all(cell.suppressed for cell in men.shares.values())
    # The women's size is shown; their 4 unchanged and 4 down are not, nor their mean.
    women = table.row("woman")
    assert women.n.value == 15
    assert women.unchanged.suppressed and women.worse.suppressed and women.mean.suppressed
