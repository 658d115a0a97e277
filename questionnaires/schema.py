"""The questionnaire format, as pydantic models.

Field-level rules (types, unknown keys, id syntax) are pydantic's; rules across
the document (scale references, translations, duplicate ids) are checked by
``reference_problems`` so each problem can name the exact place it is at.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from questionnaires import readability
from questionnaires.types import QUESTION_TYPES, QuestionType

SCHEMA_VERSION = 1
OCCASION_KINDS = ("intake", "followup", "exit")

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,63}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[a-z]+)?$")]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: A recording in the questionnaire's ``audio/`` folder, e.g. ``step-sv-easy.mp3``.
AudioFile = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.(mp3|m4a|ogg|oga|wav|webm)$")
]
LocalisedText = dict[LanguageCode, NonEmptyText]
OccasionKind = Literal["intake", "followup", "exit"]

#: Pictograms the participant pages can draw (inline SVG, beside the text, never instead).
PICTOGRAMS = frozenset({
    "face-sad", "face-slightly-sad", "face-neutral", "face-slightly-happy", "face-happy",
    "ladder",
})
#: Language variants ending in this are easy-read and held to ``readability``'s limits.
EASY_READ_SUFFIX = "-easy"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


#: Answer values are packed as float32 (see ``packing``), exact up to 2**24.
MAX_PACKED_VALUE = 2**24


class ScalePoint(Strict):
    value: int = Field(ge=-MAX_PACKED_VALUE, le=MAX_PACKED_VALUE)
    label: LocalisedText
    #: Name of a pictogram the participant pages can draw beside the label.
    pictogram: str | None = None


class Scale(Strict):
    points: list[ScalePoint] = Field(min_length=2)


class Item(Strict):
    id: Identifier
    type: str
    domain: Identifier
    text: LocalisedText
    help: LocalisedText | None = None
    scale: Identifier | None = None
    options: list[ScalePoint] | None = None
    pictogram: str | None = None
    #: A recording of the question and its answers, per language; read aloud by the
    #: "Listen" button instead of the browser's speech synthesis.
    audio: dict[LanguageCode, AudioFile] | None = None
    #: Mirror the scale before scoring (for negatively worded statements).
    reverse: bool = False
    #: Occasion kinds that ask this item; all of the questionnaire's when absent.
    occasions: list[OccasionKind] | None = None
    required: bool | None = None

    @property
    def question_type(self) -> QuestionType:
        return QUESTION_TYPES[self.type]

    def is_required(self, question_type: QuestionType | None = None) -> bool:
        if self.required is not None:
            return self.required
        return (question_type or self.question_type).required_by_default

    def asked_at(self, occasion_kind: str) -> bool:
        return self.occasions is None or occasion_kind in self.occasions


class Questionnaire(Strict):
    schema_version: Literal[1] = Field(alias="schema")
    slug: Slug
    version: int = Field(ge=1)
    title: LocalisedText
    languages: list[LanguageCode] = Field(min_length=1)
    occasions: list[OccasionKind] = Field(min_length=1)
    scales: dict[Identifier, Scale] = Field(default_factory=dict)
    items: list[Item] = Field(min_length=1)

    def scale_for(self, item: Item) -> Scale:
        if item.scale is None:
            raise LookupError(f"item {item.id!r} has no scale")
        return self.scales[item.scale]

    def items_for(self, occasion_kind: str) -> list[Item]:
        return [item for item in self.items if item.asked_at(occasion_kind)]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def ladder_item(self) -> Item | None:
        return next((item for item in self.items if item.type == "ladder"), None)

    @property
    def domains(self) -> list[str]:
        return list(dict.fromkeys(item.domain for item in self.items))

    def wording_for(self, language: str, easy_read: bool) -> str:
        """The language variant to show someone who reads ``language`` ("sv", "ar" …):
        its easy-read variant when they want one and there is one."""
        easy = language + EASY_READ_SUFFIX
        if easy_read and easy in self.languages:
            return easy
        if language in self.languages:
            return language
        return self.languages[0]

    def answer_labels(self, item: Item, language: str) -> list[str]:
        return [option.label[language] for option in item.question_type.options(item, self)]

    @property
    def audio_files(self) -> set[str]:
        return {name for item in self.items for name in (item.audio or {}).values()}


Path = tuple[str | int, ...]


def reference_problems(questionnaire: Questionnaire) -> list[tuple[Path, str]]:
    """Problems that span the document, each with the path of the offending value."""
    problems: list[tuple[Path, str]] = []
    languages = questionnaire.languages

    def check_translations(path: Path, text: dict[str, str]) -> None:
        missing = [language for language in languages if language not in text]
        extra = [language for language in text if language not in languages]
        if missing:
            problems.append((path, f"missing translation for {', '.join(missing)}"))
        if extra:
            problems.append((path, f"language {', '.join(extra)} is not in 'languages'"))

    if len(set(languages)) != len(languages):
        problems.append((("languages",), "a language is listed twice"))
    check_translations(("title",), questionnaire.title)

    for name, scale in questionnaire.scales.items():
        seen_values: set[int] = set()
        for index, point in enumerate(scale.points):
            path: Path = ("scales", name, "points", index)
            if point.value in seen_values:
                problems.append(((*path, "value"), f"value {point.value} appears twice"))
            seen_values.add(point.value)
            check_translations((*path, "label"), point.label)
            if point.pictogram is not None and point.pictogram not in PICTOGRAMS:
                problems.append(((*path, "pictogram"), _unknown_pictogram(point.pictogram)))

    seen_ids: set[str] = set()
    ladder_items = 0
    for index, item in enumerate(questionnaire.items):
        path = ("items", index)
        if item.id in seen_ids:
            problems.append(((*path, "id"), f"duplicate item id {item.id!r}"))
        seen_ids.add(item.id)
        question_type = QUESTION_TYPES.get(item.type)
        if question_type is None:
            known = ", ".join(sorted(QUESTION_TYPES))
            problems.append(((*path, "type"), f"unknown type {item.type!r} (known: {known})"))
            continue
        ladder_items += item.type == "ladder"
        if question_type.needs_scale and item.scale is None:
            problems.append((path, f"an item of type {item.type!r} needs a 'scale'"))
        if item.scale is not None and item.scale not in questionnaire.scales:
            problems.append(((*path, "scale"), f"unknown scale {item.scale!r}"))
        if item.scale is not None and not question_type.needs_scale:
            problems.append(((*path, "scale"), f"an item of type {item.type!r} takes no scale"))
        if question_type.needs_options and not item.options:
            problems.append((path, f"an item of type {item.type!r} needs 'options'"))
        if item.options is not None and not question_type.needs_options:
            problems.append(((*path, "options"), f"an item of type {item.type!r} takes no options"))
        check_translations((*path, "text"), item.text)
        if item.help is not None:
            check_translations((*path, "help"), item.help)
        if item.pictogram is not None and item.pictogram not in PICTOGRAMS:
            problems.append(((*path, "pictogram"), _unknown_pictogram(item.pictogram)))
        for language in item.audio or {}:
            if language not in languages:
                problems.append(
                    ((*path, "audio", language), f"language {language} is not in 'languages'")
                )
        for option_index, option in enumerate(item.options or []):
            check_translations((*path, "options", option_index, "label"), option.label)
        for kind in item.occasions or []:
            if kind not in questionnaire.occasions:
                problems.append(
                    ((*path, "occasions"), f"occasion {kind!r} is not served by this questionnaire")
                )
    if ladder_items > 1:
        problems.append((("items",), "at most one item may be of type 'ladder'"))
    if not problems:
        problems.extend(easy_read_problems(questionnaire))
    return problems


def _unknown_pictogram(name: str) -> str:
    return f"unknown pictogram {name!r} (known: {', '.join(sorted(PICTOGRAMS))})"


def easy_read_problems(questionnaire: Questionnaire) -> list[tuple[Path, str]]:
    """Easy-read wording that breaks the limits in ``readability``, item by item."""
    problems: list[tuple[Path, str]] = []
    for language in questionnaire.languages:
        if not language.endswith(EASY_READ_SUFFIX):
            continue
        for index, item in enumerate(questionnaire.items):
            hint = item.help[language] if item.help else None
            labels = questionnaire.answer_labels(item, language)
            for problem in readability.question_problems(item.text[language], hint, labels):
                problems.append((("items", index, "text", language), problem))
    return problems
