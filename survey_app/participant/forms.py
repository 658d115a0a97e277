"""One small form per question page, built from the questionnaire item.

Each question type has a field builder here and a macro in
``templates/components/_question.html``; a test checks both exist for every type.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from questionnaires import Item, Questionnaire
from questionnaires.types import DECLINED, DONT_KNOW, MAX_TEXT_LENGTH
from survey_app.forms import ChoiceRadioField

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


class QuestionForm(FlaskForm):
    answer: Field


def question_form(
    item: Item, questionnaire: Questionnaire, language: str, current: str | None
) -> QuestionForm:
    """The form for one question page, pre-filled with the answer saved before."""

    class ItemForm(QuestionForm):
        answer = FIELD_BUILDERS[item.type](item, questionnaire, language)

    return ItemForm(data={"answer": current})


class SendForm(FlaskForm):
    """Only the CSRF token: pressing Send is the whole answer."""
