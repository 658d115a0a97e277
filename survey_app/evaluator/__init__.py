"""Evaluator pages: aggregated, gender-disaggregated results. Never individual answers."""

from flask import Blueprint

from survey_app.access import require_role
from survey_app.models import Role

bp = Blueprint("evaluator", __name__, url_prefix="/evaluator")
bp.before_request(require_role(Role.EVALUATOR))

from survey_app.evaluator import views  # noqa: E402,F401
