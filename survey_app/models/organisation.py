from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base

PATH_SEPARATOR = "/"


class Organisation(Base):
    """A node of the tree project → association → subproject/service.

    Staff and participants belong to a node; access reaches a node and everything below it.
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: Names from the root down, joined by "/": subtree queries become a prefix match.
    path: Mapped[str] = mapped_column(sa.String(1000), unique=True)

    parent: Mapped[Organisation | None] = relationship(
        remote_side=[id], back_populates="children"
    )
    children: Mapped[list[Organisation]] = relationship(
        back_populates="parent", order_by="Organisation.name"
    )

    __table_args__ = (
        sa.UniqueConstraint("parent_id", "name"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
    )

    @property
    def depth(self) -> int:
        return self.path.count(PATH_SEPARATOR)

    def contains(self, other: Organisation) -> bool:
        """True if ``other`` is this node or lies below it."""
        return other.path == self.path or other.path.startswith(self.path + PATH_SEPARATOR)

    def __repr__(self) -> str:
        return f"<Organisation {self.path!r}>"
