"""The evaluator's report: ``report_data`` reads what it needs as columns, the pure
functions of ``analysis`` compute, and this module puts the two together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np
from flask import current_app
from threadpoolctl import threadpool_limits

from analysis import Cell, MovementTable, StepDistribution, bootstrap
from analysis.age import AGE_BAND_LABELS
from analysis.attrition import AttritionTable, Progress, attrition_table
from analysis.distribution import step_tables
from analysis.domains import (
    DomainChangeTable,
    DomainScores,
    domain_change_table,
    domain_statistics,
    hidden_domain_sizes,
)
from analysis.groups import GroupShares
from analysis.monthly import Events, MonthlyTable, monthly_table, months_between
from analysis.movement import (
    GENDERS,
    TOTAL,
    MovementBreakdown,
    MovementStatistics,
    Steps,
    TransitionTable,
    improved_share_difference,
    movement_breakdown,
    movement_statistics,
)
from analysis.reliability import ReliableChangeTable, ScaleScores, reliable_change_table
from analysis.statistics import MIN_N_FOR_TESTS, WORKERS, ShareDifference
from analysis.targets import GroupTarget, TargetResult
from questionnaires import Catalogue, Item
from survey_app.models import OccasionKind, Organisation, User
from survey_app.models.organisation import PATH_SEPARATOR
from survey_app.services import audit, clock, report_data, schedule, targets
from survey_app.services.report_data import ReportData, ReportFilters
from survey_app.services.responses import DEFAULT_QUESTIONNAIRE

__all__ = ["EvaluatorReport", "ReportFilters", "analyse", "evaluator_report", "read_inputs",
           "report_for"]


def steps_of(data: ReportData, catalogue: Catalogue, *, completers: bool = False) -> Steps:
    """Step at intake and at the latest occasion; with ``completers``, at exit (NaN
    without one). A "don't know" on the ladder at the latest occasion leaves the
    movement unmeasurable; an older answer is not used in its place."""
    later = data.exit if completers else data.latest
    return Steps(data.gender, report_data.steps(data, data.intake, catalogue),
                 report_data.steps(data, later, catalogue))


def ladder_steps(catalogue: Catalogue) -> list[int]:
    """The step values of the current ladder, for chart axes."""
    definition = catalogue.latest(DEFAULT_QUESTIONNAIRE).definition
    item = definition.ladder_item
    if item is None:
        return []
    return [point.value for point in definition.scale_for(item).points]


def movement_report(filters: ReportFilters, catalogue: Catalogue, threshold: int) -> MovementTable:
    """The movement table as the report gives it."""
    steps = steps_of(report_data.read(filters, catalogue), catalogue)
    return step_tables(steps, ladder_steps(catalogue), threshold).movement


def participant_progress(data: ReportData, today: date) -> Progress:
    """For attrition: what each participant covered has answered, and what fell due.

    An occasion counts as due once its answering window has passed (overdue or
    missed) or it was answered; one still open is not yet counted against anyone.
    """
    counts = schedule.occasion_counts(data.enrolled_on, data.exited_on, data.occasions, today)
    return Progress(data.gender, counts.answered, counts.due)


@dataclass(frozen=True)
class ScoredAnswers:
    """Item scores of the intake and latest responses, computed once for the report."""

    intake: np.ndarray
    latest: np.ndarray

    @classmethod
    def of(cls, data: ReportData, catalogue: Catalogue) -> ScoredAnswers:
        return cls(report_data.item_scores(data, data.intake, catalogue),
                   report_data.item_scores(data, data.latest, catalogue))


def domain_change_scores(
    data: ReportData, scored: ScoredAnswers, catalogue: Catalogue
) -> DomainScores:
    """Each participant's score per domain at intake and at their latest occasion."""
    domains = report_data.report_domains(catalogue)
    return DomainScores(
        data.gender, domains,
        report_data.domain_score_matrix(data, data.intake, scored.intake, catalogue, domains),
        report_data.domain_score_matrix(data, data.latest, scored.latest, catalogue, domains),
    )


