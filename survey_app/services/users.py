"""Staff accounts: argon2id password hashes, creation and login."""

from __future__ import annotations

import secrets

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


def temporary_password() -> str:
    """A random password for an admin to hand over once; the user then picks their own."""
    return secrets.token_urlsafe(12)


def create_user(
    email: str,
    password: str,
    role: Role,
    organisation: Organisation,
    name: str = "",
    *,
    must_change_password: bool = False,
) -> User:
    email = normalise_email(email)
    _check_password(password)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise ServiceError(_l("There is already a user with that e-mail address."), field="email")
    user = User(
        email=email, name=name, password_hash=_hasher().hash(password), role=role,
        organisation=organisation, must_change_password=must_change_password,
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


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _l("The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
            field="password",
        )


def update_user(
    admin: User, user: User, *, role: Role, organisation: Organisation, is_active: bool,
    may_export_rows: bool,
) -> dict[str, tuple[str, str]]:
    """Change a user's role, organisation, state or row export permission; returns what
    changed, old → new.

    Nobody changes their own role or locks themselves out, nobody places a user
    outside their own tree, and only evaluators may export rows.
    """
    if not admin.can_see(user.organisation) or not admin.can_see(organisation):
        raise ServiceError(
            _l("You can only manage users in your own organisation."), field="organisation"
        )
    if user.id == admin.id and role != user.role:
        raise ServiceError(_l("You cannot change your own role."), field="role")
    if user.id == admin.id and not is_active:
        raise ServiceError(_l("You cannot deactivate yourself."), field="is_active")
    if user.id == admin.id and organisation.id != user.organisation_id:
        raise ServiceError(_l("You cannot move yourself to another organisation."), "organisation")
    if may_export_rows and role is not Role.EVALUATOR:
        raise ServiceError(_l("Only evaluators can download pseudonymised answers."),
                           field="may_export_rows")
    changes = {}
    for name, old, new in (
        ("role", user.role.value, role.value),
        ("organisation", user.organisation.path, organisation.path),
        ("is_active", str(user.is_active).lower(), str(is_active).lower()),
        ("may_export_rows", str(user.may_export_rows).lower(), str(may_export_rows).lower()),
    ):
        if old != new:
            changes[name] = (old, new)
    user.role, user.organisation, user.is_active = role, organisation, is_active
    user.may_export_rows = may_export_rows
    db.session.flush()
    return changes


def reset_password(user: User) -> str:
    """A new random password, shown once to the admin; the user must replace it."""
    password = temporary_password()
    user.password_hash = _hasher().hash(password)
    user.must_change_password = True
    db.session.flush()
    return password


def change_password(user: User, current: str, new: str) -> None:
    try:
        _hasher().verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise ServiceError(_l("The current password is wrong."), field="current") from None
    _check_password(new)
    if new == current:
        raise ServiceError(_l("Choose a password you have not used here."), field="password")
    user.password_hash = _hasher().hash(new)
    user.must_change_password = False
    db.session.flush()
