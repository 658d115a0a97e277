"""Where participants stand on the step ladder: at intake, at the latest occasion
and at exit, per gender group and in total."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.groups import GroupShares, shares_by_group
from analysis.movement import (
    GENDERS,
    StepObservation,
    Steps,
    TransitionTable,
    shown_groups,
    step_counts,
    transition_table,
)
from analysis.suppression import Cell


@dataclass(frozen=True)
class StepDistribution:
    """Shares of each group on each step, at each moment."""

    steps: tuple[int, ...]
    #: Women and men, the other groups whose size is shown at some moment, the total.
    groups: tuple[str, ...]
    #: ``shares[moment][group]`` is one Cell per step; moments are "intake", "latest"
    #: and, where asked for, "exit". A group not shown at a moment is hidden there.
    shares: dict[str, dict[str, tuple[Cell, ...]]]
    n: dict[str, dict[str, Cell]]

    @property
    def moments(self) -> tuple[str, ...]:
        return tuple(self.shares)


def step_distribution(
    observations: Steps | Iterable[StepObservation], steps: Sequence[int], threshold: int,
    completers: Steps | Iterable[StepObservation] | None = None,
) -> StepDistribution:
    """The distribution of ``step_tables``."""
    return step_tables(observations, steps, threshold, completers).distribution


@dataclass(frozen=True)
class StepTables:
    distribution: StepDistribution
    transitions: TransitionTable


def step_tables(
    observations: Steps | Iterable[StepObservation], steps: Sequence[int], threshold: int,
    completers: Steps | Iterable[StepObservation] | None = None,
) -> StepTables:
    """Shares on each step at intake and at the latest occasion, among the participants
    whose movement is measured; with ``completers`` (their step at exit as the later
    one), also at exit, among those with a step at intake and at exit. And the
    transition table, intake step × latest step.

    Each is suppressed as a table with its totals, and they share totals: how many
    were on each step at intake and at the latest occasion are the distribution's
    column totals and the transition table's margins. A total one of them hides must
    not be shown or worked out in the other, so each is suppressed again with the
    totals the other hides as hidden, until both hide the same.
    """
    people = Steps.of(observations)
    hidden_intake = hidden_latest = np.zeros(len(steps), dtype=bool)
    while True:
        transitions = transition_table(people, steps, threshold, hidden_intake, hidden_latest)
        at_intake = _on_each_step(people, people.intake, steps, threshold,
                                  transitions.intake_totals)
        at_latest = _on_each_step(people, people.latest, steps, threshold,
                                  transitions.latest_totals)
        more_intake = hidden_intake | _hidden_totals(at_intake)
        more_latest = hidden_latest | _hidden_totals(at_latest)
        if (more_intake == hidden_intake).all() and (more_latest == hidden_latest).all():
            break
        hidden_intake, hidden_latest = more_intake, more_latest

    shown = {"intake": at_intake, "latest": at_latest}
    if completers is not None:
        finished = Steps.of(completers)
        shown["exit"] = _on_each_step(finished, finished.latest, steps, threshold, None)
    rows = {moment: {row.group: row for row in groups} for moment, groups in shown.items()}
    groups = shown_groups(lambda g: any(g in by_group for by_group in rows.values()))
    nowhere = tuple(Cell.hidden() for _ in steps)
    distribution = StepDistribution(
        tuple(steps), groups,
        shares={moment: {g: by_group[g].shares if g in by_group else nowhere for g in groups}
                for moment, by_group in rows.items()},
        n={moment: {g: by_group[g].n if g in by_group else Cell.hidden() for g in groups}
           for moment, by_group in rows.items()},
    )
    return StepTables(distribution, transitions)


def _hidden_totals(groups: tuple[GroupShares, ...]) -> np.ndarray:
    """Which steps' totals a distribution hides: where the total's share is hidden."""
    return np.array([share.suppressed for share in groups[-1].shares], dtype=bool)


def _on_each_step(
    people: Steps, values: np.ndarray, steps: Sequence[int], threshold: int,
    margins: tuple[Cell, ...] | None,
) -> tuple[GroupShares, ...]:
    """The groups' shares on each step, hiding and protecting the totals ``margins``
    hides."""
    measured = people.measurable
    counts = {g: step_counts(values[measured & people.of_gender[g]], steps) for g in GENDERS}
    hidden = None if margins is None else [margin.suppressed for margin in margins]
    return shares_by_group(counts, len(steps), threshold, hidden_totals=hidden)
