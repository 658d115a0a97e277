"""A coach's caseload: everyone in their organisation tree and what is next for each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from survey_app.extensions import db
from survey_app.models import Occasion, Participant, User
from survey_app.services import organisations, schedule
from survey_app.services.schedule import OccasionStatus, PlannedOccasion

#: Most pressing first: what a coach should act on today heads the list.
URGENCY = {
    OccasionStatus.OVERDUE: 0,
    OccasionStatus.DUE: 1,
    OccasionStatus.IN_PROGRESS: 2,
    OccasionStatus.SCHEDULED: 3,
    OccasionStatus.MISSED: 4,
    OccasionStatus.COMPLETED: 5,
}


class SortKey(StrEnum):
    URGENCY = "urgency"
    CODE = "code"
    SUBPROJECT = "subproject"
    GENDER = "gender"
    ENROLLED = "enrolled"
    DUE = "due"


@dataclass(frozen=True)
class CaseloadRow:
    participant: Participant
    #: The occasion to act on: the open one, else the next to come, else the last.
    next: PlannedOccasion | None

    @property
    def status(self) -> OccasionStatus | None:
        return self.next.status if self.next is not None else None


_SORT_KEYS: dict[SortKey, Callable[[CaseloadRow], Any]] = {
    SortKey.URGENCY: lambda row: (
        URGENCY[row.status] if row.status else len(URGENCY),
        row.next.due_on if row.next else date.max,
    ),
    SortKey.CODE: lambda row: row.participant.code.casefold(),
    SortKey.SUBPROJECT: lambda row: row.participant.organisation.path.casefold(),
    SortKey.GENDER: lambda row: row.participant.gender.value,
    SortKey.ENROLLED: lambda row: row.participant.enrolled_on,
    SortKey.DUE: lambda row: row.next.due_on if row.next else date.max,
}


@dataclass(frozen=True)
class CaseloadFilters:
    status: OccasionStatus | None = None
    organisation_id: int | None = None
    due_this_week: bool = False
    sort: SortKey = SortKey.URGENCY
    descending: bool = False


@dataclass
class Caseload:
    rows: list[CaseloadRow]
    #: Over the whole caseload, before filtering: "4 due, 2 overdue".
    counts: Counter[OccasionStatus] = field(default_factory=Counter)
    total: int = 0


def next_occasion(participant: Participant, today: date) -> PlannedOccasion | None:
    plan = schedule.plan(participant, today)
    for wanted in (schedule.OPEN_STATUSES, (OccasionStatus.SCHEDULED,)):
        found = next((p for p in plan if p.status in wanted), None)
        if found is not None:
            return found
    return plan[-1] if plan else None


def week_of(today: date) -> tuple[date, date]:
    """Monday and Sunday of the week ``today`` falls in."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def _keep(row: CaseloadRow, filters: CaseloadFilters, week: tuple[date, date]) -> bool:
    if filters.status is not None and row.status != filters.status:
        return False
    organisation_id = filters.organisation_id
    if organisation_id is not None and row.participant.organisation_id != organisation_id:
        return False
    if filters.due_this_week:
        return (
            row.next is not None
            and row.status != OccasionStatus.COMPLETED
            and week[0] <= row.next.due_on <= week[1]
        )
    return True


def caseload(user: User, today: date, filters: CaseloadFilters) -> Caseload:
    participants = db.session.scalars(
        sa.select(Participant)
        .join(Participant.organisation)
        .where(organisations.subtree_clause(user.organisation), Participant.anonymised_at.is_(None))
        .options(
            selectinload(Participant.organisation),
            selectinload(Participant.occasions).selectinload(Occasion.response),
        )
    ).all()
    everyone = [CaseloadRow(p, next_occasion(p, today)) for p in participants]
    counts = Counter(row.status for row in everyone if row.status is not None)
    week = week_of(today)
    rows = [row for row in everyone if _keep(row, filters, week)]
    # Code breaks ties, so the order is the same on every visit.
    rows.sort(key=_SORT_KEYS[SortKey.CODE])
    rows.sort(key=_SORT_KEYS[filters.sort], reverse=filters.descending)
    return Caseload(rows, counts, len(everyone))
