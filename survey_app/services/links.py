"""Survey links: a random token per occasion, stored only as its SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import segno
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Occasion

SURVEY_PATH = "/s/"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(occasion: Occasion, now: datetime, lifetime: timedelta) -> str:
    """A fresh token for ``occasion``. The previous link, if any, dies at once."""
    token = secrets.token_urlsafe(32)
    occasion.token_hash = hash_token(token)
    occasion.token_expires_at = now + lifetime
    db.session.flush()
    return token


def revoke(occasion: Occasion) -> None:
    """Kill the occasion's link; saved answers stay, and a new link can resume them."""
    occasion.token_hash = None
    occasion.token_expires_at = None
    db.session.flush()


def lookup(token: str) -> Occasion | None:
    """The occasion whose current link is ``token``, live or not."""
    if not token or len(token) > 128:
        return None
    return db.session.scalar(sa.select(Occasion).where(Occasion.token_hash == hash_token(token)))


def is_live(occasion: Occasion, now: datetime) -> bool:
    return (
        occasion.token_expires_at is not None
        and now < occasion.token_expires_at
        and not occasion.is_submitted
    )


def resolve(token: str, now: datetime) -> Occasion | None:
    """The occasion a live link leads to; None for unknown, expired or used links."""
    occasion = lookup(token)
    return occasion if occasion is not None and is_live(occasion, now) else None


def survey_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{SURVEY_PATH}{token}"


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code with a text title for screen readers."""
    return segno.make(url, error="m").svg_inline(scale=4, title=url, border=2)
