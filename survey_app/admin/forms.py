from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from survey_app.forms import AppForm, ChoiceRadioField, ChoiceSelectField, ClearDateField
from survey_app.models import Organisation, Role, User
from survey_app.services.targets import TargetDefinition
from survey_app.templating import ROLE_LABELS, questionnaire_language_label

DATE_MESSAGE = _l("Enter a date like 2026-03-31.")


class OrganisationForm(AppForm):
    path = StringField(
        _l("New organisation"),
        description=_l("The path from the top, names separated by “/”, e.g. MIA/Haninge."),
        validators=[InputRequired(_l("Enter the organisation's path.")), Length(max=1000)],
    )


class RenameOrganisationForm(AppForm):
    name = StringField(
        _l("New name"),
        validators=[InputRequired(_l("Enter the new name.")), Length(max=120)],
    )


def _organisation_choices(organisations: list[Organisation]) -> list[SelectChoice]:
    return [SelectChoice(str(o.id), o.path) for o in organisations]


class _Placement:
    role = ChoiceRadioField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(_l("Choose a role."))], invalid_message=_l("Choose a role."),
    )
    organisation = ChoiceSelectField(
        _l("Organisation"), coerce=int, validators=[InputRequired(_l("Choose an organisation."))],
        invalid_message=_l("Choose an organisation from the list."),
    )

    @property
    def role_value(self) -> Role:
        return Role(self.role.data)


class NewUserForm(_Placement, AppForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(_l("Enter the user's e-mail address.")), Length(max=254)],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = _organisation_choices(organisations)


class EditUserForm(_Placement, AppForm):
    is_active = BooleanField(_l("Active (can log in)"))
    may_export_rows = BooleanField(
        _l("May download pseudonymised answers (row export)"),
        description=_l("Evaluators only. Every download is recorded in the audit log."),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation.choices = _organisation_choices(organisations)


class AuditFilterForm(AppForm):
    """Which audit events to list: a GET filter in the query string."""

    class Meta:
        csrf = False

    action = ChoiceSelectField(
        _l("Action"), validators=[Optional()],
        invalid_message=_l("Choose an action from the list."),
    )
    actor = ChoiceSelectField(
        _l("Done by"), validators=[Optional()], invalid_message=_l("Choose a user from the list."),
    )
    occurred_from = ClearDateField(
        _l("From"), validators=[Optional()], format="%Y-%m-%d", invalid_message=DATE_MESSAGE,
    )
    occurred_to = ClearDateField(
        _l("To"), validators=[Optional()], format="%Y-%m-%d", invalid_message=DATE_MESSAGE,
    )

    def __init__(
        self, *args: Any, actions: list[str], actors: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [SelectChoice("", _l("All")), *(SelectChoice(a, a) for a in actions)]
        self.actor.choices = [
            SelectChoice("", _l("Anyone")),
            *(SelectChoice(str(user.id), user.email) for user in actors),
        ]

    def validate_occurred_to(self, field: ClearDateField) -> None:
        start = self.occurred_from.data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(_l("The end date must not be before the start date."))


class TargetsYamlForm(AppForm):
    yaml_text = TextAreaField(
        _l("Targets as YAML"),
        description=_l("Replaces every target of this organisation. The format is in the README."),
        validators=[InputRequired(_l("Paste the targets as YAML.")), Length(max=20000)],
    )


GOAL_MESSAGE = _l("Enter a whole percentage from 0 to 100.")


def goals_form(definitions: list[TargetDefinition], labels: list[str]) -> type[AppForm]:
    """A form with one goal field (in %) per target, named ``goal_<target id>``."""

    class GoalsForm(AppForm):
        pass

    for definition, label in zip(definitions, labels, strict=True):
        setattr(GoalsForm, f"goal_{definition.id}", IntegerField(
            label, validators=[InputRequired(GOAL_MESSAGE), NumberRange(0, 100, GOAL_MESSAGE)],
            default=round(definition.goal * 100),
        ))
    return GoalsForm


class PaperImportForm(AppForm):
    """A spreadsheet of questionnaires answered on paper, and which questionnaire it was."""

    file = FileField(
        _l("File (CSV or XLSX)"),
        description=_l("One row per questionnaire: participant, occasion, followup, "
                       "answered_on, then one column per question id."),
        validators=[FileRequired(_l("Choose the file to import."))],
    )
    questionnaire = ChoiceSelectField(
        _l("Questionnaire on the paper form"),
        invalid_message=_l("Choose a questionnaire from the list."),
    )

    def __init__(self, *args: Any, questionnaires: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire.choices = [SelectChoice(q, q) for q in questionnaires]
        if self.questionnaire.data is None and questionnaires:
            self.questionnaire.data = questionnaires[-1]


class PreviewLanguageForm(AppForm):
    """Which of a questionnaire version's languages to read it in: a GET choice."""

    class Meta:
        csrf = False

    language = ChoiceSelectField(
        _l("Language"), validators=[Optional()],
        invalid_message=_l("Choose one of the questionnaire's languages."),
    )

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(code, questionnaire_language_label(code))
                                 for code in languages]
