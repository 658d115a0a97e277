"""Who is missing from the change figures: participation and response by gender."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from analysis.movement import ALWAYS_SHOWN, GENDERS, TOTAL, gender_masks, shown_groups
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
class Progress:
    """Participants as columns: gender, and per occasion kind how many occasions each
    answered and how many fell due. ``Progress.of`` builds them from a list."""

    gender: np.ndarray
    answered: dict[str, np.ndarray]
    due: dict[str, np.ndarray]

    @classmethod
    def of(cls, progress: Progress | Iterable[ParticipantProgress]) -> Progress:
        if isinstance(progress, Progress):
            return progress
        people = list(progress)

        def column(counts: list[dict[str, int]], kind: str) -> np.ndarray:
            return np.array([c.get(kind, 0) for c in counts], dtype=int)

        return cls(
            np.array([p.gender for p in people], dtype=str),
            {kind: column([p.answered for p in people], kind) for kind in OCCASION_KINDS},
            {kind: column([p.due for p in people], kind) for kind in OCCASION_KINDS},
        )


@dataclass(frozen=True)
class AttritionTable:
    groups: tuple[str, ...]
    #: ``counts[stage][group]``: participants enrolled, or having answered that stage.
    counts: dict[str, dict[str, Cell]]
    #: ``response_rates[kind][group]``: share of occasions due that were answered.
    response_rates: dict[str, dict[str, Cell]]

    @property
    def total_gives_others(self) -> bool:
        """Whether the published enrolment shows that the total counts people who are
        neither women nor men. Every table's total less its women and men then gives
        their figures, so protecting them can cost women's or men's figures, and
        readers should be told why. Read from what is published, so saying so reveals
        nothing the table hides."""
        enrolled = [self.counts["enrolled"][group] for group in (*ALWAYS_SHOWN, TOTAL)]
        if any(cell.suppressed for cell in enrolled):
            return False
        *genders, total = (cell.value for cell in enrolled)
        return total > sum(genders)


def _rates(answered: list[int], due: list[int], threshold: int) -> list[Cell]:
    """Answered ÷ due per gender and in total; a rate is hidden with its numerator."""
    present = [i for i, value in enumerate(due) if value > 0]
    cells = [Cell.hidden() for _ in due]
    total = Cell.hidden()
    if present:
        table = np.array([[answered[i], due[i] - answered[i]] for i in present])
        mask = suppression_mask(table, threshold)
        for row, i in enumerate(present):
            if not mask.row_shares[row, 0]:
                cells[i] = Cell(answered[i] / due[i])
        if not mask.total_shares[0]:
            total = Cell(sum(answered) / sum(due))
    return [*cells, total]


def attrition_table(
    progress: Progress | Iterable[ParticipantProgress], threshold: int,
    hidden_sizes: Mapping[str, Collection[str]] | None = None,
) -> AttritionTable:
    """Participants enrolled and having answered each stage, and response rates, per
    gender. ``hidden_sizes`` names, per stage, the groups (genders and ``TOTAL``)
    another table of the same participants hides: they are hidden here too."""
    people = Progress.of(progress)
    answered, due = people.answered, people.due
    of_gender = gender_masks(people.gender)

    counts = {}
    for stage in STAGES:
        reached = (np.ones(people.gender.size, bool) if stage == "enrolled"
                   else answered[stage] > 0)
        elsewhere = (hidden_sizes or {}).get(stage, ())
        groups, total = suppressed_column(
            [int((reached & of_gender[g]).sum()) for g in GENDERS], threshold,
            [g in elsewhere for g in GENDERS], TOTAL in elsewhere,
        )
        counts[stage] = dict(zip((*GENDERS, TOTAL), (*groups, total), strict=True))

    rates = {}
    for kind in OCCASION_KINDS:
        rates[kind] = dict(zip(
            (*GENDERS, TOTAL),
            _rates([int(answered[kind][of_gender[g]].sum()) for g in GENDERS],
                   [int(due[kind][of_gender[g]].sum()) for g in GENDERS], threshold),
            strict=True,
        ))
    # A group is given where how many of it enrolled is shown.
    shown = shown_groups(lambda g: not counts["enrolled"][g].suppressed)
    return AttritionTable(
        shown,
        {stage: {g: cells[g] for g in shown} for stage, cells in counts.items()},
        {kind: {g: cells[g] for g in shown} for kind, cells in rates.items()},
    )
