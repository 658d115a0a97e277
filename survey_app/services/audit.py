"""The audit trail: who did what to which record, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEvent, Occasion, Organisation, User
from survey_app.services import organisations
from survey_app.services.clock import LOCAL_ZONE


def organisation_of(target: Any) -> Organisation | None:
    """The organisation an event on ``target`` concerns, for scoping the trail."""
    if isinstance(target, Organisation):
        return target
    if isinstance(target, Occasion):
        return target.participant.organisation
    return getattr(target, "organisation", None)


def record(actor: User | None, action: str, target: Any, **details: Any) -> AuditEvent:
    """Write an audit event for ``action`` on ``target`` (any model with an ``id``).

    ``details`` must never hold answers or contact details: the trail outlives them.
    """
    organisation = organisation_of(target)
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__,
        target_id=getattr(target, "id", None),
        organisation_id=organisation.id if organisation is not None else None,
        details=details,
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    actor_id: int | None = None
    occurred_from: date | None = None
    occurred_to: date | None = None


def visible_to(admin: User) -> sa.ColumnElement[bool]:
    """Events about the admin's tree; events about no organisation only for a top admin."""
    in_tree = AuditEvent.organisation_id.in_(
        sa.select(Organisation.id).where(organisations.subtree_clause(admin.organisation))
    )
    if admin.organisation.parent_id is None:
        return sa.or_(in_tree, AuditEvent.organisation_id.is_(None))
    return in_tree


def events_query(admin: User, filters: AuditFilters) -> sa.Select[tuple[AuditEvent]]:
    """The admin's visible events matching ``filters``, newest first."""
    query = sa.select(AuditEvent).where(visible_to(admin))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    # Dates are Swedish calendar days; events are stored in UTC.
    if filters.occurred_from is not None:
        start = datetime.combine(filters.occurred_from, time.min, tzinfo=LOCAL_ZONE)
        query = query.where(AuditEvent.occurred_at >= start)
    if filters.occurred_to is not None:
        end = datetime.combine(filters.occurred_to + timedelta(days=1), time.min, tzinfo=LOCAL_ZONE)
        query = query.where(AuditEvent.occurred_at < end)
    return query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def actions_seen(admin: User) -> list[str]:
    return list(db.session.scalars(
        sa.select(AuditEvent.action).where(visible_to(admin)).distinct().order_by(AuditEvent.action)
    ))
