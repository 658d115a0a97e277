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
    """Shares on each step at intake and at the latest occasion, among the participants
    whose movement is measured; with ``completers`` (their step at exit as the later
    one), also at exit, among those with a step at intake and at exit.

    Each moment is one table, groups by steps, suppressed with its totals. At intake
    and at the latest occasion the total's counts are also the margins of the
    transition table (``transition_table``), whose suppression takes as known only
    those it leaves shown: those it hides are hidden here too, and the groups' counts
    beside them are hidden so far as is needed for them not to give them away.
    """
    people = Steps.of(observations)
    transitions = transition_table(people, steps, threshold)
    moments = {"intake": (people, people.intake, transitions.intake_totals),
               "latest": (people, people.latest, transitions.latest_totals)}
    if completers is not None:
        finished = Steps.of(completers)
        moments["exit"] = (finished, finished.latest, None)
    shown = {
        moment: {row.group: row
                 for row in _on_each_step(who, values, steps, threshold, margins)}
        for moment, (who, values, margins) in moments.items()
    }
    groups = shown_groups(lambda g: any(g in rows for rows in shown.values()))
    nowhere = tuple(Cell.hidden() for _ in steps)
    return StepDistribution(
        tuple(steps), groups,
        shares={moment: {g: rows[g].shares if g in rows else nowhere for g in groups}
                for moment, rows in shown.items()},
        n={moment: {g: rows[g].n if g in rows else Cell.hidden() for g in groups}
           for moment, rows in shown.items()},
    )


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
