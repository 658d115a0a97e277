from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base, UTCDateTime, enum_type, utcnow
from survey_app.models.participant import Occasion


class ResponseMode(StrEnum):
    SELF = "self"
    ASSISTED = "assisted"
    KIOSK = "kiosk"
    PAPER = "paper"


class MissingReason(StrEnum):
    DONT_KNOW = "dont_know"
    DECLINED = "declined"
    #: An optional question the participant passed without answering.
    SKIPPED = "skipped"


class Response(Base):
    """The answers given at one occasion, saved page by page until submitted."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    occasion_id: Mapped[int] = mapped_column(sa.ForeignKey("occasions.id"), unique=True)
    questionnaire_slug: Mapped[str] = mapped_column(sa.String(64))
    questionnaire_version: Mapped[int]
    #: SHA-256 of the definition file answered, so a result can be traced to its wording.
    questionnaire_hash: Mapped[str] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(16))
    mode: Mapped[ResponseMode] = mapped_column(enum_type(ResponseMode, "mode"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The answers' values, packed at submission (``responses.submit`` is the only
    #: writer) so reports read one row per response (``questionnaires.packing``);
    #: the answers stay the record.
    packed_values: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    occasion: Mapped[Occasion] = relationship(back_populates="response")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "submitted_at IS NULL OR submitted_at >= started_at", name="submitted_after_start"
        ),
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def answers_by_item(self) -> dict[str, Answer]:
        return {answer.item_id: answer for answer in self.answers}


class Answer(Base):
    """One item's answer: a scale value, a text, or a reason it is missing."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("responses.id"), index=True)
    item_id: Mapped[str] = mapped_column(sa.String(64))
    value: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(sa.Text)
    missing_reason: Mapped[MissingReason | None] = mapped_column(
        enum_type(MissingReason, "missing_reason")
    )
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The wording the participant saw when answering (they may switch mid-way);
    #: None for answers saved before this was recorded.
    language: Mapped[str | None] = mapped_column(sa.String(16))

    response: Mapped[Response] = relationship(back_populates="answers")

    __table_args__ = (
        sa.UniqueConstraint("response_id", "item_id"),
        sa.CheckConstraint(
            "(CASE WHEN value IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN text IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN missing_reason IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_kind_of_answer",
        ),
    )
