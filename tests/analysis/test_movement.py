"""Step movement and its group figures, against values worked out by hand."""

from __future__ import annotations

import pytest

from analysis import StepObservation, movement_table, step_distribution


def observations(gender: str, pairs: list[tuple[int | None, int | None]], start: int = 0):
    return [
        StepObservation(f"{gender}-{start + i}", gender, intake, latest)
        for i, (intake, latest) in enumerate(pairs)
    ]


# Women: movements +2, +1, 0, +2, −1, +1 → n 6, sum 5, mean 5/6, sorted −1 0 1 1 2 2 → median 1.
WOMEN = observations("woman", [(1, 3), (2, 3), (3, 3), (2, 4), (4, 3), (1, 2), (2, None)])
# Men: movements 0, 0, +1, 0, −1, +3, 0 → n 7, sum 3, mean 3/7, sorted −1 0 0 0 0 1 3 → median 0.
MEN = observations("man", [(2, 2), (3, 3), (1, 2), (4, 4), (5, 4), (2, 5), (3, 3), (None, None)])


def test_group_figures_match_the_hand_worked_example():
    table = movement_table(WOMEN + MEN, threshold=5)
    women, men, total = table.row("woman"), table.row("man"), table.row("total")

    assert women.n.value == 6
    assert women.mean.value == pytest.approx(5 / 6)
    assert women.median.value == 1.0
    assert men.n.value == 7
    assert men.mean.value == pytest.approx(3 / 7)
    assert men.median.value == 0.0
    # Total: 13 movements summing to 8; the 7th of the sorted 13 is 0.
    assert total.n.value == 13
    assert total.mean.value == pytest.approx(8 / 13)
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

    # Five women moving +1 +1 0 +2 −1: mean 3/5 = 0.6, median 1.
    five = movement_table(
        observations("woman", [(2, 3), (2, 3), (2, 2), (3, 5), (4, 3)]) + men, 5
    )
    women = five.row("woman")
    assert women.n.value == 5
    assert women.mean.value == pytest.approx(0.6)
    assert women.median.value == 1.0


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


def test_step_distribution_gives_shares_per_group():
    # Men: 5 on each of the 7 steps at intake, then each one step up (7 stays 7):
    # latest has 0 on step 1, 5 on steps 2–6, 10 on step 7 of 35.
    men = [StepObservation(f"m{i}", "man", 1 + i // 5, min(7, 2 + i // 5)) for i in range(35)]
    women = [StepObservation(f"w{i}", "woman", 1 + i % 7, 1 + i % 7) for i in range(70)]
    distribution = step_distribution(women + men, range(1, 8), threshold=5)

    assert distribution.n["intake"]["man"].value == 35
    assert [cell.value for cell in distribution.shares["intake"]["man"]] == [5 / 35] * 7
    assert [cell.value for cell in distribution.shares["intake"]["woman"]] == [10 / 70] * 7
    latest = distribution.shares["latest"]["man"]
    assert latest[6].value == 10 / 35
    # Step 1 is empty: a cell under 5 is hidden, never shown as 0, and one more cell
    # goes with it so 100 % minus the rest does not give it away.
    assert latest[0].suppressed
    assert sum(cell.suppressed for cell in latest) >= 2


def test_a_group_all_on_one_step_is_not_revealed():
    # Telling that every woman is on step 3 would tell it about each of them.
    women = [StepObservation(f"w{i}", "woman", 3, 3) for i in range(12)]
    men = [StepObservation(f"m{i}", "man", 1 + i % 7, 1 + i % 7) for i in range(70)]
    distribution = step_distribution(women + men, range(1, 8), threshold=5)
    assert all(cell.suppressed for cell in distribution.shares["intake"]["woman"])


def test_no_measurable_participants_gives_an_all_hidden_report():
    nobody = [StepObservation(1, "woman", 3, None), StepObservation(2, "man", None, None)]
    table = movement_table(nobody, 5)
    assert all(row.n.suppressed for row in table.rows)
    distribution = step_distribution(nobody, range(1, 8), 5)
    assert all(cell.suppressed for cell in distribution.shares["latest"]["woman"])


def test_movement_statistics_are_the_tested_functions_on_each_group():
    from analysis.movement import movement_statistics
    from analysis.statistics import group_difference, paired_change

    women = [StepObservation(f"w{i}", "woman", 2, 2 + m)
             for i, m in enumerate([1] * 8 + [0] * 2 + [2] * 2)]
    men = [StepObservation(f"m{i}", "man", 3, 3 + m)
           for i, m in enumerate([0] * 6 + [1] * 4 + [-1] * 2)]
    observations = women + men
    statistics = movement_statistics(observations, movement_table(observations, 5))
    women_moves = [1] * 8 + [0] * 2 + [2] * 2
    men_moves = [0] * 6 + [1] * 4 + [-1] * 2
    assert statistics.groups["woman"] == paired_change(women_moves)
    assert statistics.groups["man"] == paired_change(men_moves)
    assert statistics.groups["total"] == paired_change(women_moves + men_moves)
    assert statistics.women_vs_men == group_difference(women_moves, men_moves)


def test_no_statistics_for_a_group_whose_size_is_hidden():
    from analysis.movement import movement_statistics

    observations = varied("man", 20) + [StepObservation(i, "woman", 2, 3) for i in range(3)]
    statistics = movement_statistics(observations, movement_table(observations, 5))
    assert statistics.groups["woman"] is None
    assert statistics.women_vs_men is None


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
    women = table.row("woman")
    assert women.n.value == 15 and women.mean.value == pytest.approx(3 / 15)


def test_a_step_distribution_hides_the_shares_of_a_group_whose_size_is_hidden():
    distribution = step_distribution(COMPLEMENTED, range(1, 8), threshold=5)
    for moment in ("intake", "latest"):
        if distribution.n[moment]["man"].suppressed:
            assert all(cell.suppressed for cell in distribution.shares[moment]["man"])
    assert distribution.n["intake"]["man"].suppressed  # all 30 start on step 3
