"""SQLAlchemy models, one module per aggregate."""

from survey_app.models.api_token import ApiToken
from survey_app.models.audit import AuditEvent
from survey_app.models.base import Base
from survey_app.models.organisation import Organisation
from survey_app.models.participant import (
    ExitOutcome,
    Gender,
    IncomeSource,
    Occasion,
    OccasionKind,
    Occupation,
    Participant,
)
from survey_app.models.response import Answer, MissingReason, Response, ResponseMode
from survey_app.models.target import ProjectTarget, TargetRule
from survey_app.models.user import Role, User

__all__ = [
    "Answer",
    "ApiToken",
    "AuditEvent",
    "Base",
    "ExitOutcome",
    "Gender",
    "IncomeSource",
    "MissingReason",
    "Occasion",
    "OccasionKind",
    "Occupation",
    "Organisation",
    "Participant",
    "ProjectTarget",
    "Response",
    "ResponseMode",
    "Role",
    "TargetRule",
    "User",
]
