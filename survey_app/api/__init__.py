"""The read-only API for evaluators' programs: the report, the monthly status and, with
the permission, the pseudonymised answers, as JSON. A bearer token is the only way in:
a browser session never is, so no page's cookie can be used to read it."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, request
from flask_babel import gettext as _

from survey_app.api.problems import json_error
from survey_app.extensions import csrf, db, limiter
from survey_app.services import api_tokens, clock
from survey_app.services.links import hash_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

#: Endpoints anyone may read: the description of the API itself.
PUBLIC_ENDPOINTS = {"api.openapi"}


def _bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def _rate_limit_key() -> str:
    """One bucket per token (a hash, never the token itself); per address without one."""
    secret = _bearer_secret()
    return "token:" + hash_token(secret) if secret else "address:" + (request.remote_addr or "")


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_rate_limit_key)(bp)


@bp.before_request
def authenticate() -> Response | None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    secret = _bearer_secret()
    token = api_tokens.authenticate(secret, clock.now()) if secret else None
    if token is None:
        response = json_error(401, _("Send a valid API token in the header "
                                     "Authorization: Bearer followed by the token. Evaluators "
                                     "make tokens on their API tokens page."))
        response.headers["WWW-Authenticate"] = 'Bearer realm="stegvis"'
        return response
    db.session.commit()  # when it was last used
    g.api_token = token
    return None


from survey_app.api import views  # noqa: E402,F401
