"""Shares of participants in categories, per gender group, suppressed as one table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.movement import ALWAYS_SHOWN, GENDERS, TOTAL
from analysis.suppression import (
    Cell,
    Published,
    part_mask,
    suppression_mask,
)


@dataclass(frozen=True)
class HiddenMargins:
    """Totals of a groups × categories table that another table hides."""

    groups: frozenset[str] = frozenset()
    #: One per category; None for none.
    categories: tuple[bool, ...] | None = None
    everyone: bool = False


@dataclass(frozen=True)
class GroupShares:
    group: str
    n: Cell
    #: One share per category; hidden with its count, with n, or when n is below the
    #: threshold.
    shares: tuple[Cell, ...]
    #: The raw counts, for statistics computed on published groups only; never shown.
    counts: tuple[int, ...]


def shares_by_group(
    counts: Mapping[str, Sequence[int]], categories: int, threshold: int,
    hidden: HiddenMargins | None = None,
) -> tuple[GroupShares, ...]:
    """Women and men always, other groups when their size can be shown, then the total
    (see ``published_shares``)."""
    return published_shares(counts, categories, threshold, hidden)[0]


def published_shares(
    counts: Mapping[str, Sequence[int]], categories: int, threshold: int,
    hidden: HiddenMargins | None = None, within: Published | None = None,
) -> tuple[tuple[GroupShares, ...], Published]:
    """Women and men always, other groups when their size can be shown, then the total;
    and the counts per gender (in ``GENDERS`` order) with what the table hides of them.

    ``counts`` maps a gender to its count per category. A group nobody belongs to
    has its row all hidden: no one there to protect, and its empty cells force no
    needless hiding of others' figures (``suppression_mask``). ``hidden`` names
    totals another table hides (see ``suppression_mask``). ``within`` is what a
    table of a larger group these participants are part of publishes, in the same
    categories (completers among everyone measured): the figures of the rest are
    then protected too (see ``suppression.part_mask``).
    """
    grid = np.array([[int(c) for c in counts.get(g, [0] * categories)] for g in GENDERS],
                    dtype=int).reshape(len(GENDERS), categories)
    hidden = hidden or HiddenMargins()
    options = {"hidden_row_totals": [g in hidden.groups for g in GENDERS],
               "hidden_column_totals": hidden.categories,
               "hidden_grand_total": hidden.everyone}
    if within is None:
        mask = suppression_mask(grid, threshold, **options)
    else:
        mask = part_mask(grid, within.counts, within.mask, threshold, **options)

    def row(group: str, values: np.ndarray, hidden: np.ndarray, n_hidden: bool) -> GroupShares:
        n = int(values.sum())
        shares = tuple(
            Cell.hidden() if hidden[i] or n < threshold or n == 0 else Cell(values[i] / n)
            for i in range(categories)
        )
        return GroupShares(group, Cell.hidden() if n_hidden else Cell(n), shares,
                           tuple(int(v) for v in values))

    rows = []
    for index, group in enumerate(GENDERS):
        shown = row(group, grid[index], mask.row_shares[index], bool(mask.row_totals[index]))
        if group in ALWAYS_SHOWN or not shown.n.suppressed:
            rows.append(shown)
    rows.append(row(TOTAL, grid.sum(axis=0), mask.total_shares, mask.grand_total))
    return tuple(rows), Published(grid, mask)
