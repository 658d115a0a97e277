"""When each occasion is due, and its status on a given day.

Intake is due at enrolment. Follow-up k is due k·3 calendar months after
enrolment. An occasion is ``due`` from 14 days before its due date to 14 days
after, ``overdue`` after that, and ``missed`` once the next occasion falls due.
Status is computed from dates, never stored, so it is right on any day.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from survey_app.extensions import db
from survey_app.models import Occasion, OccasionKind, Participant

FOLLOWUP_INTERVAL_MONTHS = 3
WINDOW = timedelta(days=14)
#: How long an exit occasion can still be answered before it counts as missed.
EXIT_ANSWER_PERIOD = timedelta(days=30)


class OccasionStatus(StrEnum):
    SCHEDULED = "scheduled"
    DUE = "due"
    OVERDUE = "overdue"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    MISSED = "missed"


OPEN_STATUSES = (OccasionStatus.DUE, OccasionStatus.OVERDUE, OccasionStatus.IN_PROGRESS)


# Cached: a report plans every participant, and most share their enrolment day
# with many others.
@lru_cache(maxsize=65_536)
def followup_due_on(enrolled_on: date, number: int) -> date:
    """Calendar months, clamped to the month's end: 31 January + 3 months is 30 April."""
    return enrolled_on + relativedelta(months=FOLLOWUP_INTERVAL_MONTHS * number)


def opens_on(kind: OccasionKind, due_on: date) -> date:
    return due_on if kind != OccasionKind.FOLLOWUP else due_on - WINDOW


@dataclass(frozen=True)
class PlannedOccasion:
    """An occasion as the schedule sees it: stored already, or only foreseen."""

    kind: OccasionKind
    sequence: int
    due_on: date
    status: OccasionStatus
    occasion: Occasion | None = None


@dataclass(frozen=True)
class StoredOccasion:
    """What the schedule needs to know of an occasion stored in the database."""

    due_on: date
    #: A response has been begun.
    started: bool
    submitted: bool


def _status(
    kind: OccasionKind,
    due_on: date,
    next_opens_on: date | None,
    stored: StoredOccasion | None,
    today: date,
) -> OccasionStatus:
    if stored is not None and stored.submitted:
        return OccasionStatus.COMPLETED
    if next_opens_on is not None and today >= next_opens_on:
        return OccasionStatus.MISSED
    if kind == OccasionKind.EXIT and today > due_on + EXIT_ANSWER_PERIOD:
        return OccasionStatus.MISSED
    if today < opens_on(kind, due_on):
        return OccasionStatus.SCHEDULED
    if stored is not None and stored.started:
        return OccasionStatus.IN_PROGRESS
    if today > due_on + WINDOW:
        return OccasionStatus.OVERDUE
    return OccasionStatus.DUE


def statuses(
    enrolled_on: date, exited_on: date | None,
    stored: Mapping[tuple[OccasionKind, int], StoredOccasion], today: date,
) -> Iterator[tuple[OccasionKind, int, date, OccasionStatus]]:
    """Every occasion up to and including the next one to come: kind, sequence,
    due date and status today. ``plan`` for plain data, as a report reads it."""
    slots: list[tuple[OccasionKind, int, date]] = [(OccasionKind.INTAKE, 0, enrolled_on)]
    number = 1
    while True:
        due_on = followup_due_on(enrolled_on, number)
        if exited_on is not None and due_on >= exited_on:
            break
        slots.append((OccasionKind.FOLLOWUP, number, due_on))
        if opens_on(OccasionKind.FOLLOWUP, due_on) > today:
            break  # the next one to come; later ones are not shown yet
        number += 1
    if exited_on is not None:
        exit_occasion = stored.get((OccasionKind.EXIT, 0))
        slots.append((OccasionKind.EXIT, 0, exit_occasion.due_on if exit_occasion else exited_on))

    for index, (kind, sequence, due_on) in enumerate(slots):
        occasion = stored.get((kind, sequence))
        if occasion is not None:
            due_on = occasion.due_on
        following = slots[index + 1] if index + 1 < len(slots) else None
        next_opens = opens_on(following[0], following[2]) if following else None
        yield kind, sequence, due_on, _status(kind, due_on, next_opens, occasion, today)


def plan(participant: Participant, today: date) -> list[PlannedOccasion]:
    """Every occasion up to and including the next one to come, with its status today."""
    occasions = {(o.kind, o.sequence): o for o in participant.occasions}
    stored = {
        key: StoredOccasion(
            o.due_on, o.response is not None,
            o.response is not None and o.response.submitted_at is not None,
        )
        for key, o in occasions.items()
    }
    return [
        PlannedOccasion(kind, sequence, due_on, status, occasions.get((kind, sequence)))
        for kind, sequence, due_on, status in statuses(
            participant.enrolled_on, participant.exited_on, stored, today
        )
    ]


def current(participant: Participant, today: date) -> PlannedOccasion | None:
    """The occasion the participant should answer now, if any."""
    return next((p for p in plan(participant, today) if p.status in OPEN_STATUSES), None)


def ensure_stored(participant: Participant, planned: PlannedOccasion) -> Occasion:
    """The database row for a planned occasion, created when first needed."""
    if planned.occasion is not None:
        return planned.occasion
    occasion = Occasion(
        participant=participant, kind=planned.kind, sequence=planned.sequence,
        due_on=planned.due_on,
    )
    db.session.add(occasion)
    db.session.flush()
    return occasion
