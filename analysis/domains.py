"""Domain scores (work ability, health, influence, …) and how they change.

A domain score at an occasion is the mean of its answered, scored items, when
at least half of the domain's items were answered; otherwise it is missing.
"Don't know" and "don't want to answer" are missing, never a value.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from analysis.movement import ALWAYS_SHOWN, GENDERS, TOTAL
from analysis.statistics import MIN_N_FOR_TESTS, PairedChange, holm, paired_change
from analysis.suppression import Cell, suppressed_column


def domain_score(item_scores: Sequence[float | None]) -> float | None:
    """Mean of the answered items, if at least half of the items were answered."""
    answered = [score for score in item_scores if score is not None]
    if not item_scores or 2 * len(answered) < len(item_scores):
        return None
    return statistics.fmean(answered)


@dataclass(frozen=True)
class DomainObservation:
    participant: Hashable
    gender: str
    domain: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class DomainGroupChange:
    n: Cell
    #: None where the group's size is hidden.
    change: PairedChange | None
    #: Wilcoxon p adjusted (Holm) over all domains reported for this group.
    adjusted_p: float | None


@dataclass(frozen=True)
class DomainChangeTable:
    domains: tuple[str, ...]
    groups: tuple[str, ...]
    rows: dict[str, dict[str, DomainGroupChange]]
    adjustment: str = "Holm"


def domain_change_table(
    observations: Iterable[DomainObservation], threshold: int, min_n: int = MIN_N_FOR_TESTS
) -> DomainChangeTable:
    """Change per domain for women, men and in total, with Holm-adjusted p-values."""
    changes: dict[str, dict[str, list[float]]] = {}
    for observation in observations:
        change = observation.change
        if change is None:
            continue
        per_gender = changes.setdefault(observation.domain, {g: [] for g in GENDERS})
        per_gender[observation.gender].append(change)

    groups = (*ALWAYS_SHOWN, TOTAL)
    rows: dict[str, dict[str, tuple[Cell, PairedChange | None]]] = {}
    for domain, per_gender in changes.items():
        cells, total = suppressed_column([len(per_gender[g]) for g in GENDERS], threshold)
        n = dict(zip((*GENDERS, TOTAL), (*cells, total), strict=True))
        values = {**per_gender, TOTAL: [v for g in GENDERS for v in per_gender[g]]}
        rows[domain] = {
            group: (n[group], None if n[group].suppressed else paired_change(values[group], min_n))
            for group in groups
        }

    adjusted: dict[tuple[str, str], float] = {}
    for group in groups:
        tested = [
            (domain, row[group][1].wilcoxon.p_value)
            for domain, row in rows.items()
            if row[group][1] is not None and row[group][1].wilcoxon is not None
            and row[group][1].wilcoxon.p_value is not None
        ]
        for (domain, _), p_value in zip(tested, holm([p for _, p in tested]), strict=True):
            adjusted[(domain, group)] = p_value

    return DomainChangeTable(
        domains=tuple(rows),
        groups=groups,
        rows={
            domain: {
                group: DomainGroupChange(n, change, adjusted.get((domain, group)))
                for group, (n, change) in row.items()
            }
            for domain, row in rows.items()
        },
    )
