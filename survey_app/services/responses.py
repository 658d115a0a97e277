"""Answering a questionnaire: answers are saved one page at a time, then submitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from questionnaires import Catalogue, Item, LoadedQuestionnaire, ParsedAnswer, packing
from survey_app.extensions import db
from survey_app.models import Answer, MissingReason, Occasion, Participant, Response, ResponseMode
from survey_app.services import ServiceError

#: The instrument new responses use; one that has answers keeps its own version.
DEFAULT_QUESTIONNAIRE = "stegvis"


def questionnaire_for_new_responses(catalogue: Catalogue) -> LoadedQuestionnaire:
    return catalogue.latest(DEFAULT_QUESTIONNAIRE)


def questionnaire_for(occasion: Occasion, catalogue: Catalogue) -> LoadedQuestionnaire:
    response = occasion.response
    if response is not None:
        return catalogue.get(response.questionnaire_slug, response.questionnaire_version)
    return questionnaire_for_new_responses(catalogue)


def text_language(loaded: LoadedQuestionnaire, participant: Participant) -> str:
    """The questionnaire language to show: easy-read where wanted and available."""
    return loaded.definition.wording_for(participant.language, participant.prefers_easy_read)


def items_for(occasion: Occasion, loaded: LoadedQuestionnaire) -> list[Item]:
    return loaded.definition.items_for(occasion.kind.value)


def get_or_start(
    occasion: Occasion, loaded: LoadedQuestionnaire, language: str, mode: ResponseMode,
    now: datetime,
) -> Response:
    """The occasion's response, started now if it has none (one per occasion, always)."""
    if occasion.response is not None:
        return occasion.response
    definition = loaded.definition
    try:
        with db.session.begin_nested():
            response = Response(
                occasion=occasion, questionnaire_slug=definition.slug,
                questionnaire_version=definition.version, questionnaire_hash=loaded.content_hash,
                language=language, mode=mode, started_at=now,
            )
            db.session.add(response)
    except IntegrityError:
        # Another request started it a moment ago: carry on with that one.
        db.session.expire(occasion)
        response = db.session.scalar(sa.select(Response).where(Response.occasion_id == occasion.id))
        assert response is not None  # noqa: S101 - the unique constraint just told us so
    return response


def save_answer(
    response: Response, loaded: LoadedQuestionnaire, item: Item, raw: str | None, now: datetime,
    language: str | None = None,
) -> Answer:
    """Store the answer to ``item``, replacing an earlier one; raises ``InvalidAnswer``.

    ``language`` is the wording the participant saw, when it differs from the
    response's (they switched mid-way).
    """
    if response.is_submitted:
        raise ServiceError(_l("These answers have already been sent."))
    parsed = item.question_type.parse(item, loaded.definition, raw)
    return store_parsed(response, item.id, parsed, now, language)


def store_parsed(
    response: Response, item_id: str, parsed: ParsedAnswer, now: datetime,
    language: str | None = None,
) -> Answer:
    """Store an answer already checked against its question, replacing an earlier one."""
    values = {
        "value": parsed.value,
        "text": parsed.text,
        "missing_reason": MissingReason(parsed.missing) if parsed.missing else None,
        "answered_at": now,
        "language": language or response.language,
    }
    answer = response.answers_by_item().get(item_id)
    if answer is None:
        try:
            with db.session.begin_nested():
                answer = Answer(response=response, item_id=item_id, **values)
                db.session.add(answer)
            return answer
        except IntegrityError:
            # A twin request, a double tap on "Next", stored it a moment ago: the
            # unique (response, item) kept it to one row, and this one replaces it.
            db.session.expire(response, ["answers"])
            answer = response.answers_by_item()[item_id]
    for name, value in values.items():
        setattr(answer, name, value)
    db.session.flush()
    return answer


def first_unanswered(response: Response | None, items: list[Item]) -> Item | None:
    answered = set(response.answers_by_item()) if response is not None else set()
    return next((item for item in items if item.id not in answered), None)


@dataclass(frozen=True)
class ReviewedAnswer:
    """One line of the review page: the question and the answer, as the participant reads them."""

    item: Item
    question: str
    #: The chosen label, the typed text, a missing-value code, or None when skipped.
    answer: str | None
    missing: str | None


def review(
    response: Response, loaded: LoadedQuestionnaire, items: list[Item], language: str
) -> list[ReviewedAnswer]:
    """The saved answers in ``language``, for checking before sending."""
    saved = response.answers_by_item()
    lines = []
    for item in items:
        answer = saved.get(item.id)
        shown = missing = None
        if answer is not None and answer.missing_reason is not None:
            missing = answer.missing_reason.value
        elif answer is not None and answer.text is not None:
            shown = answer.text
        elif answer is not None:
            shown = next((
                option.label[language]
                for option in item.question_type.options(item, loaded.definition)
                if option.value == answer.value
            ), None)
        lines.append(ReviewedAnswer(item, item.text[language], shown, missing))
    return lines


def submit(
    response: Response, loaded: LoadedQuestionnaire, items: list[Item], now: datetime
) -> None:
    """Mark the response as sent. Refuses while a question is unanswered.

    The answers are final from now on, so their values are packed for reports here,
    once (see ``questionnaires.packing``).
    """
    if response.is_submitted:
        return
    if first_unanswered(response, items) is not None:
        raise ServiceError(_l("Some questions have no answer yet."))
    response.packed_values = packing.pack(
        loaded.definition, {answer.item_id: answer.value for answer in response.answers})
    response.submitted_at = now
    db.session.flush()
