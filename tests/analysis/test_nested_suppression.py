"""A table of part of another table's participants: the rest must stay protected too.

Completers are some of the participants measured, with the same movement. Both
tables are published, so a reader can take one from the other and get a third,
of the measured who have not finished. These tests check that third table by an
outsider's linear programme, independent of ``part_mask``'s own integer programmes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import linprog

from analysis.suppression import SuppressionMask, first_pinned, part_mask, suppression_mask
from tests.analysis.test_suppression import hidden_with_margins, with_margins

THRESHOLD = 5


def test_a_small_figure_of_the_rest_is_hidden_in_the_part_and_protected_there():
    # Rows women and men; columns improved, unchanged, worse.
    # The part alone (completers) has no count under 5 and would show everything:
    part = np.array([[6, 7, 5],
                     [8, 6, 7]])
    # but 2 of the other women got worse, which the whole minus the part would tell:
    rest = np.array([[9, 8, 2],
                     [7, 10, 6]])
    whole = part + rest  # 15 15 7 / 15 16 13: all shown, nothing hidden
    whole_mask = suppression_mask(whole, THRESHOLD)
    assert not hidden_with_margins(whole_mask).any()
    assert not hidden_with_margins(suppression_mask(part, THRESHOLD)).any()

    mask = part_mask(part, whole, whole_mask, THRESHOLD)
    # The women's 5 who got worse goes (else 7 − 5 = 2); then the women's smallest
    # other count, 6 improved, so that their row does not give it back; then the
    # men's 7 worse and 8 improved for the columns. The rest now hides 9, 2, 7 and 6,
    # which can move round together: the 2 could be anything from 0 to 7.
    assert mask.cells.tolist() == [[True, False, True],
                                   [True, False, True]]
    assert not mask.row_totals.any() and not mask.column_totals.any()
    assert not mask.grand_total
    assert outsiders_range(part, rest, hidden_with_margins(mask),
                           hidden_with_margins(whole_mask), ("rest", 0, 2)) == (0, 7)


def test_a_group_whose_rest_is_small_loses_its_size_in_the_part():
    # 12 women measured, 10 of them completers: shown side by side, the sizes would
    # say that 2 women have not finished, and the means would give their movement.
    part = np.array([[5, 5, 0],
                     [9, 6, 5]])
    rest = np.array([[1, 1, 0],
                     [6, 5, 5]])
    whole = part + rest
    whole_mask = suppression_mask(whole, THRESHOLD)
    assert not whole_mask.row_totals.any()
    mask = part_mask(part, whole, whole_mask, THRESHOLD)
    assert mask.row_totals[0]
    assert_rest_protected(part, rest, whole_mask, mask)


def test_a_part_no_one_of_a_group_is_in_leaves_that_group_to_the_whole():
    # No completer of another gender: their rest is the whole's row, which the whole
    # shows and protects itself. It must not cost the women and men anything.
    part = np.array([[6, 7, 5], [8, 6, 7], [0, 0, 0]])
    rest = np.array([[9, 8, 6], [7, 10, 6], [5, 6, 7]])
    whole = part + rest
    whole_mask = suppression_mask(whole, THRESHOLD)
    mask = part_mask(part, whole, whole_mask, THRESHOLD)
    assert not mask.cells[:2].any() and not mask.row_totals[:2].any()
    assert not mask.column_totals.any() and not mask.grand_total


def test_totals_another_table_hides_stay_hidden():
    part = np.array([[6, 7, 5], [8, 6, 7]])
    whole = part + np.array([[9, 8, 6], [7, 10, 6]])
    mask = part_mask(part, whole, suppression_mask(whole, THRESHOLD), THRESHOLD,
                     hidden_row_totals=[True, False])
    assert mask.row_totals[0]
    assert mask.cells[0].sum() >= 1  # the women's cells cannot add up to it


def test_a_part_larger_than_its_whole_is_refused():
    whole = np.array([[5, 5]])
    with pytest.raises(ValueError, match="part cannot count more"):
        part_mask(np.array([[6, 4]]), whole, suppression_mask(whole, THRESHOLD), THRESHOLD)


def test_first_pinned_finds_what_sums_give_away():
    # Four counts, 2, 3, 0 and 0; each figure is a sum of some of them.
    counts = np.array([2, 3, 0, 0])
    first, second, third = np.eye(4)[:3]
    first_two, last_two = np.array([1, 1, 0, 0]), np.array([0, 0, 1, 1])
    # Knowing the first two add up to 5 leaves each anything from 0 to 5.
    assert first_pinned(counts, [first_two], [first, second]) is None
    # Knowing the second too gives the first: 5 − 3.
    assert first_pinned(counts, [first_two, second], [third, first]) == 1
    # Nothing bounds the third, unless it is known to be empty; a sum of 0 pins
    # each of its parts, as counts are not negative.
    assert first_pinned(counts, [first_two], [third]) is None
    assert first_pinned(counts, [first_two], [third],
                        empty=np.array([False, False, True, False])) == 0
    assert first_pinned(counts, [last_two], [first, third]) == 1


@pytest.mark.parametrize("whole_rows", [False, True])
def test_random_parts_leave_no_figure_of_part_rest_or_whole_pinned_down(whole_rows):
    rng = np.random.default_rng(41)
    for _ in range(120):
        shape = (int(rng.integers(1, 5)), int(rng.integers(1, 6)))
        # Gender × outcome counts with many small ones; about two thirds completed.
        whole = rng.integers(0, 30, shape) * (rng.random(shape) > 0.2)
        part = rng.binomial(whole, rng.uniform(0.3, 0.9))
        threshold = int(rng.integers(3, 7))
        whole_mask = suppression_mask(whole, threshold, whole_rows=whole_rows)
        mask = part_mask(part, whole, whole_mask, threshold, whole_rows=whole_rows)
        assert_rest_protected(part, whole - part, whole_mask, mask, threshold)


def assert_rest_protected(part: np.ndarray, rest: np.ndarray, whole_mask: SuppressionMask,
                          mask: SuppressionMask, threshold: int = THRESHOLD) -> None:
    """The rules of a single table, applied to the rest as a reader can work it out,
    and an outsider's check that no hidden figure of the three has one value only."""
    part_hidden, whole_hidden = hidden_with_margins(mask), hidden_with_margins(whole_mask)
    part_full, rest_full = with_margins(part), with_margins(rest)
    # Who is nowhere in the part has the whole's figures, protected there.
    part_used = in_use(part_full)
    rest_shown = (~part_hidden | ~part_used) & ~whole_hidden
    # A reader cannot tell where the rest is empty: its zeros are protected wherever
    # someone in the whole is.
    rest_used = in_use(part_full + rest_full)
    case = (part.tolist(), rest.tolist(), threshold)
    # Small figures of the rest cannot be worked out by subtraction.
    assert not (rest_shown & rest_used & (rest_full < threshold)).any(), case
    # No line of the rest shows its total and hides too little.
    rows, columns = part.shape
    lines = [(r, slice(None)) for r in range(rows + 1)]
    lines += [(slice(None), c) for c in range(columns + 1)]
    for line in lines:
        used, values = rest_used[line][:-1], rest_full[line][:-1]
        hidden = ~rest_shown[line][:-1] & used
        if rest_shown[line][-1] and rest_used[line][-1] and hidden.any():
            assert hidden.sum() >= 2 and values[hidden].sum() >= threshold, (case, line)
    for table, hidden, used in (("part", part_hidden, part_used),
                                ("rest", ~rest_shown, rest_used),
                                ("whole", whole_hidden, rest_used)):
        for row, column in np.argwhere(hidden & used):
            low, high = outsiders_range(part, rest, part_hidden, whole_hidden,
                                        (table, int(row), int(column)))
            assert high - low >= 1, (case, table, row, column)


