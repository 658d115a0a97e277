"""Step movement: how far each participant moved on the step ladder, by gender.

Movement = step at the latest completed occasion − step at intake. Participants
without both are "not measurable" and excluded from the figures.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from analysis.statistics import (
    MIN_N_FOR_TESTS,
    GroupDifference,
    PairedChange,
    ShareDifference,
    group_difference,
    paired_changes,
    share_difference,
    wilson_share,
)
from analysis.suppression import (
    Cell,
    Published,
    fully_published,
    part_mask,
    suppression_mask,
)

WOMAN, MAN, OTHER, NOT_STATED, TOTAL = "woman", "man", "other", "not_stated", "total"
GENDERS = (WOMAN, MAN, OTHER, NOT_STATED)
#: Women and men are always reported; the other groups only when they can be.
ALWAYS_SHOWN = (WOMAN, MAN)
OUTCOMES = ("improved", "unchanged", "worse")


def shown_groups(size_shown: Callable[[str], bool]) -> tuple[str, ...]:
    """The groups a table gives: women and men, each other gender where ``size_shown``
    says its size is shown somewhere in the table, and the total."""
    others = (g for g in GENDERS if g not in ALWAYS_SHOWN and size_shown(g))
    return (*ALWAYS_SHOWN, *others, TOTAL)


def gender_masks(genders: np.ndarray) -> dict[str, np.ndarray]:
    """Who is of each gender, one mask per gender the report knows. Refuses any other
    gender, rather than count it nowhere. A report asks for the same groups again and
    again: comparing strings once per gender is cheaper than each time."""
    masks = {g: genders == g for g in GENDERS}
    known = np.logical_or.reduce(list(masks.values()))
    if not known.all():
        raise ValueError(f"unknown gender {str(genders[~known][0])!r}")
    return masks


@dataclass(frozen=True)
class StepObservation:
    participant: Hashable
    gender: str
    intake_step: int | None
    latest_step: int | None

    @property
    def movement(self) -> int | None:
        if self.intake_step is None or self.latest_step is None:
            return None
        return self.latest_step - self.intake_step


@dataclass(frozen=True)
class Steps:
    """Participants as columns: gender, and the step at intake and at the later
    occasion, NaN where there is none. The report builds these straight from the
    database; ``Steps.of`` turns a list of ``StepObservation`` into them."""

    gender: np.ndarray
    intake: np.ndarray
    latest: np.ndarray

    def __post_init__(self) -> None:
        self.of_gender  # noqa: B018 - refuses an unknown gender now, not halfway through a report

    @classmethod
    def of(cls, observations: Steps | Iterable[StepObservation]) -> Steps:
        if isinstance(observations, Steps):
            return observations
        rows = list(observations)

        def column(steps: Iterable[int | None]) -> np.ndarray:
            return np.array([np.nan if s is None else s for s in steps], dtype=float)

        return cls(
            np.array([o.gender for o in rows], dtype=str),
            column(o.intake_step for o in rows), column(o.latest_step for o in rows),
        )

    @cached_property
    def of_gender(self) -> dict[str, np.ndarray]:
        return gender_masks(self.gender)

    @cached_property
    def movement(self) -> np.ndarray:
        """Latest − intake; NaN where either is missing."""
        return self.latest - self.intake

    @cached_property
    def measurable(self) -> np.ndarray:
        return ~np.isnan(self.movement)

    @cached_property
    def outcome(self) -> np.ndarray:
        """Index into ``OUTCOMES`` per participant (meaningful where measurable)."""
        return np.where(self.movement >= 1, 0, np.where(self.movement == 0, 1, 2))

    def moved(self, group: str) -> np.ndarray:
        """The movements of a gender, or of everyone for ``TOTAL``."""
        chosen = self.measurable if group == TOTAL else self.measurable & self.of_gender[group]
        return self.movement[chosen]


@dataclass(frozen=True)
class SharedTotals:
    """Totals that tables of the same participants share, as some table hides them.

    The movement table and the step distributions each give every group's size; the
    step distributions and the transition table how many were on each step at intake
    and at the latest occasion; all of them how many there are. A total one table
    hides must be neither shown nor worked out in another: each takes these as hidden.
    """

    groups: frozenset[str] = frozenset()
    intake_steps: frozenset[int] = frozenset()
    latest_steps: frozenset[int] = frozenset()
    everyone: bool = False

    def __or__(self, other: SharedTotals) -> SharedTotals:
        return SharedTotals(self.groups | other.groups, self.intake_steps | other.intake_steps,
                            self.latest_steps | other.latest_steps,
                            self.everyone or other.everyone)

    def __le__(self, other: SharedTotals) -> bool:
        return (self.groups <= other.groups and self.intake_steps <= other.intake_steps
                and self.latest_steps <= other.latest_steps
                and (other.everyone or not self.everyone))


NOTHING_SHARED_HIDDEN = SharedTotals()


@dataclass(frozen=True)
class GroupMovement:
    group: str
    n: Cell
    mean: Cell
    median: Cell
    improved: Cell
    unchanged: Cell
    worse: Cell
    #: Whether a reader knows how many moved up, stayed and moved down; only then
    #: may anything that could give those counts back be shown.
    counts_known: bool

    @property
    def shares(self) -> dict[str, Cell]:
        return {"improved": self.improved, "unchanged": self.unchanged, "worse": self.worse}


@dataclass(frozen=True)
class MovementTable:
    rows: tuple[GroupMovement, ...]
    not_measurable: Cell
    threshold: int
    #: Counts per gender (in ``GENDERS`` order) and outcome, with what the table hides
    #: of them: for suppressing a table of part of these participants within it.
    published: Published = field(repr=False, compare=False)

    def row(self, group: str) -> GroupMovement:
        return next(row for row in self.rows if row.group == group)

    @property
    def hidden_totals(self) -> SharedTotals:
        """The sizes this table hides; a gender without a row has none shown."""
        shown = {row.group for row in self.rows if not row.n.suppressed}
        return SharedTotals(groups=frozenset(GENDERS) - shown,
                            everyone=TOTAL not in shown)


def movement_table(
    observations: Steps | Iterable[StepObservation], threshold: int,
    hidden: SharedTotals = NOTHING_SHARED_HIDDEN, within: MovementTable | None = None,
) -> MovementTable:
    """Step movement per gender and in total, with small cells suppressed, and the
    sizes ``hidden`` names hidden and protected.

    ``within`` is the table of a larger group these participants are part of, with
    the same movements (completers among everyone measured): the figures of the rest,
    its figures minus these, are then protected too (``suppression.part_mask``).
    """
    steps = Steps.of(observations)
    measured = steps.measurable
    movements = {gender: steps.moved(gender) for gender in GENDERS}
    not_measurable = int((~measured).sum())

    counts = np.array([
        np.bincount(steps.outcome[measured & steps.of_gender[g]], minlength=len(OUTCOMES))
        for g in GENDERS
    ])
    options = {"whole_rows": True, "hidden_row_totals": [g in hidden.groups for g in GENDERS],
               "hidden_grand_total": hidden.everyone}
    if within is None:
        mask = suppression_mask(counts, threshold, **options)
    else:
        mask = part_mask(counts, within.published.counts, within.published.mask, threshold,
                         **options)
    known, total_known = fully_published(counts, mask)

    rows = []
    for index, group in enumerate(GENDERS):
        # A gender nobody is in has its row all hidden: no one there to protect, and
        # its empty cells force no needless hiding elsewhere (``suppression_mask``).
        row = _group_row(
            group, movements[group], counts[index], mask.row_shares[index],
            bool(mask.row_totals[index]), bool(known[index]), threshold,
        )
        if group in ALWAYS_SHOWN or not row.n.suppressed:
            rows.append(row)
    rows.append(
        _group_row(
            TOTAL, steps.moved(TOTAL), counts.sum(axis=0), mask.total_shares,
            mask.grand_total, total_known, threshold,
        )
    )
    # How many the report covers is published (attrition): taking this from it gives
    # how many are measured, so where that is hidden, so is this.
    shows_not_measurable = not_measurable >= threshold and not mask.grand_total
    return MovementTable(
        rows=tuple(rows),
        not_measurable=Cell(not_measurable) if shows_not_measurable else Cell.hidden(),
        threshold=threshold,
        published=Published(counts, mask),
    )


def _group_row(
    group: str,
    movements: np.ndarray,
    outcome_counts: np.ndarray,
    hidden_outcomes: np.ndarray,
    n_hidden: bool,
    counts_known: bool,
    threshold: int,
) -> GroupMovement:
    n = int(movements.size)
    # A mean or median over a hidden n gives n away, as a share does (``row_shares``).
    describes_enough = n >= threshold and not n_hidden
    # And one beside a hidden count can give the count back: when everyone moved one
    # step or none, 6 of 12 up and a mean of 0.33 leave 2 who moved down.
    summarises = describes_enough and counts_known

    def share(index: int) -> Cell:
        if hidden_outcomes[index] or not describes_enough:
            return Cell.hidden()
        return Cell(float(outcome_counts[index]) / n)

    return GroupMovement(
        group=group,
        n=Cell.hidden() if n_hidden else Cell(n),
        mean=Cell(float(movements.mean())) if summarises else Cell.hidden(),
        median=Cell(float(np.median(movements))) if summarises else Cell.hidden(),
        improved=share(0),
        unchanged=share(1),
        worse=share(2),
        counts_known=counts_known,
    )


def step_counts(values: np.ndarray, steps: Sequence[int]) -> np.ndarray:
    """How many of ``values`` are on each of ``steps``."""
    return (values[:, None] == np.asarray(steps, dtype=float)[None, :]).sum(axis=0)


@dataclass(frozen=True)
class MovementStatistics:
    """Tests and intervals for the movement table, for groups whose size is published."""

    #: women, men and total; None where the table hides the group's size, and
    #: ``PairedChange.withheld`` where it hides any of the group's counts.
    groups: dict[str, PairedChange | None]
    women_vs_men: GroupDifference | None


def movement_statistics(
    observations: Steps | Iterable[StepObservation], table: MovementTable,
    min_n: int = MIN_N_FOR_TESTS,
) -> MovementStatistics:
    """Paired change per group and the difference between women and men.

    Statistics can give a group's counts back: the sign test names how many moved up
    and, with its p-value, how many moved at all; a rank-biserial correlation of 1
    says that nobody moved down; with moves of one step the mean is (up − down) / n.
    So, like the table's mean and median, a group's statistics are shown only where
    the table shows all of its counts, and the two groups' comparison only where
    both are.
    """
    steps = Steps.of(observations)
    movements = {group: steps.moved(group) for group in (WOMAN, MAN, TOTAL)}
    sized = {group: not table.row(group).n.suppressed for group in movements}
    counted = {group: table.row(group).counts_known for group in movements}
    changes = paired_changes(
        {group: values for group, values in movements.items() if counted[group]}, min_n)
    groups = {
        group: changes[group] if counted[group]
        else PairedChange.withheld(int(movements[group].size)) if sized[group] else None
        for group in movements
    }
    if not (sized[WOMAN] and sized[MAN]):
        difference = None
    elif counted[WOMAN] and counted[MAN]:
        difference = group_difference(movements[WOMAN], movements[MAN], min_n)
    else:
        difference = GroupDifference.withheld(movements[WOMAN].size, movements[MAN].size)
    return MovementStatistics(groups, difference)


def improved_share_difference(
    observations: Steps | Iterable[StepObservation], table: MovementTable,
    min_n: int = MIN_N_FOR_TESTS,
) -> ShareDifference | None:
    """Women's share moved up minus men's, with Newcombe's interval.

    Only when both shares are published and both groups reach ``min_n``.
    """
    women, men = table.row(WOMAN), table.row(MAN)
    if women.improved.suppressed or men.improved.suppressed:
        return None
    steps = Steps.of(observations)
    moved = {group: steps.moved(group) for group in (WOMAN, MAN)}
    if min(moved[WOMAN].size, moved[MAN].size) < min_n:
        return None
    return share_difference(
        *(wilson_share(int((moved[g] >= 1).sum()), int(moved[g].size)) for g in (WOMAN, MAN))
    )


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    #: Participants with a measurable movement in this part.
    n: Cell
    #: Share moved up, for women and for men.
    improved: dict[str, Cell]


@dataclass(frozen=True)
class MovementBreakdown:
    rows: tuple[BreakdownRow, ...]
    groups: tuple[str, ...] = ALWAYS_SHOWN


def movement_breakdown(
    observations: Steps | Iterable[StepObservation], parts: Sequence[str],
    keys: Sequence[str], table: MovementTable, threshold: int,
) -> MovementBreakdown:
    """Share moved up for women and men in each part (age band, subproject …).

    ``parts`` gives each participant's part, in the order of ``observations``.
    The parts' counts (moved up / not, per gender) form one table whose column
    totals are the whole report's, so no hidden cell can be worked out from the
    parts. A gender whose share the main table hides is hidden in every part too,
    or adding the parts up would give it away.
    """
    steps = Steps.of(observations)
    groups = (WOMAN, MAN, "others")
    part_of = np.asarray(parts, dtype=str)
    if part_of.shape != steps.gender.shape:
        raise ValueError("give one part per participant")
    of_group = {g: steps.of_gender[g] for g in ALWAYS_SHOWN}
    of_group["others"] = ~(of_group[WOMAN] | of_group[MAN])
    up = steps.movement >= 1
    counts = {key: {g: [0, 0] for g in groups} for key in keys}
    for key in keys:
        in_part = steps.measurable & (part_of == key)
        for g in groups:
            chosen = in_part & of_group[g]
            moved_up = int((chosen & up).sum())
            counts[key][g] = [moved_up, int(chosen.sum()) - moved_up]
    # As in the main table, a group nobody belongs to stays out of the grid: its
    # empty cells would only force needless suppression of the others.
    columns = [g for g in groups if any(sum(counts[k][g]) for k in keys)]
    present = [key for key in keys if any(sum(counts[key][g]) for g in columns)]
    hidden_everywhere = {g for g in ALWAYS_SHOWN if table.row(g).improved.suppressed}
    mask = None
    if present:
        grid = np.array([[c for g in columns for c in counts[k][g]] for k in present])
        mask = suppression_mask(grid, threshold)

    rows = []
    for key in keys:
        if key not in present or mask is None:
            rows.append(BreakdownRow(key, Cell.hidden(),
                                     {g: Cell.hidden() for g in ALWAYS_SHOWN}))
            continue
        index = present.index(key)
        improved = {}
        for g in ALWAYS_SHOWN:
            up, down = counts[key][g]
            n = up + down
            cells_hidden = (
                g not in columns or bool(mask.cells[index, 2 * columns.index(g):][:2].any())
            )
            hidden = g in hidden_everywhere or cells_hidden or n < threshold
            improved[g] = Cell.hidden() if hidden else Cell(up / n)
        total = sum(sum(counts[key][g]) for g in columns)
        rows.append(BreakdownRow(
            key, Cell.hidden() if mask.row_totals[index] else Cell(total), improved
        ))
    return MovementBreakdown(tuple(rows))


@dataclass(frozen=True)
class TransitionTable:
    """How many went from each intake step to each latest step (everyone together)."""

    steps: tuple[int, ...]
    #: ``counts[i][j]``: intake step ``steps[i]``, latest step ``steps[j]``.
    counts: tuple[tuple[Cell, ...], ...]
    #: The margins as the suppression takes them to be known: how many were on each
    #: step at intake (row totals) and at the latest occasion (column totals). Not
    #: shown with the table; the step distribution shows them (see ``SharedTotals``).
    intake_totals: tuple[Cell, ...]
    latest_totals: tuple[Cell, ...]
    total: Cell

    @property
    def hidden_totals(self) -> SharedTotals:
        def hidden(totals: tuple[Cell, ...]) -> frozenset[int]:
            return frozenset(s for s, c in zip(self.steps, totals, strict=True) if c.suppressed)

        return SharedTotals(intake_steps=hidden(self.intake_totals),
                            latest_steps=hidden(self.latest_totals),
                            everyone=self.total.suppressed)


def transition_table(
    observations: Steps | Iterable[StepObservation], steps: Sequence[int], threshold: int,
    hidden: SharedTotals = NOTHING_SHARED_HIDDEN,
) -> TransitionTable:
    """Intake step × latest step, suppressed as a table with its row and column totals,
    and the totals ``hidden`` names hidden and protected."""
    people = Steps.of(observations)
    measured = people.measurable
    grid = np.array([
        step_counts(people.latest[measured & (people.intake == step)], steps) for step in steps
    ]).reshape(len(steps), len(steps))
    mask = suppression_mask(grid, threshold,
                            hidden_row_totals=[s in hidden.intake_steps for s in steps],
                            hidden_column_totals=[s in hidden.latest_steps for s in steps],
                            hidden_grand_total=hidden.everyone)

    def published(counts: np.ndarray, suppressed: np.ndarray) -> tuple[Cell, ...]:
        return tuple(Cell.hidden() if s else Cell(int(c))
                     for c, s in zip(counts, suppressed, strict=True))

    return TransitionTable(
        tuple(steps),
        tuple(published(grid[i], mask.cells[i]) for i in range(len(steps))),
        published(grid.sum(axis=1), mask.row_totals),
        published(grid.sum(axis=0), mask.column_totals),
        Cell.hidden() if mask.grand_total else Cell(int(grid.sum())),
    )
