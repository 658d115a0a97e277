"""Project targets: did the share of participants reaching an outcome meet the goal?

Each target is judged per group (women, men, total; other groups when they can
be shown) from one yes/no per participant in the target's denominator.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

import numpy as np

from analysis.movement import ALWAYS_SHOWN, GENDERS, TOTAL, gender_masks
from analysis.statistics import (
    MIN_N_FOR_TESTS,
    Share,
    ShareDifference,
    share_difference,
    wilson_share,
)
from analysis.suppression import (
    Cell,
    SuppressionMask,
    figure_weights,
    first_pinned,
    possible_counts,
    suppression_mask,
    with_totals,
)


class TargetStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    #: Fewer than the minimum in the denominator: too uncertain to judge.
    TOO_FEW = "too_few"


@dataclass(frozen=True)
class TargetObservation:
    """One participant in a target's denominator, and whether they reached it."""

    gender: str
    reached: bool


@dataclass(frozen=True)
class Reached:
    """Everyone in a target's denominator as columns: gender, and whether each reached it."""

    gender: np.ndarray
    reached: np.ndarray

    @classmethod
    def of(cls, observations: Reached | Iterable[TargetObservation]) -> Reached:
        if isinstance(observations, Reached):
            return observations
        rows = list(observations)
        return cls(np.array([o.gender for o in rows], dtype=str),
                   np.array([o.reached for o in rows], dtype=bool))


@dataclass(frozen=True)
class GroupTarget:
    group: str
    n: Cell
    share: Cell
    #: Wilson interval; None when the share is hidden or n is below the minimum.
    interval: Share | None
    #: None when n is hidden (nothing about the group is published), and when the share
    #: is hidden and the published figures leave open which side of the goal it is on.
    status: TargetStatus | None


@dataclass(frozen=True)
class TargetResult:
    goal: float
    groups: tuple[GroupTarget, ...]
    #: Women's share minus men's, with Newcombe's interval; None when either is hidden.
    women_minus_men: ShareDifference | None

    def group(self, group: str) -> GroupTarget:
        return next(g for g in self.groups if g.group == group)


def judge(share: float, n: int, goal: float, min_n: int) -> TargetStatus:
    """Met when the observed share reaches the goal; below ``min_n``, too few to tell."""
    if n < min_n:
        return TargetStatus.TOO_FEW
    return TargetStatus.MET if share >= goal else TargetStatus.NOT_MET


def target_result(
    observations: Reached | Iterable[TargetObservation], goal: float, threshold: int,
    min_n: int = MIN_N_FOR_TESTS,
) -> TargetResult:
    """Share reaching the target per group, suppressed like every table (see
    ``target_results``, of which this is the case of one target)."""
    people = Reached.of(observations)
    return target_results(people.gender, people.reached[:, None], [goal], threshold, min_n)[0]


