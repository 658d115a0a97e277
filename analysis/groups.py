"""Shares of participants in categories, per gender group, suppressed as one table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from analysis.movement import ALWAYS_SHOWN, GENDERS, TOTAL
from analysis.suppression import (
    Cell,
    Published,
    part_mask,
    possible_counts,
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
    #: Per category, the lowest and highest count the published table allows a reader
    #: to give it (``suppression.possible_counts``); only when asked for, and only for
    #: a hidden share of a group whose n is shown.
    possible: tuple[tuple[int, int | None] | None, ...] = ()


def shares_by_group(
    counts: Mapping[str, Sequence[int]], categories: int, threshold: int,
    with_possible: bool = False, hidden: HiddenMargins | None = None,
) -> tuple[GroupShares, ...]:
    """Women and men always, other groups when their size can be shown, then the total
    (see ``published_shares``)."""
    return published_shares(counts, categories, threshold, with_possible, hidden)[0]


def published_shares(
    counts: Mapping[str, Sequence[int]], categories: int, threshold: int,
    with_possible: bool = False, hidden: HiddenMargins | None = None,
    within: Published | None = None,
) -> tuple[tuple[GroupShares, ...], Published]:
    """Women and men always, other groups when their size can be shown, then the total;
    and the counts per gender (in ``GENDERS`` order) with what the table hides of them.

    ``counts`` maps a gender to its count per category. Groups nobody belongs to
    stay out of the suppression grid: their empty cells would only force needless
    hiding of others' figures. ``with_possible`` adds what the published table
    allows for each hidden share's count, for figures derived from hidden shares.
    ``hidden`` names totals another table hides (see ``suppression_mask``).
    ``within`` is what a table of a larger group these participants are part of
    publishes, in the same categories (completers among everyone measured): the
    figures of the rest are then protected too (see ``suppression.part_mask``).
    """
    full = {g: [int(c) for c in counts.get(g, [0] * categories)] for g in GENDERS}
    present = [g for g in GENDERS if sum(full[g])] or list(ALWAYS_SHOWN)
    hidden = hidden or HiddenMargins()
    everyone = np.array([full[g] for g in GENDERS], dtype=int)
    options = {"hidden_row_totals": [g in hidden.groups for g in GENDERS],
               "hidden_column_totals": hidden.categories,
               "hidden_grand_total": hidden.everyone}
    if within is None:
        everyone_mask = suppression_mask(everyone, threshold, **options)
    else:
        everyone_mask = part_mask(everyone, within.counts, within.mask, threshold, **options)
    # Genders nobody is in add nothing to any figure, and stay out of the reader's
    # table for ``possible_counts``: counts could move into their rows otherwise.
    kept = [GENDERS.index(g) for g in present]
    grid = everyone[kept]
    mask = replace(everyone_mask, cells=everyone_mask.cells[kept],
                   row_totals=everyone_mask.row_totals[kept])

    def row(group: str, values: Sequence[int], hidden: np.ndarray, n_hidden: bool,
            index: int | None) -> GroupShares:
        n = int(sum(values))
        shares = tuple(
            Cell.hidden() if hidden[i] or n < threshold or n == 0 else Cell(values[i] / n)
            for i in range(categories)
        )
        possible = ()
        if with_possible and index is not None and not n_hidden:
            possible = tuple(
                possible_counts(grid, mask, index, i) if shares[i].suppressed else None
                for i in range(categories)
            )
        return GroupShares(group, Cell.hidden() if n_hidden else Cell(n), shares,
                           tuple(int(v) for v in values), possible)

    rows = []
    for group in GENDERS:
        if group in present:
            index = present.index(group)
            shown = row(group, full[group], mask.row_shares[index],
                        bool(mask.row_totals[index]), index)
        else:
            shown = row(group, full[group], np.ones(categories, bool), True, None)
        if group in ALWAYS_SHOWN or not shown.n.suppressed:
            rows.append(shown)
    totals = grid.sum(axis=0).tolist()
    rows.append(row(TOTAL, totals, mask.total_shares, mask.grand_total, len(present)))
    return tuple(rows), Published(everyone, everyone_mask)