@dataclass(frozen=True)
class EvaluatorReport:
    movement: MovementTable
    statistics: MovementStatistics
    #: At intake and latest among the measured; at exit among those who answered both.
    distribution: StepDistribution
    domains: DomainChangeTable
    attrition: AttritionTable
    targets: list[JudgedTarget]
    #: Cells describing fewer participants than this are hidden.
    threshold: int
    #: No test or interval is computed on fewer participants than this.
    min_n: int
    #: Where the targets were set; None when they are Stegvis' defaults.
    targets_set_on: Organisation | None
    #: Women's share moved up minus men's (Newcombe), when both can be shown.
    improved_difference: ShareDifference | None
    #: Intake to exit only, for those who answered both.
    completers: MovementTable
    completers_statistics: MovementStatistics
    by_age_band: MovementBreakdown
    #: By calendar year of enrolment: did later cohorts fare differently?
    by_enrolment_year: MovementBreakdown
    #: By the part of the tree directly below the scope.
    by_organisation: MovementBreakdown
    #: Reliable change on the whole self-assessment and on each multi-item domain.
    reliable_change: list[ReliableChangeTable]
    transitions: TransitionTable
    monthly: MonthlyTable


#: How far back the monthly figures reach.
MONTHLY_SPAN = 24


def hidden_sizes(size_of: Callable[[str], Cell | None], genders: np.ndarray) -> set[str]:
    """The groups (genders and ``TOTAL``) whose size a table hides, of those someone
    belongs to: ``size_of`` gives a group's published size, None for a group left out.
    A gender nobody has is left out with nothing to hide."""
    present = {*(g for g in GENDERS if (genders == g).any()), TOTAL}
    return {group for group in (*GENDERS, TOTAL)
            if group in present and ((size := size_of(group)) is None or size.suppressed)}


def sizes_hidden_in(
    groups: Iterable[GroupTarget | GroupShares], genders: np.ndarray,
) -> set[str]:
    """``hidden_sizes`` of a table given as rows with a ``group`` and its size ``n``."""
    return hidden_sizes({row.group: row.n for row in groups}.get, genders)


def monthly_beside(
    data: ReportData, filters: ReportFilters, today: date, threshold: int,
    attrition: AttritionTable, judged: list[JudgedTarget],
) -> MonthlyTable:
    """The monthly table, whose months add up to attrition's enrolled and to the
    exited that exit-outcome targets count: a group's size hidden there must not be
    given back by the sum of its months.

    Every exit-outcome target counts the same exited participants, so a group's size
    one of them shows is known, whatever the others hide."""
    exited = data.exit_outcome != ""
    hidden_by_each = [
        sizes_hidden_in(target.result.groups, data.gender[exited])
        for target in judged if target.definition.rule == targets.TargetRule.EXIT_OUTCOME
    ]
    return monthly_report(data, filters, today, threshold, {
        "enrolled": hidden_sizes(attrition.counts["enrolled"].get, data.gender),
        "exited": set.intersection(*hidden_by_each) if hidden_by_each else set(),
    })


