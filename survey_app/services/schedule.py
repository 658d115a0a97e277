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

import numpy as np
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


@dataclass(frozen=True)
class StoredColumns:
    """Stored occasions as columns, for ``occasion_counts``: one entry per occasion."""

    #: Index of the occasion's participant in the caller's arrays.
    row: np.ndarray
    kind: np.ndarray
    sequence: np.ndarray
    due_on: np.ndarray
    started: np.ndarray
    submitted: np.ndarray


@dataclass(frozen=True)
class OccasionCounts:
    """Per participant and occasion kind: occasions answered, and fallen due."""

    answered: dict[str, np.ndarray]
    #: Completed, overdue or missed: the window to answer has passed, or it was used.
    due: dict[str, np.ndarray]


def followups_due_on(enrolled_on: np.ndarray, numbers: np.ndarray) -> np.ndarray:
    """``followup_due_on`` for arrays of datetime64[D] and follow-up numbers (broadcast)."""
    return _months_later(enrolled_on, FOLLOWUP_INTERVAL_MONTHS * numbers).astype("datetime64[D]")


def _months_later(day: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Calendar months on, clamped to the month's end, as relativedelta counts them:
    whole days since 1970."""
    month = day.astype("datetime64[M]")
    day_of_month = (day - month.astype("datetime64[D]")).astype(np.int64)
    # As whole numbers (months, days), with each target month's first day and length
    # from a table of the few months spanned: datetime64 arithmetic and unit
    # conversion on every element cost most of a large report's schedule.
    target = month.astype(np.int64) + months
    if target.size == 0:
        return target
    first = target.min()
    starts = np.arange(first, target.max() + 2).astype("datetime64[M]").astype(
        "datetime64[D]").astype(np.int64)
    index = target - first
    return starts[index] + np.minimum(day_of_month, np.diff(starts)[index] - 1)


def _days(dates: np.ndarray) -> np.ndarray:
    """datetime64[D] as float days since 1970, NaN for NaT."""
    return np.where(np.isnat(dates), np.nan, dates.astype(np.int64))


def occasion_counts(
    enrolled_on: np.ndarray, exited_on: np.ndarray, stored: StoredColumns, today: date
) -> OccasionCounts:
    """What ``statuses`` gives every participant, counted per kind, for many at once.

    ``enrolled_on`` and ``exited_on`` (NaT while taking part) are datetime64[D]
    arrays. The rules are ``statuses``' own, applied to a grid of participants ×
    occasions (intake, follow-up 1 … M, exit); a test holds the two to the same
    answers on random schedules. A loop over ``statuses`` would take seconds
    for a large project.
    """
    # Dates as float days, NaN for none: datetime64 arithmetic and selection cost
    # several times as much, and NaN compares false just as NaT does.
    day = float(np.datetime64(today, "D").astype(np.int64))
    window = float(WINDOW.days)
    enrolled, exited_day = _days(enrolled_on), _days(exited_on)
    people = enrolled.size
    exited = ~np.isnan(exited_day)

    # Follow-ups planned: those due before the exit, up to and including the first
    # that opens after today. Three months are at least 89 days, so M is enough.
    longest = int(day - enrolled.min()) if people else 0
    numbers = np.arange(1, max(longest // 89 + 2, 1) + 1)
    planned_due = _months_later(enrolled_on[:, None], FOLLOWUP_INTERVAL_MONTHS * numbers)
    opens_later = planned_due - window > day
    planned = (
        (~exited[:, None] | (planned_due < exited_day[:, None]))
        & (np.cumsum(opens_later, axis=1) - opens_later == 0)
    )
    followups = planned.sum(axis=1)

    # Slot columns: 0 intake, k follow-up k, last exit. What is stored overrides the
    # slot's own due date and says whether it was started or submitted.
    exit_column = numbers.size + 1
    due = np.concatenate([enrolled[:, None], planned_due, exited_day[:, None]], axis=1)
    started = np.zeros(due.shape, bool)
    submitted = np.zeros(due.shape, bool)
    column = np.select(
        [stored.kind == OccasionKind.INTAKE.value, stored.kind == OccasionKind.EXIT.value],
        [0, exit_column], default=stored.sequence,
    )
    kept = (stored.kind != OccasionKind.FOLLOWUP.value) | (stored.sequence <= numbers.size)
    at = (stored.row[kept], column[kept])
    due[at] = stored.due_on[kept].astype(np.int64)
    started[at] = stored.started[kept]
    submitted[at] = stored.submitted[kept]

    # The slot after each: the next planned follow-up (its planned date, as in
    # ``statuses``), else the exit, else none.
    slot = np.arange(exit_column + 1)[None, :]
    after_followup = np.concatenate([planned_due - window, np.full((people, 2), np.nan)], axis=1)
    exit_opens = np.where(exited, due[:, exit_column], np.nan)[:, None]
    next_opens = np.where(slot < followups[:, None], after_followup, exit_opens)
    next_opens[:, exit_column] = np.nan
    opens = due - window
    opens[:, 0] = due[:, 0]
    opens[:, exit_column] = due[:, exit_column]

    missed = day >= next_opens
    missed[:, exit_column] |= day > due[:, exit_column] + EXIT_ANSWER_PERIOD.days
    scheduled = ~missed & (day < opens)
    overdue = ~missed & ~scheduled & ~started & (day > due + window)
    in_plan = np.concatenate([np.ones((people, 1), bool), planned, exited[:, None]], axis=1)
    completed = submitted & in_plan
    closed = (submitted | missed | overdue) & in_plan

    def per_kind(counted: np.ndarray) -> dict[str, np.ndarray]:
        return {
            OccasionKind.INTAKE.value: counted[:, 0].astype(int),
            OccasionKind.FOLLOWUP.value: counted[:, 1:exit_column].sum(axis=1),
            OccasionKind.EXIT.value: counted[:, exit_column].astype(int),
        }

    return OccasionCounts(per_kind(completed), per_kind(closed))
