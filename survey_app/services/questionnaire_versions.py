"""The questionnaire versions Stegvis knows, and how much each has been answered.

Versions are files (``questionnaires/``), never edited once published: an
administrator cannot change them here, but sees which version new answers use,
how far each has been answered in their organisations, and every question as a
participant reads it, in each language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from questionnaires import Catalogue, Item, LoadedQuestionnaire
from survey_app.extensions import db
from survey_app.models import Occasion, Organisation, Participant, Response
from survey_app.services import organisations
from survey_app.services.responses import questionnaire_for_new_responses


@dataclass(frozen=True)
class VersionUse:
    loaded: LoadedQuestionnaire
    #: New responses are answered with this version.
    for_new_responses: bool
    #: Responses in the viewer's organisations: submitted, and started but not submitted.
    submitted: int
    in_progress: int
    last_submitted_at: datetime | None


def catalogue_use(catalogue: Catalogue, root: Organisation) -> list[VersionUse]:
    """Every version in the catalogue, newest first within each questionnaire, with
    the responses given with it by participants of ``root`` and below."""
    counts = {
        (slug, version): (submitted, started - submitted, last)
        for slug, version, started, submitted, last in db.session.execute(
            sa.select(
                Response.questionnaire_slug, Response.questionnaire_version,
                sa.func.count(), sa.func.count(Response.submitted_at),
                sa.func.max(Response.submitted_at),
            )
            .join(Response.occasion).join(Occasion.participant).join(Participant.organisation)
            .where(organisations.subtree_clause(root))
            .group_by(Response.questionnaire_slug, Response.questionnaire_version)
        )
    }
    current = questionnaire_for_new_responses(catalogue)
    uses = []
    for loaded in sorted(catalogue, key=lambda loaded: (loaded.definition.slug,
                                                         -loaded.definition.version)):
        submitted, in_progress, last = counts.get(
            (loaded.definition.slug, loaded.definition.version), (0, 0, None))
        uses.append(VersionUse(loaded, loaded is current, submitted, in_progress, last))
    return uses


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: str


@dataclass(frozen=True)
class PreviewedQuestion:
    item: Item
    text: str
    help: str | None
    #: The answers offered, as on the participant's page; none for a free-text question.
    options: list[AnswerOption]


def preview(loaded: LoadedQuestionnaire, language: str) -> list[PreviewedQuestion]:
    """Every question of the version in ``language``, one of the version's languages."""
    definition = loaded.definition
    if language not in definition.languages:
        raise KeyError(language)
    return [
        PreviewedQuestion(
            item,
            item.text[language],
            item.help[language] if item.help else None,
            [AnswerOption(point.value, point.label[language])
             for point in item.question_type.options(item, definition)],
        )
        for item in definition.items
    ]
