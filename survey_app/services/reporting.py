"""Glue between the database and ``analysis``: query plain rows, call pure functions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from analysis import MovementTable, StepDistribution, StepObservation, movement_table
from analysis import step_distribution as distribution_of
from analysis.age import AGE_BAND_LABELS, age_band, age_range
from analysis.attrition import AttritionTable, ParticipantProgress, attrition_table
from analysis.domains import DomainChangeTable, DomainObservation, domain_change_table, domain_score
from analysis.monthly import MonthlyTable, monthly_table, months_between
from analysis.movement import (
    MovementBreakdown,
    MovementStatistics,
    TransitionTable,
    improved_share_difference,
    movement_breakdown,
    movement_statistics,
    transition_table,
)
from analysis.reliability import ReliableChangeTable, ScaleAnswers, reliable_change_table
from analysis.statistics import ShareDifference
from analysis.targets import TargetResult, target_result
from questionnaires import Catalogue
from survey_app.extensions import db
from survey_app.models import (
    Answer,
    ExitOutcome,
    Occasion,
    OccasionKind,
    Organisation,
    Participant,
    Response,
)
from survey_app.models.organisation import PATH_SEPARATOR
from survey_app.services import organisations, schedule, targets
from survey_app.services.responses import DEFAULT_QUESTIONNAIRE

#: Age at enrolment, in whole years as the calendar gives them.
AGE_AT_ENROLMENT = sa.extract("year", Participant.enrolled_on) - Participant.birth_year


@dataclass(frozen=True)
class ReportFilters:
    """Which participants a report covers: a subtree, optionally narrowed by enrolment
    period and age band, and which answers: optionally one questionnaire version."""

    scope: Organisation
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    age_band: str | None = None
    questionnaire_version: int | None = None

    def participant_conditions(self) -> list[sa.ColumnElement[bool]]:
        """Conditions on Participant and its Organisation (joined by the caller)."""
        conditions = [organisations.subtree_clause(self.scope)]
        if self.enrolled_from is not None:
            conditions.append(Participant.enrolled_on >= self.enrolled_from)
        if self.enrolled_to is not None:
            conditions.append(Participant.enrolled_on <= self.enrolled_to)
        if self.age_band is not None:
            low, high = age_range(self.age_band)
            if low is not None:
                conditions.append(AGE_AT_ENROLMENT >= low)
            if high is not None:
                conditions.append(AGE_AT_ENROLMENT <= high)
        return conditions

    def response_conditions(self) -> list[sa.ColumnElement[bool]]:
        if self.questionnaire_version is None:
            return []
        return [Response.questionnaire_version == self.questionnaire_version]


# Latest occasion first: exit beats any follow-up, a later follow-up an earlier one.
_KIND_ORDER = {OccasionKind.INTAKE: 0, OccasionKind.FOLLOWUP: 1, OccasionKind.EXIT: 2}


@dataclass
class AnsweredResponse:
    """One submitted response, with its answers' values by item id (None when missing)."""

    kind: OccasionKind
    sequence: int
    slug: str
    version: int
    values: dict[str, int | None] = field(default_factory=dict)

    @property
    def order(self) -> tuple[int, int]:
        return (_KIND_ORDER[self.kind], self.sequence)


@dataclass
class ParticipantAnswers:
    gender: str
    exit_outcome: ExitOutcome | None = None
    age_band: str = ""
    #: Path of the participant's organisation, for breakdowns by part of the tree.
    organisation_path: str = ""
    intake: AnsweredResponse | None = None
    #: The latest answered occasion after intake: exit if answered, else the last follow-up.
    latest: AnsweredResponse | None = None

    @property
    def exit(self) -> AnsweredResponse | None:
        """The exit response, when answered."""
        latest = self.latest
        return latest if latest is not None and latest.kind == OccasionKind.EXIT else None


