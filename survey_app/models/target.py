from __future__ import annotations

from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base, enum_type
from survey_app.models.organisation import Organisation


class TargetRule(StrEnum):
    """What a target counts; each states its own denominator."""

    #: Exited participants whose exit outcome is one of ``outcomes``.
    EXIT_OUTCOME = "exit_outcome"
    #: Participants with both scores whose ``domain`` score is higher at the latest
    #: occasion than at intake.
    DOMAIN_IMPROVED = "domain_improved"
    #: Participants who answered exit item ``item`` with ``agree_from`` or higher.
    EXIT_ITEM_AGREES = "exit_item_agrees"


class ProjectTarget(Base):
    """A goal a project set itself, e.g. 30 % go on to work or studies."""

    __tablename__ = "project_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)
    label_sv: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200))
    rule: Mapped[TargetRule] = mapped_column(enum_type(TargetRule, "target_rule"))
    #: The share to reach, 0–1.
    goal: Mapped[float]
    #: The rule's parameters: ``outcomes``, ``domain``, or ``item`` and ``agree_from``.
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "key"),
        sa.CheckConstraint("goal >= 0 AND goal <= 1", name="goal_is_a_share"),
    )
