"""Glue between the database and ``analysis``: query plain rows, call pure functions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from analysis import MovementTable, StepDistribution, StepObservation, movement_table
from analysis import step_distribution as distribution_of
from analysis.attrition import AttritionTable, ParticipantProgress, attrition_table
from analysis.domains import DomainChangeTable, DomainObservation, domain_change_table, domain_score
from analysis.movement import MovementStatistics, movement_statistics
from questionnaires import Catalogue
from survey_app.extensions import db
from survey_app.models import Answer, Occasion, OccasionKind, Organisation, Participant, Response
from survey_app.services import organisations, schedule
from survey_app.services.responses import DEFAULT_QUESTIONNAIRE


@dataclass(frozen=True)
class ReportFilters:
    """Which participants a report covers: a subtree, optionally an enrolment period."""

    scope: Organisation
    enrolled_from: date | None = None
    enrolled_to: date | None = None

    def participant_conditions(self) -> list[sa.ColumnElement[bool]]:
        """Conditions on Participant and its Organisation (joined by the caller)."""
        conditions = [organisations.subtree_clause(self.scope)]
        if self.enrolled_from is not None:
            conditions.append(Participant.enrolled_on >= self.enrolled_from)
        if self.enrolled_to is not None:
            conditions.append(Participant.enrolled_on <= self.enrolled_to)
        return conditions


# Latest occasion first: exit beats any follow-up, a later follow-up an earlier one.
_KIND_ORDER = {OccasionKind.INTAKE: 0, OccasionKind.FOLLOWUP: 1, OccasionKind.EXIT: 2}


def ladder_item_ids(catalogue: Catalogue) -> set[tuple[str, int, str]]:
    """(slug, version, item id) of the ladder item of every questionnaire version."""
    return {
        (q.definition.slug, q.definition.version, q.definition.ladder_item.id)
        for q in catalogue
        if q.definition.ladder_item is not None
    }


def step_observations(filters: ReportFilters, catalogue: Catalogue) -> list[StepObservation]:
    """Each participant covered with their intake step and latest step, if answered."""
    ladder_items = ladder_item_ids(catalogue)
    participants = db.session.execute(
        sa.select(Participant.id, Participant.gender)
        .join(Participant.organisation)
        .where(*filters.participant_conditions())
    ).all()
    steps = db.session.execute(
        sa.select(
            Occasion.participant_id, Occasion.kind, Occasion.sequence,
            Response.questionnaire_slug, Response.questionnaire_version, Answer.item_id,
            Answer.value,
        )
        .join(Response, Response.occasion_id == Occasion.id)
        .join(Answer, Answer.response_id == Response.id)
        .join(Participant, Participant.id == Occasion.participant_id)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .where(
            *filters.participant_conditions(),
            Response.submitted_at.is_not(None),
            Answer.value.is_not(None),
        )
    ).all()

    intake: dict[int, int] = {}
    latest: dict[int, tuple[tuple[int, int], int]] = {}
    for participant_id, kind, sequence, slug, version, item_id, value in steps:
        if (slug, version, item_id) not in ladder_items:
            continue
        if kind == OccasionKind.INTAKE:
            intake[participant_id] = value
            continue
        order = _latest_order(kind, sequence)
        if participant_id not in latest or order > latest[participant_id][0]:
            latest[participant_id] = (order, value)

    return [
        StepObservation(
            participant=participant_id,
            gender=gender.value,
            intake_step=intake.get(participant_id),
            latest_step=latest[participant_id][1] if participant_id in latest else None,
        )
        for participant_id, gender in participants
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
            ParticipantProgress(
                gender=participant.gender.value,
                answered_intake=answered["intake"] > 0,
                answered_followup=answered["followup"] > 0,
                answered_exit=answered["exit"] > 0,
                due=dict(due),
                answered=dict(answered),
            )
        )
    return progress


def _latest_order(kind: OccasionKind, sequence: int) -> tuple[int, int]:
    return (_KIND_ORDER[kind], sequence)


def domain_observations(
    filters: ReportFilters, catalogue: Catalogue
) -> list[DomainObservation]:
    """Each participant's score per domain at intake and at their latest answered occasion.

    Domains are those with scored items, other than the ladder's own (step
    movement covers it). Each response is scored with the questionnaire version
    it was answered with.
    """
    rows = db.session.execute(
        sa.select(
            Response.id, Occasion.participant_id, Participant.gender, Occasion.kind,
            Occasion.sequence, Response.questionnaire_slug, Response.questionnaire_version,
            Answer.item_id, Answer.value,
        )
        .join(Occasion, Response.occasion_id == Occasion.id)
        .join(Participant, Participant.id == Occasion.participant_id)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(*filters.participant_conditions(), Response.submitted_at.is_not(None))
    ).all()

    responses: dict[int, dict] = {}
    for response_id, participant_id, gender, kind, sequence, slug, version, item_id, value in rows:
        response = responses.setdefault(response_id, {
            "participant": participant_id, "gender": gender.value, "kind": kind,
            "order": _latest_order(kind, sequence), "slug": slug, "version": version,
            "values": {},
        })
        if item_id is not None:
            response["values"][item_id] = value

    intake, latest = {}, {}
    for response in responses.values():
        participant = response["participant"]
        if response["kind"] == OccasionKind.INTAKE:
            intake[participant] = response
        elif participant not in latest or response["order"] > latest[participant]["order"]:
            latest[participant] = response

    def scores(response: dict) -> dict[str, float | None]:
        definition = catalogue.get(response["slug"], response["version"]).definition
        ladder = definition.ladder_item
        items = [
            item for item in definition.items_for(response["kind"].value)
            if item.question_type.scored and (ladder is None or item.domain != ladder.domain)
        ]
        by_domain: dict[str, list[float | None]] = {}
        for item in items:
            by_domain.setdefault(item.domain, []).append(
                item.question_type.score(item, definition, response["values"].get(item.id))
            )
        return {domain: domain_score(values) for domain, values in by_domain.items()}

    observations = []
    for participant, first in intake.items():
        if participant not in latest:
            continue
        before, after = scores(first), scores(latest[participant])
        for domain in before:
            if domain in after:
                observations.append(
                    DomainObservation(participant, first["gender"], domain, before[domain],
                                      after[domain])
                )
    # Report domains in the order the questionnaire asks them.
    order = {d: i for i, d in enumerate(catalogue.latest(DEFAULT_QUESTIONNAIRE).definition.domains)}
    return sorted(observations, key=lambda o: order.get(o.domain, len(order)))


@dataclass(frozen=True)
class EvaluatorReport:
    movement: MovementTable
    statistics: MovementStatistics
    distribution: StepDistribution
    domains: DomainChangeTable
    attrition: AttritionTable


def evaluator_report(
    filters: ReportFilters, catalogue: Catalogue, threshold: int, today: date
) -> EvaluatorReport:
    """Everything on the evaluator's report page."""
    observations = step_observations(filters, catalogue)
    table = movement_table(observations, threshold)
    return EvaluatorReport(
        movement=table,
        statistics=movement_statistics(observations, table),
        distribution=distribution_of(observations, ladder_steps(catalogue), threshold),
        domains=domain_change_table(domain_observations(filters, catalogue), threshold),
        attrition=attrition_table(participant_progress(filters, today), threshold),
    )
