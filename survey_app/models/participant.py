from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base, UTCDateTime, enum_type, utcnow
from survey_app.models.organisation import Organisation
from survey_app.models.user import User


class Gender(StrEnum):
    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"
    NOT_STATED = "not_stated"


class ExitOutcome(StrEnum):
    WORK = "work"
    STUDIES = "studies"
    PROGRAMME = "programme"
    REHABILITATION = "rehabilitation"
    OTHER = "other"
    UNKNOWN = "unknown"


class Occupation(StrEnum):
    """What the participant mainly does, at intake and at exit."""

    WORK = "work"
    STUDIES = "studies"
    JOB_SEEKING = "job_seeking"
    LABOUR_MARKET_PROGRAMME = "labour_market_programme"
    SICK_LEAVE = "sick_leave"
    NONE = "none"


class IncomeSource(StrEnum):
    """The participant's main source of income, at intake and at exit."""

    SALARY = "salary"
    STUDENT_AID = "student_aid"
    UNEMPLOYMENT_BENEFIT = "unemployment_benefit"
    SICKNESS_COMPENSATION = "sickness_compensation"
    SOCIAL_ASSISTANCE = "social_assistance"
    NONE_OR_OTHER = "none_or_other"


class OccasionKind(StrEnum):
    INTAKE = "intake"
    FOLLOWUP = "followup"
    EXIT = "exit"


class Participant(Base):
    """A pseudonymous participant: a code chosen by the project, never a personnummer."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    gender: Mapped[Gender] = mapped_column(enum_type(Gender, "gender"))
    birth_year: Mapped[int]
    #: Questionnaire language, e.g. "sv" or "en".
    language: Mapped[str] = mapped_column(sa.String(10), default="sv")
    #: Show the easy-read (lättläst) wording where the questionnaire has one.
    prefers_easy_read: Mapped[bool] = mapped_column(default=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    coach_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    enrolled_on: Mapped[date]
    exited_on: Mapped[date | None]
    exit_outcome: Mapped[ExitOutcome | None] = mapped_column(enum_type(ExitOutcome, "exit_outcome"))
    #: Where reminders and links are sent, if the participant wants that.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    #: When the participant last got a link by e-mail; reminders wait a week after it.
    last_emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: Consent to taking part and to registration, as recorded at enrolment.
    consented_on: Mapped[date | None]
    consent_version: Mapped[str | None] = mapped_column(sa.String(20))
    consent_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    intake_occupation: Mapped[Occupation | None] = mapped_column(
        enum_type(Occupation, "occupation")
    )
    intake_income: Mapped[IncomeSource | None] = mapped_column(
        enum_type(IncomeSource, "income_source")
    )
    exit_occupation: Mapped[Occupation | None] = mapped_column(
        enum_type(Occupation, "exit_occupation")
    )
    exit_income: Mapped[IncomeSource | None] = mapped_column(
        enum_type(IncomeSource, "exit_income_source")
    )
    #: Set when the participant withdrew and was anonymised rather than deleted: the
    #: row then carries only what aggregates need, and no coach sees it again.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])
    consent_recorded_by: Mapped[User | None] = relationship(foreign_keys=[consent_recorded_by_id])
    occasions: Mapped[list[Occasion]] = relationship(
        back_populates="participant",
        order_by="(Occasion.due_on, Occasion.id)",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year_plausible"),
        sa.CheckConstraint(
            "exited_on IS NULL OR exited_on >= enrolled_on", name="exit_after_enrolment"
        ),
        sa.CheckConstraint(
            "(exited_on IS NULL) = (exit_outcome IS NULL)", name="exit_has_outcome"
        ),
    )

    @property
    def has_exited(self) -> bool:
        return self.exited_on is not None

    def __repr__(self) -> str:
        return f"<Participant {self.code}>"


class Occasion(Base):
    """One scheduled measurement: intake, follow-up number ``sequence``, or exit.

    Its status (due, overdue, missed, …) depends on the date and is computed by
    ``services.schedule``; only facts are stored here.
    """

    __tablename__ = "occasions"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participants.id"), index=True)
    kind: Mapped[OccasionKind] = mapped_column(enum_type(OccasionKind, "occasion_kind"))
    #: 0 for intake and exit, k for the k-th follow-up.
    sequence: Mapped[int] = mapped_column(default=0)
    due_on: Mapped[date]
    #: SHA-256 of the live survey link's token; the token itself is never stored.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: SHA-256 of a short one-time code a participant types on a shared tablet to
    #: open this occasion; it dies when used or when it expires, minutes later.
    tablet_code_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    tablet_code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    participant: Mapped[Participant] = relationship(back_populates="occasions")
    response: Mapped[Response | None] = relationship(  # noqa: F821
        back_populates="occasion", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("participant_id", "kind", "sequence"),
        sa.CheckConstraint(
            "(token_hash IS NULL) = (token_expires_at IS NULL)", name="token_has_expiry"
        ),
        sa.CheckConstraint(
            "(tablet_code_hash IS NULL) = (tablet_code_expires_at IS NULL)",
            name="tablet_code_has_expiry",
        ),
        sa.CheckConstraint(
            "(kind = 'followup' AND sequence >= 1) OR (kind <> 'followup' AND sequence = 0)",
            name="sequence_matches_kind",
        ),
    )

    @property
    def is_submitted(self) -> bool:
        return self.response is not None and self.response.submitted_at is not None

    def __repr__(self) -> str:
        return f"<Occasion {self.kind} {self.sequence} due {self.due_on}>"
