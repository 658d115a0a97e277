"""Individual "real change": the reliable change index (Jacobson–Truax) on a scale.

The scale's reliability is Cronbach's alpha from the intake answers of those who
answered every item; the spread is the standard deviation of intake scale scores.
A participant changed reliably when |RCI| > 1.96.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from analysis.domains import domain_scores
from analysis.groups import GroupShares, HiddenMargins, shares_by_group
from analysis.movement import GENDERS, TOTAL, gender_masks
from analysis.statistics import (
    MIN_N_FOR_TESTS,
    RELIABLE_CHANGE_CRITERION,
    cronbach_alpha,
    reliable_change_index,
)

CATEGORIES = ("improved", "no_reliable_change", "worse")


@dataclass(frozen=True)
class ScaleAnswers:
    """One participant's item scores on a scale, at intake and at the latest occasion."""

    gender: str
    intake: Sequence[float | None]
    latest: Sequence[float | None] | None


@dataclass(frozen=True)
class ScaleScores:
    """Participants as rows, the scale's items as columns, NaN where unanswered:
    at intake and at the latest occasion (all NaN for those without one)."""

    gender: np.ndarray
    intake: np.ndarray
    latest: np.ndarray

    @classmethod
    def of(cls, answers: ScaleScores | Iterable[ScaleAnswers]) -> ScaleScores:
        if isinstance(answers, ScaleScores):
            return answers
        rows = list(answers)
        items = len(rows[0].intake) if rows else 0

        def matrix(values: Iterable[Sequence[float | None] | None]) -> np.ndarray:
            return np.array(
                [[np.nan if v is None else v for v in (row or [None] * items)] for row in values],
                dtype=float,
            ).reshape(len(rows), items)

        return cls(np.array([a.gender for a in rows], dtype=str),
                   matrix(a.intake for a in rows), matrix(a.latest for a in rows))


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
    #: Who the shares count, in the order of the answers given: those with a scale
    #: score at intake and later. For tables of the same people to hide the same sizes.
    counted: np.ndarray | None = field(default=None, repr=False, compare=False)


def reliable_change_table(
    scale: str, answers: ScaleScores | Iterable[ScaleAnswers], threshold: int,
    min_n: int = MIN_N_FOR_TESTS, hidden_sizes: Collection[str] = (),
) -> ReliableChangeTable:
    """Reliable change on a scale per group; ``hidden_sizes`` names the groups (genders
    and ``TOTAL``) whose size another table of the same participants hides."""
    scores = ScaleScores.of(answers)
    items = scores.intake.shape[1]
    if items < 2:
        return ReliableChangeTable(scale, items, None, 0, None, None,
                                   "a single item: its reliability cannot be estimated")
    complete = scores.intake[~np.isnan(scores.intake).any(axis=1)]
    alpha = cronbach_alpha(complete) if len(complete) >= min_n else None
    before = domain_scores(scores.intake)
    scored_at_intake = before[~np.isnan(before)]
    sd = float(np.std(scored_at_intake, ddof=1)) if scored_at_intake.size >= 2 else None
    if alpha is None or not 0 <= alpha < 1 or not sd:
        note = (f"fewer than {min_n} complete intake answers" if len(complete) < min_n
                else "the intake answers give no usable reliability or spread")
        return ReliableChangeTable(scale, items, alpha, len(complete), sd, None, note)

    after = domain_scores(scores.latest)
    both = ~np.isnan(before) & ~np.isnan(after)
    index = reliable_change_index((after - before)[both], sd, alpha)
    category = np.where(index > RELIABLE_CHANGE_CRITERION, 0,
                        np.where(index < -RELIABLE_CHANGE_CRITERION, 2, 1))
    of_gender = gender_masks(scores.gender[both])
    counts = {
        gender: np.bincount(category[of_gender[gender]], minlength=len(CATEGORIES)).tolist()
        for gender in GENDERS
    }
    hidden = HiddenMargins(frozenset(hidden_sizes) - {TOTAL}, everyone=TOTAL in hidden_sizes)
    groups = shares_by_group(counts, len(CATEGORIES), threshold, hidden=hidden)
    return ReliableChangeTable(scale, items, alpha, len(complete), sd, groups, counted=both)
