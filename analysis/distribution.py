"""Where participants stand on the step ladder: at intake, at the latest occasion
and at exit, per gender group and in total."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from analysis.groups import GroupShares, HiddenMargins, published_shares
from analysis.movement import (
    GENDERS,
    NOTHING_SHARED_HIDDEN,
    MovementTable,
    SharedTotals,
    StepObservation,
    Steps,
    TransitionTable,
    movement_table,
    shown_groups,
    step_counts,
    transition_table,
)
from analysis.suppression import Cell, Published

T = TypeVar("T")


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
    """The tables of where participants stand and how far they moved, which share
    totals and are suppressed together (see ``SharedTotals``)."""

    movement: MovementTable
    distribution: StepDistribution
    transitions: TransitionTable
    #: Intake to exit, for the completers; None without them.
    completers: MovementTable | None


def step_tables(
    observations: Steps | Iterable[StepObservation], steps: Sequence[int], threshold: int,
    completers: Steps | Iterable[StepObservation] | None = None,
) -> StepTables:
    """The movement table, the step distribution and the transition table; with
    ``completers`` (their step at exit as the later one), the movement from intake to
    exit and the distribution at exit too. Exit is a completer's latest occasion, so
    the completers are some of the ``observations`` with the same steps: completers
    who count more than the observations anywhere are refused (``ValueError``).

    The distribution gives shares on each step at intake and at the latest occasion
    among the participants whose movement is measured, and at exit among those with a
    step at intake and at exit. Each table is suppressed with its own totals; the
    totals they share (see ``SharedTotals``) are then hidden in all of them wherever
    one hides them, and the tables suppressed again, until none hides another.
    """
    people = Steps.of(observations)

    def measured(hidden: SharedTotals) -> tuple[
        tuple[MovementTable, tuple[GroupShares, ...], tuple[tuple[GroupShares, ...], Published],
              TransitionTable],
        SharedTotals,
    ]:
        movement = movement_table(people, threshold, hidden)
        at_intake, _ = _on_each_step(people, people.intake, steps, threshold, hidden,
                                     hidden.intake_steps)
        at_latest = _on_each_step(people, people.latest, steps, threshold, hidden,
                                  hidden.latest_steps)
        transitions = transition_table(people, steps, threshold, hidden)
        found = (movement.hidden_totals | transitions.hidden_totals
                 | _hidden_totals(at_intake, steps, "intake")
                 | _hidden_totals(at_latest[0], steps, "latest"))
        return (movement, at_intake, at_latest, transitions), found

    movement, at_intake, (at_latest, latest_published), transitions = (
        _suppressed_together(measured))
    shown = {"intake": at_intake, "latest": at_latest}
    completers_table = None
    if completers is not None:
        finished = Steps.of(completers)

        # The completers are some of the measured, at exit as their latest occasion:
        # their tables are suppressed within the measured's, so that the difference,
        # the measured who have not finished, gives no small group away either.
        def completed(hidden: SharedTotals) -> tuple[
            tuple[MovementTable, tuple[GroupShares, ...]], SharedTotals
        ]:
            table = movement_table(finished, threshold, hidden, within=movement)
            at_exit, _ = _on_each_step(finished, finished.latest, steps, threshold, hidden,
                                       frozenset(), within=latest_published)
            return (table, at_exit), table.hidden_totals | _hidden_totals(at_exit, steps)

        completers_table, shown["exit"] = _suppressed_together(completed)

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
    return StepTables(movement, distribution, transitions, completers_table)


def _suppressed_together(tables: Callable[[SharedTotals], tuple[T, SharedTotals]]) -> T:
    """``tables`` suppressed with the shared totals hidden that any of them hides.

    Each round hides at least one more total, or ends: there are finitely many.
    """
    hidden = NOTHING_SHARED_HIDDEN
    while True:
        result, found = tables(hidden)
        if found <= hidden:
            return result
        hidden = hidden | found


def _on_each_step(
    people: Steps, values: np.ndarray, steps: Sequence[int], threshold: int,
    hidden: SharedTotals, hidden_steps: frozenset[int], within: Published | None = None,
) -> tuple[tuple[GroupShares, ...], Published]:
    """The groups' shares on each step, with the shared totals ``hidden`` names hidden;
    ``within`` as for ``published_shares``."""
    measured = people.measurable
    counts = {g: step_counts(values[measured & people.of_gender[g]], steps) for g in GENDERS}
    margins = HiddenMargins(hidden.groups, tuple(step in hidden_steps for step in steps),
                            hidden.everyone)
    return published_shares(counts, len(steps), threshold, hidden=margins, within=within)


def _hidden_totals(groups: tuple[GroupShares, ...], steps: Sequence[int],
                   moment: str | None = None) -> SharedTotals:
    """The shared totals a distribution hides: sizes, and the steps' totals at
    ``moment`` (where the total's share is hidden)."""
    *by_gender, total = groups
    shown = {row.group for row in by_gender if not row.n.suppressed}
    hidden_steps = frozenset(step for step, share in zip(steps, total.shares, strict=True)
                             if share.suppressed)
    return SharedTotals(
        groups=frozenset(GENDERS) - shown,
        intake_steps=hidden_steps if moment == "intake" else frozenset(),
        latest_steps=hidden_steps if moment == "latest" else frozenset(),
        everyone=total.n.suppressed,
    )
