"""Properties the suppression rule guarantees on any table."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis import suppression_mask

tables = st.tuples(st.integers(1, 5), st.integers(1, 6)).flatmap(
    lambda shape: arrays(np.int64, shape, elements=st.integers(0, 40))
)


def lines_with_totals(table: np.ndarray, mask):
    rows, columns = table.shape
    for r in range(rows):
        yield table[r], mask.cells[r], table[r].sum(), mask.row_totals[r]
    for c in range(columns):
        yield table[:, c], mask.cells[:, c], table[:, c].sum(), mask.column_totals[c]
    yield table.sum(axis=1), mask.row_totals, table.sum(), mask.grand_total
    yield table.sum(axis=0), mask.column_totals, table.sum(), mask.grand_total


@settings(max_examples=300, deadline=None)
@given(table=tables, threshold=st.integers(3, 10))
def test_small_cells_are_always_hidden(table, threshold):
    mask = suppression_mask(table, threshold)
    assert np.all(mask.cells[table < threshold])
    assert np.all(mask.row_totals[table.sum(axis=1) < threshold])
    assert np.all(mask.column_totals[table.sum(axis=0) < threshold])


@settings(max_examples=300, deadline=None)
@given(table=tables, threshold=st.integers(3, 10))
def test_no_line_gives_a_hidden_cell_away_by_subtraction(table, threshold):
    mask = suppression_mask(table, threshold)
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
