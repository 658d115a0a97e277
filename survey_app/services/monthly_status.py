"""The monthly status report for a scope: reads who is covered and their occasions,
works out what became of each occasion due that month, and leaves the counting and
suppression to ``analysis.status_report``."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import sqlalchemy as sa
from flask import current_app

from analysis.status_report import OccasionsDue, People, StatusReport, month_bounds, status_report
from survey_app.extensions import db
from survey_app.models import (
    ExitOutcome,
    Occasion,
    OccasionKind,
    Organisation,
    Participant,
    Response,
    User,
)
from survey_app.services import audit, clock, organisations, schedule

MONTH_PATTERN = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
OUTCOMES = tuple(outcome.value for outcome in ExitOutcome)
FATES = {schedule.OccasionStatus.COMPLETED: "completed", schedule.OccasionStatus.MISSED: "missed"}


def is_month(text: str | None) -> bool:
    """"YYYY-MM" of a real month."""
    return bool(text and MONTH_PATTERN.fullmatch(text))


def status_for(scope: Organisation, month: str) -> StatusReport:
    """The status as this deployment makes it today, with its suppression threshold."""
    return monthly_status(scope, month, clock.today(), current_app.config["SUPPRESSION_THRESHOLD"])


def record_viewed(user: User, scope: Organisation, month: str, via: str, **details: str) -> None:
    """Put a monthly status someone was given in the audit trail, as
    ``reporting.record_viewed`` does for reports. The caller commits."""
    audit.record(user, "view_monthly_status", scope, via=via, month=month, **details)


def monthly_status(scope: Organisation, month: str, today: date, threshold: int) -> StatusReport:
    """The status for ``month`` ("YYYY-MM") in ``scope`` and below, as things stand today:
    an occasion due that month counts as answered, missed or still open (not yet
    answered, and its time to answer not over)."""
    first, last = month_bounds(month)
    people = db.session.execute(
        sa.select(Participant.id, Participant.gender, Participant.enrolled_on,
                  Participant.exited_on, Participant.exit_outcome)
        .join(Participant.organisation)
        .where(organisations.subtree_clause(scope), Participant.enrolled_on <= last)
        .order_by(Participant.id)
    ).all()
    stored: dict[int, dict[tuple[OccasionKind, int], schedule.StoredOccasion]] = {}
    for participant_id, kind, sequence, due_on, started, submitted in db.session.execute(
        sa.select(Occasion.participant_id, Occasion.kind, Occasion.sequence, Occasion.due_on,
                  Response.id.is_not(None), Response.submitted_at.is_not(None))
        .join(Participant, Participant.id == Occasion.participant_id)
        .join(Participant.organisation)
        .outerjoin(Response, Response.occasion_id == Occasion.id)
        .where(organisations.subtree_clause(scope), Participant.enrolled_on <= last)
    ):
        stored.setdefault(participant_id, {})[(kind, sequence)] = schedule.StoredOccasion(
            due_on, started, submitted)

    occasion_gender, fates = [], []
    for participant_id, gender, enrolled_on, exited_on, _outcome in people:
        for _kind, _sequence, due_on, status in schedule.statuses(
            enrolled_on, exited_on, stored.get(participant_id, {}), today
        ):
            if first <= due_on <= last:
                occasion_gender.append(gender.value)
                fates.append(FATES.get(status, "open"))

    columns = list(zip(*people, strict=True)) if people else [[]] * 5
    covered = People(
        gender=np.array([g.value for g in columns[1]], dtype=str),
        enrolled_on=np.array(columns[2], dtype="datetime64[D]"),
        exited_on=np.array([d or "NaT" for d in columns[3]], dtype="datetime64[D]"),
        exit_outcome=np.array([o.value if o else None for o in columns[4]], dtype=object),
    )
    return status_report(covered, OccasionsDue(np.array(occasion_gender, dtype=str),
                                                np.array(fates, dtype=str)),
                         month, OUTCOMES, threshold)
