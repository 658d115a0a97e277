from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from analysis.age import AGE_BAND_LABELS
from survey_app.forms import (
    AppForm,
    ChoiceRadioField,
    ChoiceSelectField,
    ClearDateField,
    ClearMonthField,
)
from survey_app.models import Organisation
from survey_app.services import api_tokens
from survey_app.templating import format_age_band

DATE_MESSAGE = _l("Enter a date like 2026-03-31.")


class ReportFilterForm(AppForm):
    """What a report covers (a GET filter): part of the evaluator's tree, a period."""

    class Meta:
        csrf = False  # a read-only filter in the query string

    organisation = SelectField(_l("Organisation"), coerce=int)
    age_band = ChoiceSelectField(
        _l("Age at enrolment"),
        choices=[SelectChoice("", _l("All ages")),
                 *(SelectChoice(band, format_age_band(band)) for band in AGE_BAND_LABELS)],
        validators=[Optional()], invalid_message=_l("Choose an age band from the list."),
    )
    questionnaire_version = ChoiceSelectField(
        _l("Questionnaire version"), validators=[Optional()],
        invalid_message=_l("Choose a version from the list."),
    )
    enrolled_from = ClearDateField(
        _l("Enrolled from"), validators=[Optional()], format="%Y-%m-%d",
        invalid_message=DATE_MESSAGE,
    )
    enrolled_to = ClearDateField(
        _l("Enrolled to"), validators=[Optional()], format="%Y-%m-%d",
        invalid_message=DATE_MESSAGE,
    )

    def __init__(
        self, *args: Any, organisations: list[Organisation], versions: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(str(o.id), o.path) for o in organisations]
        self.questionnaire_version.choices = [
            SelectChoice("", _l("All versions")),
            *(SelectChoice(str(v), _l("Version %(n)d", n=v)) for v in versions),
        ]

    def validate_enrolled_to(self, field: ClearDateField) -> None:
        start = self.enrolled_from.data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(_l("The end date must not be before the start date."))


#: File choices for a row export: (format, for Excel set to Swedish).
ROW_EXPORT_FILES = {
    "xlsx": ("xlsx", False),
    "csv": ("csv", False),
    "csv_sv": ("csv", True),
    "sav": ("sav", False),
}


class RowExportForm(ReportFilterForm):
    """Whose answers to download, and how (a GET form: downloading changes nothing but
    the audit trail)."""

    include_text = BooleanField(
        _l("Include free-text answers"),
        description=_l("Free text can name people and places. Include it only if the "
                       "evaluation needs it."),
    )
    file = ChoiceRadioField(
        _l("File"),
        choices=[
            SelectChoice("xlsx", _l("Excel workbook (XLSX), with the codebook")),
            SelectChoice("csv", _l("CSV files (ZIP), with the codebook")),
            SelectChoice("csv_sv", _l("CSV files for Excel in Swedish (ZIP)")),
            SelectChoice("sav", _l("SPSS files (ZIP), with labels and missing values")),
        ],
        default="xlsx", validators=[DataRequired(_l("Choose a file type."))],
        invalid_message=_l("Choose a file type from the list."),
    )


class ApiTokenForm(AppForm):
    name = StringField(
        _l("Name"),
        description=_l("What the token is for, e.g. “R script for the quarterly report”."),
        validators=[InputRequired(_l("Give the token a name.")), Length(max=100)],
    )
    lifetime = ChoiceRadioField(
        _l("Valid for"),
        choices=[SelectChoice(str(days), _l("%(n)d days", n=days))
                 for days in api_tokens.LIFETIMES],
        default="90", validators=[InputRequired(_l("Choose how long the token lasts."))],
        invalid_message=_l("Choose how long the token lasts from the list."),
    )


class MonthlyStatusForm(AppForm):
    """Which month, for which part of the evaluator's tree (a GET filter)."""

    class Meta:
        csrf = False  # a read-only filter in the query string

    organisation = SelectField(_l("Organisation"), coerce=int)
    month = ClearMonthField(
        _l("Month"), validators=[InputRequired(_l("Enter a month like 2026-03."))],
        invalid_message=_l("Enter a month like 2026-03."),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(str(o.id), o.path) for o in organisations]
