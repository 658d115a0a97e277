"""Shared tablets: a short one-time code opens a participant's questionnaire.

The coach sees the code; the participant types it on the tablet. Only its hash is
stored, it works once, and only for a few minutes, so guessing is hopeless within
the rate limit on wrong codes. Using it gives the tablet a fresh survey link: the
participant never has to type a long address.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Occasion, Participant
from survey_app.services import invitations, links

CODE_DIGITS = 8
_CODE = re.compile(rf"^[0-9]{{{CODE_DIGITS}}}$")
# What people type between digit groups, or by accident around them.
_SEPARATORS = re.compile(r"[\s\-–.]")


def format_code(code: str) -> str:
    """``12345678`` as ``1234 5678``: easier to read aloud and to type."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def normalise(typed: str) -> str | None:
    """The code someone typed, without spaces and dashes; None if it cannot be one."""
    digits = _SEPARATORS.sub("", typed or "")
    return digits if _CODE.match(digits) else None


def issue_code(
    participant: Participant, now: datetime, today: date, lifetime: timedelta
) -> tuple[Occasion, str]:
    """A new one-time code for the participant's open occasion; an older code dies."""
    occasion = invitations.open_occasion(participant, today)
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        code_hash = links.hash_token(code)
        taken = db.session.scalar(
            sa.select(sa.func.count()).where(Occasion.tablet_code_hash == code_hash)
        )
        if not taken:
            break
    occasion.tablet_code_hash = code_hash
    occasion.tablet_code_expires_at = now + lifetime
    db.session.flush()
    return occasion, code


def redeem(typed: str, now: datetime) -> tuple[Occasion, str] | None:
    """Use a code: the occasion it opens and a fresh link token, or None.

    A code works once; a wrong, old or used code opens nothing.
    """
    code = normalise(typed)
    if code is None:
        return None
    occasion = db.session.scalar(
        sa.select(Occasion).where(Occasion.tablet_code_hash == links.hash_token(code))
    )
    if occasion is None:
        return None
    expires_at = occasion.tablet_code_expires_at
    occasion.tablet_code_hash = None
    occasion.tablet_code_expires_at = None
    db.session.flush()
    if expires_at is None or now >= expires_at or occasion.is_submitted:
        return None
    return occasion, links.issue(occasion, now, invitations.link_lifetime())
