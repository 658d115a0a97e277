"""Properties the suppression rule guarantees on any table."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog

from analysis import suppression_mask
from analysis.suppression import SuppressionMask, _exactly_recoverable, possible_counts

tables = st.tuples(st.integers(1, 5), st.integers(1, 6)).flatmap(
    lambda shape: arrays(np.int64, shape, elements=st.integers(0, 40))
)


def lines_with_totals(table: np.ndarray, mask):
    """Every line with its total, leaving out the parts that lie in an empty row or
    column: nobody is there to protect (see analysis.suppression)."""
    used_rows, used_columns = table.sum(axis=1) > 0, table.sum(axis=0) > 0
    for r in np.flatnonzero(used_rows):
        yield (table[r][used_columns], mask.cells[r][used_columns], table[r].sum(),
               mask.row_totals[r])
    for c in np.flatnonzero(used_columns):
        yield (table[:, c][used_rows], mask.cells[:, c][used_rows], table[:, c].sum(),
               mask.column_totals[c])
    yield (table.sum(axis=1)[used_rows], mask.row_totals[used_rows], table.sum(),
           mask.grand_total)
    yield (table.sum(axis=0)[used_columns], mask.column_totals[used_columns], table.sum(),
           mask.grand_total)


@settings(max_examples=150, deadline=None)
@given(table=tables, threshold=st.integers(3, 10), whole_rows=st.booleans())
def test_small_cells_are_always_hidden(table, threshold, whole_rows):
    mask = suppression_mask(table, threshold, whole_rows=whole_rows)
    assert np.all(mask.cells[table < threshold])
    assert np.all(mask.row_totals[table.sum(axis=1) < threshold])
    assert np.all(mask.column_totals[table.sum(axis=0) < threshold])


@settings(max_examples=150, deadline=None)
@given(table=tables, threshold=st.integers(3, 10), whole_rows=st.booleans())
def test_no_line_gives_a_hidden_cell_away_by_subtraction(table, threshold, whole_rows):
    mask = suppression_mask(table, threshold, whole_rows=whole_rows)
    for values, hidden, _total, total_hidden in lines_with_totals(table, mask):
        if total_hidden or not hidden.any():
            continue
        assert hidden.sum() >= 2, (table, mask)
        assert values[hidden].sum() >= threshold, (table, mask)


def test_hand_worked_table():
    # Rows 7 (5, 2, 0) and 20 (10, 6, 4); column totals 15, 8, 4; grand total 27.
    # Primary: 2, 0, 4 and the column total 4 are hidden.
    # Row 1: hidden 2 + 0 = 2 < 5, so 5 is hidden too. Row 2: only 4 hidden, so 6 goes.
    # Column 1: 5 hidden alone, so 10 goes. Column 2: 2 and 6, 8 ≥ 5. Column 3: its
    # total is hidden. The totals row 15, 8, 4 against 27: 4 hidden alone, so 8 goes.
    mask = suppression_mask([[5, 2, 0], [10, 6, 4]], threshold=5)
    assert mask.cells.tolist() == [[True, True, True], [True, True, True]]
    assert mask.row_totals.tolist() == [False, False]
    assert mask.column_totals.tolist() == [False, True, True]
    assert mask.grand_total is False


def test_complements_are_the_smallest_cells():
    # Women 20 10 12, men 15 30 9, others 2 1 1 (4 in all, hidden, with every cell).
    # Moved up: the others' 2 alone is hidden, so the smaller of 20 and 15 goes: the
    # men's 15. Unchanged: the others' 1, and the women's 10. Down: the men's 9.
    # Sizes: the others' 4 needs a partner, the women's 42 rather than the men's 54.
    mask = suppression_mask([[20, 10, 12], [15, 30, 9], [2, 1, 1]], threshold=5)
    assert mask.cells.tolist() == [[False, True, False], [True, False, True], [True] * 3]
    assert mask.row_totals.tolist() == [True, False, True]
    assert not mask.column_totals.any() and not mask.grand_total


def test_with_whole_rows_complements_are_taken_from_a_row_already_broken():
    # The same table. Moved up: women and men are both intact, so the smaller, the
    # men's 15, goes. Unchanged: the men's row is broken now, so their 30 goes rather
    # than the women's 10. Down: the men's 9 again. Sizes: the men's 54 rather than
    # the women's 42. So one group loses its figures and the women keep all theirs.
    mask = suppression_mask([[20, 10, 12], [15, 30, 9], [2, 1, 1]], threshold=5,
                            whole_rows=True)
    assert mask.cells.tolist() == [[False] * 3, [True] * 3, [True] * 3]
    assert mask.row_totals.tolist() == [False, True, True]
    assert not mask.column_totals.any() and not mask.grand_total


def test_without_whole_rows_a_large_group_keeps_most_of_its_row():
    # The demo's steps at the latest occasion: women, men, other, not stated over
    # steps 1 to 6. Steps 2 to 5 each hide a small other/not-stated pair summing to
    # under 5, so each takes a complement: the smaller of the women's and the men's
    # cell (15 < 21, 13 < 19, 24 < 26, 14 < 20). Taking them all from one broken row
    # would have hidden 74 of the men's 79.
    counts = [[5, 15, 19, 24, 20, 7], [4, 21, 13, 26, 14, 1],
              [0, 1, 0, 3, 2, 0], [1, 0, 2, 0, 1, 0]]
    mask = suppression_mask(counts, threshold=5)
    assert mask.cells[:2, 1:5].tolist() == [[True, False, True, False],
                                           [False, True, False, True]]
    assert not mask.row_totals[:2].any()


def test_a_total_another_table_hides_is_hidden_and_protected():
    # Nothing is small. Told that column 1's total (10) is hidden elsewhere, the table
    # hides it; 5 + 5 above it would give it back, and so, with the grand total,
    # would column 2's 13: each must go too.
    table = [[5, 6], [5, 7]]
    mask = suppression_mask(table, threshold=5, hidden_column_totals=[True, False])
    assert mask.column_totals.tolist() == [True, True]
    low, high = possible_counts(table, mask, 2, 0)
    assert low < 10 < high
    assert not suppression_mask(table, threshold=5).column_totals.any()


@settings(max_examples=60, deadline=None)
@given(table=tables, threshold=st.integers(3, 10), data=st.data())
def test_no_total_hidden_elsewhere_can_be_worked_out(table, threshold, data):
    hidden_elsewhere = np.array(data.draw(st.lists(
        st.booleans(), min_size=table.shape[1], max_size=table.shape[1])))
    mask = suppression_mask(table, threshold, hidden_column_totals=hidden_elsewhere)
    for column in np.flatnonzero(hidden_elsewhere & (table.sum(axis=0) > 0)):
        assert mask.column_totals[column]
        low, high = possible_counts(table, mask, table.shape[0], column)
        assert high is None or low < high, (table, hidden_elsewhere, column)


def with_margins(table: np.ndarray) -> np.ndarray:
    """The table with its row totals as an extra column, column totals as an extra row."""
    rows, columns = table.shape
    full = np.zeros((rows + 1, columns + 1), dtype=int)
    full[:rows, :columns] = table
    full[:rows, columns] = table.sum(axis=1)
    full[rows, :columns] = table.sum(axis=0)
    full[rows, columns] = table.sum()
    return full


def hidden_with_margins(mask: SuppressionMask) -> np.ndarray:
    rows, columns = mask.cells.shape
    hidden = np.zeros((rows + 1, columns + 1), dtype=bool)
    hidden[:rows, :columns] = mask.cells
    hidden[:rows, columns] = mask.row_totals
    hidden[rows, :columns] = mask.column_totals
    hidden[rows, columns] = mask.grand_total
    return hidden


def possible_range(table: np.ndarray, mask, cell: tuple[int, int]) -> tuple[float, float]:
    """Smallest and largest value ``cell`` can take given all that is published.

    An outsider's formulation, kept independent of the algorithm's own audit:
    every cell of the table with its margins is a variable; published cells are
    fixed through their bounds; every row and column must add up to its total.
    """
    rows, columns = table.shape
    full, hidden = with_margins(table), hidden_with_margins(mask)
    size = full.size
    variable = np.arange(size).reshape(full.shape)
    equations = []
    for r in range(rows + 1):
        equation = np.zeros(size)
        equation[variable[r, :columns]] = 1
        equation[variable[r, columns]] = -1
        equations.append(equation)
    for c in range(columns + 1):
        equation = np.zeros(size)
        equation[variable[:rows, c]] = 1
        equation[variable[rows, c]] = -1
        equations.append(equation)
    bounds = [(0, None) if hidden.flat[i] else (full.flat[i], full.flat[i]) for i in range(size)]
    objective = np.zeros(size)
    objective[variable[cell]] = 1
    low = linprog(objective, A_eq=np.array(equations), b_eq=np.zeros(len(equations)), bounds=bounds)
    high = linprog(-objective, A_eq=np.array(equations), b_eq=np.zeros(len(equations)),
                   bounds=bounds)
    return low.fun, (math.inf if high.status == 3 else -high.fun)


@pytest.mark.parametrize("whole_rows", [False, True])
def test_no_hidden_cell_can_be_worked_out_from_the_published_table(whole_rows):
    rng = np.random.default_rng(2026)
    for _ in range(150):
        shape = (int(rng.integers(1, 5)), int(rng.integers(1, 7)))
        # Many small counts and zeros, as in real gender × outcome tables.
        table = rng.integers(0, 25, shape) * (rng.random(shape) > 0.25)
        threshold = int(rng.integers(3, 8))
        mask = suppression_mask(table, threshold, whole_rows=whole_rows)
        rows, columns = table.shape
        # Rows and columns nobody is in protect no one (see analysis.suppression).
        empty_rows = set(np.flatnonzero(table.sum(axis=1) == 0))
        empty_columns = set(np.flatnonzero(table.sum(axis=0) == 0))
        hidden_cells = [(r, c) for r, c in np.argwhere(mask.cells)
                        if r not in empty_rows and c not in empty_columns]
        hidden_cells += [(r, columns) for r in np.flatnonzero(mask.row_totals)
                         if r not in empty_rows]
        hidden_cells += [(rows, c) for c in np.flatnonzero(mask.column_totals)
                         if c not in empty_columns]
        if mask.grand_total:
            hidden_cells.append((rows, columns))
        for cell in hidden_cells:
            low, high = possible_range(table, mask, cell)
            whole_numbers_possible = (
                math.inf if high == math.inf else math.floor(high + 1e-9) - math.ceil(low - 1e-9)
            )
            assert whole_numbers_possible >= 1, (table, threshold, cell)


def test_column_totals_a_reader_knows_are_never_hidden_nor_relied_on():
    # Months × (women, men, other genders), beside the enrolled by gender. Unaware,
    # the table takes the men's total as a complement, hides the second month's 7
    # men and shows the first month's 7: with the men's 14 known from attrition, the
    # hidden 7 follows.
    table = np.array([[7, 7, 0], [11, 7, 2]])
    unaware = suppression_mask(table, threshold=5)
    assert unaware.column_totals[1] and unaware.cells[1, 1] and not unaware.cells[0, 1]
    known = SuppressionMask(unaware.cells, unaware.row_totals, np.zeros(3, bool), False)
    assert possible_counts(table, known, 1, 1) == (7, 7)

    mask = suppression_mask(table, threshold=5, known_column_totals=[True] * 3,
                            grand_total_known=True)
    assert not mask.column_totals.any() and not mask.grand_total
    for row, column in np.argwhere(mask.cells):
        low, high = possible_range(table, mask, (int(row), int(column)))
        assert high - low >= 1, (row, column)


def test_a_total_cannot_be_both_known_and_hidden():
    with pytest.raises(ValueError, match="both known and hidden"):
        suppression_mask([[5, 6]], 5, known_column_totals=[True, True],
                         hidden_column_totals=[True, False])
    with pytest.raises(ValueError, match="both known and hidden"):
        suppression_mask([[5, 6]], 5, grand_total_known=True, hidden_grand_total=True)


def test_protecting_a_total_hidden_elsewhere_hides_only_cells_on_a_way_round_it():
    # The grand total (38) is hidden elsewhere and the first two column totals are
    # known. Protecting the 2 and the 3 and then the 38 takes cells that let counts
    # move round the first and last columns; the middle column, which no such way
    # passes, keeps its 12 and 8.
    table = np.array([[7, 12, 2], [3, 8, 6]])
    mask = suppression_mask(table, threshold=5, known_column_totals=[True, True, False],
                            hidden_grand_total=True)
    assert mask.grand_total and not mask.column_totals[:2].any()
    assert mask.cells[:, [0, 2]].all() and not mask.cells[:, 1].any()
    for row, column in [*map(tuple, np.argwhere(mask.cells)), (2, 2), (2, 3)]:
        low, high = possible_counts(table, mask, int(row), int(column))
        assert high is None or low < high, (row, column)


TOTAL_STATES = st.sampled_from(["decided here", "known", "hidden elsewhere"])


@settings(max_examples=80, deadline=None)
@given(table=tables, threshold=st.integers(3, 10), data=st.data())
def test_totals_known_or_hidden_elsewhere_are_kept_so_and_give_nothing_away(
    table, threshold, data
):
    states = np.array(data.draw(st.lists(TOTAL_STATES, min_size=table.shape[1],
                                         max_size=table.shape[1])))
    grand = data.draw(TOTAL_STATES)
    used_rows, used = table.sum(axis=1) > 0, table.sum(axis=0) > 0
    mask = suppression_mask(table, threshold,
                            hidden_column_totals=states == "hidden elsewhere",
                            known_column_totals=states == "known",
                            hidden_grand_total=grand == "hidden elsewhere",
                            grand_total_known=grand == "known")
    assert not (mask.column_totals & used & (states == "known")).any()
    assert mask.column_totals[used & (states == "hidden elsewhere")].all()
    if used.any():
        assert mask.grand_total == (grand == "hidden elsewhere") or grand == "decided here"
    rows, columns = table.shape
    hidden = [*map(tuple, np.argwhere(mask.cells & used_rows[:, None] & used)),
              *[(rows, c) for c in np.flatnonzero(mask.column_totals & used)]]
    # What the known totals alone pin down (a one-row table's cells, say) no table
    # can hide; everything else hidden must stay open.
    only_known = SuppressionMask(np.ones_like(mask.cells), np.ones(rows, dtype=bool),
                                      states != "known", grand != "known")
    for row, column in hidden:
        if len(set(possible_counts(table, only_known, int(row), int(column)))) == 1:
            continue
        low, high = possible_counts(table, mask, int(row), int(column))
        assert high is None or low < high, (table.tolist(), states, grand, (row, column))


@pytest.mark.parametrize("seed", [1, 2])
def test_with_column_totals_known_no_hidden_cell_can_be_worked_out(seed):
    rng = np.random.default_rng(seed)
    for _ in range(100):
        months = int(rng.integers(2, 6))
        # Women and men of a few a month, and now and then someone of another gender.
        table = np.column_stack([rng.poisson(rng.uniform(1, 9), months) for _ in range(2)]
                                + [rng.poisson(rng.uniform(0, 2), months)])
        threshold = int(rng.integers(3, 7))
        mask = suppression_mask(table, threshold, known_column_totals=[True] * 3,
                                grand_total_known=True)
        used = table.sum(axis=0) > 0
        assert not (mask.column_totals & used).any() and not mask.grand_total
        for row, column in np.argwhere(mask.cells & used & (table.sum(axis=1) > 0)[:, None]):
            low, high = possible_range(table, mask, (int(row), int(column)))
            assert high - low >= 1 - 1e-9, (table.tolist(), threshold, (row, column))


def random_hidden_patterns(seed: int, tables: int, largest: int, most_columns: int):
    """Random tables with random cells and totals hidden, not only the patterns the
    rule leaves; small counts give many zeros, which non-negativity pins down."""
    rng = np.random.default_rng(seed)
    for _ in range(tables):
        rows, columns = int(rng.integers(1, 5)), int(rng.integers(1, most_columns + 1))
        table = rng.integers(0, largest, (rows, columns)) * (rng.random((rows, columns)) > 0.3)
        hidden = rng.random((rows + 1, columns + 1)) < rng.uniform(0.2, 0.9)
        yield table, hidden, SuppressionMask(hidden[:rows, :columns], hidden[:rows, columns],
                                             hidden[rows, :columns], bool(hidden[rows, columns]))


def test_the_audit_pins_down_exactly_the_cells_linear_programming_does():
    # The audit searches for cycles of hidden cells; the linear programmes above
    # are the second method.
    for table, hidden, mask in random_hidden_patterns(11, 120, largest=6, most_columns=5):
        pinned = set()
        for row, column in np.argwhere(hidden):
            low, high = possible_range(table, mask, (row, column))
            if high - low < 0.5:
                pinned.add((int(row), int(column)))
        assert set(_exactly_recoverable(with_margins(table), hidden)) == pinned, (table, hidden)


def test_possible_counts_agree_with_an_outsiders_linear_programme():
    for table, hidden, mask in random_hidden_patterns(29, 60, largest=12, most_columns=3):
        rows, columns = table.shape
        for row in range(rows + 1):
            for column in range(columns + 1):
                low, high = possible_range(table, mask, (row, column))
                expected = (round(low), None if high == math.inf else round(high))
                assert possible_counts(table, mask, row, column) == expected, (table, hidden)


def test_possible_counts_by_hand():
    # Women 6 reached, 6 not; men 0 and 15. The men's 0 hides all four cells; the
    # margins stay: 6 reached of 27, 12 women, 15 men. Women reached: 0 to 6 (no more
    # than reached in all); men not reached: 15 minus 0 to 6.
    table = [[6, 6], [0, 15]]
    mask = suppression_mask(table, 5)
    assert mask.cells.all() and not mask.row_totals.any() and not mask.column_totals.any()
    assert possible_counts(table, mask, 0, 0) == (0, 6)
    assert possible_counts(table, mask, 1, 1) == (9, 15)
    assert possible_counts(table, mask, 2, 0) == (6, 6)  # a published total is itself
    everything = SuppressionMask(np.ones((2, 2), bool), np.ones(2, bool), np.ones(2, bool), True)
    assert possible_counts(table, everything, 0, 0) == (0, None)


@pytest.mark.parametrize(("table", "pinned"), [
    # Counts can move around the square (+1, -1, +1, -1) whichever way: nothing follows.
    ([[1, 4], [2, 6]], set()),
    # The zero can grow, taking one from 4 and from 2, giving one to 6: it is not known.
    ([[0, 4], [2, 6]], set()),
    # Column one adds up to 0 and counts are not negative: both zeros are known, and
    # then 4 and 6 are their rows' totals.
    ([[0, 4], [0, 6]], {(0, 0), (0, 1), (1, 0), (1, 1)}),
])
def test_hand_worked_audits_with_every_inner_cell_hidden(table, pinned):
    hidden = np.zeros((3, 3), dtype=bool)
    hidden[:2, :2] = True
    assert set(_exactly_recoverable(with_margins(np.array(table)), hidden)) == pinned


def test_a_zero_pinned_down_by_non_negativity_is_protected():
    # Found by the audit above: with only the primary/secondary rules, the zero at
    # row 2 column 2 could be worked out exactly.
    table = np.array([[4, 0, 12, 20, 23], [11, 0, 23, 9, 12], [12, 10, 16, 13, 8],
                      [7, 6, 0, 22, 15]])
    mask = suppression_mask(table, 5)
    low, high = possible_range(table, mask, (1, 1))
    assert high - low >= 1


def test_an_empty_step_does_not_hide_real_figures():
    # Nobody on steps 3 and 4: their zeros are hidden but force nothing else.
    mask = suppression_mask([[40, 30, 0, 0], [25, 35, 0, 0]], threshold=5)
    assert mask.cells.tolist() == [[False, False, True, True], [False, False, True, True]]
    assert mask.column_totals.tolist() == [False, False, True, True]
    assert not mask.row_totals.any() and not mask.grand_total


def test_empty_tables_are_handled():
    # A new project: nobody measurable yet. Everything is hidden and nothing hangs.
    for shape in ((0, 7), (3, 0), (2, 3)):
        mask = suppression_mask(np.zeros(shape, dtype=int), 5)
        assert mask.grand_total
        assert mask.cells.all() and mask.row_totals.all() and mask.column_totals.all()
