from __future__ import annotations

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from survey_app.forms import AppForm, ChoiceRadioField, ChoiceSelectField, ClearDateField
from survey_app.models import ExitOutcome, Gender, IncomeSource, Occupation, Organisation
from survey_app.services.caseload import CaseloadFilters, SortKey
from survey_app.services.enrolment import Circumstances
from survey_app.services.schedule import OccasionStatus
from survey_app.templating import (
    GENDER_LABELS,
    INCOME_LABELS,
    OCCUPATION_LABELS,
    OUTCOME_LABELS,
    STATUS_LABELS,
)

#: Questionnaire languages a coach can choose; easy-read is a separate choice.
LANGUAGE_CHOICES = [SelectChoice("sv", _l("Swedish")), SelectChoice("en", _l("English"))]
DATE_MESSAGE = _l("Enter a date like 2026-03-31.")


def _choices(labels: dict[StrEnum, Any]) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


class _Circumstances:
    """Occupation and main income, asked at intake and again at exit."""

    occupation = ChoiceRadioField(
        _l("Occupation"), choices=_choices(OCCUPATION_LABELS),
        validators=[InputRequired(_l("Choose what the participant mainly does now."))],
        invalid_message=_l("Choose what the participant mainly does now."),
    )
    income = ChoiceRadioField(
        _l("Main source of income"), choices=_choices(INCOME_LABELS),
        validators=[InputRequired(_l("Choose the participant's main source of income."))],
        invalid_message=_l("Choose the participant's main source of income."),
    )

    @property
    def circumstances(self) -> Circumstances:
        return Circumstances(Occupation(self.occupation.data), IncomeSource(self.income.data))


class _Contact:
    """How the participant is reached and which wording they see."""

    language = ChoiceSelectField(
        _l("Questionnaire language"), choices=LANGUAGE_CHOICES,
        invalid_message=_l("Choose a language."),
    )
    prefers_easy_read = BooleanField(_l("Use easy-read wording"), default=True)
    email = EmailField(
        _l("E-mail address (optional)"),
        description=_l("Only if the participant wants survey links and reminders by e-mail."),
        validators=[
            Optional(),
            Length(max=254),
            Email(_l("Enter an e-mail address like namn@example.se, or leave it empty.")),
        ],
    )


class DetailsForm(_Contact, AppForm):
    pass


class EnrolForm(_Contact, _Circumstances, AppForm):
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
    consent = BooleanField(
        _l("The participant has read or been told the information above and consents "
           "to taking part and to being registered.")
    )
    consented_on = ClearDateField(
        _l("Date of consent"), format="%Y-%m-%d",
        validators=[InputRequired(_l("Enter the date the participant consented."))],
        invalid_message=DATE_MESSAGE,
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [SelectChoice(str(o.id), o.path) for o in organisations]

    @property
    def gender_value(self) -> Gender:
        return Gender(self.gender.data)


class ExitForm(_Circumstances, AppForm):
    exited_on = ClearDateField(
        _l("Exit date"), format="%Y-%m-%d",
        validators=[InputRequired(_l("Enter the exit date."))], invalid_message=DATE_MESSAGE,
    )
    outcome = ChoiceRadioField(
        _l("Outcome"), choices=_choices(OUTCOME_LABELS),
        validators=[InputRequired(_l("Choose the outcome, or “Unknown”."))],
        invalid_message=_l("Choose the outcome, or “Unknown”."),
    )

    @property
    def outcome_value(self) -> ExitOutcome:
        return ExitOutcome(self.outcome.data)


class EraseForm(AppForm):
    confirm_code = StringField(
        _l("Type the participant's code to confirm"),
        validators=[InputRequired(_l("Type the participant's code to confirm."))],
    )


SORT_CHOICES = [
    SelectChoice(SortKey.URGENCY.value, _l("Most urgent first")),
    SelectChoice(SortKey.DUE.value, _l("Due date")),
    SelectChoice(SortKey.CODE.value, _l("Code")),
    SelectChoice(SortKey.SUBPROJECT.value, _l("Subproject")),
    SelectChoice(SortKey.GENDER.value, _l("Gender")),
    SelectChoice(SortKey.ENROLLED.value, _l("Enrolled")),
]


class CaseloadFilterForm(AppForm):
    """The caseload's filters and order, in the query string so a view can be bookmarked."""

    class Meta:
        csrf = False

    status = ChoiceSelectField(
        _l("Status"), choices=[SelectChoice("", _l("All")), *_choices(STATUS_LABELS)],
        validators=[Optional()], invalid_message=_l("Choose a status from the list."),
    )
    organisation = ChoiceSelectField(
        _l("Subproject"), validators=[Optional()],
        invalid_message=_l("Choose a subproject from the list."),
    )
    due_this_week = BooleanField(_l("Only due this week"))
    sort = ChoiceSelectField(
        _l("Sort by"), choices=SORT_CHOICES, default=SortKey.URGENCY.value,
        validators=[Optional()], invalid_message=_l("Choose an order from the list."),
    )
    descending = BooleanField(_l("Reverse order"))

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = [
            SelectChoice("", _l("All")),
            *(SelectChoice(str(o.id), o.path) for o in organisations),
        ]

    @property
    def filters(self) -> CaseloadFilters:
        """What to show; a field with a bad value counts as not set."""
        valid = not self.errors

        def value(field: ChoiceSelectField) -> str | None:
            return field.data if valid and field.data else None

        status, organisation, sort = value(self.status), value(self.organisation), value(self.sort)
        return CaseloadFilters(
            status=OccasionStatus(status) if status else None,
            organisation_id=int(organisation) if organisation else None,
            due_this_week=bool(self.due_this_week.data),
            sort=SortKey(sort) if sort else SortKey.URGENCY,
            descending=bool(self.descending.data),
        )
