"""Coach pages: caseload, enrolment, one participant's occasions, survey links."""

from flask import Blueprint

from survey_app.access import require_role
from survey_app.models import Role

bp = Blueprint("coach", __name__, url_prefix="/coach")
bp.before_request(require_role(Role.COACH))

from survey_app.coach import views  # noqa: E402,F401
