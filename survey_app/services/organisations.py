"""The organisation tree, addressed by paths such as ``MIA/Östra Södertörn/Haninge``."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from survey_app.extensions import db
from survey_app.models import Organisation
from survey_app.models.organisation import PATH_SEPARATOR
from survey_app.services import ServiceError
from survey_app.services.text import has_invisible_controls

MAX_NAME_LENGTH = 120


def split_path(path: str) -> list[str]:
    """The node names of ``path``, refusing empty or over-long names."""
    names = [name.strip() for name in path.split(PATH_SEPARATOR)]
    if not path.strip() or any(not name for name in names):
        raise ServiceError(_l("An organisation path is names separated by '/', none empty."))
    if any(len(name) > MAX_NAME_LENGTH for name in names):
        raise ServiceError(_l("An organisation name can be at most 120 characters."))
    # Not even tabs and line breaks belong in a name.
    if has_invisible_controls(path, allowed=frozenset()):
        raise ServiceError(_l("Remove tabs, line breaks and other invisible characters."))
    return names


def find(path: str) -> Organisation | None:
    normalised = PATH_SEPARATOR.join(split_path(path))
    return db.session.scalar(sa.select(Organisation).where(Organisation.path == normalised))


@dataclass(frozen=True)
class Added:
    organisation: Organisation
    #: The nodes that were not there before, parents first; empty if it all was.
    created: tuple[Organisation, ...]


def add(path: str) -> Organisation:
    """The node at ``path``, creating it and any missing ancestors."""
    return _add(split_path(path)).organisation


def add_below(root: Organisation, path: str) -> Added:
    """Like ``add``, but only inside ``root``'s tree (nobody extends a sibling's), and
    saying which nodes it created."""
    names = split_path(path)
    if not PATH_SEPARATOR.join(names).startswith(root.path + PATH_SEPARATOR):
        raise ServiceError(_l("The path must start with %(own)s/.", own=root.path), field="path")
    return _add(names)


def _add(names: list[str]) -> Added:
    parent: Organisation | None = None
    created = []
    for depth, name in enumerate(names, start=1):
        node_path = PATH_SEPARATOR.join(names[:depth])
        node = db.session.scalar(sa.select(Organisation).where(Organisation.path == node_path))
        if node is None:
            node = Organisation(name=name, path=node_path, parent=parent)
            db.session.add(node)
            db.session.flush()
            created.append(node)
        parent = node
    assert parent is not None  # noqa: S101 - split_path never returns an empty list
    return Added(parent, tuple(created))


def subtree_clause(root: Organisation) -> sa.ColumnElement[bool]:
    """SQL condition: an organisation is ``root`` or lies below it."""
    return sa.or_(
        Organisation.path == root.path,
        Organisation.path.startswith(root.path + PATH_SEPARATOR, autoescape=True),
    )


def subtree(root: Organisation) -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation).where(subtree_clause(root)).order_by(Organisation.path)
        )
    )


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.path)))


def rename(organisation: Organisation, name: str) -> None:
    """Give a node a new name; the paths of everything below it follow."""
    if PATH_SEPARATOR in name:
        raise ServiceError(_l("A name cannot contain '/'."), field="name")
    (name,) = split_path(name)
    parent_path = organisation.path.rpartition(PATH_SEPARATOR)[0]
    new_path = f"{parent_path}{PATH_SEPARATOR}{name}" if parent_path else name
    if new_path == organisation.path:
        return
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.path == new_path)):
        raise ServiceError(_l("There is already an organisation with that name here."), "name")
    old_prefix = organisation.path + PATH_SEPARATOR
    for node in db.session.scalars(
        sa.select(Organisation).where(Organisation.path.startswith(old_prefix, autoescape=True))
    ):
        node.path = new_path + PATH_SEPARATOR + node.path[len(old_prefix):]
    organisation.name, organisation.path = name, new_path
    db.session.flush()
