"""Small-cell suppression for tables of counts with row and column totals.

Primary suppression hides every count below the threshold. Secondary
suppression then hides more cells until, in every line (a row or a column
together with its total), the hidden cells cannot be recovered by subtraction:
no line has exactly one hidden cell, and the hidden cells of a line never add
up to fewer than the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MINIMUM_THRESHOLD = 3


@dataclass(frozen=True)
class SuppressionMask:
    """Which cells of a table to hide: ``True`` means hidden."""

    cells: np.ndarray
    row_totals: np.ndarray
    column_totals: np.ndarray
    grand_total: bool


def check_threshold(threshold: int) -> int:
    if threshold < MINIMUM_THRESHOLD:
        raise ValueError(f"the suppression threshold must be at least {MINIMUM_THRESHOLD}")
    return threshold


def suppression_mask(counts: np.ndarray | list[list[int]], threshold: int) -> SuppressionMask:
    """Decide which cells, row totals, column totals and grand total to hide."""
    check_threshold(threshold)
    table = np.asarray(counts, dtype=int)
    if table.ndim != 2:
        raise ValueError("counts must be a two-dimensional table")
    rows, columns = table.shape
    # Lay the table out with its margins so every line is handled the same way:
    # the last row holds column totals, the last column row totals.
    full = np.zeros((rows + 1, columns + 1), dtype=int)
    full[:rows, :columns] = table
    full[:rows, columns] = table.sum(axis=1)
    full[rows, :columns] = table.sum(axis=0)
    full[rows, columns] = table.sum()
    hidden = full < threshold

    lines = [(row, slice(None)) for row in range(rows + 1)]
    lines += [(slice(None), column) for column in range(columns + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            values, mask = full[line], hidden[line]
            parts, total_hidden = mask[:-1], mask[-1]
            hidden_parts = int(parts.sum())
            if hidden_parts == 0 or total_hidden:
                continue
            if hidden_parts >= 2 and values[:-1][parts].sum() >= threshold:
                continue
            visible = np.flatnonzero(~parts)
            if visible.size:
                target = visible[np.argmin(values[:-1][visible])]
            else:
                target = len(values) - 1
            line_mask = hidden[line]
            line_mask[target] = True
            hidden[line] = line_mask
            changed = True

    return SuppressionMask(
        cells=hidden[:rows, :columns],
        row_totals=hidden[:rows, columns],
        column_totals=hidden[rows, :columns],
        grand_total=bool(hidden[rows, columns]),
    )
