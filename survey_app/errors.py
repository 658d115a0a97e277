"""Friendly error pages and the security headers every response carries."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response as WerkzeugResponse

from survey_app.api.problems import json_error
from survey_app.extensions import db
from survey_app.participant import display

API_PREFIX = "/api/"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def _is_participant_page() -> bool:
    return request.path.startswith("/s/")


API_MESSAGES = {
    400: _l("The request is not valid."),
    401: _l("Send a valid API token."),
    403: _l("You may not do this."),
    404: _l("There is nothing here. Check the address against /api/v1/openapi.json."),
    405: _l("This address does not take that method."),
    429: _l("Too many requests with this token. Wait a minute and try again."),
    500: _l("Something went wrong on our side. It has been logged; try again later."),
}


def render_error(status: int) -> tuple[str, int] | WerkzeugResponse:
    if request.path.startswith(API_PREFIX):
        message = API_MESSAGES.get(status) or HTTP_STATUS_CODES.get(status, "Error")
        return json_error(status, str(message))
    if _is_participant_page():
        display.apply_outside_questionnaire()
        return render_template("participant/error.html", status=status), status
    return render_template("errors/error.html", status=status), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int] | WerkzeugResponse:
        return render_error(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | WerkzeugResponse | HTTPException:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int] | WerkzeugResponse:
        # Nothing half-done may be committed by a later request on this session.
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)

    @app.after_request
    def security_headers(response: WerkzeugResponse) -> WerkzeugResponse:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