def answered_responses(filters: ReportFilters) -> dict[int, ParticipantAnswers]:
    """Every participant covered, with their intake response and their latest one."""
    people = {
        participant_id: ParticipantAnswers(gender.value, exit_outcome, age_band(int(age)), path)
        for participant_id, gender, exit_outcome, age, path in db.session.execute(
            sa.select(Participant.id, Participant.gender, Participant.exit_outcome,
                      AGE_AT_ENROLMENT, Organisation.path)
            .join(Participant.organisation)
            .where(*filters.participant_conditions())
        )
    }
    rows = db.session.execute(
        sa.select(
            Response.id, Occasion.participant_id, Occasion.kind, Occasion.sequence,
            Response.questionnaire_slug, Response.questionnaire_version,
            Answer.item_id, Answer.value,
        )
        .join(Occasion, Response.occasion_id == Occasion.id)
        .join(Participant, Participant.id == Occasion.participant_id)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(*filters.participant_conditions(), *filters.response_conditions(),
               Response.submitted_at.is_not(None))
    )
    responses: dict[int, tuple[int, AnsweredResponse]] = {}
    for response_id, participant_id, kind, sequence, slug, version, item_id, value in rows:
        _, response = responses.setdefault(
            response_id, (participant_id, AnsweredResponse(kind, sequence, slug, version))
        )
        if item_id is not None:
            response.values[item_id] = value
    for participant_id, response in responses.values():
        person = people[participant_id]
        if response.kind == OccasionKind.INTAKE:
            person.intake = response
        elif person.latest is None or response.order > person.latest.order:
            person.latest = response
    return people


def step_observations(filters: ReportFilters, catalogue: Catalogue) -> list[StepObservation]:
    """Each participant covered, with the ladder step at intake and at the latest occasion.

    A "don't know" on the ladder at the latest occasion leaves the movement
    unmeasurable; an older answer is not used in its place.
    """
    return _steps(answered_responses(filters), catalogue)


def _steps(
    people: dict[int, ParticipantAnswers], catalogue: Catalogue, *, completers: bool = False
) -> list[StepObservation]:
    """Intake and latest step; with ``completers``, intake and exit (None without exit)."""

    def step(response: AnsweredResponse | None) -> int | None:
        if response is None:
            return None
        ladder = catalogue.get(response.slug, response.version).definition.ladder_item
        return None if ladder is None else response.values.get(ladder.id)

    return [
        StepObservation(
            participant_id, person.gender, step(person.intake),
            step(person.exit if completers else person.latest),
        )
        for participant_id, person in people.items()
    ]


def ladder_steps(catalogue: Catalogue) -> list[int]:
    """The step values of the current ladder, for chart axes."""
    definition = catalogue.latest(DEFAULT_QUESTIONNAIRE).definition
    item = definition.ladder_item
    if item is None:
        return []
    return [point.value for point in definition.scale_for(item).points]


def movement_report(filters: ReportFilters, catalogue: Catalogue, threshold: int) -> MovementTable:
    return movement_table(step_observations(filters, catalogue), threshold)


def step_distribution(
    filters: ReportFilters, catalogue: Catalogue, threshold: int
) -> StepDistribution:
    observations = step_observations(filters, catalogue)
    return distribution_of(observations, ladder_steps(catalogue), threshold)


def participant_progress(filters: ReportFilters, today: date) -> list[ParticipantProgress]:
    """For attrition: what each participant covered has answered, and what fell due.

    An occasion counts as due once its answering window has passed (overdue or
    missed) or it was answered; one still open is not yet counted against anyone.
    """
    participants = db.session.scalars(
        sa.select(Participant)
        .join(Participant.organisation)
        .where(*filters.participant_conditions())
        .options(selectinload(Participant.occasions).selectinload(Occasion.response))
    ).all()
    closed = {
        schedule.OccasionStatus.COMPLETED, schedule.OccasionStatus.OVERDUE,
        schedule.OccasionStatus.MISSED,
    }
    progress = []
    for participant in participants:
        plan = schedule.plan(participant, today)
        answered = Counter(
            p.kind.value for p in plan if p.status == schedule.OccasionStatus.COMPLETED
        )
        due = Counter(p.kind.value for p in plan if p.status in closed)
        progress.append(
            ParticipantProgress(participant.gender.value, answered=dict(answered), due=dict(due))
        )
    return progress


