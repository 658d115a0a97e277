"""Pseudonymised answers, one row per submitted questionnaire, for evaluators who may.

An evaluator an administrator has given the row export permission can take the
answers themselves into R or SPSS. What could point at a person is left out or
made coarser: the participant code becomes a random id that is new in every
export (two exports cannot be joined), the birth year becomes an age band, the
answer date becomes its month and the days since enrolment, and free-text
answers are left out unless asked for. Participants who withdrew and were
anonymised are not exported at all. Every export is audited by the caller.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import gettext

from analysis.age import AGE_BAND_LABELS, age_band
from questionnaires import Catalogue, Item, LoadedQuestionnaire
from questionnaires.types import TextQuestion
from survey_app.extensions import db
from survey_app.models import (
    Answer,
    MissingReason,
    Occasion,
    OccasionKind,
    Organisation,
    Participant,
    Response,
    User,
)
from survey_app.services import audit
from survey_app.services.clock import LOCAL_ZONE
from survey_app.services.report_data import AGE_AT_ENROLMENT, ReportFilters
from survey_app.services.report_tables import (
    MISSING_ANSWER_CODES,
    Column,
    Kind,
    Table,
    Value,
    filter_notes,
)
from survey_app.services.responses import DEFAULT_QUESTIONNAIRE
from survey_app.services.table_files import ExportFile, FileFormat, slugify, tables_file
from survey_app.templating import (
    GENDER_LABELS,
    INCOME_LABELS,
    MODE_LABELS,
    OCCASION_LABELS,
    OCCUPATION_LABELS,
    OUTCOME_LABELS,
    format_age_band,
)

OCCASION_ORDER = {OccasionKind.INTAKE: 0, OccasionKind.FOLLOWUP: 1, OccasionKind.EXIT: 2}


def missing_code_labels() -> dict[int, str]:
    return {
        MISSING_ANSWER_CODES[MissingReason.DONT_KNOW]: gettext("Don't know"),
        MISSING_ANSWER_CODES[MissingReason.DECLINED]: gettext("Did not want to answer"),
        MISSING_ANSWER_CODES[MissingReason.SKIPPED]: gettext("Not answered"),
    }


@dataclass(frozen=True)
class RowExport:
    answers: Table
    codebook: Table
    about: list[tuple[str, str]]
    participants: int
    include_text: bool


def _listed(labels: Mapping[object, str]) -> str:
    """"1 = Stämmer inte; 2 = …": codes with their labels, for the codebook."""
    return "; ".join(f"{code} = {label}" for code, label in labels.items())


def _category(name: str, label: str, labels: dict) -> Column:
    return Column(name, label, Kind.CATEGORY, {str(k): str(v) for k, v in labels.items()})


def _person_columns() -> tuple[Column, ...]:
    return (
        Column("person", gettext("Person (random id, new in every export)"), Kind.TEXT),
        _category("gender", gettext("Gender"), GENDER_LABELS),
        _category("age_band", gettext("Age at enrolment"),
                  {band: format_age_band(band) for band in AGE_BAND_LABELS}),
        Column("organisation", gettext("Organisation"), Kind.TEXT),
        _category("intake_occupation", gettext("Occupation at enrolment"), OCCUPATION_LABELS),
        _category("intake_income", gettext("Main income at enrolment"), INCOME_LABELS),
        _category("exit_outcome", gettext("Outcome at exit"), OUTCOME_LABELS),
        _category("exit_occupation", gettext("Occupation at exit"), OCCUPATION_LABELS),
        _category("exit_income", gettext("Main income at exit"), INCOME_LABELS),
        _category("occasion", gettext("Occasion"), OCCASION_LABELS),
        Column("followup", gettext("Follow-up number"), Kind.NUMBER),
        Column("answered_month", gettext("Month answered (YYYY-MM)"), Kind.TEXT),
        Column("days_since_enrolment", gettext("Days from enrolment to answer"), Kind.NUMBER),
        _category("mode", gettext("How it was answered"), MODE_LABELS),
        Column("questionnaire_version", gettext("Questionnaire version"), Kind.NUMBER),
        Column("language", gettext("Language answered in"), Kind.TEXT),
    )


def _versions(catalogue: Catalogue, filters: ReportFilters) -> list[LoadedQuestionnaire]:
    versions = catalogue.versions(DEFAULT_QUESTIONNAIRE)
    if filters.questionnaire_version is not None:
        versions = [v for v in versions if v == filters.questionnaire_version]
    return [catalogue.get(DEFAULT_QUESTIONNAIRE, v) for v in versions]


def _exported_items(versions: list[LoadedQuestionnaire], include_text: bool
                    ) -> dict[str, tuple[Item, LoadedQuestionnaire]]:
    """Each item once, as its latest version words and scores it; free text only if asked."""
    items: dict[str, tuple[Item, LoadedQuestionnaire]] = {}
    for loaded in sorted(versions, key=lambda q: -q.definition.version):
        for item in loaded.definition.items:
            if isinstance(item.question_type, TextQuestion) and not include_text:
                continue
            items.setdefault(item.id, (item, loaded))
    # In the order of the questionnaire, oldest version first for items it alone has.
    order = [item.id for loaded in versions for item in loaded.definition.items]
    return {item_id: items[item_id] for item_id in dict.fromkeys(order) if item_id in items}


def _wording(item: Item, loaded: LoadedQuestionnaire, language: str) -> str:
    return item.text.get(language) or item.text[loaded.definition.languages[0]]


def _point_labels(item: Item, loaded: LoadedQuestionnaire, language: str) -> dict[int, str]:
    first = loaded.definition.languages[0]
    return {point.value: point.label.get(language) or point.label[first]
            for point in item.question_type.options(item, loaded.definition)}


def _item_column(item: Item, loaded: LoadedQuestionnaire, language: str) -> Column:
    label = _wording(item, loaded, language)
    if isinstance(item.question_type, TextQuestion):
        return Column(item.id, label, Kind.TEXT)
    return Column(item.id, label, Kind.ANSWER,
                  value_labels=_point_labels(item, loaded, language) | missing_code_labels())


def _answer_value(answer: sa.Row) -> Value:
    if answer.value is not None:
        return answer.value
    if answer.text is not None:
        return answer.text
    if answer.missing_reason is not None:
        return MISSING_ANSWER_CODES[answer.missing_reason]
    return None


def _random_ids(count: int) -> list[str]:
    """``count`` distinct ids that say nothing about who or in which order."""
    numbers = secrets.SystemRandom().sample(range(16 ** 8), count)
    return [f"{number:08x}" for number in numbers]


def row_export(filters: ReportFilters, catalogue: Catalogue, language: str, today: date,
               *, include_text: bool = False) -> RowExport:
    """Every submitted questionnaire of the participants ``filters`` covers, pseudonymised."""
    in_scope = (*filters.participant_conditions(), Participant.anonymised_at.is_(None))
    people = db.session.execute(
        sa.select(Participant.id, Participant.gender, AGE_AT_ENROLMENT.label("age"),
                  Organisation.path, Participant.enrolled_on, Participant.intake_occupation,
                  Participant.intake_income, Participant.exit_outcome,
                  Participant.exit_occupation, Participant.exit_income)
        .join(Participant.organisation).where(*in_scope)
    ).all()
    pseudonym = dict(zip((p.id for p in people), _random_ids(len(people)), strict=True))
    person = {p.id: p for p in people}

    submitted = (
        sa.select(Response.id, Occasion.participant_id, Occasion.kind, Occasion.sequence,
                  Response.submitted_at, Response.mode, Response.questionnaire_version,
                  Response.language)
        .join(Occasion, Response.occasion_id == Occasion.id)
        .join(Participant, Participant.id == Occasion.participant_id)
        .join(Participant.organisation)
        .where(*in_scope, *filters.response_conditions(),
               Response.questionnaire_slug == DEFAULT_QUESTIONNAIRE,
               Response.submitted_at.is_not(None))
    )
    responses = db.session.execute(submitted).all()
    versions = _versions(catalogue, filters)
    items = _exported_items(versions, include_text)
    text_items = {item_id for item_id, (item, _) in items.items()
                  if isinstance(item.question_type, TextQuestion)}
    answers: dict[int, dict[str, Value]] = defaultdict(dict)
    for answer in db.session.execute(
        sa.select(Answer.response_id, Answer.item_id, Answer.value, Answer.text,
                  Answer.missing_reason)
        .where(Answer.response_id.in_(submitted.with_only_columns(Response.id)),
               Answer.item_id.in_(list(items)))
    ):
        value = _answer_value(answer)
        # A text left empty is an empty cell: a text column holds no codes.
        if answer.item_id in text_items and not isinstance(value, str):
            value = None
        answers[answer.response_id][answer.item_id] = value

    rows = []
    for response in responses:
        who = person[response.participant_id]
        answered_on = response.submitted_at.astimezone(LOCAL_ZONE).date()
        rows.append((
            pseudonym[who.id], who.gender.value, age_band(int(who.age)), who.path,
            *(_code(value) for value in (who.intake_occupation, who.intake_income,
                                         who.exit_outcome, who.exit_occupation,
                                         who.exit_income)),
            response.kind.value,
            response.sequence if response.kind is OccasionKind.FOLLOWUP else None,
            answered_on.strftime("%Y-%m"), (answered_on - who.enrolled_on).days,
            response.mode.value, response.questionnaire_version, response.language,
            *(answers[response.id].get(item_id) for item_id in items),
        ))
    rows.sort(key=lambda row: (row[0], OCCASION_ORDER[OccasionKind(row[9])], row[10] or 0))
    columns = (*_person_columns(),
               *(_item_column(item, loaded, language) for item, loaded in items.values()))
    answers_table = Table("answers", gettext("Answers, one row per questionnaire"), columns,
                          rows, header_names=True)
    participants = len({row[0] for row in rows})
    return RowExport(
        answers=answers_table,
        codebook=_codebook(columns, items, versions, language),
        about=_about(filters, today, include_text, participants, len(rows)),
        participants=participants,
        include_text=include_text,
    )


def _code(value: StrEnum | None) -> str | None:
    return None if value is None else value.value


def _values_text(column: Column) -> str:
    if column.kind is Kind.CATEGORY:
        return _listed(column.categories)
    if column.kind is Kind.ANSWER:
        return _listed(column.value_labels)
    return ""


def _codebook(columns: Iterable[Column], items: dict[str, tuple[Item, LoadedQuestionnaire]],
              versions: list[LoadedQuestionnaire], language: str) -> Table:
    """Every variable: what it is, and for each question its wording in every version."""
    rows: list[tuple[Value, ...]] = []
    for column in columns:
        if column.name not in items:
            rows.append((column.name, None, column.label, _values_text(column), None))
            continue
        for loaded in versions:
            item = next((i for i in loaded.definition.items if i.id == column.name), None)
            if item is None:
                continue
            asked = ", ".join(str(OCCASION_LABELS[OccasionKind(kind)])
                              for kind in loaded.definition.occasions if item.asked_at(kind))
            shown = _item_column(item, loaded, language)
            rows.append((column.name, loaded.definition.version, shown.label,
                         _values_text(shown), asked))
    return Table("codebook", gettext("Codebook"), (
        Column("variable", gettext("Variable"), Kind.TEXT),
        Column("version", gettext("Questionnaire version"), Kind.NUMBER),
        Column("description", gettext("Question or description"), Kind.TEXT),
        Column("values", gettext("Values"), Kind.TEXT),
        Column("asked_at", gettext("Asked at"), Kind.TEXT),
    ), rows)


def _about(filters: ReportFilters, today: date, include_text: bool, people: int,
           questionnaires: int) -> list[tuple[str, str]]:
    codes = _listed(missing_code_labels())
    return [
        (gettext("Export"), gettext("Stegvis pseudonymised answers")),
        *filter_notes(filters),
        (gettext("Made on"), today.isoformat()),
        (gettext("Rows"), gettext("%(rows)d submitted questionnaires from %(people)d "
                                  "participants.", rows=questionnaires, people=people)),
        (gettext("Pseudonymisation"), gettext(
            "The person column is a random id made for this export only: it is not the "
            "participant's code and differs in every export. Age is given as a band, the "
            "answer date as its month and the days since enrolment. Participants who "
            "withdrew are not included.")),
        (gettext("Free text"), gettext("Included.") if include_text else gettext(
            "Left out.")),
        (gettext("Missing answers"), gettext(
            "%(codes)s. An empty cell: the question was not asked at that occasion.",
            codes=codes)),
        (gettext("Handling"), gettext(
            "Individual answers. Keep the file where only the evaluation team can read it, "
            "never try to find out who a row is, and publish only aggregated figures.")),
    ]


def download(user: User, filters: ReportFilters, catalogue: Catalogue, language: str,
             today: date, file_format: FileFormat, *, include_text: bool = False,
             swedish_excel: bool = False) -> ExportFile:
    """The export as a file (a workbook with an About sheet and the codebook, or a ZIP of
    CSV or SPSS files), recorded in the audit trail. The caller checks the permission
    and commits."""
    export = row_export(filters, catalogue, language, today, include_text=include_text)
    record(user, filters, export, file_format.value)
    stem = f"stegvis-answers-{slugify(filters.scope.path)}-{today.isoformat()}"
    return tables_file([export.answers, export.codebook], export.about, file_format, stem,
                       swedish_excel=swedish_excel)


def record(user: User, filters: ReportFilters, export: RowExport, shape: str) -> None:
    """Put an export in the audit trail: who, what it covered, how many rows."""
    audit.record(user, "row_export", filters.scope, format=shape,
                 include_text=export.include_text,
                 rows=len(export.answers.rows), participants=export.participants,
                 **filters.narrowing())
