"""Every registered question type, run through the one shared interface."""

from __future__ import annotations

from pathlib import Path

import pytest

from questionnaires import QUESTION_TYPES, InvalidAnswer, load_file

REFERENCE = load_file(Path(__file__).parent / "definitions" / "reference" / "v1.yaml").definition
TEMPLATE = Path(__file__).parents[2] / "survey_app" / "templates" / "components" / "_question.html"


def item_of_type(type_name: str):
    return next(item for item in REFERENCE.items if item.type == type_name)


def test_the_reference_questionnaire_uses_every_type():
    assert {item.type for item in REFERENCE.items} == set(QUESTION_TYPES)


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_type_has_a_form_field_and_a_template_macro(type_name):
    from survey_app.participant.forms import FIELD_BUILDERS

    assert type_name in FIELD_BUILDERS
    assert f"{{% macro {type_name}(" in TEMPLATE.read_text(encoding="utf-8")


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_type_parses_its_own_options_and_refuses_others(type_name):
    item = item_of_type(type_name)
    question_type = QUESTION_TYPES[type_name]
    options = question_type.options(item, REFERENCE)
    for option in options:
        assert question_type.parse(item, REFERENCE, str(option.value)).value == option.value
    if options:
        with pytest.raises(InvalidAnswer) as raised:
            question_type.parse(item, REFERENCE, str(max(o.value for o in options) + 1))
        assert raised.value.reason == "not_an_option"
        with pytest.raises(InvalidAnswer):
            question_type.parse(item, REFERENCE, "not a number")
    else:
        assert question_type.parse(item, REFERENCE, " Hej ").text == "Hej"


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_missing_answers_are_recorded_as_such(type_name):
    item = item_of_type(type_name)
    question_type = QUESTION_TYPES[type_name]
    if question_type.offers_missing_codes:
        assert question_type.parse(item, REFERENCE, "dont_know").missing == "dont_know"
        assert question_type.parse(item, REFERENCE, "declined").missing == "declined"
        with pytest.raises(InvalidAnswer) as raised:
            question_type.parse(item, REFERENCE, "")
        assert raised.value.reason == "required"
    else:
        assert question_type.parse(item, REFERENCE, "").missing == "skipped"
    assert question_type.score(item, REFERENCE, None) is None


def test_scores_mirror_reversed_items_and_leave_categories_unscored():
    scale = QUESTION_TYPES["scale"]
    calm, worried = REFERENCE.item("calm"), REFERENCE.item("worried")
    # Agreement runs 1–3: a reversed 1 scores 3, a reversed 3 scores 1.
    assert [scale.score(calm, REFERENCE, v) for v in (1, 2, 3)] == [1.0, 2.0, 3.0]
    assert [scale.score(worried, REFERENCE, v) for v in (1, 2, 3)] == [3.0, 2.0, 1.0]
    assert QUESTION_TYPES["ladder"].score(REFERENCE.item("step"), REFERENCE, 2) == 2.0
    assert QUESTION_TYPES["choice"].score(REFERENCE.item("transport"), REFERENCE, 1) is None


def test_an_over_long_text_is_refused():
    item = item_of_type("text")
    with pytest.raises(InvalidAnswer) as raised:
        QUESTION_TYPES["text"].parse(item, REFERENCE, "x" * 2001)
    assert raised.value.reason == "too_long"


def test_missing_codes_match_the_database_enum():
    from questionnaires.types import MISSING_CODES, SKIPPED
    from survey_app.models import MissingReason

    assert {reason.value for reason in MissingReason} == {*MISSING_CODES, SKIPPED}