def domain_scores(response: AnsweredResponse, catalogue: Catalogue) -> dict[str, float | None]:
    """The response's score per domain, with the questionnaire version it was answered with.

    Domains are those with scored items, other than the ladder's own: step
    movement reports that one.
    """
    definition = catalogue.get(response.slug, response.version).definition
    ladder = definition.ladder_item
    by_domain: dict[str, list[float | None]] = {}
    for item in definition.items_for(response.kind.value):
        if not item.question_type.scored or (ladder is not None and item.domain == ladder.domain):
            continue
        by_domain.setdefault(item.domain, []).append(
            item.question_type.score(item, definition, response.values.get(item.id))
        )
    return {domain: domain_score(values) for domain, values in by_domain.items()}


def domain_observations(
    filters: ReportFilters, catalogue: Catalogue
) -> list[DomainObservation]:
    """Each participant's score per domain at intake and at their latest answered occasion."""
    return _domains(answered_responses(filters), catalogue)


def _domains(
    people: dict[int, ParticipantAnswers], catalogue: Catalogue
) -> list[DomainObservation]:
    observations = []
    for participant_id, person in people.items():
        if person.intake is None or person.latest is None:
            continue
        before = domain_scores(person.intake, catalogue)
        after = domain_scores(person.latest, catalogue)
        observations += [
            DomainObservation(participant_id, person.gender, domain, before[domain], after[domain])
            for domain in before
            if domain in after
        ]
    # Report domains in the order the questionnaire asks them.
    definition = catalogue.latest(DEFAULT_QUESTIONNAIRE).definition
    order = {domain: i for i, domain in enumerate(definition.domains)}
    return sorted(observations, key=lambda o: order.get(o.domain, len(order)))


@dataclass(frozen=True)
class EvaluatorReport:
    movement: MovementTable
    statistics: MovementStatistics
    distribution: StepDistribution
    domains: DomainChangeTable
    attrition: AttritionTable
    targets: list[JudgedTarget]
    #: Where the targets were set; None when they are Stegvis' defaults.
    targets_set_on: Organisation | None
    #: Women's share moved up minus men's (Newcombe), when both can be shown.
    improved_difference: ShareDifference | None
    #: Intake to exit only, for those who answered both.
    completers: MovementTable
    completers_statistics: MovementStatistics
    by_age_band: MovementBreakdown
    #: By the part of the tree directly below the scope.
    by_organisation: MovementBreakdown
    #: Reliable change on the whole self-assessment and on each multi-item domain.
    reliable_change: list[ReliableChangeTable]
    #: Steps at intake and exit among those who answered both.
    exit_distribution: StepDistribution
    transitions: TransitionTable
    monthly: MonthlyTable


#: How far back the monthly figures reach.
MONTHLY_SPAN = 24


