"""Step movement: how far each participant moved on the step ladder, by gender.

Movement = step at the latest completed occasion − step at intake. Participants
without both are "not measurable" and excluded from the figures.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.statistics import (
    MIN_N_FOR_TESTS,
    GroupDifference,
    PairedChange,
    ShareDifference,
    group_difference,
    paired_change,
    share_difference,
    wilson_share,
)
from analysis.suppression import Cell, suppression_mask

WOMAN, MAN, OTHER, NOT_STATED, TOTAL = "woman", "man", "other", "not_stated", "total"
GENDERS = (WOMAN, MAN, OTHER, NOT_STATED)
#: Women and men are always reported; the other groups only when they can be.
ALWAYS_SHOWN = (WOMAN, MAN)
OUTCOMES = ("improved", "unchanged", "worse")


@dataclass(frozen=True)
class StepObservation:
    participant: Hashable
    gender: str
    intake_step: int | None
    latest_step: int | None

    @property
    def movement(self) -> int | None:
        if self.intake_step is None or self.latest_step is None:
            return None
        return self.latest_step - self.intake_step


@dataclass(frozen=True)
class GroupMovement:
    group: str
    n: Cell
    mean: Cell
    median: Cell
    improved: Cell
    unchanged: Cell
    worse: Cell

    @property
    def shares(self) -> dict[str, Cell]:
        return {"improved": self.improved, "unchanged": self.unchanged, "worse": self.worse}


@dataclass(frozen=True)
class MovementTable:
    rows: tuple[GroupMovement, ...]
    not_measurable: Cell
    threshold: int

    def row(self, group: str) -> GroupMovement:
        return next(row for row in self.rows if row.group == group)


def outcome_of(movement: int) -> str:
    if movement >= 1:
        return "improved"
    if movement == 0:
        return "unchanged"
    return "worse"


def _group_of(gender: str) -> str:
    if gender not in GENDERS:
        raise ValueError(f"unknown gender {gender!r}")
    return gender


def movement_table(observations: Iterable[StepObservation], threshold: int) -> MovementTable:
    """Step movement per gender and in total, with small cells suppressed."""
    movements: dict[str, list[int]] = {gender: [] for gender in GENDERS}
    not_measurable = 0
    for observation in observations:
        group = _group_of(observation.gender)
        if observation.movement is None:
            not_measurable += 1
        else:
            movements[group].append(observation.movement)

    # A group nobody belongs to has no one to protect; leaving it out of the grid
    # keeps its empty cells from forcing needless secondary suppression.
    present = [g for g in GENDERS if movements[g]] or list(ALWAYS_SHOWN)
    counts = np.array(
        [[sum(outcome_of(m) == outcome for m in movements[g]) for outcome in OUTCOMES]
         for g in present]
    )
    mask = suppression_mask(counts, threshold)

    rows = []
    for group in GENDERS:
        if group in present:
            index = present.index(group)
            row = _group_row(
                group, movements[group], counts[index], mask.cells[index],
                bool(mask.row_totals[index]), threshold,
            )
        else:
            row = _group_row(group, [], np.zeros(3, dtype=int), np.ones(3, bool), True, threshold)
        if group in ALWAYS_SHOWN or not row.n.suppressed:
            rows.append(row)
    everyone = [m for g in GENDERS for m in movements[g]]
    rows.append(
        _group_row(
            TOTAL, everyone, counts.sum(axis=0), mask.column_totals, mask.grand_total, threshold
        )
    )
    return MovementTable(
        rows=tuple(rows),
        not_measurable=Cell(not_measurable) if not_measurable >= threshold else Cell.hidden(),
        threshold=threshold,
    )


def _group_row(
    group: str,
    movements: Sequence[int],
    outcome_counts: np.ndarray,
    hidden_outcomes: np.ndarray,
    n_hidden: bool,
    threshold: int,
) -> GroupMovement:
    n = len(movements)
    describes_enough = n >= threshold

    def share(index: int) -> Cell:
        if hidden_outcomes[index] or not describes_enough:
            return Cell.hidden()
        return Cell(float(outcome_counts[index]) / n)

    return GroupMovement(
        group=group,
        n=Cell.hidden() if n_hidden else Cell(n),
        mean=Cell(statistics.fmean(movements)) if describes_enough else Cell.hidden(),
        median=Cell(float(statistics.median(movements))) if describes_enough else Cell.hidden(),
        improved=share(0),
        unchanged=share(1),
        worse=share(2),
    )


@dataclass(frozen=True)
class StepDistribution:
    """Shares of each gender on each step, at intake and at the latest occasion."""

    steps: tuple[int, ...]
    groups: tuple[str, ...]
    #: ``shares[moment][group]`` is one Cell per step; moment is "intake" or "latest".
    shares: dict[str, dict[str, tuple[Cell, ...]]]
    n: dict[str, dict[str, Cell]]


def step_distribution(
    observations: Iterable[StepObservation], steps: Sequence[int], threshold: int
) -> StepDistribution:
    """Distribution over the steps for women and men, among the measurable participants."""
    measurable = [o for o in observations if o.movement is not None]
    shares: dict[str, dict[str, tuple[Cell, ...]]] = {}
    sizes: dict[str, dict[str, Cell]] = {}
    present = [g for g in GENDERS if any(o.gender == g for o in measurable)]
    for moment in ("intake", "latest"):
        counts = np.array(
            [
                [
                    sum(
                        1
                        for o in measurable
                        if o.gender == gender
                        and (o.intake_step if moment == "intake" else o.latest_step) == step
                    )
                    for step in steps
                ]
                for gender in present
            ]
        ).reshape(len(present), len(steps))
        mask = suppression_mask(counts, threshold)
        shares[moment], sizes[moment] = {}, {}
        for gender in ALWAYS_SHOWN:
            if gender not in present:
                sizes[moment][gender] = Cell.hidden()
                shares[moment][gender] = tuple(Cell.hidden() for _ in steps)
                continue
            index = present.index(gender)
            total = int(counts[index].sum())
            sizes[moment][gender] = Cell.hidden() if mask.row_totals[index] else Cell(total)
            shares[moment][gender] = tuple(
                Cell.hidden()
                if mask.cells[index, column] or total < threshold
                else Cell(counts[index, column] / total)
                for column in range(len(steps))
            )
    return StepDistribution(tuple(steps), ALWAYS_SHOWN, shares, sizes)


@dataclass(frozen=True)
class MovementStatistics:
    """Tests and intervals for the movement table, for groups whose size is published."""

    #: women, men and total; None where the table hides the group's size.
    groups: dict[str, PairedChange | None]
    women_vs_men: GroupDifference | None


def movement_statistics(
    observations: Iterable[StepObservation], table: MovementTable,
    min_n: int = MIN_N_FOR_TESTS,
) -> MovementStatistics:
    """Paired change per group and the difference between women and men."""
    movements: dict[str, list[int]] = {WOMAN: [], MAN: [], TOTAL: []}
    for observation in observations:
        if observation.movement is None:
            continue
        movements[TOTAL].append(observation.movement)
        if observation.gender in (WOMAN, MAN):
            movements[observation.gender].append(observation.movement)
    published = {group: not table.row(group).n.suppressed for group in movements}
    groups = {
        group: paired_change(values, min_n) if published[group] else None
        for group, values in movements.items()
    }
    difference = (
        group_difference(movements[WOMAN], movements[MAN], min_n)
        if published[WOMAN] and published[MAN] else None
    )
    return MovementStatistics(groups, difference)


def improved_share_difference(
    observations: Iterable[StepObservation], table: MovementTable, min_n: int = MIN_N_FOR_TESTS
) -> ShareDifference | None:
    """Women's share moved up minus men's, with Newcombe's interval.

    Only when both shares are published and both groups reach ``min_n``.
    """
    women, men = table.row(WOMAN), table.row(MAN)
    if women.improved.suppressed or men.improved.suppressed:
        return None
    counts = {WOMAN: [0, 0], MAN: [0, 0]}
    for observation in observations:
        if observation.movement is not None and observation.gender in counts:
            counts[observation.gender][0] += outcome_of(observation.movement) == "improved"
            counts[observation.gender][1] += 1
    if min(counts[WOMAN][1], counts[MAN][1]) < min_n:
        return None
    return share_difference(wilson_share(*counts[WOMAN]), wilson_share(*counts[MAN]))


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    #: Participants with a measurable movement in this part.
    n: Cell
    #: Share moved up, for women and for men.
    improved: dict[str, Cell]


@dataclass(frozen=True)
class MovementBreakdown:
    rows: tuple[BreakdownRow, ...]
    groups: tuple[str, ...] = ALWAYS_SHOWN


def movement_breakdown(
    observations: Iterable[tuple[str, StepObservation]], keys: Sequence[str],
    table: MovementTable, threshold: int,
) -> MovementBreakdown:
    """Share moved up for women and men in each part (age band, subproject …).

    The parts' counts (moved up / not, per gender) form one table whose column
    totals are the whole report's, so no hidden cell can be worked out from the
    parts. A gender whose share the main table hides is hidden in every part too,
    or adding the parts up would give it away.
    """
    groups = (WOMAN, MAN, "others")
    counts = {key: {g: [0, 0] for g in groups} for key in keys}
    for key, observation in observations:
        if observation.movement is None or key not in counts:
            continue
        group = observation.gender if observation.gender in (WOMAN, MAN) else "others"
        counts[key][group][outcome_of(observation.movement) != "improved"] += 1
    # As in the main table, a group nobody belongs to stays out of the grid: its
    # empty cells would only force needless suppression of the others.
    columns = [g for g in groups if any(sum(counts[k][g]) for k in keys)]
    present = [key for key in keys if any(sum(counts[key][g]) for g in columns)]
    hidden_everywhere = {g for g in ALWAYS_SHOWN if table.row(g).improved.suppressed}
    mask = None
    if present:
        grid = np.array([[c for g in columns for c in counts[k][g]] for k in present])
        mask = suppression_mask(grid, threshold)

    rows = []
    for key in keys:
        if key not in present or mask is None:
            rows.append(BreakdownRow(key, Cell.hidden(),
                                     {g: Cell.hidden() for g in ALWAYS_SHOWN}))
            continue
        index = present.index(key)
        improved = {}
        for g in ALWAYS_SHOWN:
            up, down = counts[key][g]
            n = up + down
            cells_hidden = (
                g not in columns or bool(mask.cells[index, 2 * columns.index(g):][:2].any())
            )
            hidden = g in hidden_everywhere or cells_hidden or n < threshold
            improved[g] = Cell.hidden() if hidden else Cell(up / n)
        total = sum(sum(counts[key][g]) for g in columns)
        rows.append(BreakdownRow(
            key, Cell.hidden() if mask.row_totals[index] else Cell(total), improved
        ))
    return MovementBreakdown(tuple(rows))


@dataclass(frozen=True)
class TransitionTable:
    """How many went from each intake step to each latest step (everyone together)."""

    steps: tuple[int, ...]
    #: ``counts[i][j]``: intake step ``steps[i]``, latest step ``steps[j]``.
    counts: tuple[tuple[Cell, ...], ...]


def transition_table(
    observations: Iterable[StepObservation], steps: Sequence[int], threshold: int
) -> TransitionTable:
    """Intake step × latest step, suppressed as a table with its row and column totals."""
    index = {step: i for i, step in enumerate(steps)}
    grid = np.zeros((len(steps), len(steps)), dtype=int)
    for observation in observations:
        if observation.movement is not None:
            grid[index[observation.intake_step], index[observation.latest_step]] += 1
    mask = suppression_mask(grid, threshold)
    return TransitionTable(
        tuple(steps),
        tuple(
            tuple(Cell.hidden() if mask.cells[i, j] else Cell(int(grid[i, j]))
                  for j in range(len(steps)))
            for i in range(len(steps))
        ),
    )
