"""Carrying out what a valid form asks for, the same way on every page.

A service either does it (and the request's work is committed) or refuses with a
``ServiceError``; then nothing is kept, and the reason is shown beside the field it
concerns, like any other validation message.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Literal, TypeVar

from flask_wtf import FlaskForm

from survey_app.extensions import db
from survey_app.services import ServiceError

T = TypeVar("T")


class Refusal(Enum):
    REFUSED = "refused"


REFUSED = Refusal.REFUSED


def carry_out(
    form: FlaskForm, action: Callable[[], T], *, default_field: str
) -> T | Literal[Refusal.REFUSED]:
    """Run ``action``; commit what it did, or roll back and put its refusal on the form."""
    try:
        result = action()
    except ServiceError as error:
        db.session.rollback()
        field = getattr(form, error.field or default_field, None) or getattr(form, default_field)
        field.errors.append(str(error.message))
        return REFUSED
    db.session.commit()
    return result
