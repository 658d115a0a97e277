from __future__ import annotations

from typing import Any

from survey_app.extensions import db
from survey_app.models import AuditEvent, User


def record(actor: User | None, action: str, target: Any, **details: Any) -> AuditEvent:
    """Write an audit event for ``action`` on ``target`` (any model with an ``id``)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__,
        target_id=getattr(target, "id", None),
        details=details,
    )
    db.session.add(event)
    return event
