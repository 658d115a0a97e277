"""API tokens: random keys to the read-only API, each for one evaluator, with an expiry.

A token is shown once when it is made; only its SHA-256 is stored (a token has 256
random bits, so a slow password hash would add nothing). Revoking, expiry, or the
user being deactivated or no longer an evaluator ends it at once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from survey_app.extensions import db
from survey_app.models import ApiToken, Role, User
from survey_app.services import ServiceError, audit
from survey_app.services.links import hash_token

#: Marks a string as a Stegvis token, so secret scanners and people can tell.
TOKEN_PREFIX = "stegvis_"  # noqa: S105 - a marker, not a secret
#: How long a new token may live, in days: the choices offered.
LIFETIMES = (30, 90, 365)
MAX_ACTIVE_TOKENS = 10
#: Writing when a token was last used costs a write per request; once a minute tells
#: its owner as much.
LAST_USED_PRECISION = timedelta(minutes=1)


def active(user: User, now: datetime) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    tokens = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
               ApiToken.expires_at > now)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    return list(tokens)


def create(user: User, name: str, lifetime_days: int, now: datetime) -> tuple[ApiToken, str]:
    """A new token for ``user``, audited: the stored record and the secret, to be shown
    once."""
    if user.role is not Role.EVALUATOR:
        raise ServiceError(_l("Only evaluators can use the API."))
    if lifetime_days not in LIFETIMES:
        raise ServiceError(_l("Choose how long the token lasts from the list."),
                           field="lifetime")
    name = name.strip()
    if not name:
        raise ServiceError(_l("Give the token a name."), field="name")
    if len(active(user, now)) >= MAX_ACTIVE_TOKENS:
        raise ServiceError(_l("You have %(n)d tokens. Revoke one you no longer use first.",
                              n=MAX_ACTIVE_TOKENS))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(secret),
                     shown_prefix=secret[:len(TOKEN_PREFIX) + 4], created_at=now,
                     expires_at=now + timedelta(days=lifetime_days))
    db.session.add(token)
    db.session.flush()
    audit.record(user, "create_api_token", user, token=token.id,
                 expires_at=token.expires_at.isoformat())
    return token, secret


def revoke(token: ApiToken, actor: User, now: datetime) -> None:
    """End ``token`` at once, audited: by its owner, or by an administrator."""
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.flush()
        audit.record(actor, "revoke_api_token", token.user, token=token.id)


def authenticate(secret: str, now: datetime) -> ApiToken | None:
    """The live token ``secret`` is, whose user may still use the API; else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 128:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or not token.is_usable(now) or token.user.role is not Role.EVALUATOR:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        db.session.flush()
    return token
