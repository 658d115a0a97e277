"""Participant pages: open a link, answer one question per page, send. No account."""

from flask import Blueprint

bp = Blueprint("participant", __name__, url_prefix="/s")

from survey_app.participant import views  # noqa: E402,F401
