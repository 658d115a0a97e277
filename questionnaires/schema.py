"""The questionnaire format, as pydantic models.

Field-level rules (types, unknown keys, id syntax) are pydantic's; rules across
the document (scale references, translations, duplicate ids) are checked by
``reference_problems`` so each problem can name the exact place it is at.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from questionnaires.types import QUESTION_TYPES, QuestionType

SCHEMA_VERSION = 1
OCCASION_KINDS = ("intake", "followup", "exit")

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,63}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[a-z]+)?$")]
NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
LocalisedText = dict[LanguageCode, NonEmptyText]
OccasionKind = Literal["intake", "followup", "exit"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScalePoint(Strict):
    value: int
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
        for option_index, option in enumerate(item.options or []):
            check_translations((*path, "options", option_index, "label"), option.label)
        for kind in item.occasions or []:
            if kind not in questionnaire.occasions:
                problems.append(
                    ((*path, "occasions"), f"occasion {kind!r} is not served by this questionnaire")
                )
    if ladder_items > 1:
        problems.append((("items",), "at most one item may be of type 'ladder'"))
    return problems
