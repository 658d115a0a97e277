"""Enrolling a participant: a pseudonymous code, never a personnummer."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from survey_app.extensions import db
from survey_app.models import Gender, Occasion, OccasionKind, Organisation, Participant, User
from survey_app.services import ServiceError, audit

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$")
# YYMMDD or YYYYMMDD, optional - or +, four digits: the shape of a personnummer or
# samordningsnummer. Stegvis must never hold one, so such codes are refused.
PERSONAL_NUMBER_SHAPE = re.compile(r"(?<!\d)(\d{2})?\d{6}[-+]?\d{4}(?!\d)")
MIN_BIRTH_YEAR = 1900


def check_code(code: str) -> str:
    code = code.strip()
    if PERSONAL_NUMBER_SHAPE.search(code.replace(" ", "")):
        raise ServiceError(
            _l("The code looks like a personal identity number. Use a pseudonymous code."),
            field="code",
        )
    if not CODE_PATTERN.match(code):
        raise ServiceError(
            _l("Use 2–40 letters (a–z), digits, hyphens or underscores."), field="code"
        )
    if db.session.scalar(sa.select(Participant.id).where(Participant.code == code)) is not None:
        raise ServiceError(_l("A participant with that code already exists."), field="code")
    return code


def enrol(
    *,
    code: str,
    gender: Gender,
    birth_year: int,
    organisation: Organisation,
    language: str,
    prefers_easy_read: bool,
    coach: User | None,
    today: date,
) -> Participant:
    """Create the participant and their intake occasion, due at once."""
    code = check_code(code)
    if not MIN_BIRTH_YEAR <= birth_year <= today.year:
        raise ServiceError(_l("Enter a birth year between 1900 and this year."), "birth_year")
    participant = Participant(
        code=code, gender=gender, birth_year=birth_year, organisation=organisation,
        language=language, prefers_easy_read=prefers_easy_read, coach=coach, enrolled_on=today,
    )
    participant.occasions.append(
        Occasion(kind=OccasionKind.INTAKE, sequence=0, due_on=today)
    )
    db.session.add(participant)
    db.session.flush()
    audit.record(coach, "enrol", participant, organisation=organisation.path)
    return participant
