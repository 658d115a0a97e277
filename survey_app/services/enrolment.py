"""Enrolling a participant, with consent; exit; and erasure when consent is withdrawn.

Participants are pseudonymous: a code chosen by the project, never a personnummer.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from survey_app.extensions import db
from survey_app.models import (
    Answer,
    ExitOutcome,
    Gender,
    IncomeSource,
    Occasion,
    OccasionKind,
    Occupation,
    Organisation,
    Participant,
    Response,
    User,
)
from survey_app.services import ServiceError, audit
from survey_app.services.users import normalise_email

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$")
# YYMMDD or YYYYMMDD, optional - or +, four digits: the shape of a personnummer or
# samordningsnummer. Stegvis must never hold one, so such codes are refused.
PERSONAL_NUMBER_SHAPE = re.compile(r"(?<!\d)(\d{2})?\d{6}[-+]?\d{4}(?!\d)")
MIN_BIRTH_YEAR = 1900
#: The consent text shown at enrolment is ``templates/coach/consent/<version>.html``.
#: A changed text gets a new version, so each record says which text was agreed to.
CONSENT_VERSION = "2026-1"


@dataclass(frozen=True)
class Consent:
    """What the coach records: the participant agreed, on this day, to this text."""

    given: bool
    given_on: date
    version: str = CONSENT_VERSION


@dataclass(frozen=True)
class Circumstances:
    occupation: Occupation
    income: IncomeSource


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


def _check_consent(consent: Consent, today: date) -> None:
    if not consent.given:
        raise ServiceError(
            _l("The participant must consent before they can be enrolled. "
               "Without consent, nothing about them is stored."),
            field="consent",
        )
    if consent.given_on > today:
        raise ServiceError(_l("The consent date cannot be later than today."), "consented_on")


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
    consent: Consent,
    circumstances: Circumstances,
    email: str | None = None,
) -> Participant:
    """Create the participant and their intake occasion, due at once."""
    _check_consent(consent, today)
    code = check_code(code)
    if not MIN_BIRTH_YEAR <= birth_year <= today.year:
        raise ServiceError(_l("Enter a birth year between 1900 and this year."), "birth_year")
    participant = Participant(
        code=code, gender=gender, birth_year=birth_year, organisation=organisation,
        language=language, prefers_easy_read=prefers_easy_read, coach=coach, enrolled_on=today,
        email=normalise_email(email) if email and email.strip() else None,
        consented_on=consent.given_on, consent_version=consent.version,
        consent_recorded_by=coach,
        intake_occupation=circumstances.occupation, intake_income=circumstances.income,
    )
    participant.occasions.append(
        Occasion(kind=OccasionKind.INTAKE, sequence=0, due_on=today)
    )
    db.session.add(participant)
    db.session.flush()
    audit.record(
        coach, "enrol", participant, organisation=organisation.path,
        consent_version=consent.version,
    )
    return participant


def update_details(
    participant: Participant,
    *,
    email: str | None,
    language: str,
    prefers_easy_read: bool,
    actor: User | None,
) -> list[str]:
    """Change how the participant is reached and what wording they see.

    Returns the names of the fields that changed; the audit trail gets the names
    only, never the address itself.
    """
    new = {
        "email": normalise_email(email) if email and email.strip() else None,
        "language": language,
        "prefers_easy_read": prefers_easy_read,
    }
    changed = [name for name, value in new.items() if getattr(participant, name) != value]
    for name in changed:
        setattr(participant, name, new[name])
    if changed:
        audit.record(actor, "change_participant", participant, fields=changed)
        db.session.flush()
    return changed


def record_exit(
    participant: Participant,
    *,
    exited_on: date,
    outcome: ExitOutcome,
    circumstances: Circumstances,
    actor: User | None,
    today: date,
) -> Occasion:
    """Record the exit and create the exit occasion, open for answering from today."""
    if participant.has_exited:
        raise ServiceError(_l("The exit is already recorded."), field="exited_on")
    if exited_on < participant.enrolled_on:
        raise ServiceError(
            _l("The exit date cannot be before the enrolment date (%(date)s).",
               date=participant.enrolled_on.isoformat()),
            field="exited_on",
        )
    if exited_on > today:
        raise ServiceError(_l("Record the exit on the day it happens, or later."), "exited_on")
    participant.exited_on = exited_on
    participant.exit_outcome = outcome
    participant.exit_occupation = circumstances.occupation
    participant.exit_income = circumstances.income
    # Exit recorded late still gets its questionnaire: the answering period starts now.
    occasion = Occasion(participant=participant, kind=OccasionKind.EXIT, sequence=0, due_on=today)
    db.session.add(occasion)
    db.session.flush()
    audit.record(actor, "exit", participant, outcome=outcome.value)
    return occasion


class ErasurePolicy(StrEnum):
    #: Everything about the participant is deleted; aggregates change.
    DELETE = "delete"
    #: Personal fields and free text are deleted, scale answers stay under a random
    #: code no one can link back, so published aggregates stay stable.
    ANONYMISE = "anonymise"


def erase(participant: Participant, policy: ErasurePolicy, actor: User, now: datetime) -> None:
    """Erase a participant who withdrew consent. Irreversible by design."""
    audit.record(actor, "erase", participant, policy=policy.value)
    if policy == ErasurePolicy.DELETE:
        db.session.delete(participant)
        db.session.flush()
        return
    participant.code = f"anon-{secrets.token_hex(8)}"
    participant.email = None
    participant.last_emailed_at = None
    participant.coach = None
    participant.consent_recorded_by = None
    participant.anonymised_at = now
    for occasion in participant.occasions:
        occasion.token_hash = None
        occasion.token_expires_at = None
    # Free text may name the person; scored answers are what aggregates use.
    db.session.execute(
        sa.delete(Answer).where(
            Answer.text.is_not(None),
            Answer.response_id.in_(
                sa.select(Response.id)
                .join(Occasion)
                .where(Occasion.participant_id == participant.id)
            ),
        )
    )
    db.session.flush()
