"""Small-cell suppression for tables of counts with row and column totals.

1. Primary suppression hides every count below the threshold.
2. Secondary suppression hides more cells until, in every line (a row or a
   column together with its total), no line has exactly one hidden cell and the
   hidden cells of a line never add up to fewer than the threshold. Each time it
   hides the smallest part of the line, which hides the fewest participants.
   Where a row's statistics are shown only with all its counts (``whole_rows``),
   a row with a hidden cell already goes before an intact one instead, so that
   as few groups as possible lose their means and tests.
3. An audit then asks, for every hidden cell, whether any other table that
   agrees with everything published (totals add up, counts are not negative)
   gives it another value. Where none does the cell could be worked out, so one
   more neighbouring cell is hidden, and the audit runs again. Step 2 alone misses
   such cases, for instance zeros pinned down by non-negativity.

The audit takes every cell it leaves shown as published. Tables publish shares,
means and medians of a row rather than its counts: all of them are over the row's
total n, so they are shown only where n is (``SuppressionMask.row_shares``). A
share over a hidden n would give n away (8 of 14 is 57 %, and no other n the table
allows gives 57 %), and with it the cell that n was hidden to protect.

Two published tables can give away together what each protects alone: the
completers' figures taken from everyone measured's leave those not finished yet.
``part_mask`` suppresses a table of part of another's participants so that this
difference is protected too, and ``first_pinned`` decides exactly, with integer
programmes, whether any figure that is a sum of counts follows from others that are
published; ``analysis.targets`` uses it for targets counting the same participants.

A row or column nobody is in has no one to protect. Its cells are shown as
hidden like every small cell, but it is left out of steps 2 and 3: otherwise the
zeros of, say, an unused seventh step would force real figures elsewhere to be
hidden, though the published totals tell anyone that the step is empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

MINIMUM_THRESHOLD = 3


@dataclass(frozen=True)
class Cell:
    """A published figure; a suppressed cell carries no value at all."""

    value: float | None
    suppressed: bool = False

    @classmethod
    def hidden(cls) -> Cell:
        return cls(None, suppressed=True)


@dataclass(frozen=True)
class SuppressionMask:
    """Which cells of a table to hide: ``True`` means hidden."""

    cells: np.ndarray
    row_totals: np.ndarray
    column_totals: np.ndarray
    grand_total: bool

    @property
    def row_shares(self) -> np.ndarray:
        """Which cells may not be shown as a share of their row's total: the hidden
        ones, and every cell of a row whose total is hidden, which a share gives away."""
        return self.cells | self.row_totals[:, None]

    @property
    def total_shares(self) -> np.ndarray:
        """The same for the column totals, as shares of the grand total."""
        return self.column_totals | self.grand_total

    def with_margins(self) -> np.ndarray:
        """The mask laid out as the table with its margins (see ``with_totals``)."""
        return _margins_layout(self.cells.shape, self.cells, self.row_totals,
                               self.column_totals, self.grand_total)


@dataclass(frozen=True, eq=False)
class Published:
    """A table's counts, rows and columns as its caller laid them out, and which of
    them it hides: what a table of part of its participants is suppressed within
    (``part_mask``)."""

    counts: np.ndarray
    mask: SuppressionMask


def check_threshold(threshold: int) -> int:
    if threshold < MINIMUM_THRESHOLD:
        raise ValueError(f"the suppression threshold must be at least {MINIMUM_THRESHOLD}")
    return threshold


def suppression_mask(
    counts: np.ndarray | list[list[int]], threshold: int, *, whole_rows: bool = False,
    hidden_cells: np.ndarray | None = None, hidden_row_totals: Sequence[bool] | None = None,
    hidden_column_totals: Sequence[bool] | None = None, hidden_grand_total: bool = False,
    known_cells: np.ndarray | None = None, known_row_totals: Sequence[bool] | None = None,
    known_column_totals: Sequence[bool] | None = None, grand_total_known: bool = False,
) -> SuppressionMask:
    """Decide which cells, row totals, column totals and grand total to hide.

    ``whole_rows`` is for tables whose rows carry statistics only while every count
    of the row is shown (see ``fully_published``): complements are then taken from
    rows broken already. Elsewhere it would hide more than needed: in a table of
    many columns one group could lose its whole row to spare another a cell or two.

    ``hidden_row_totals``, ``hidden_column_totals`` and ``hidden_grand_total`` mark
    totals that another table hides, as margins it shares with this one: they are
    hidden here too, and protected like every hidden cell, so that this table's cells
    cannot give them away. ``hidden_cells`` does the same for cells (see ``part_mask``).

    ``known_column_totals`` and ``grand_total_known`` mark totals a reader knows from
    another table, such as months of enrolment by gender beside the enrolled by
    gender: they are never hidden or taken as a complement, and count as published
    when checking that no hidden cell can be worked out. ``known_cells`` and
    ``known_row_totals`` do the same for cells and row totals.
    """
    check_threshold(threshold)
    table = np.asarray(counts, dtype=int)
    if table.ndim != 2:
        raise ValueError("counts must be a two-dimensional table")
    forced = _margins_layout(table.shape, hidden_cells, hidden_row_totals,
                             hidden_column_totals, hidden_grand_total)
    known = _margins_layout(table.shape, known_cells, known_row_totals,
                            known_column_totals, grand_total_known)
    if (forced & known).any():
        raise ValueError("a figure cannot be both known and hidden")
    return _mask_where_used(table, table, threshold, whole_rows, forced, known)


def _mask_where_used(
    table: np.ndarray, used: np.ndarray, threshold: int, whole_rows: bool,
    forced: np.ndarray, known: np.ndarray,
) -> SuppressionMask:
    """``_mask`` on the rows and columns someone is in, in the table ``used`` (the
    table itself, or one it is part of); the others all hidden."""
    used_rows = np.flatnonzero(used.sum(axis=1) > 0)
    used_columns = np.flatnonzero(used.sum(axis=0) > 0)
    if used_rows.size == table.shape[0] and used_columns.size == table.shape[1]:
        return _mask(table, threshold, whole_rows, forced, known)
    cells = np.ones(table.shape, dtype=bool)
    row_totals = np.ones(table.shape[0], dtype=bool)
    column_totals = np.ones(table.shape[1], dtype=bool)
    if used_rows.size == 0:
        return SuppressionMask(cells, row_totals, column_totals, grand_total=True)
    used = np.ix_(used_rows, used_columns)
    with_margins = np.ix_(np.append(used_rows, table.shape[0]),
                          np.append(used_columns, table.shape[1]))
    inner = _mask(table[used], threshold, whole_rows, forced[with_margins],
                  known[with_margins])
    cells[used] = inner.cells
    row_totals[used_rows] = inner.row_totals
    column_totals[used_columns] = inner.column_totals
    return SuppressionMask(cells, row_totals, column_totals, inner.grand_total)


def with_totals(table: np.ndarray) -> np.ndarray:
    """A table of counts with its row totals as a last column, column totals as a last
    row and the grand total in the corner."""
    rows, columns = table.shape
    full = np.zeros((rows + 1, columns + 1), dtype=int)
    full[:rows, :columns] = table
    full[:rows, columns] = table.sum(axis=1)
    full[rows, :columns] = table.sum(axis=0)
    full[rows, columns] = table.sum()
    return full


def _margins_layout(
    shape: tuple[int, int], cells: np.ndarray | None, row_totals: Sequence[bool] | None,
    column_totals: Sequence[bool] | None, grand_total: bool,
) -> np.ndarray:
    """Flags for a table's cells and totals, laid out as the table with its margins:
    column totals in the last row, row totals in the last column."""
    rows, columns = shape
    full = np.zeros((rows + 1, columns + 1), dtype=bool)
    for place, flags in (((slice(rows), slice(columns)), cells),
                         ((slice(rows), columns), row_totals),
                         ((rows, slice(columns)), column_totals)):
        if flags is not None:
            full[place] = np.asarray(flags, dtype=bool)
    full[rows, columns] = grand_total
    return full


def _mask(
    table: np.ndarray, threshold: int, whole_rows: bool, forced: np.ndarray,
    known: np.ndarray,
) -> SuppressionMask:
    """``suppression_mask`` for a table without empty rows or columns; ``forced`` and
    ``known`` flag what another table hides and what a reader knows, laid out as the
    table with its margins."""
    rows, columns = table.shape
    # Lay the table out with its margins so every line is handled the same way:
    # the last row holds column totals, the last column row totals.
    full = with_totals(table)
    # What a reader knows from elsewhere is never hidden, however small.
    hidden = ((full < threshold) | forced) & ~known
    cost = partial(_complement_cost, full, hidden, whole_rows)

    lines = [(row, slice(None)) for row in range(rows + 1)]
    lines += [(slice(None), column) for column in range(columns + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if not _hides_too_little(full, hidden, threshold, line):
                continue
            parts = hidden[line][:-1]
            visible = [place for place in (_in_full(line, index)
                                           for index in np.flatnonzero(~parts))
                       if not known[place]]
            total = _in_full(line, parts.size)
            if visible:
                hidden[min(visible, key=cost)] = True
            elif not known[total]:
                hidden[total] = True
            else:
                continue  # what the line still shows, a reader knows anyway
            changed = True

    while exposed := _exactly_recoverable(full, hidden):
        hid_more = [_hide_a_neighbour(hidden, known, row, column, cost)
                    for row, column in exposed]
        # With everything hidden, what is still "recoverable" is structure (the
        # totals of an empty table are zero), not anything the table published.
        if not any(hid_more):
            break

    # Hiding one cell at a time can take the grand total on the way and not need it
    # once more is hidden. How many there are in all is what most tables show, so it
    # is shown again wherever the rules still hold with it shown.
    if hidden[rows, columns] and not forced[rows, columns] and full[rows, columns] >= threshold:
        hidden[rows, columns] = False
        through_it = [(rows, slice(None)), (slice(None), columns)]
        if (any(_hides_too_little(full, hidden, threshold, line) for line in through_it)
                or _exactly_recoverable(full, hidden)):
            hidden[rows, columns] = True

    return SuppressionMask(
        cells=hidden[:rows, :columns],
        row_totals=hidden[:rows, columns],
        column_totals=hidden[rows, :columns],
        grand_total=bool(hidden[rows, columns]),
    )


def part_mask(
    part: np.ndarray | list[list[int]], whole: np.ndarray | list[list[int]],
    whole_mask: SuppressionMask, threshold: int, *, whole_rows: bool = False,
    hidden_row_totals: Sequence[bool] | None = None,
    hidden_column_totals: Sequence[bool] | None = None, hidden_grand_total: bool = False,
) -> SuppressionMask:
    """Which figures to hide in a table of some of the participants another table
    counts, in the same rows and columns: completers among everyone measured.

    The whole is published as ``whole_mask`` says. Taking this table's figures from
    the whole's gives a table of the rest, which a reader can do, so the rest is
    protected as though it were published: where neither table hides a figure, the
    rest's is known. Whatever the rest's own suppression hides beyond that is hidden
    here, never in the whole, which is published already. Last, integer programmes
    over this table and the rest together check that no hidden figure of the three
    tables has only one value the published figures allow: the two tables' equations
    together no longer form a network, which the single-table audit relies on.

    The other arguments are ``suppression_mask``'s, for this table.
    """
    check_threshold(threshold)
    part, whole = np.asarray(part, dtype=int), np.asarray(whole, dtype=int)
    rest = whole - part
    if part.shape != whole.shape or (rest < 0).any():
        raise ValueError("a part cannot count more than its whole in any cell")
    forced = _margins_layout(part.shape, None, hidden_row_totals, hidden_column_totals,
                             hidden_grand_total)
    whole_hidden = whole_mask.with_margins()
    # Where nobody is in the part, the rest is the whole: known wherever the whole
    # shows it, and protected by the whole's own suppression.
    part_in_use, whole_in_use = _in_use(part), _in_use(whole)
    rest_known = ~part_in_use & ~whole_hidden
    nothing = np.zeros_like(forced)
    while True:
        mask = _mask_where_used(part, part, threshold, whole_rows, forced, nothing)
        hidden = mask.with_margins()
        # The rest is taken over every row and column someone in the whole is in:
        # where it is empty, a reader does not know so, and a row of it all zeros
        # (everyone of a group finished) is a small group's secret like any other.
        rest_hidden = _mask_where_used(
            rest, whole, threshold, False, (hidden & part_in_use) | whole_hidden, rest_known,
        ).with_margins()
        needed = rest_hidden & ~hidden & ~whole_hidden & whole_in_use
        small = needed & (with_totals(rest) < threshold)
        if small.any():
            # The rest's small figures first: this table then protects them with
            # complements of its own choosing, as cheap here as they can be.
            needed = small
        elif not needed.any():
            pinned = _pinned_together(part, rest, hidden, whole_hidden, rest_hidden)
            if pinned is None:
                return mask
            # The pinned figure gets a complement, chosen as a single table
            # chooses one.
            more = hidden.copy()
            cost = partial(_complement_cost, with_totals(part), hidden, whole_rows)
            if not _hide_a_neighbour(more, ~part_in_use, *pinned, cost):
                return mask  # everything this table can hide is hidden
            needed |= more & ~hidden
        forced |= needed


def _in_use(table: np.ndarray) -> np.ndarray:
    """The figures of a table (with its margins) that count someone's row and column:
    the rest are zeros with nobody to protect (see ``suppression_mask``)."""
    used_rows = np.append(table.sum(axis=1) > 0, table.any())
    used_columns = np.append(table.sum(axis=0) > 0, table.any())
    return used_rows[:, None] & used_columns[None, :]


def figure_weights(rows: int, columns: int, row: int, column: int | np.ndarray) -> np.ndarray:
    """Which cells a figure of a table with its margins adds up, as 0/1 per cell: those
    of ``row`` (every row, for the totals' row ``rows``) in ``column`` (every column,
    for the totals' column ``columns``), or in the columns a boolean mask picks."""
    weights = np.zeros((rows, columns))
    if not isinstance(column, np.ndarray) and column == columns:
        column = slice(None)
    weights[row if row < rows else slice(None), column] = 1
    return weights.ravel()


def _pinned_together(
    part: np.ndarray, rest: np.ndarray, part_hidden: np.ndarray, whole_hidden: np.ndarray,
    rest_hidden: np.ndarray,
) -> tuple[int, int] | None:
    """Where a hidden figure of the part, the rest or the whole has one value only
    among all tables of whole numbers that agree with what the part and the whole
    publish; None if there is none."""
    rows, columns = part.shape
    whole = part + rest
    published = []
    for shown, both in ((~part_hidden, False), (~whole_hidden, True)):
        for row, column in np.argwhere(shown):
            weights = figure_weights(rows, columns, row, column)
            published.append(np.concatenate([weights, weights if both else 0 * weights]))
    places, checks = [], []
    for hidden, in_part, in_rest in ((part_hidden & _in_use(part), True, False),
                                     (rest_hidden & _in_use(whole), False, True),
                                     (whole_hidden & _in_use(whole), True, True)):
        for row, column in np.argwhere(hidden):
            weights = figure_weights(rows, columns, row, column)
            places.append((int(row), int(column)))
            checks.append(np.concatenate([weights * in_part, weights * in_rest]))
    # Rows and columns nobody is in are known to be empty: of the part, as it shows,
    # and of the rest only where nobody in the whole is in them.
    empty = np.concatenate([~_in_use(table)[:-1, :-1].ravel() for table in (part, whole)])
    pinned = first_pinned(np.concatenate([part.ravel(), rest.ravel()]), published, checks,
                          empty)
    return None if pinned is None else places[pinned]


def first_pinned(
    counts: np.ndarray, published: Sequence[np.ndarray], checked: Sequence[np.ndarray],
    empty: np.ndarray | None = None,
) -> int | None:
    """The first of the ``checked`` figures that a reader can work out exactly, or None.

    ``counts`` are the true counts, one per cell, in any layout; every figure is a
    sum of cells, given as weights over them. A reader knows each ``published``
    figure, that counts are whole numbers and not negative, and that the cells
    flagged ``empty`` hold 0. A checked figure is pinned when every table agreeing
    with all that gives it the same value, which integer programmes (scipy's
    ``milp``) decide exactly. Each table found is one a reader cannot rule out, so
    any figure it gives another value than the true one is free and not asked again.

    The answer depends on these arguments alone, and the last answers are
    remembered: a report suppresses its tables again, with the same figures, each
    time another table hides one more of the totals they share, and the next request
    for the same report asks the same questions again (each costs milliseconds).
    """
    counts = np.asarray(counts, dtype=float)
    if not len(checked):
        return None
    equations = np.array(published, dtype=float).reshape(len(published), counts.size)
    objectives = np.array(checked, dtype=float)
    empty = np.zeros(counts.size, dtype=bool) if empty is None else np.asarray(empty, dtype=bool)
    return _first_pinned(counts.tobytes(), equations.tobytes(), objectives.tobytes(),
                         empty.tobytes())


def forget_audits() -> None:
    """Forget the answers ``first_pinned`` remembers, so that the next report is
    timed as though it were the first (``bench/``)."""
    _first_pinned.cache_clear()


@lru_cache(maxsize=128)
def _first_pinned(counts: bytes, equations: bytes, objectives: bytes, empty: bytes) -> int | None:
    """``first_pinned`` on its arrays as bytes, which can be remembered."""
    true_counts = np.frombuffer(counts)
    cells = true_counts.size
    published = np.frombuffer(equations).reshape(-1, cells)
    checked = np.frombuffer(objectives).reshape(-1, cells)
    values = published @ true_counts
    constraints = [LinearConstraint(published, values, values)] if len(published) else []
    bounds = Bounds(0, np.where(np.frombuffer(empty, dtype=bool), 0, np.inf))
    true_values = checked @ true_counts
    free = np.zeros(len(checked), dtype=bool)

    def optimise(objective: np.ndarray) -> bool:
        """Mark the figures a table minimising ``objective`` frees; False if unbounded."""
        found = milp(objective, constraints=constraints, integrality=np.ones(cells),
                     bounds=bounds)
        if found.x is None:
            return False
        free[:] |= ~np.isclose(checked @ np.round(found.x), true_values)
        return True

    for k, objective in enumerate(checked):
        for sign in (-1, 1):
            if not free[k] and not optimise(sign * objective):
                free[k] = True  # no upper bound at all
        if not free[k]:
            return k
    return None


def possible_counts(
    counts: np.ndarray | list[list[int]], mask: SuppressionMask, row: int, column: int
) -> tuple[int, int | None]:
    """The smallest and largest value a reader can give a cell of a published table.

    That is, over every table of counts (not negative) that agrees with each cell and
    total ``mask`` leaves shown. ``row`` equal to the number of rows means a column
    total, ``column`` equal to the number of columns a row total. The largest is None
    when nothing published bounds the cell. Anything else published about the cell,
    such as which side of a goal its share lies on, must not narrow this range to one
    value; where both ends agree, saying it tells nothing new.

    Linear programmes suffice: the totals' equations form a network matrix, whose
    optima are whole numbers.
    """
    table = np.asarray(counts, dtype=int)
    rows, columns = table.shape
    free = mask.cells.ravel()
    bounds = [(0, None) if hidden else (value, value)
              for value, hidden in zip(table.ravel().tolist(), free, strict=True)]
    lines, totals = [], []
    for r in np.flatnonzero(~mask.row_totals):
        line = np.zeros((rows, columns))
        line[r, :] = 1
        lines.append(line.ravel())
        totals.append(table[r].sum())
    for c in np.flatnonzero(~mask.column_totals):
        line = np.zeros((rows, columns))
        line[:, c] = 1
        lines.append(line.ravel())
        totals.append(table[:, c].sum())
    if not mask.grand_total:
        lines.append(np.ones(rows * columns))
        totals.append(table.sum())
    objective = np.zeros((rows, columns))
    objective[row if row < rows else slice(None), column if column < columns else slice(None)] = 1
    objective = objective.ravel()
    equations = {"A_eq": np.array(lines), "b_eq": np.array(totals)} if lines else {}
    low = linprog(objective, bounds=bounds, method="highs", **equations)
    high = linprog(-objective, bounds=bounds, method="highs", **equations)
    return round(low.fun), (round(-high.fun) if high.status == 0 else None)


def fully_published(
    counts: np.ndarray | list[list[int]], mask: SuppressionMask
) -> tuple[np.ndarray, bool]:
    """Which rows a reader knows every count of, and whether the column totals too.

    That is: the row's total and each of its cells are shown, except cells of a
    column nobody is in, which are zeros anyone can work out from the rest. Whatever
    else is published about a row, its statistics for instance, may give its counts
    away only where this is True.
    """
    used = np.asarray(counts, dtype=int).sum(axis=0) > 0
    rows = ~mask.row_totals & ~(mask.cells & used).any(axis=1)
    totals = not mask.grand_total and not (mask.column_totals & used).any()
    return rows, totals


def suppressed_column(
    counts: list[int], threshold: int, hidden: Sequence[bool] | None = None,
    total_hidden: bool = False,
) -> tuple[list[Cell], Cell]:
    """One count per group and their total, suppressed as a column with its total;
    the counts ``hidden`` flags, and with ``total_hidden`` the total, hidden as
    another table hides them.

    Groups with nobody in them stay out of the table (nobody to protect) and are
    shown as hidden, never as 0.
    """
    present = [i for i, count in enumerate(counts) if count > 0]
    cells = [Cell.hidden() for _ in counts]
    if not present:
        return cells, Cell.hidden()
    forced = [bool(hidden[i]) if hidden is not None else False for i in present]
    mask = suppression_mask(np.array([[counts[i]] for i in present]), threshold,
                            hidden_cells=np.array(forced)[:, None], hidden_row_totals=forced,
                            hidden_column_totals=[total_hidden],
                            hidden_grand_total=total_hidden)
    for row, i in enumerate(present):
        if not mask.cells[row, 0]:
            cells[i] = Cell(counts[i])
    return cells, (Cell.hidden() if mask.grand_total else Cell(sum(counts)))


def _exactly_recoverable(full: np.ndarray, hidden: np.ndarray) -> list[tuple[int, int]]:
    """Hidden cells whose value follows from the published cells and the totals.

    Any table agreeing with all that is published differs from this one by counts
    moved around closed paths of hidden cells, turning at each line (row or
    column) so that what one cell of the line gains another loses. A cell is
    pinned down unless such a path runs through it and takes nothing from a zero.

    So lines are nodes, and each hidden cell gives two arcs between its row and
    its column: one for gaining a count and, only if it holds one, the other for
    losing it (a total stands on the other side of its line's equation, so its
    arcs are swapped). A cell can change exactly when one of its arcs closes a
    cycle without the other. This answers as two linear programmes per cell would
    (the totals' equations form a network matrix, whose optima are whole
    numbers), at a small part of the cost.
    """
    positions = [(int(row), int(column)) for row, column in np.argwhere(hidden)]
    if not positions:
        return []
    last_row, last_column = full.shape[0] - 1, full.shape[1] - 1
    nodes = full.shape[0] + full.shape[1]
    arcs = []  # (from node, to node, index of the cell)
    for k, (row, column) in enumerate(positions):
        gains = (row, full.shape[0] + column)
        if (row == last_row) != (column == last_column):  # a row or column total
            gains = gains[::-1]
        arcs.append((*gains, k))
        if full[row, column] > 0:
            arcs.append((gains[1], gains[0], k))
    tails, heads, owners = (np.array(column, dtype=int) for column in zip(*arcs, strict=True))
    exposed = []
    for k, position in enumerate(positions):
        others = owners != k
        adjacency = np.zeros((nodes, nodes), dtype=bool)
        adjacency[tails[others], heads[others]] = True
        if not _reachability(adjacency)[heads[~others], tails[~others]].any():
            exposed.append(position)
    return exposed


def _reachability(adjacency: np.ndarray) -> np.ndarray:
    """Whether a path of arcs leads from node a to node b, as [a, b]; every node
    reaches itself. By squaring: each product doubles the longest path counted.

    Graphs here have a few dozen nodes: a dense product takes microseconds, where
    building a sparse graph for scipy's search takes a hundred (suppressing a small
    project's report built thousands).
    """
    reach = (adjacency | np.eye(len(adjacency), dtype=bool)).astype(float)
    while True:
        wider = ((reach @ reach) > 0).astype(float)
        if np.array_equal(wider, reach):
            return reach > 0
        reach = wider


def _hides_too_little(full: np.ndarray, hidden: np.ndarray, threshold: int,
                      line: tuple[int | slice, int | slice]) -> bool:
    """Whether a line shows its total but hides just one part, or parts adding up to
    fewer than the threshold: subtraction would give them away."""
    parts, total_hidden = hidden[line][:-1], hidden[line][-1]
    hidden_parts = int(parts.sum())
    if hidden_parts == 0 or total_hidden:
        return False
    return hidden_parts < 2 or full[line][:-1][parts].sum() < threshold


def _in_full(line: tuple[int | slice, int | slice], index: int) -> tuple[int, int]:
    """Where the ``index``-th place of a line lies in the table with its margins."""
    row, column = line
    return (row, index) if isinstance(row, int) else (index, int(column))


def _complement_cost(full: np.ndarray, hidden: np.ndarray, whole_rows: bool,
                     cell: tuple[int, int]) -> tuple[bool, bool, int]:
    """Which cell to hide next to protect another: the least by this key.

    Parts before totals; with ``whole_rows``, a cell of a row that has a hidden cell
    already, since every row broken loses its statistics too; then the smallest.
    """
    last_row, last_column = full.shape[0] - 1, full.shape[1] - 1
    is_total = cell[0] == last_row or cell[1] == last_column
    breaks_a_row = (whole_rows and cell[0] != last_row
                    and not hidden[cell[0], :last_column].any())
    return (is_total, breaks_a_row, int(full[cell]))


def _hide_a_neighbour(hidden: np.ndarray, known: np.ndarray, row: int, column: int,
                      cost: Callable[[tuple[int, int]], tuple[bool, bool, int]]) -> bool:
    """Hide the published cell sharing a line with (row, column) that costs least,
    but never one a reader knows from elsewhere (``known``).

    Where those lines have no such cell left (their other places are hidden already,
    or known), counts can only move through (row, column) along hidden cells that
    link it to other lines: the cell hidden then joins two lines so linked, closing
    a cycle, or failing that extends the link by one line.

    Returns False when every cell that can be is hidden already.
    """
    last_row, last_column = hidden.shape[0] - 1, hidden.shape[1] - 1
    open_ = ~hidden & ~known
    candidates = [(row, c) for c in range(last_column + 1) if open_[row, c]]
    candidates += [(r, column) for r in range(last_row + 1) if open_[r, column]]
    if not candidates:
        rows, columns = _linked_lines(hidden, row, column)
        for joins in (rows[:, None] & columns[None, :], rows[:, None] | columns[None, :],
                      np.ones_like(open_)):
            candidates = [tuple(p) for p in np.argwhere(open_ & joins)]
            if candidates:
                break
    if not candidates:
        return False

    hidden[min(candidates, key=cost)] = True
    return True


def _linked_lines(hidden: np.ndarray, row: int, column: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows and columns (of the table with its margins) that hidden cells link,
    line to line, to the lines of (row, column)."""
    rows, columns = hidden.shape
    cell_rows, cell_columns = np.nonzero(hidden)
    graph = csr_array((np.ones(cell_rows.size), (cell_rows, rows + cell_columns)),
                      shape=(rows + columns, rows + columns))
    _, component = connected_components(graph, directed=False)
    linked = component == component[row]
    return linked[:rows], linked[rows:]
