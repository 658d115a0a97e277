"""Access rules, enforced once per blueprint and by scoped loaders.

Staff see only their own organisation and what lies below it. An object outside
that scope answers 404, not 403, so its existence is not revealed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.extensions import db, login_manager
from survey_app.models import ApiToken, Organisation, Participant, Role, User

#: Set in the session of a device a coach handed to a participant ("start on this
#: tablet"): the participant pages then end by asking for the tablet back.
KIOSK_SESSION_KEY = "kiosk"


def require_role(*roles: Role) -> Callable[[], WerkzeugResponse | None]:
    """A ``before_request`` hook admitting logged-in users with one of ``roles``."""

    def check() -> WerkzeugResponse | None:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in roles:
            abort(403)
        if current_user.must_change_password:
            return redirect(url_for("auth.change_password"))
        return None

    return check


def get_participant_or_404(participant_id: int, user: User) -> Participant:
    participant = db.session.get(Participant, participant_id)
    # An anonymised participant is nobody's any more: no page shows them.
    if (
        participant is None
        or participant.anonymised_at is not None
        or not user.can_see(participant.organisation)
    ):
        abort(404)
    return participant


def get_organisation_or_404(organisation_id: int, user: User) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not user.can_see(organisation):
        abort(404)
    return organisation


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def get_user_or_404(user_id: int, admin: User) -> User:
    user = db.session.get(User, user_id)
    if user is None or not admin.can_see(user.organisation):
        abort(404)
    return user


def get_api_token_or_404(token_id: int, owner: User) -> ApiToken:
    """``owner``'s token; anyone else's answers 404, as if it did not exist."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != owner.id:
        abort(404)
    return token
