from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from survey_app.forms import ClearDateField
from survey_app.models import Organisation

DATE_MESSAGE = _l("Enter a date like 2026-03-31.")


class ReportFilterForm(FlaskForm):
    """What a report covers (a GET filter): part of the evaluator's tree, a period."""

    class Meta:
        csrf = False  # a read-only filter in the query string

    organisation = SelectField(_l("Organisation"), coerce=int)
    enrolled_from = ClearDateField(
        _l("Enrolled from"), validators=[Optional()], format="%Y-%m-%d",
        invalid_message=DATE_MESSAGE,
    )
    enrolled_to = ClearDateField(
        _l("Enrolled to"), validators=[Optional()], format="%Y-%m-%d",
        invalid_message=DATE_MESSAGE,
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(str(o.id), o.path) for o in organisations]

    def validate_enrolled_to(self, field: ClearDateField) -> None:
        start = self.enrolled_from.data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(_l("The end date must not be before the start date."))
