from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from survey_app.forms import ChoiceRadioField, ChoiceSelectField
from survey_app.models import Gender, Organisation
from survey_app.templating import GENDER_LABELS

#: Questionnaire languages a coach can choose; easy-read is a separate choice.
LANGUAGE_CHOICES = [SelectChoice("sv", _l("Swedish")), SelectChoice("en", _l("English"))]


class EnrolForm(FlaskForm):
    code = StringField(
        _l("Participant code"),
        description=_l("A pseudonymous code, e.g. HAN-0042. Never a personal identity number."),
        validators=[InputRequired(_l("Enter a participant code.")), Length(max=40)],
    )
    gender = ChoiceRadioField(
        _l("Gender"),
        choices=[SelectChoice(gender.value, label) for gender, label in GENDER_LABELS.items()],
        validators=[InputRequired(_l("Choose a gender, or “Not stated”."))],
        invalid_message=_l("Choose a gender, or “Not stated”."),
    )
    birth_year = IntegerField(
        _l("Birth year"),
        validators=[
            InputRequired(_l("Enter a birth year, e.g. 1987.")),
            NumberRange(1900, 2100, _l("Enter a birth year between 1900 and this year.")),
        ],
    )
    organisation = ChoiceSelectField(
        _l("Subproject"), coerce=int, validators=[InputRequired(_l("Choose a subproject."))],
        invalid_message=_l("Choose a subproject."),
    )
    language = ChoiceSelectField(
        _l("Questionnaire language"), choices=LANGUAGE_CHOICES,
        invalid_message=_l("Choose a language."),
    )
    prefers_easy_read = BooleanField(_l("Use easy-read wording"), default=True)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(str(o.id), o.path) for o in organisations]

    @property
    def gender_value(self) -> Gender:
        return Gender(self.gender.data)


class IssueLinkForm(FlaskForm):
    """Only the CSRF token: the button is the whole request."""
