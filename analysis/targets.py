"""Project targets: did the share of participants reaching an outcome meet the goal?

Each target is judged per group (women, men, total; other groups when they can
be shown) from one yes/no per participant in the target's denominator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from analysis.movement import ALWAYS_SHOWN, GENDERS, TOTAL
from analysis.statistics import (
    MIN_N_FOR_TESTS,
    Share,
    ShareDifference,
    share_difference,
    wilson_share,
)
from analysis.suppression import Cell, suppression_mask


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
class GroupTarget:
    group: str
    n: Cell
    share: Cell
    #: Wilson interval; None when the share is hidden or n is below the minimum.
    interval: Share | None
    #: None when n is hidden: nothing about the group is published.
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
    observations: Iterable[TargetObservation], goal: float, threshold: int,
    min_n: int = MIN_N_FOR_TESTS,
) -> TargetResult:
    """Share reaching the target per group, suppressed like every table.

    The counts reached / not reached per gender form one table with its totals, so
    neither a hidden numerator nor its complement can be worked out from the rest.
    """
    counts = {gender: [0, 0] for gender in GENDERS}
    for observation in observations:
        if observation.gender not in counts:
            raise ValueError(f"unknown gender {observation.gender!r}")
        counts[observation.gender][0 if observation.reached else 1] += 1
    present = [g for g in GENDERS if sum(counts[g])] or list(ALWAYS_SHOWN)
    grid = np.array([counts[g] for g in present])
    mask = suppression_mask(grid, threshold)

    def group_target(group: str, reached: int, not_reached: int, hidden: np.ndarray,
                     n_hidden: bool) -> GroupTarget:
        reached, not_reached = int(reached), int(not_reached)
        n = reached + not_reached
        if n_hidden or n == 0:
            return GroupTarget(group, Cell.hidden() if n_hidden else Cell(0), Cell.hidden(),
                               None, None if n_hidden else TargetStatus.TOO_FEW)
        share_hidden = bool(hidden.any()) or n < threshold
        share = wilson_share(reached, n)
        return GroupTarget(
            group,
            Cell(n),
            Cell.hidden() if share_hidden else Cell(reached / n),
            None if share_hidden or n < min_n else share,
            judge(reached / n, n, goal, min_n),
        )

    groups = []
    for group in GENDERS:
        if group in present:
            index = present.index(group)
            row = group_target(group, *grid[index], mask.cells[index],
                               bool(mask.row_totals[index]))
        else:
            row = group_target(group, 0, 0, np.ones(2, bool), True)
        if group in ALWAYS_SHOWN or not row.n.suppressed:
            groups.append(row)
    totals = grid.sum(axis=0)
    groups.append(group_target(TOTAL, *totals, mask.column_totals, mask.grand_total))

    by_group: Mapping[str, GroupTarget] = {g.group: g for g in groups}
    women, men = by_group.get("woman"), by_group.get("man")
    difference = None
    if women and men and women.interval is not None and men.interval is not None:
        difference = share_difference(women.interval, men.interval)
    return TargetResult(goal, tuple(groups), difference)
