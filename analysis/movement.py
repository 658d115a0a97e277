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
    group_difference,
    paired_change,
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
