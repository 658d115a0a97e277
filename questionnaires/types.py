"""Question types: one class per type, sharing one small interface.

The web layer picks a form field and a template macro by ``name``; scoring and
validation of a raw answer live here so every way in (web, CLI, import) agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from questionnaires.schema import Item, Questionnaire, ScalePoint

#: Missing-value codes a participant may choose instead of a value.
DONT_KNOW = "dont_know"
DECLINED = "declined"
MISSING_CODES = (DONT_KNOW, DECLINED)
#: Recorded when an optional question is passed without an answer.
SKIPPED = "skipped"

MAX_TEXT_LENGTH = 2000


class InvalidAnswer(ValueError):
    """A raw answer that does not fit the question; ``reason`` is a stable code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedAnswer:
    value: int | None = None
    text: str | None = None
    missing: str | None = None


class QuestionType:
    name: ClassVar[str]
    #: The item must name a shared scale.
    needs_scale: ClassVar[bool] = False
    #: The item must list its own options.
    needs_options: ClassVar[bool] = False
    #: Answers may be "don't know" / "don't want to answer" instead of a value.
    offers_missing_codes: ClassVar[bool] = True
    required_by_default: ClassVar[bool] = True
    #: Answers enter domain scores (ordinal values, not categories or text).
    scored: ClassVar[bool] = False

    def options(self, item: Item, questionnaire: Questionnaire) -> list[ScalePoint]:
        return []

    def parse(self, item: Item, questionnaire: Questionnaire, raw: str | None) -> ParsedAnswer:
        """Turn a raw form value into an answer, or raise ``InvalidAnswer``."""
        raw = (raw or "").strip()
        if raw in MISSING_CODES and self.offers_missing_codes:
            return ParsedAnswer(missing=raw)
        if not raw:
            if item.is_required(self):
                raise InvalidAnswer("required")
            return ParsedAnswer(missing=SKIPPED)
        return self.parse_value(item, questionnaire, raw)

    def parse_value(self, item: Item, questionnaire: Questionnaire, raw: str) -> ParsedAnswer:
        try:
            value = int(raw)
        except ValueError:
            raise InvalidAnswer("not_an_option") from None
        if value not in {point.value for point in self.options(item, questionnaire)}:
            raise InvalidAnswer("not_an_option")
        return ParsedAnswer(value=value)

    def scoring(self, item: Item, questionnaire: Questionnaire) -> tuple[float, float] | None:
        """How an answer's value becomes a score: ``offset + sign × value``.

        None for types whose answers are not scored. A pair rather than a function,
        so that a report can score a whole column of answers at once.
        """
        return None

    def score(self, item: Item, questionnaire: Questionnaire, value: int | None) -> float | None:
        """The value that enters domain scores; None for unscored types and missing values."""
        scoring = self.scoring(item, questionnaire)
        if scoring is None or value is None:
            return None
        offset, sign = scoring
        return float(offset + sign * value)


class ScaleQuestion(QuestionType):
    """A statement answered on a shared ordinal scale (agreement, health, …)."""

    name = "scale"
    needs_scale = True
    scored = True

    def options(self, item: Item, questionnaire: Questionnaire) -> list[ScalePoint]:
        return questionnaire.scale_for(item).points

    def scoring(self, item: Item, questionnaire: Questionnaire) -> tuple[float, float] | None:
        """The scale value, reversed items mirrored (the lowest point scores as the highest)."""
        if not item.reverse:
            return (0.0, 1.0)
        values = [point.value for point in self.options(item, questionnaire)]
        return (float(min(values) + max(values)), -1.0)


class LadderQuestion(ScaleQuestion):
    """The step ladder: where the participant stands on the way to work or studies."""

    name = "ladder"


class ChoiceQuestion(QuestionType):
    """One option among categories that have no order; counted, never averaged."""

    name = "choice"
    needs_options = True

    def options(self, item: Item, questionnaire: Questionnaire) -> list[ScalePoint]:
        return list(item.options or [])


class TextQuestion(QuestionType):
    name = "text"
    offers_missing_codes = False
    required_by_default = False

    def parse_value(self, item: Item, questionnaire: Questionnaire, raw: str) -> ParsedAnswer:
        if len(raw) > MAX_TEXT_LENGTH:
            raise InvalidAnswer("too_long")
        return ParsedAnswer(text=raw)


QUESTION_TYPES: dict[str, QuestionType] = {
    question_type.name: question_type
    for question_type in (ScaleQuestion(), LadderQuestion(), ChoiceQuestion(), TextQuestion())
}
