"""Administration: the organisation tree and staff accounts."""

from flask import Blueprint

from survey_app.access import require_role
from survey_app.models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_role(Role.ADMIN))

from survey_app.admin import views  # noqa: E402,F401
