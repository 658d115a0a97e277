"""Project targets: did the share of participants reaching an outcome meet the goal?

Each target is judged per group (women, men, total; other groups when they can
be shown) from one yes/no per participant in the target's denominator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from analysis.groups import shares_by_group
from analysis.movement import GENDERS, gender_masks
from analysis.statistics import (
    MIN_N_FOR_TESTS,
    Share,
    ShareDifference,
    share_difference,
    wilson_share,
)
from analysis.suppression import Cell


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
    """Share reaching the target per group, suppressed like every table.

    The counts reached / not reached per gender form one table with its totals, so
    neither a hidden numerator nor its complement can be worked out from the rest.
    A share is hidden when either is. Whether a hidden share meets the goal is said
    only where every count the published table allows gives the same answer: said
    otherwise, it would narrow the hidden count, even to one value (6 of 12 women
    meeting a 50 % goal, with 6 reaching it in total, gives away the men's 0).
    """
    people = Reached.of(observations)
    of_gender = gender_masks(people.gender)
    counts = {}
    for gender in GENDERS:
        reached = people.reached[of_gender[gender]]
        counts[gender] = [int(reached.sum()), int(reached.size - reached.sum())]

    groups = []
    for shown in shares_by_group(counts, 2, threshold, with_possible=True):
        reached, n = shown.counts[0], sum(shown.counts)
        if shown.n.suppressed or n == 0:
            groups.append(GroupTarget(shown.group, shown.n, Cell.hidden(), None,
                                      None if shown.n.suppressed else TargetStatus.TOO_FEW))
            continue
        share_hidden = shown.shares[0].suppressed or shown.shares[1].suppressed
        status: TargetStatus | None = judge(reached / n, n, goal, min_n)
        if shown.shares[0].suppressed and status is not TargetStatus.TOO_FEW:
            status = _settled_status(shown.possible[0], n, goal, min_n)
        groups.append(GroupTarget(
            shown.group, shown.n, shown.shares[0],
            None if share_hidden or n < min_n else wilson_share(reached, n),
            status,
        ))

    by_group: Mapping[str, GroupTarget] = {g.group: g for g in groups}
    women, men = by_group.get("woman"), by_group.get("man")
    difference = None
    if women and men and women.interval is not None and men.interval is not None:
        difference = share_difference(women.interval, men.interval)
    return TargetResult(goal, tuple(groups), difference)


def _settled_status(
    possible: tuple[int, int | None] | None, n: int, goal: float, min_n: int
) -> TargetStatus | None:
    """The status every count in ``possible`` gives, or None when they differ."""
    if possible is None:
        return None
    low, high = possible
    statuses = {judge(count / n, n, goal, min_n) for count in (low, n if high is None else high)}
    return statuses.pop() if len(statuses) == 1 else None
