"""Individual "real change": the reliable change index (Jacobson–Truax) on a scale.

The scale's reliability is Cronbach's alpha from the intake answers of those who
answered every item; the spread is the standard deviation of intake scale scores.
A participant changed reliably when |RCI| > 1.96.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.domains import domain_score
from analysis.groups import GroupShares, shares_by_group
from analysis.movement import GENDERS
from analysis.statistics import MIN_N_FOR_TESTS, cronbach_alpha, reliable_change

CATEGORIES = ("improved", "no_reliable_change", "worse")


@dataclass(frozen=True)
class ScaleAnswers:
    """One participant's item scores on a scale, at intake and at the latest occasion."""

    gender: str
    intake: Sequence[float | None]
    latest: Sequence[float | None] | None


@dataclass(frozen=True)
class ReliableChangeTable:
    scale: str
    items: int
    #: Cronbach's alpha at intake, and from how many complete answers.
    alpha: float | None
    alpha_n: int
    sd_intake: float | None
    #: Shares reliably improved / no reliable change / reliably worse, per group;
    #: None when the index cannot be computed, and ``note`` says why.
    groups: tuple[GroupShares, ...] | None
    note: str | None = None


def reliable_change_table(
    scale: str, answers: Iterable[ScaleAnswers], threshold: int, min_n: int = MIN_N_FOR_TESTS
) -> ReliableChangeTable:
    answers = list(answers)
    items = len(answers[0].intake) if answers else 0
    if items < 2:
        return ReliableChangeTable(scale, items, None, 0, None, None,
                                   "a single item: its reliability cannot be estimated")
    complete = [a.intake for a in answers if all(v is not None for v in a.intake)]
    alpha = cronbach_alpha(complete) if len(complete) >= min_n else None
    intake_scores = [s for a in answers if (s := domain_score(a.intake)) is not None]
    sd = float(np.std(intake_scores, ddof=1)) if len(intake_scores) >= 2 else None
    if alpha is None or not 0 <= alpha < 1 or not sd:
        note = (f"fewer than {min_n} complete intake answers" if len(complete) < min_n
                else "the intake answers give no usable reliability or spread")
        return ReliableChangeTable(scale, items, alpha, len(complete), sd, None, note)

    counts = {gender: [0, 0, 0] for gender in GENDERS}
    for answer in answers:
        before = domain_score(answer.intake)
        after = domain_score(answer.latest) if answer.latest is not None else None
        if before is None or after is None:
            continue
        direction = reliable_change(before, after, sd, alpha).direction
        counts[answer.gender][{1: 0, 0: 1, -1: 2}[direction]] += 1
    groups = shares_by_group(counts, len(CATEGORIES), threshold)
    return ReliableChangeTable(scale, items, alpha, len(complete), sd, groups)