def target_results(
    gender: np.ndarray, reached: np.ndarray, goals: Sequence[float], threshold: int,
    min_n: int = MIN_N_FOR_TESTS, possible: Iterable[Sequence[bool]] | None = None,
    hidden_sizes: Collection[str] = (),
) -> list[TargetResult]:
    """Targets that count the same participants, one column of ``reached`` each,
    judged per group.

    Each target's counts, reached and not reached per gender, form one table with
    its totals, so that neither a hidden numerator nor its complement can be worked
    out from the rest. The targets share their sizes (how many women, men, in all),
    hidden in all where one hides them, and where another table of the same
    participants does (``hidden_sizes``: genders and ``TOTAL``).

    Side by side the targets could still give away more than each alone: with 5 of
    12 women in work-preparation and 5 in work or studies, the 2 who reached neither
    follow. So, counting everyone by gender and by the combination of targets they
    reached, integer programmes check that no such count under the threshold, and
    no hidden figure, has one value only among all counts agreeing with what the
    targets show; where one has, one more figure is hidden, and the check repeats.
    ``possible`` lists the combinations a reader knows can occur (one per target,
    reached or not), by default all: with one exit outcome each, nobody reaches two
    targets of different outcomes, and a reader who knows the targets knows that.

    Whether a hidden share meets the goal is said only where every count its own
    table allows gives the same answer: said otherwise, it would narrow the hidden
    count, even to one value (6 of 12 women meeting a 50 % goal, with 6 reaching it
    in total, gives away the men's 0).
    """
    reached = np.asarray(reached, dtype=bool).reshape(len(gender), len(goals))
    of_gender = gender_masks(np.asarray(gender))
    # Genders nobody is in stay out of the tables: no one to protect, and counts a
    # reader could move into their rows would widen every range for nothing.
    present = [g for g in GENDERS if of_gender[g].any()]
    if not present:
        nobody = tuple(GroupTarget(g, Cell.hidden(), Cell.hidden(), None, None)
                       for g in (*ALWAYS_SHOWN, TOTAL))
        return [TargetResult(goal, nobody, None) for goal in goals]
    # Every combination of targets a participant could reach, those nobody has too:
    # a reader does not know which are empty.
    if possible is None:
        possible = itertools.product([False, True], repeat=len(goals))
    combinations = np.array(sorted({tuple(map(bool, c)) for c in possible}),
                            dtype=bool).reshape(-1, len(goals))
    combination_of = _combination_of(reached, combinations)
    combined = np.array([np.bincount(combination_of[of_gender[g]],
                                     minlength=len(combinations)) for g in present])
    members = [combinations[:, target] for target in range(len(goals))]
    tables = [np.column_stack([combined[:, reaches].sum(axis=1),
                               combined[:, ~reaches].sum(axis=1)]) for reaches in members]
    sizes_hidden = np.array([g in hidden_sizes for g in (*present, TOTAL)])
    masks = _masks_together(combined, members, tables, threshold, sizes_hidden)

    results = []
    for goal, table, mask in zip(goals, tables, masks, strict=True):
        rows = {g: (table[i], mask.row_shares[i], bool(mask.row_totals[i]), i)
                for i, g in enumerate(present)}
        rows[TOTAL] = (table.sum(axis=0), mask.total_shares, mask.grand_total, len(present))
        groups = []
        for group in (*GENDERS, TOTAL):
            if group not in rows:
                if group in ALWAYS_SHOWN:
                    groups.append(GroupTarget(group, Cell.hidden(), Cell.hidden(), None, None))
                continue
            counts, hidden, n_hidden, index = rows[group]
            judged = _judged(group, counts, hidden, n_hidden, goal, min_n,
                             partial(possible_counts, table, mask, index, 0))
            if group in (*ALWAYS_SHOWN, TOTAL) or not judged.n.suppressed:
                groups.append(judged)
        by_group: Mapping[str, GroupTarget] = {g.group: g for g in groups}
        women, men = by_group["woman"], by_group["man"]
        difference = None
        if women.interval is not None and men.interval is not None:
            difference = share_difference(women.interval, men.interval)
        results.append(TargetResult(goal, tuple(groups), difference))
    return results


def _combination_of(reached: np.ndarray, combinations: np.ndarray) -> np.ndarray:
    """Each participant's row of ``combinations``, the targets they reached; a
    combination not listed is refused. Rows are compared as the binary numbers their
    columns spell, a column at a time: a row at a time would cost a Python step per
    participant."""
    bits = 1 << np.arange(combinations.shape[1], dtype=np.int64)
    row_of_number = np.full(1 << combinations.shape[1], -1)
    row_of_number[combinations.astype(np.int64) @ bits] = np.arange(len(combinations))
    found = row_of_number[reached.astype(np.int64) @ bits]
    if (found < 0).any():
        row = reached[np.argmax(found < 0)]
        raise ValueError(f"a participant reached {tuple(map(bool, row))}, not a possible "
                         "combination of targets")
    return found


def _masks_together(
    combined: np.ndarray, members: list[np.ndarray], tables: list[np.ndarray], threshold: int,
    sizes_hidden: np.ndarray,
) -> list[SuppressionMask]:
    """Each target's table suppressed so that, with all of them published, no count
    of ``combined`` (genders × combinations of targets reached) under the threshold
    and no hidden figure of any table can be worked out exactly; the sizes flagged
    in ``sizes_hidden`` (each gender's, then everyone's) hidden in all."""
    rows = combined.shape[0]
    forced = [np.zeros((rows + 1, 3), dtype=bool) for _ in tables]
    for hidden in forced:
        hidden[:, 2] = sizes_hidden
    while True:
        # A group's share, interval and status need both its counts: one hidden breaks
        # the row, so complements come from a row broken already (``whole_rows``).
        # Beside a single participant of another gender, women or men keep their
        # share, rather than both losing it.
        masks = [suppression_mask(table, threshold, whole_rows=True,
                                  hidden_cells=hidden[:-1, :2],
                                  hidden_row_totals=hidden[:-1, 2],
                                  hidden_column_totals=hidden[-1, :2],
                                  hidden_grand_total=bool(hidden[-1, 2]))
                 for table, hidden in zip(tables, forced, strict=True)]
        sizes = np.logical_or.reduce([np.append(m.row_totals, m.grand_total) for m in masks])
        if any((np.append(m.row_totals, m.grand_total) != sizes).any() for m in masks):
            for hidden in forced:  # a size one table hides, all hide
                hidden[:, 2] |= sizes
            continue
        if len(tables) == 1:
            return masks  # one table alone: suppression_mask has checked it exactly
        figures, shown, checked, places = _target_figures(tables, members, masks,
                                                          combined.shape[1])
        small = [(row, weights) for row, weights in _each_count(combined)
                 if weights @ combined.ravel() < threshold]
        sensitive = small + [(places[k][1], figures[k]) for k in checked]
        pinned = first_pinned(combined.ravel(), [figures[k] for k in shown],
                              [weights for _, weights in sensitive])
        if pinned is None:
            return masks
        more = _cheapest_shown(tables, masks, sensitive[pinned][0])
        if more is None:
            return masks  # everything is hidden
        target, place = more
        forced[target][place] = True