def monthly_report(
    data: ReportData, filters: ReportFilters, today: date, threshold: int,
    hidden_totals: Mapping[str, Collection[str]] | None = None,
) -> MonthlyTable:
    """Enrolments and exits per month by gender, from the first enrolment (at most
    two years back, or the chosen period) to this month; ``hidden_totals`` as for
    ``monthly_table``."""
    last = min(filters.enrolled_to or today, today)
    earliest = date(today.year - MONTHLY_SPAN // 12, today.month, 1)
    first = max(filters.enrolled_from or earliest, earliest)
    if not len(data):
        return monthly_table({"enrolled": Events.of([]), "exited": Events.of([])}, [],
                             threshold)
    first = max(first, data.enrolled_on.min().item().replace(day=1))
    exited = ~np.isnat(data.exited_on)
    events = {
        "enrolled": Events(data.enrolled_on, data.gender),
        "exited": Events(data.exited_on[exited], data.gender[exited]),
    }
    return monthly_table(events, months_between(first, last), threshold, hidden_totals)


#: The whole self-assessment: every scored statement asked at intake, ladder aside.
OVERALL_SCALE = "overall"


def _scales(catalogue: Catalogue) -> dict[str, list[Item]]:
    """The scales reliable change is computed on, with their items: every scored
    statement asked at intake, ladder aside, and each domain with two or more."""
    definition = catalogue.latest(DEFAULT_QUESTIONNAIRE).definition
    ladder = definition.ladder_item
    scored_items = [
        item for item in definition.items_for(OccasionKind.INTAKE.value)
        if item.question_type.scored and (ladder is None or item.domain != ladder.domain)
    ]
    scales = {OVERALL_SCALE: scored_items}
    for domain in definition.domains:
        in_domain = [item for item in scored_items if item.domain == domain]
        if len(in_domain) >= 2:
            scales[domain] = in_domain
    return scales


def reliable_change_tables(
    data: ReportData, scored: ScoredAnswers, catalogue: Catalogue, threshold: int,
    min_n: int = MIN_N_FOR_TESTS, hidden_sizes: Mapping[str, Collection[str]] | None = None,
) -> list[ReliableChangeTable]:
    """Reliable change on the overall scale and on every domain with two or more items;
    ``hidden_sizes`` names, per scale, group sizes another table hides."""
    # Everyone is passed on: without an intake, a participant's intake scores are all
    # missing, which leaves them out of alpha, the spread and the change alike.
    tables = []
    for scale, items in _scales(catalogue).items():
        columns = [data.column(item.id) for item in items]
        tables.append(reliable_change_table(
            scale, ScaleScores(data.gender, scored.intake[:, columns], scored.latest[:, columns]),
            threshold, min_n, (hidden_sizes or {}).get(scale, ()),
        ))
    return tables


@dataclass(frozen=True)
class Parts:
    """A breakdown: each participant's part, and the parts in the order shown."""

    of_participant: np.ndarray
    keys: list[str]


def parts_below(scope: Organisation, data: ReportData) -> Parts:
    """Each participant's part of the tree: the node directly below the scope, or the
    scope itself for those enrolled at its own level."""
    prefix = scope.path + PATH_SEPARATOR
    part_of_organisation = np.array([
        path.removeprefix(prefix).split(PATH_SEPARATOR)[0] if path.startswith(prefix)
        else scope.name
        for path in data.organisation_paths
    ], dtype=str)
    return Parts(part_of_organisation[data.organisation_of],
                 sorted(set(part_of_organisation.tolist())))


def enrolment_years(data: ReportData) -> Parts:
    """Each participant's calendar year of enrolment, as "2025"."""
    years, of_participant = np.unique(data.enrolled_on.astype("datetime64[Y]"),
                                      return_inverse=True)
    labels = years.astype(str)
    return Parts(labels[of_participant], labels.tolist())


@dataclass(frozen=True)
class JudgedTarget:
    definition: targets.TargetDefinition
    result: TargetResult


@dataclass(frozen=True)
class ReportInputs:
    """Everything a report reads from the database; the rest is computation."""

    data: ReportData
    targets: list[targets.TargetDefinition]
    targets_set_on: Organisation | None


@dataclass(frozen=True)
class SizesTogether:
    """The tables whose group sizes are suppressed together (``sizes_together``)."""

    targets: list[JudgedTarget]
    #: Per domain, the sizes the domain table is to hide.
    domain_sizes: dict[str, set[str]]
    attrition: AttritionTable
    reliable_change: list[ReliableChangeTable]


def sizes_together(
    inputs: ReportInputs, scores: DomainScores, changes: Mapping[str, np.ndarray],
    scored: ScoredAnswers, progress: Progress, catalogue: Catalogue, threshold: int,
    min_n: int,
) -> SizesTogether:
    """Targets, attrition and reliable change, and the sizes the domain table hides,
    with every group size hidden wherever another table of the same people hides it.

    Two tables can count exactly the same participants: a domain target and the
    domain table on its domain, reliable change on a domain, an exit-item target and
    attrition's everyone who answered at exit. Each chooses its own complements for a
    small group's size; side by side, the total minus the sizes each shows could give
    it away. So each table takes as hidden every size another table of the same
    people hides, until none hides one more. All but the domain table's statistics
    cost little, and are computed again each round; the targets, whose joint
    suppression asks integer programmes, only when another table's sizes changed.
    """
    data = inputs.data
    answered_exit = progress.answered["exit"] > 0
    domain_people = {domain: ~np.isnan(change) for domain, change in changes.items()}
    observed = [targets.counted_and_reached(d, data, changes) for d in inputs.targets]
    forced: dict[tuple[str, str], set[str]] = defaultdict(set)
    judged_beside: tuple | None = None  # the other tables' sizes the targets were judged beside
    while True:
        domain_sizes = hidden_domain_sizes(
            scores, threshold, {d: forced[("domain", d)] for d in domain_people})
        attrition = attrition_table(progress, threshold, {"exit": forced[("attrition", "exit")]})
        reliable = reliable_change_tables(
            data, scored, catalogue, threshold, min_n,
            {scale: forced[("reliable", scale)] for scale in _scales(catalogue)})
        tables = [(("domain", d), domain_people[d], sizes) for d, sizes in domain_sizes.items()]
        tables.append((("attrition", "exit"), answered_exit,
                       hidden_sizes(attrition.counts["exit"].get, data.gender[answered_exit])))
        tables += [(("reliable", t.scale), t.counted,
                    sizes_hidden_in(t.groups, data.gender[t.counted]))
                   for t in reliable if t.groups is not None and t.counted is not None]
        beside = tuple((key, frozenset(sizes)) for key, _, sizes in tables)
        if beside != judged_beside:
            results = targets.judged(inputs.targets, observed, data.gender, threshold, min_n,
                                     [(people, sizes) for _, people, sizes in tables])
            judged_beside = beside
        found = [(people, sizes_hidden_in(result.groups, data.gender[people]))
                 for result, (people, _) in zip(results, observed, strict=True)]
        found += [(people, sizes) for _, people, sizes in tables]
        grown = False
        for key, people, _ in tables:
            wanted = set().union(*(sizes for others, sizes in found
                                   if np.array_equal(others, people)))
            if not wanted <= forced[key]:
                forced[key] |= wanted
                grown = True
        if not grown:
            return SizesTogether(
                [JudgedTarget(d, r) for d, r in zip(inputs.targets, results, strict=True)],
                domain_sizes, attrition, reliable)


def read_inputs(filters: ReportFilters, catalogue: Catalogue) -> ReportInputs:
    definitions, set_on = targets.targets_for(filters.scope)
    data = report_data.read(filters, catalogue)
    return ReportInputs(data, definitions, set_on)


def evaluator_report(
    filters: ReportFilters, catalogue: Catalogue, threshold: int, today: date,
    min_n: int = MIN_N_FOR_TESTS,
) -> EvaluatorReport:
    """Everything on the evaluator's report page, from one read of the database."""
    return analyse(read_inputs(filters, catalogue), filters, catalogue, threshold, today, min_n)


def report_for(filters: ReportFilters) -> EvaluatorReport:
    """The report as this deployment makes it today: with its questionnaires, its
    suppression threshold and its minimum n for tests. The page, the API and the
    command line all call this, so they cannot disagree."""
    return evaluator_report(
        filters, current_app.extensions["questionnaires"],
        current_app.config["SUPPRESSION_THRESHOLD"], clock.today(),
        current_app.config["MIN_N_FOR_TESTS"],
    )


def record_viewed(user: User, filters: ReportFilters, via: str, **details: str) -> None:
    """Put a report someone was given in the audit trail, with the selection it covered.

    Each report is suppressed on its own, so two whose selections differ by a few
    participants can together show those few; the trail lets an association see who
    asked for which. ``via`` is how it was given: ``page``, ``file``, ``chart`` or
    ``api``. The caller commits.
    """
    audit.record(user, "view_report", filters.scope, via=via, **details, **filters.narrowing())


def analyse(
    inputs: ReportInputs, filters: ReportFilters, catalogue: Catalogue, threshold: int,
    today: date, min_n: int = MIN_N_FOR_TESTS,
) -> EvaluatorReport:
    """The report's figures from what was read; touches no database. Cells describing
    fewer than ``threshold`` participants are hidden; no test or interval is computed
    on fewer than ``min_n``.

    The domain table's statistics (bootstrap intervals and tests for every domain and
    group), the longest part, start first, in another thread, before suppression has
    said which of them the table publishes (``domain_statistics``): their cost is
    numpy's on whole columns, which releases the GIL. Meanwhile this thread works out
    targets, attrition, reliable change and the sizes the domain table hides, which
    hide each other's sizes (``sizes_together``), then the step tables; the
    participants' progress through the schedule, which those need, is worked out in
    a third thread while the answers are scored.

    BLAS is kept to one thread meanwhile. For the larger matrix products it would
    start threads of its own, which then keep spinning, waiting for more work, on
    the cores these threads need: a large report took a fifth longer.

    Interval code silences scipy's warnings on degenerate resamples with
    ``bootstrap.quiet``, here in several threads at once; entered around them all,
    it has the caller's own warning filters back once every thread is done.
    """
    data = inputs.data
    # The domain statistics hold one thread while their own pool works; the progress
    # takes another, and a thread more than that pool is enough for both.
    with (threadpool_limits(limits=1, user_api="blas"), bootstrap.quiet(),
          ThreadPoolExecutor(WORKERS + 1) as pool):
        progress = pool.submit(participant_progress, data, today)
        scored = ScoredAnswers.of(data, catalogue)
        domain_scores = domain_change_scores(data, scored, catalogue)
        statistics = pool.submit(domain_statistics, domain_scores, min_n)
        changes = dict(zip(domain_scores.domains,
                           (domain_scores.after - domain_scores.before).T, strict=True))
        together = sizes_together(inputs, domain_scores, changes, scored, progress.result(),
                                  catalogue, threshold, min_n)
        judged, attrition = together.targets, together.attrition
        steps = steps_of(data, catalogue)
        completer_steps = steps_of(data, catalogue, completers=True)
        ladder_tables = step_tables(steps, ladder_steps(catalogue), threshold, completer_steps)
        table, completers = ladder_tables.movement, ladder_tables.completers
        parts = parts_below(filters.scope, data)
        years = enrolment_years(data)
        # Keyword arguments are evaluated in order: this thread's own figures first,
        # then what the other threads computed meanwhile.
        return EvaluatorReport(
            threshold=threshold,
            min_n=min_n,
            improved_difference=improved_share_difference(steps, table, min_n),
            completers=completers,
            completers_statistics=movement_statistics(completer_steps, completers, min_n),
            by_age_band=movement_breakdown(steps, data.age_band, AGE_BAND_LABELS, table, threshold),
            by_enrolment_year=movement_breakdown(steps, years.of_participant, years.keys, table,
                                                 threshold),
            by_organisation=movement_breakdown(steps, parts.of_participant, parts.keys, table,
                                               threshold),
            transitions=ladder_tables.transitions,
            movement=table,
            statistics=movement_statistics(steps, table, min_n),
            distribution=ladder_tables.distribution,
            targets=judged,
            targets_set_on=inputs.targets_set_on,
            reliable_change=together.reliable_change,
            attrition=attrition,
            monthly=monthly_beside(data, filters, today, threshold, attrition, judged),
            domains=domain_change_table(domain_scores, threshold, min_n,
                                        together.domain_sizes, statistics.result()),
        )
