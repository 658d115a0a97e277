"""Occasion statuses on given days, from the rules in DESIGN.md."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.models import Occasion, OccasionKind, Participant, Response, ResponseMode
from survey_app.services.schedule import (
    OccasionStatus,
    StoredColumns,
    StoredOccasion,
    current,
    followup_due_on,
    followups_due_on,
    occasion_counts,
    plan,
)
from survey_app.services.schedule import statuses as plain_statuses

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
    # The array form the report uses gives the same dates.
    many = followups_due_on(np.array([enrolled], dtype="datetime64[D]"), np.array([number]))
    assert many.tolist() == [due]



def test_array_follow_ups_agree_with_the_single_date_rule_on_every_day():
    # Every enrolment day of six years, leap days and month ends included, each
    # participant with a different follow-up number.
    enrolled = np.arange("2023-01-01", "2029-01-01", dtype="datetime64[D]")
    numbers = np.arange(enrolled.size) % 12 + 1
    expected = [followup_due_on(day, int(n))
                for day, n in zip(enrolled.tolist(), numbers.tolist(), strict=True)]
    assert followups_due_on(enrolled, numbers).tolist() == expected
    assert followups_due_on(enrolled[:0], numbers[:0]).size == 0

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


# --- Many participants at once: occasion_counts against statuses -------------------

def _stored_choices(draw, enrolled: date, exited: date | None, today: date):
    """Stored occasions for some of the participant's planned ones, some started or
    submitted, a few with a due date moved (as an older schedule may have stored)."""
    stored = {}
    for kind, sequence, due_on, _ in plain_statuses(enrolled, exited, {}, today):
        if draw(st.booleans()):
            shift = draw(st.sampled_from([0, 0, 0, -3, 20]))
            started = draw(st.booleans())
            submitted = started and draw(st.booleans())
            stored[(kind, sequence)] = StoredOccasion(
                due_on + timedelta(days=shift), started, submitted
            )
    return stored


@st.composite
def schedules(draw):
    today = draw(st.dates(date(2024, 1, 1), date(2028, 12, 31)))
    people = []
    for _ in range(draw(st.integers(1, 6))):
        enrolled = today - timedelta(days=draw(st.integers(-40, 1500)))
        exited = None
        if draw(st.booleans()):
            exited = enrolled + timedelta(days=draw(st.integers(0, 1500)))
        people.append((enrolled, exited, _stored_choices(draw, enrolled, exited, today)))
    return today, people


@given(schedules())
@settings(max_examples=300, deadline=None)
def test_counts_for_many_agree_with_statuses_one_by_one(case):
    today, people = case
    rows = [(row, kind.value, sequence, stored.due_on, stored.started, stored.submitted)
            for row, (_, _, occasions) in enumerate(people)
            for (kind, sequence), stored in occasions.items()]
    columns = list(zip(*rows, strict=True)) if rows else [[]] * 6
    counts = occasion_counts(
        np.array([enrolled for enrolled, _, _ in people], dtype="datetime64[D]"),
        np.array([exited or "NaT" for _, exited, _ in people], dtype="datetime64[D]"),
        StoredColumns(
            row=np.array(columns[0], dtype=int), kind=np.array(columns[1], dtype=str),
            sequence=np.array(columns[2], dtype=int),
            due_on=np.array(columns[3], dtype="datetime64[D]"),
            started=np.array(columns[4], dtype=bool), submitted=np.array(columns[5], dtype=bool),
        ),
        today,
    )
    closed = {S.COMPLETED, S.OVERDUE, S.MISSED}
    for row, (enrolled, exited, occasions) in enumerate(people):
        one_by_one = list(plain_statuses(enrolled, exited, occasions, today))
        for kind in OccasionKind:
            answered = sum(1 for k, _, _, s in one_by_one if k == kind and s == S.COMPLETED)
            due = sum(1 for k, _, _, s in one_by_one if k == kind and s in closed)
            assert (counts.answered[kind.value][row], counts.due[kind.value][row]) == (
                answered, due
            ), (kind, one_by_one)