def _each_count(combined: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """Weights picking out each count of ``combined`` and each combination's total,
    with its row (the number of rows for a total), in combinations someone has: the
    others have no one to protect."""
    rows, columns = combined.shape
    picks = []
    for row in range(rows + 1):
        for column in np.flatnonzero(combined.sum(axis=0)):
            picks.append((row, figure_weights(rows, columns, row, column)))
    return picks


def _target_figures(
    tables: list[np.ndarray], members: list[np.ndarray], masks: list[SuppressionMask],
    columns: int,
) -> tuple[list[np.ndarray], list[int], list[int], list[tuple[int, int, int]]]:
    """Every figure of every target's table with its margins, as weights over the
    counts by gender and combination of targets reached (``columns`` of them); which
    figures are shown, which hidden (leaving out a column nobody is in, with no one
    to protect); and where each lies, as (target, row, column)."""
    figures, shown, hidden, places = [], [], [], []
    for target, (table, reaches, mask) in enumerate(zip(tables, members, masks, strict=True)):
        rows = table.shape[0]
        hidden_here = mask.with_margins()
        used = [table[:, 0].sum() > 0, table[:, 1].sum() > 0, True]
        for row in range(rows + 1):
            for column, side in enumerate((reaches, ~reaches, np.ones(columns, dtype=bool))):
                weights = figure_weights(rows, columns, row, side)
                places.append((target, row, column))
                if not hidden_here[row, column]:
                    shown.append(len(figures))
                elif used[column]:
                    hidden.append(len(figures))
                figures.append(weights)
    return figures, shown, hidden, places


def _cheapest_shown(
    tables: list[np.ndarray], masks: list[SuppressionMask], row: int,
) -> tuple[int, tuple[int, int]] | None:
    """The shown figure of a target's table (with its margins) cheapest to hide:
    counts before sizes, since hiding a size hides every figure of its group in every
    target (and with whole rows hidden, a size is often all a row still shows); of
    each, one in ``row`` (the totals' row when it equals the number of rows) if it
    has one, else anywhere; then the smallest. As (target, place)."""
    candidates = []
    for target, (table, mask) in enumerate(zip(tables, masks, strict=True)):
        figures = with_totals(table)
        for r, c in np.argwhere(~mask.with_margins()):
            candidates.append((bool(c == 2), bool(r != row), int(figures[r, c]),
                               target, (int(r), int(c))))
    if not candidates:
        return None
    *_, target, place = min(candidates)
    return target, place


def _judged(
    group: str, counts: np.ndarray, hidden: np.ndarray, n_hidden: bool, goal: float,
    min_n: int, possible: Callable[[], tuple[int, int | None]],
) -> GroupTarget:
    """One group's figures: ``counts`` reached and not reached, ``hidden`` which of
    them its table hides, ``possible`` the range of reached counts that table allows."""
    reached, n = int(counts[0]), int(counts.sum())
    if n_hidden or n == 0:
        return GroupTarget(group, Cell.hidden() if n_hidden else Cell(n), Cell.hidden(), None,
                           None if n_hidden else TargetStatus.TOO_FEW)
    status: TargetStatus | None = judge(reached / n, n, goal, min_n)
    if hidden[0] and status is not TargetStatus.TOO_FEW:
        status = _settled_status(possible(), n, goal, min_n)
    return GroupTarget(
        group, Cell(n), Cell.hidden() if hidden[0] else Cell(reached / n),
        None if hidden[0] or hidden[1] or n < min_n else wilson_share(reached, n),
        status,
    )


def _settled_status(
    possible: tuple[int, int | None], n: int, goal: float, min_n: int
) -> TargetStatus | None:
    """The status every count in ``possible`` gives, or None when they differ."""
    low, high = possible
    statuses = {judge(count / n, n, goal, min_n) for count in (low, n if high is None else high)}
    return statuses.pop() if len(statuses) == 1 else None
