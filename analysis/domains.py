"""Domain scores (work ability, health, influence, …) and how they change.

A domain score at an occasion is the mean of its answered, scored items, when
at least half of the domain's items were answered; otherwise it is missing.
"Don't know" and "don't want to answer" are missing, never a value.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.movement import GENDERS, TOTAL, gender_masks, shown_groups
from analysis.statistics import MIN_N_FOR_TESTS, PairedChange, holm, paired_changes
from analysis.suppression import Cell, fully_published, suppression_mask


def domain_score(item_scores: Sequence[float | None]) -> float | None:
    """Mean of the answered items, if at least half of the items were answered."""
    answered = [score for score in item_scores if score is not None]
    if not item_scores or 2 * len(answered) < len(item_scores):
        return None
    return statistics.fmean(answered)


def domain_scores(item_scores: np.ndarray) -> np.ndarray:
    """``domain_score`` for many at once: rows are participants, columns the domain's
    items, NaN where unanswered; NaN where fewer than half were answered."""
    return scores_by_domain(item_scores, np.ones((item_scores.shape[-1], 1)))[..., 0]


def scores_by_domain(item_scores: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """``domain_scores`` of several domains at once: ``membership`` has a row per
    column of ``item_scores`` and a column per domain, 1 where the item is in it.

    Counts and sums are matrix products, one pass over the answers for all domains;
    scale values are whole numbers, so the sums are exact whatever their order.
    """
    answered = ~np.isnan(item_scores)
    count = answered @ membership
    total = np.where(answered, item_scores, 0.0) @ membership
    enough = (2 * count >= membership.sum(axis=0)) & (count > 0)
    return np.divide(total, count, out=np.full(total.shape, np.nan), where=enough)


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
class DomainScores:
    """Participants as rows, domains as columns: scores at intake and at the latest
    occasion, NaN where missing. ``DomainScores.of`` builds them from observations."""

    gender: np.ndarray
    domains: tuple[str, ...]
    before: np.ndarray
    after: np.ndarray

    @classmethod
    def of(cls, observations: DomainScores | Iterable[DomainObservation]) -> DomainScores:
        if isinstance(observations, DomainScores):
            return observations
        rows = list(observations)
        people = {o.participant: o.gender for o in rows}
        domains = tuple(dict.fromkeys(o.domain for o in rows))
        row_of = {participant: i for i, participant in enumerate(people)}
        before = np.full((len(people), len(domains)), np.nan)
        after = before.copy()
        for o in rows:
            at = row_of[o.participant], domains.index(o.domain)
            before[at] = np.nan if o.before is None else o.before
            after[at] = np.nan if o.after is None else o.after
        return cls(np.array(list(people.values()), dtype=str), domains,
                   before, after)


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


#: A group's change statistics on a domain, keyed by (domain, group).
DomainStatistics = Mapping[tuple[str, str], PairedChange]


def domain_statistics(
    observations: DomainScores | Iterable[DomainObservation], min_n: int = MIN_N_FOR_TESTS,
) -> dict[tuple[str, str], PairedChange]:
    """Every group's change statistics on every domain someone has a change in,
    whether the table will publish them or not.

    The table publishes a few of these, once suppression has decided which; computed
    beforehand, they can run while the tables that decide it are worked out. Each is
    what the table computes alone (every interval has its own seed). The groups
    suppression hides are small, or hidden beside one that is: little is wasted.
    """
    values = _changes_by_group(DomainScores.of(observations))
    return paired_changes({(domain, group): changes
                           for domain, by_group in values.items()
                           for group, changes in by_group.items() if changes.size}, min_n)


def domain_change_table(
    observations: DomainScores | Iterable[DomainObservation], threshold: int,
    min_n: int = MIN_N_FOR_TESTS, hidden_sizes: Mapping[str, Collection[str]] | None = None,
    statistics: DomainStatistics | None = None,
) -> DomainChangeTable:
    """Change per domain for women, men, other groups where shown, and in total, with
    Holm-adjusted p-values. ``hidden_sizes`` names, per domain, the groups (genders
    and ``TOTAL``) whose size another table of the same participants hides: they are
    hidden here too, and protected. ``statistics`` are ``domain_statistics`` of the
    same observations, if computed already.

    Holm runs over the domains whose statistics a group shows: an adjusted p-value
    built on a withheld one would carry it.
    """
    values, sizes, counts_known = _domain_sizes(DomainScores.of(observations), threshold,
                                                hidden_sizes or {})
    groups = shown_groups(lambda g: any(not n[g].suppressed for n in sizes.values()))

    published: dict[tuple[str, str], np.ndarray] = {}
    withheld: dict[tuple[str, str], PairedChange] = {}
    for domain, domain_values in values.items():
        for group in groups:
            if counts_known[domain][group]:
                published[(domain, group)] = domain_values[group]
            elif not sizes[domain][group].suppressed:
                withheld[(domain, group)] = PairedChange.withheld(int(domain_values[group].size))
    if statistics is None:
        statistics = paired_changes(published, min_n)
    changes = {key: statistics[key] for key in published} | withheld
    rows: dict[str, dict[str, tuple[Cell, PairedChange | None]]] = {
        domain: {group: (n[group], changes.get((domain, group))) for group in groups}
        for domain, n in sizes.items()
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


def hidden_domain_sizes(
    scores: DomainScores, threshold: int, hidden_sizes: Mapping[str, Collection[str]],
) -> dict[str, set[str]]:
    """Per domain, the groups whose size the domain table hides, of those someone
    is in, given the sizes ``hidden_sizes`` names: without computing its statistics."""
    _, sizes, _ = _domain_sizes(scores, threshold, hidden_sizes)
    return {domain: {group for group, n in by_group.items() if n.suppressed}
            for domain, by_group in sizes.items()}


def _domain_sizes(
    scores: DomainScores, threshold: int, hidden_sizes: Mapping[str, Collection[str]],
) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, dict[str, Cell]],
           dict[str, dict[str, bool]]]:
    """Per domain anyone has a change in: each group's changes, its size as published
    and whether its statistics may be (see ``_published_directions``)."""
    values = _changes_by_group(scores)
    sizes: dict[str, dict[str, Cell]] = {}
    counts_known: dict[str, dict[str, bool]] = {}
    for domain, by_group in values.items():
        sizes[domain], counts_known[domain] = _published_directions(
            by_group, threshold, frozenset(hidden_sizes.get(domain, ())))
    return values, sizes, counts_known


def _changes_by_group(scores: DomainScores) -> dict[str, dict[str, np.ndarray]]:
    """Per domain anyone has a change in, each group's changes (every gender and
    ``TOTAL``; empty for a gender nobody of has one)."""
    change = scores.after - scores.before
    of_gender = gender_masks(scores.gender)
    values: dict[str, dict[str, np.ndarray]] = {}
    for column, domain in enumerate(scores.domains):
        changed = ~np.isnan(change[:, column])
        if not changed.any():
            continue
        values[domain] = {g: change[changed & of_gender[g], column] for g in GENDERS}
        values[domain][TOTAL] = change[changed, column]
    return values


def _published_directions(
    values: dict[str, np.ndarray], threshold: int, hidden: frozenset[str],
) -> tuple[dict[str, Cell], dict[str, bool]]:
    """Each group's size as published, and whether its statistics may be, with the
    sizes of the groups ``hidden`` names hidden.

    Statistics can give back how many went up, stayed level and went down (see
    ``movement_statistics``), so they are shown only where those counts, suppressed
    as a table of their own, would be.
    """
    present = [g for g in GENDERS if values[g].size]
    directions = np.array([
        [(values[g] > 0).sum(), (values[g] == 0).sum(), (values[g] < 0).sum()] for g in present
    ])
    mask = suppression_mask(directions, threshold, whole_rows=True,
                            hidden_row_totals=[g in hidden for g in present],
                            hidden_grand_total=TOTAL in hidden)
    known_rows, known_total = fully_published(directions, mask)
    sizes = {g: Cell.hidden() for g in GENDERS}
    known = {g: False for g in GENDERS}
    for row, group in enumerate(present):
        if not mask.row_totals[row]:
            sizes[group] = Cell(int(values[group].size))
        known[group] = bool(known_rows[row])
    sizes[TOTAL] = Cell.hidden() if mask.grand_total else Cell(int(values[TOTAL].size))
    known[TOTAL] = known_total
    return sizes, known
