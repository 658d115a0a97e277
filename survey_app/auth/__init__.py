"""Staff sign-in. Participants never sign in: their link is their key."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from survey_app.auth import views  # noqa: E402,F401
