from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base, UTCDateTime, enum_type, utcnow
from survey_app.models.organisation import Organisation


class Role(StrEnum):
    ADMIN = "admin"
    COACH = "coach"
    EVALUATOR = "evaluator"


class User(UserMixin, Base):
    """A member of staff. Participants never have accounts."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: argon2id hash, see ``services.users``.
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    #: A deactivated user cannot log in; their history stays for the audit trail.
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Set when an administrator resets the password: the user must choose their own.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: An evaluator with this may download pseudonymised answers (row export); only an
    #: administrator grants it, and every grant, revocation and download is audited.
    may_export_rows: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()

    def can_see(self, organisation: Organisation) -> bool:
        return self.organisation.contains(organisation)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