def in_use(full: np.ndarray) -> np.ndarray:
    """Figures (of a table with its margins) in a row and column someone is in."""
    return (full[:, -1] > 0)[:, None] & (full[-1, :] > 0)[None, :]


def outsiders_range(part: np.ndarray, rest: np.ndarray, part_hidden: np.ndarray,
                    whole_hidden: np.ndarray, figure: tuple[str, int, int]) -> tuple[float, float]:
    """The whole numbers a figure can take at most, from a linear programme whose
    variables are every figure of the part and of the rest with their margins: the
    part's published figures are fixed, and so are the whole's as part plus rest.
    Its real-valued range can only be wider than the whole numbers' range."""
    full_part, full_rest = with_margins(part), with_margins(rest)
    shape, size = full_part.shape, full_part.size
    rows, columns = part.shape
    variables = {"part": np.arange(size).reshape(shape),
                 "rest": size + np.arange(size).reshape(shape)}
    equations, values = [], []
    for table in variables.values():
        for r in range(rows + 1):
            equation = np.zeros(2 * size)
            equation[table[r, :columns]] = 1
            equation[table[r, columns]] = -1
            equations.append(equation)
            values.append(0)
        for c in range(columns + 1):
            equation = np.zeros(2 * size)
            equation[table[:rows, c]] = 1
            equation[table[rows, c]] = -1
            equations.append(equation)
            values.append(0)
    for r, c in np.argwhere(~part_hidden):
        equation = np.zeros(2 * size)
        equation[variables["part"][r, c]] = 1
        equations.append(equation)
        values.append(full_part[r, c])
    for r, c in np.argwhere(~whole_hidden):
        equation = np.zeros(2 * size)
        equation[[variables["part"][r, c], variables["rest"][r, c]]] = 1
        equations.append(equation)
        values.append(full_part[r, c] + full_rest[r, c])
    # A row or column nobody is in, in the part or the whole, is known to be empty.
    bounds = [(0, 0) if not used else (0, None)
              for used in np.concatenate([in_use(full_part).ravel(),
                                          in_use(full_part + full_rest).ravel()])]
    table, row, column = figure
    objective = np.zeros(2 * size)
    for name in (("part", "rest") if table == "whole" else (table,)):
        objective[variables[name][row, column]] = 1
    found = [linprog(sign * objective, A_eq=np.array(equations), b_eq=values, bounds=bounds)
             for sign in (1, -1)]
    low = math.ceil(found[0].fun - 1e-9)
    high = math.inf if found[1].status == 3 else math.floor(-found[1].fun + 1e-9)
    return low, high
