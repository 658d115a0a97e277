"""Occasion statuses on given days, from the rules in DESIGN.md."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from survey_app.models import Occasion, OccasionKind, Participant, Response, ResponseMode
from survey_app.services.schedule import OccasionStatus, current, followup_due_on, plan

S = OccasionStatus


@pytest.mark.parametrize(
    ("enrolled", "number", "due"),
    [
        (date(2026, 1, 31), 1, date(2026, 4, 30)),  # April has 30 days
        (date(2025, 11, 30), 1, date(2026, 2, 28)),  # February, common year
        (date(2027, 11, 30), 1, date(2028, 2, 29)),  # February, leap year
        (date(2026, 1, 31), 2, date(2026, 7, 31)),  # counted from enrolment, not chained
        (date(2026, 3, 15), 4, date(2027, 3, 15)),
    ],
)
def test_followups_fall_on_calendar_months(enrolled, number, due):
    assert followup_due_on(enrolled, number) == due


def person(enrolled_on: date, exited_on: date | None = None) -> Participant:
    participant = Participant(code="X", enrolled_on=enrolled_on, exited_on=exited_on)
    participant.occasions = [Occasion(kind=OccasionKind.INTAKE, sequence=0, due_on=enrolled_on)]
    return participant


def statuses(participant: Participant, today: date) -> list[tuple[str, int, S]]:
    return [(p.kind.value, p.sequence, p.status) for p in plan(participant, today)]


ENROLLED = date(2026, 1, 31)  # follow-up 1 due 2026-04-30, window opens 2026-04-16


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 31), [("intake", 0, S.DUE), ("followup", 1, S.SCHEDULED)]),
        (date(2026, 2, 14), [("intake", 0, S.DUE), ("followup", 1, S.SCHEDULED)]),
        (date(2026, 2, 15), [("intake", 0, S.OVERDUE), ("followup", 1, S.SCHEDULED)]),
        (date(2026, 4, 15), [("intake", 0, S.OVERDUE), ("followup", 1, S.SCHEDULED)]),
        (date(2026, 4, 16), [("intake", 0, S.MISSED), ("followup", 1, S.DUE),
                             ("followup", 2, S.SCHEDULED)]),
        (date(2026, 5, 14), [("intake", 0, S.MISSED), ("followup", 1, S.DUE),
                             ("followup", 2, S.SCHEDULED)]),
        (date(2026, 5, 15), [("intake", 0, S.MISSED), ("followup", 1, S.OVERDUE),
                             ("followup", 2, S.SCHEDULED)]),
    ],
)
def test_statuses_move_with_the_calendar(today, expected):
    assert statuses(person(ENROLLED), today) == expected


def answered(participant: Participant, kind: OccasionKind, sequence: int, due_on: date,
             submitted: bool = True) -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    occasion = Occasion(kind=kind, sequence=sequence, due_on=due_on)
    occasion.response = Response(
        questionnaire_slug="stegvis", questionnaire_version=1, questionnaire_hash="0" * 64,
        language="sv", mode=ResponseMode.SELF, started_at=moment,
        submitted_at=moment if submitted else None,
    )
    if kind == OccasionKind.INTAKE:
        participant.occasions = [occasion]
    else:
        participant.occasions.append(occasion)


def test_a_completed_occasion_stays_completed_and_a_started_one_is_in_progress():
    participant = person(ENROLLED)
    answered(participant, OccasionKind.INTAKE, 0, ENROLLED)
    answered(participant, OccasionKind.FOLLOWUP, 1, date(2026, 4, 30), submitted=False)
    assert statuses(participant, date(2026, 5, 1)) == [
        ("intake", 0, S.COMPLETED), ("followup", 1, S.IN_PROGRESS), ("followup", 2, S.SCHEDULED),
    ]
    assert current(participant, date(2026, 5, 1)).sequence == 1


def test_after_exit_no_more_followups_and_the_exit_is_due():
    participant = person(ENROLLED, exited_on=date(2026, 6, 10))
    assert statuses(participant, date(2026, 6, 10)) == [
        ("intake", 0, S.MISSED), ("followup", 1, S.MISSED), ("exit", 0, S.DUE),
    ]
    late = statuses(participant, date(2026, 8, 1))
    assert late[-1] == ("exit", 0, S.MISSED)


def test_nothing_is_current_between_windows():
    participant = person(ENROLLED)
    answered(participant, OccasionKind.INTAKE, 0, ENROLLED)
    assert current(participant, date(2026, 3, 1)) is None
    assert current(participant, date(2026, 4, 16)).kind == OccasionKind.FOLLOWUP
