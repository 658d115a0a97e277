"""One small form per question page, built from the questionnaire item.

Each question type has a field builder here and a macro in
``templates/components/_question.html``; a test checks both exist for every type.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError

from questionnaires import Item, Questionnaire
from questionnaires.types import DECLINED, DONT_KNOW, MAX_TEXT_LENGTH
from survey_app.forms import AppForm, ChoiceRadioField

MISSING_LABELS = {DONT_KNOW: _l("I don't know"), DECLINED: _l("I don't want to answer")}


def _choice_field(item: Item, questionnaire: Questionnaire, language: str) -> Field:
    choices = [
        SelectChoice(str(option.value), option.label[language])
        for option in item.question_type.options(item, questionnaire)
    ]
    if item.question_type.offers_missing_codes:
        choices += [SelectChoice(code, str(label)) for code, label in MISSING_LABELS.items()]
    required = item.is_required()
    return ChoiceRadioField(
        item.text[language],
        choices=choices,
        validators=[InputRequired(_l("Choose an answer.")) if required else Optional()],
        invalid_message=_l("Choose one of the answers."),
    )


def _text_field(item: Item, questionnaire: Questionnaire, language: str) -> Field:
    validators = [
        InputRequired(_l("Write an answer.")) if item.is_required() else Optional(),
        Length(max=MAX_TEXT_LENGTH, message=_l("Write at most %(max)d characters.")),
    ]
    return TextAreaField(item.text[language], validators=validators)


FIELD_BUILDERS: dict[str, Callable[[Item, Questionnaire, str], Field]] = {
    "scale": _choice_field,
    "ladder": _choice_field,
    "choice": _choice_field,
    "text": _text_field,
}


class QuestionForm(AppForm):
    answer: Field


def question_form(
    item: Item, questionnaire: Questionnaire, language: str, current: str | None
) -> QuestionForm:
    """The form for one question page, pre-filled with the answer saved before."""

    class ItemForm(QuestionForm):
        answer = FIELD_BUILDERS[item.type](item, questionnaire, language)

    return ItemForm(data={"answer": current})


class SendForm(AppForm):
    """Only the CSRF token: pressing Send is the whole answer."""


#: Where a participant page may send someone back to: our own participant pages only.
_RETURN_PATH = re.compile(r"^/s/[A-Za-z0-9_\-/]*(\?return=review)?$")


def safe_return_path(path: str | None) -> str | None:
    """``path`` if it is one of our participant pages, else None (never another site)."""
    if path and _RETURN_PATH.match(path) and "//" not in path:
        return path
    return None


ON_OFF = ("on", "off")


class DisplayForm(AppForm):
    """The language, easy-read and picture switches; each button sends one of them."""

    language = StringField(validators=[Optional()])
    easy_read = StringField(validators=[Optional(), AnyOf(ON_OFF)])
    pictograms = StringField(validators=[Optional(), AnyOf(ON_OFF)])
    next = StringField(validators=[InputRequired()])

    def __init__(self, *args: object, offered: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered

    def validate_language(self, field: Field) -> None:
        if field.data and field.data not in self.offered:
            raise ValidationError("unknown language")

    def validate_next(self, field: Field) -> None:
        if safe_return_path(field.data) is None:
            raise ValidationError("not a participant page")

    def easy_read_choice(self) -> bool | None:
        return None if not self.easy_read.data else self.easy_read.data == "on"

    def pictograms_choice(self) -> bool | None:
        return None if not self.pictograms.data else self.pictograms.data == "on"


class TabletCodeForm(AppForm):
    code = StringField(
        _l("Code"),
        description=_l("The code has 8 numbers. Your coach gives it to you."),
        validators=[InputRequired(_l("Write the code."))],
    )