def monthly_report(filters: ReportFilters, today: date, threshold: int) -> MonthlyTable:
    """Enrolments and exits per month by gender, from the first enrolment (at most
    two years back, or the chosen period) to this month."""
    rows = db.session.execute(
        sa.select(Participant.enrolled_on, Participant.exited_on, Participant.gender)
        .join(Participant.organisation)
        .where(*filters.participant_conditions())
    ).all()
    last = min(filters.enrolled_to or today, today)
    earliest = date(today.year - MONTHLY_SPAN // 12, today.month, 1)
    first = max(filters.enrolled_from or earliest, earliest)
    if rows:
        first = max(first, min(enrolled for enrolled, _, _ in rows).replace(day=1))
    events = {
        "enrolled": [(enrolled, gender.value) for enrolled, _, gender in rows],
        "exited": [(exited, gender.value) for _, exited, gender in rows if exited is not None],
    }
    return monthly_table(events, months_between(first, last) if rows else [], threshold)


#: The whole self-assessment: every scored statement asked at intake, ladder aside.
OVERALL_SCALE = "overall"


def reliable_change_tables(
    people: dict[int, ParticipantAnswers], catalogue: Catalogue, threshold: int
) -> list[ReliableChangeTable]:
    """Reliable change on the overall scale and on every domain with two or more items."""
    definition = catalogue.latest(DEFAULT_QUESTIONNAIRE).definition
    ladder = definition.ladder_item
    scored = [
        item for item in definition.items_for(OccasionKind.INTAKE.value)
        if item.question_type.scored and (ladder is None or item.domain != ladder.domain)
    ]
    scales = {OVERALL_SCALE: scored}
    for domain in definition.domains:
        in_domain = [item for item in scored if item.domain == domain]
        if len(in_domain) >= 2:
            scales[domain] = in_domain

    def scores(response: AnsweredResponse, items: list) -> list[float | None]:
        answered = catalogue.get(response.slug, response.version).definition
        return [item.question_type.score(item, answered, response.values.get(item.id))
                for item in items]

    return [
        reliable_change_table(
            scale,
            [
                ScaleAnswers(person.gender, scores(person.intake, items),
                             scores(person.latest, items) if person.latest else None)
                for person in people.values() if person.intake is not None
            ],
            threshold,
        )
        for scale, items in scales.items()
    ]


def _parts_below(scope: Organisation, people: dict[int, ParticipantAnswers]) -> dict[int, str]:
    """Each participant's part of the tree: the node directly below the scope, or the
    scope itself for those enrolled at its own level."""
    prefix = scope.path + PATH_SEPARATOR
    return {
        participant_id: (
            person.organisation_path.removeprefix(prefix).split(PATH_SEPARATOR)[0]
            if person.organisation_path.startswith(prefix) else scope.name
        )
        for participant_id, person in people.items()
    }


@dataclass(frozen=True)
class JudgedTarget:
    definition: targets.TargetDefinition
    result: TargetResult


def evaluator_report(
    filters: ReportFilters, catalogue: Catalogue, threshold: int, today: date
) -> EvaluatorReport:
    """Everything on the evaluator's report page, from one read of the answers."""
    people = answered_responses(filters)
    observations = _steps(people, catalogue)
    table = movement_table(observations, threshold)
    domain_observations = _domains(people, catalogue)
    changes = {(o.participant, o.domain): o.change for o in domain_observations}
    definitions, set_on = targets.targets_for(filters.scope)
    completer_observations = _steps(people, catalogue, completers=True)
    completers = movement_table(completer_observations, threshold)
    parts = _parts_below(filters.scope, people)
    return EvaluatorReport(
        improved_difference=improved_share_difference(observations, table),
        completers=completers,
        completers_statistics=movement_statistics(completer_observations, completers),
        by_age_band=movement_breakdown(
            [(people[o.participant].age_band, o) for o in observations], AGE_BAND_LABELS,
            table, threshold,
        ),
        by_organisation=movement_breakdown(
            [(parts[o.participant], o) for o in observations], sorted(set(parts.values())),
            table, threshold,
        ),
        reliable_change=reliable_change_tables(people, catalogue, threshold),
        exit_distribution=distribution_of(completer_observations, ladder_steps(catalogue),
                                          threshold),
        transitions=transition_table(observations, ladder_steps(catalogue), threshold),
        monthly=monthly_report(filters, today, threshold),
        movement=table,
        statistics=movement_statistics(observations, table),
        distribution=distribution_of(observations, ladder_steps(catalogue), threshold),
        domains=domain_change_table(domain_observations, threshold),
        attrition=attrition_table(participant_progress(filters, today), threshold),
        targets=[
            JudgedTarget(d, target_result(targets.observations(d, people, changes), d.goal,
                                          threshold))
            for d in definitions
        ],
        targets_set_on=set_on,
    )
