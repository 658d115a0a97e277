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
from sqlalchemy.exc import IntegrityError

from survey_app.extensions import db
from survey_app.services import ServiceError

T = TypeVar("T")

#: A twin request's work is visible to the second attempt; a third is for a triplet.
ATTEMPTS = 3


class Refusal(Enum):
    REFUSED = "refused"


REFUSED = Refusal.REFUSED


def carry_out(
    form: FlaskForm, action: Callable[[], T], *, default_field: str
) -> T | Literal[Refusal.REFUSED]:
    """Run ``action``; commit what it did, or roll back and put its refusal on the form.

    A twin request, from a double click, can pass the same checks at the same moment;
    the database's unique constraints let only one of them in. The other is run again,
    and then meets the first one's work as any later request would: its own checks
    refuse it with their message, or find there is nothing left to do.
    """
    attempt = 1
    while True:
        try:
            result = action()
            db.session.commit()
            return result
        except ServiceError as error:
            db.session.rollback()
            field = getattr(form, error.field or default_field, None)
            (field or getattr(form, default_field)).errors.append(str(error.message))
            return REFUSED
        except IntegrityError:
            db.session.rollback()
            if attempt == ATTEMPTS:
                raise
            attempt += 1
