"""Enrolments and exits per month by gender: counts by hand, and suppression that
never gives away a count the month's own table or another one hides."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from analysis.monthly import Events, monthly_table, months_between
from analysis.movement import GENDERS, TOTAL
from analysis.suppression import SuppressionMask, possible_counts


def test_monthly_counts_are_suppressed_with_their_totals():
    months = months_between(date(2026, 1, 15), date(2026, 3, 2))
    per_month = {1: (7, 6), 2: (6, 2), 3: (8, 7)}  # (women, men)
    events = {"enrolled": Events.of(
        (date(2026, month, 1), gender)
        for month, (women, men) in per_month.items()
        for gender, count in (("woman", women), ("man", men))
        for _ in range(count)
    )}
    table = monthly_table(events, months, threshold=5)
    counts = table.counts["enrolled"]
    assert (counts["2026-03"]["woman"].value, counts["2026-03"]["man"].value) == (8, 7)
    assert counts["2026-03"]["total"].value == 15
    # Two men in February: hidden, and with them enough others that none can be worked out.
    assert counts["2026-02"]["man"].suppressed and counts["2026-02"]["woman"].suppressed
    assert counts["2026-01"]["woman"].suppressed


def test_monthly_counts_leave_out_days_outside_the_months_and_show_another_gender():
    months = months_between(date(2026, 1, 1), date(2026, 2, 1))
    happened = [
        (day, gender)
        for day in (date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 28))
        for gender in ("woman", "man", "other")
        for _ in range(3)
    ] + [(date(2025, 12, 31), "woman"), (date(2026, 3, 1), "man")]  # outside the months
    counts = monthly_table({"enrolled": Events.of(happened)}, months, threshold=5).counts
    for month in months:
        assert counts["enrolled"][month]["woman"].value == 6
        assert counts["enrolled"][month]["man"].value == 6
        assert counts["enrolled"][month]["other"].value == 6
        assert counts["enrolled"][month]["total"].value == 18


def _enrolled_on_the_third(per_month: dict[int, dict[str, int]]) -> Events:
    return Events.of((date(2026, month, 3), gender)
                     for month, by_gender in per_month.items()
                     for gender, count in by_gender.items()
                     for _ in range(count))


def test_monthly_counts_give_another_gender_where_it_is_shown_at_no_cost_to_women_and_men():
    months = months_between(date(2026, 1, 1), date(2026, 2, 1))
    enrolled = _enrolled_on_the_third({1: {"woman": 9, "man": 6, "not_stated": 8},
                                       2: {"woman": 7, "man": 10, "not_stated": 9}})
    exited = Events.of([(date(2026, 2, 9), "woman")] * 6)
    table = monthly_table({"enrolled": enrolled, "exited": exited}, months, threshold=5)
    assert table.groups == ("woman", "man", "not_stated", "total")
    january, february = (table.counts["enrolled"][m] for m in months)
    assert [january[g].value for g in table.groups] == [9, 6, 8, 23]
    assert [february[g].value for g in table.groups] == [7, 10, 9, 26]
    # Nobody with gender not stated exited: their cells say "fewer than five", never 0.
    assert table.counts["exited"]["2026-02"]["not_stated"].suppressed
    assert table.counts["exited"]["2026-02"]["woman"].value == 6


def test_monthly_counts_keep_other_genders_in_the_total_where_apart_they_would_hide_more():
    months = months_between(date(2026, 1, 1), date(2026, 2, 1))
    # Apart, the 2 and 3 of other gender would need complements: 6 men in January,
    # 7 women in February. Together with the 8 and 9 not stated they need none.
    enrolled = _enrolled_on_the_third({1: {"woman": 9, "man": 6, "not_stated": 8, "other": 2},
                                       2: {"woman": 7, "man": 10, "not_stated": 9, "other": 3}})
    table = monthly_table({"enrolled": enrolled}, months, threshold=5)
    assert table.groups == ("woman", "man", "total")
    january, february = (table.counts["enrolled"][m] for m in months)
    assert [january[g].value for g in table.groups] == [9, 6, 25]
    assert [february[g].value for g in table.groups] == [7, 10, 29]
    assert january["not_stated"].suppressed and february["other"].suppressed


def _hidden_figures_can_be_worked_out(table, kind: str, grid: np.ndarray,
                                      hidden_elsewhere: set[str]) -> list[tuple[int, int]]:
    """Hidden months and hidden totals (row = len(months) for a gender's count over all
    months) that everything published pins to one value, by linear programming: the
    month table as shown, with each gender's and the overall count known unless
    ``hidden_elsewhere`` names it. Empty months and genders nobody has are left out;
    their zeros follow from the totals and protect nobody."""
    months = table.months
    counts = table.counts[kind]
    mask = SuppressionMask(
        cells=np.array([[counts[m][g].suppressed for g in GENDERS] for m in months]),
        row_totals=np.array([counts[m][TOTAL].suppressed for m in months]),
        column_totals=np.array([g in hidden_elsewhere for g in GENDERS]),
        grand_total=TOTAL in hidden_elsewhere,
    )
    pinned = []
    rows = len(months)
    for row, column in [*map(tuple, np.argwhere(mask.cells)),
                        *[(rows, j) for j in np.flatnonzero(mask.column_totals)]]:
        if grid[:, column].sum() == 0 or (row < rows and grid[row].sum() == 0):
            continue
        low, high = possible_counts(grid, mask, int(row), int(column))
        if low == high:
            pinned.append((int(row), int(column)))
    return pinned


def test_a_gender_s_count_hidden_elsewhere_keeps_the_split_but_hides_enough_months():
    months = months_between(date(2026, 1, 1), date(2026, 2, 1))
    per_month = {1: {"woman": 9, "man": 9, "other": 6}, 2: {"woman": 9, "man": 9, "other": 6}}
    enrolled = _enrolled_on_the_third(per_month)
    assert monthly_table({"enrolled": enrolled}, months, threshold=5).groups == (
        "woman", "man", "other", "total")
    # Say attrition hid the 12 of other gender and, as a complement, the 18 men: both
    # months' 9 + 6 together would give them back. Hiding January's men and other
    # gender lets a count move between them, so neither total can be worked out, and
    # the rest is shown (worked out by hand; the linear programmes below agree).
    hidden = {"other", "man"}
    table = monthly_table({"enrolled": enrolled}, months, threshold=5,
                          hidden_totals={"enrolled": hidden})
    assert table.groups == ("woman", "man", "other", "total")
    january, february = (table.counts["enrolled"][m] for m in months)
    assert [january[g].value for g in table.groups] == [9, None, None, 24]
    assert [february[g].value for g in table.groups] == [9, 9, 6, 24]
    grid = np.array([[per_month[m].get(g, 0) for g in GENDERS] for m in (1, 2)])
    assert _hidden_figures_can_be_worked_out(table, "enrolled", grid, hidden) == []


def test_a_single_count_hidden_elsewhere_is_known_from_the_rest():
    # Hidden alone beside the total and every other gender's count, the 12 of other
    # gender is 48 - 18 - 18 whatever the table shows: nothing to hide for it.
    months = months_between(date(2026, 1, 1), date(2026, 2, 1))
    enrolled = _enrolled_on_the_third({1: {"woman": 9, "man": 9, "other": 6},
                                       2: {"woman": 9, "man": 9, "other": 6}})
    alone = monthly_table({"enrolled": enrolled}, months, threshold=5,
                          hidden_totals={"enrolled": {"other"}})
    assert alone == monthly_table({"enrolled": enrolled}, months, threshold=5)


@pytest.mark.parametrize("seed", [3, 4])
def test_no_month_gives_away_a_count_hidden_elsewhere(seed):
    rng = np.random.default_rng(seed)
    checked = 0
    for _ in range(60):
        months = months_between(date(2026, 1, 1), date(2026, int(rng.integers(2, 6)), 1))
        # Women and men of a few a month, and now and then someone of another gender.
        means = [rng.uniform(1, 12), rng.uniform(1, 12), rng.uniform(0, 2), rng.uniform(0, 3)]
        grid = np.array([[rng.poisson(mean) for mean in means] for _ in months])
        present = [g for j, g in enumerate(GENDERS) if grid[:, j].sum() > 0] + [TOTAL]
        hidden = set(rng.choice(present, size=min(len(present), int(rng.integers(2, 4))),
                                replace=False).tolist())
        events = Events.of((date(2026, i + 1, 3), gender)
                           for i in range(len(months))
                           for j, gender in enumerate(GENDERS)
                           for _ in range(grid[i, j]))
        threshold = int(rng.integers(3, 7))
        table = monthly_table({"enrolled": events}, months, threshold,
                              hidden_totals={"enrolled": hidden})
        assert _hidden_figures_can_be_worked_out(table, "enrolled", grid, hidden) == [], (
            grid.tolist(), hidden, threshold)
        for month in months:
            for cell in table.counts["enrolled"][month].values():
                assert cell.suppressed or cell.value >= threshold
        checked += any(not table.counts["enrolled"][m][g].suppressed
                       for m in months for g in ("woman", "man"))
    assert checked > 10  # not a rule that passes by hiding everything
