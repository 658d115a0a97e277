"""Questionnaire definitions (versioned YAML) and their loader. Pure Python."""

from questionnaires.loader import (
    Catalogue,
    LoadedQuestionnaire,
    Problem,
    QuestionnaireError,
    load_file,
    parse,
)
from questionnaires.schema import Item, Questionnaire, Scale, ScalePoint
from questionnaires.types import MISSING_CODES, QUESTION_TYPES, InvalidAnswer, ParsedAnswer

__all__ = [
    "MISSING_CODES",
    "QUESTION_TYPES",
    "Catalogue",
    "InvalidAnswer",
    "Item",
    "LoadedQuestionnaire",
    "ParsedAnswer",
    "Problem",
    "Questionnaire",
    "QuestionnaireError",
    "Scale",
    "ScalePoint",
    "load_file",
    "parse",
]
