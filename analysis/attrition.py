"""Who is missing from the change figures: participation and response by gender."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from analysis.movement import ALWAYS_SHOWN, GENDERS, TOTAL
from analysis.suppression import Cell, suppressed_column, suppression_mask

STAGES = ("enrolled", "intake", "followup", "exit")
OCCASION_KINDS = ("intake", "followup", "exit")


@dataclass(frozen=True)
class ParticipantProgress:
    gender: str
    #: Occasions answered, and occasions that have fallen due, per occasion kind.
    answered: dict[str, int] = field(default_factory=dict)
    due: dict[str, int] = field(default_factory=dict)

    def has_answered(self, kind: str) -> bool:
        return self.answered.get(kind, 0) > 0


@dataclass(frozen=True)
class AttritionTable:
    groups: tuple[str, ...]
    #: ``counts[stage][group]``: participants enrolled, or having answered that stage.
    counts: dict[str, dict[str, Cell]]
    #: ``response_rates[kind][group]``: share of occasions due that were answered.
    response_rates: dict[str, dict[str, Cell]]


def _rates(answered: list[int], due: list[int], threshold: int) -> list[Cell]:
    """Answered ÷ due per gender and in total; a rate is hidden with its numerator."""
    present = [i for i, value in enumerate(due) if value > 0]
    cells = [Cell.hidden() for _ in due]
    total = Cell.hidden()
    if present:
        table = np.array([[answered[i], due[i] - answered[i]] for i in present])
        mask = suppression_mask(table, threshold)
        for row, i in enumerate(present):
            if not (mask.cells[row, 0] or mask.row_totals[row]):
                cells[i] = Cell(answered[i] / due[i])
        if not (mask.column_totals[0] or mask.grand_total):
            total = Cell(sum(answered) / sum(due))
    return [*cells, total]


def attrition_table(progress: Iterable[ParticipantProgress], threshold: int) -> AttritionTable:
    people = list(progress)
    shown = (*ALWAYS_SHOWN, TOTAL)
    gender = np.array([p.gender for p in people], dtype=str)
    answered = {kind: np.array([p.answered.get(kind, 0) for p in people], dtype=int)
                for kind in OCCASION_KINDS}
    due = {kind: np.array([p.due.get(kind, 0) for p in people], dtype=int)
           for kind in OCCASION_KINDS}
    of_gender = {g: gender == g for g in GENDERS}

    counts = {}
    for stage in STAGES:
        reached = np.ones(len(people), bool) if stage == "enrolled" else answered[stage] > 0
        groups, total = suppressed_column(
            [int((reached & of_gender[g]).sum()) for g in GENDERS], threshold
        )
        cells = dict(zip((*GENDERS, TOTAL), (*groups, total), strict=True))
        counts[stage] = {group: cells[group] for group in shown}

    rates = {}
    for kind in OCCASION_KINDS:
        cells = dict(zip(
            (*GENDERS, TOTAL),
            _rates([int(answered[kind][of_gender[g]].sum()) for g in GENDERS],
                   [int(due[kind][of_gender[g]].sum()) for g in GENDERS], threshold),
            strict=True,
        ))
        rates[kind] = {group: cells[group] for group in shown}
    return AttritionTable(shown, counts, rates)
