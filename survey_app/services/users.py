"""Staff accounts: argon2id password hashes, creation and login."""

from __future__ import annotations

import sqlalchemy as sa
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from survey_app.extensions import db
from survey_app.models import Organisation, Role, User
from survey_app.services import ServiceError, clock

MIN_PASSWORD_LENGTH = 12
_HASHERS = {
    # RFC 9106's recommended argon2id parameters.
    "rfc_9106_low_memory": PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY),
    # Only for the test suite, which hashes hundreds of passwords.
    "cheapest": PasswordHasher.from_parameters(profiles.CHEAPEST),
}


def _hasher() -> PasswordHasher:
    return _HASHERS[current_app.config["PASSWORD_HASH_PROFILE"]]


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ServiceError(_l("Enter a valid e-mail address."), field="email") from None


def create_user(
    email: str, password: str, role: Role, organisation: Organisation, name: str = ""
) -> User:
    email = normalise_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _l("The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise ServiceError(_l("There is already a user with that e-mail address."), field="email")
    user = User(
        email=email, name=name, password_hash=_hasher().hash(password), role=role,
        organisation=organisation,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Records the login time."""
    hasher = _hasher()
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    # Hashing even for an unknown address keeps its timing close to a known one's.
    stored = user.password_hash if user else hasher.hash("no such user, compare anyway")
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = clock.now()
    db.session.flush()
    return user
