from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from survey_app.models import Organisation

DATE_MESSAGE = _l("Enter a date like 2026-03-31.")


class ReportFilterForm(FlaskForm):
    """What a report covers (a GET filter): part of the evaluator's tree, a period."""

    class Meta:
        csrf = False  # a read-only filter in the query string

    organisation = SelectField(_l("Organisation"), coerce=int)
    enrolled_from = DateField(
        _l("Enrolled from"), validators=[Optional()], format="%Y-%m-%d"
    )
    enrolled_to = DateField(_l("Enrolled to"), validators=[Optional()], format="%Y-%m-%d")

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(str(o.id), o.path) for o in organisations]
        for field in (self.enrolled_from, self.enrolled_to):
            # WTForms' own "Not a valid date value." does not say what to write.
            field.process_errors = [str(DATE_MESSAGE)] if field.process_errors else []

    def validate_enrolled_to(self, field: DateField) -> None:
        start = self.enrolled_from.data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(_l("The end date must not be before the start date."))
