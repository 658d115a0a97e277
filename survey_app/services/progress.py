"""One participant's ladder step and domain scores over time, for the coach and them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analysis.domains import domain_score
from questionnaires import Catalogue, Item, Questionnaire
from survey_app.models import Participant
from survey_app.services.clock import LOCAL_ZONE


@dataclass(frozen=True)
class ProgressPoint:
    """What one answered occasion says: the step and a score per domain."""

    kind: str
    sequence: int
    answered_on: date
    step: int | None
    domains: dict[str, float | None]


@dataclass(frozen=True)
class DomainRange:
    low: int
    high: int


def progress(participant: Participant, catalogue: Catalogue) -> list[ProgressPoint]:
    """Each submitted occasion in date order; unanswered ones are not points."""
    points = []
    for occasion in participant.occasions:
        response = occasion.response
        if response is None or response.submitted_at is None:
            continue
        values = {answer.item_id: answer.value for answer in response.answers}
        definition = catalogue.get(response.questionnaire_slug,
                                   response.questionnaire_version).definition
        ladder = definition.ladder_item
        points.append(ProgressPoint(
            occasion.kind.value, occasion.sequence,
            response.submitted_at.astimezone(LOCAL_ZONE).date(),
            values.get(ladder.id) if ladder is not None else None,
            _domain_scores(definition, occasion.kind.value, values),
        ))
    return sorted(points, key=lambda point: point.answered_on)


def _domain_scores(
    definition: Questionnaire, kind: str, values: dict[str, int | None]
) -> dict[str, float | None]:
    """Score per domain of one response, by the items its version asks at that
    occasion; the ladder's own domain is its step, shown apart."""
    ladder = definition.ladder_item
    by_domain: dict[str, list[float | None]] = {}
    for item in definition.items_for(kind):
        if not item.question_type.scored or (ladder is not None and item.domain == ladder.domain):
            continue
        by_domain.setdefault(item.domain, []).append(
            item.question_type.score(item, definition, values.get(item.id))
        )
    return {domain: domain_score(scores) for domain, scores in by_domain.items()}


def _range(item: Item, definition: Questionnaire) -> DomainRange:
    values = [option.value for option in item.question_type.options(item, definition)]
    return DomainRange(min(values), max(values))


def ladder_range(catalogue: Catalogue, slug: str) -> DomainRange:
    definition = catalogue.latest(slug).definition
    ladder = definition.ladder_item
    return _range(ladder, definition) if ladder is not None else DomainRange(1, 7)


def domain_ranges(catalogue: Catalogue, slug: str) -> dict[str, DomainRange]:
    """Each scored domain's lowest and highest possible score, for chart axes."""
    definition = catalogue.latest(slug).definition
    ranges: dict[str, DomainRange] = {}
    for item in definition.items:
        if not item.question_type.scored:
            continue
        found, known = _range(item, definition), ranges.get(item.domain)
        if known is not None:
            found = DomainRange(min(found.low, known.low), max(found.high, known.high))
        ranges[item.domain] = found
    return ranges


def domain_statements(catalogue: Catalogue, slug: str, language: str) -> dict[str, str]:
    """For domains asked by one statement, that statement in ``language``.

    A participant recognises "I can take part in deciding" more readily than the
    domain's name, "Influence over the rehabilitation".
    """
    definition = catalogue.latest(slug).definition
    by_domain: dict[str, list[Item]] = {}
    for item in definition.items:
        if item.question_type.scored:
            by_domain.setdefault(item.domain, []).append(item)
    return {
        domain: items[0].text.get(language) or items[0].text[definition.languages[0]]
        for domain, items in by_domain.items()
        if len(items) == 1
    }
