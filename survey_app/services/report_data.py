"""The answers a report needs, read as columns: one row per participant.

Only two responses per participant enter the report: the intake, and the latest
one answered after it (exit if answered, else the last follow-up). The database
picks them with a window function, and each comes with its answers' values packed
at submission (``questionnaires.packing``): a project of 100 000 participants with
13 occasions of 20 items reads 200 000 short rows instead of 26 million answers,
and is scored a column at a time.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from analysis.age import age_band, age_range
from analysis.domains import domain_scores
from questionnaires import Catalogue, packing
from survey_app.extensions import db
from survey_app.models import (
    Occasion,
    OccasionKind,
    Organisation,
    Participant,
    Response,
)
from survey_app.services import organisations, schedule
from survey_app.services.responses import DEFAULT_QUESTIONNAIRE

#: Age at enrolment, in whole years as the calendar gives them.
AGE_AT_ENROLMENT = sa.extract("year", Participant.enrolled_on) - Participant.birth_year


@dataclass(frozen=True)
class ReportFilters:
    """Which participants a report covers: a subtree, optionally narrowed by enrolment
    period and age band, and which answers: optionally one questionnaire version."""

    scope: Organisation
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    age_band: str | None = None
    questionnaire_version: int | None = None

    def participant_conditions(self) -> list[sa.ColumnElement[bool]]:
        """Conditions on Participant and its Organisation (joined by the caller)."""
        conditions = [organisations.subtree_clause(self.scope)]
        if self.enrolled_from is not None:
            conditions.append(Participant.enrolled_on >= self.enrolled_from)
        if self.enrolled_to is not None:
            conditions.append(Participant.enrolled_on <= self.enrolled_to)
        if self.age_band is not None:
            low, high = age_range(self.age_band)
            if low is not None:
                conditions.append(AGE_AT_ENROLMENT >= low)
            if high is not None:
                conditions.append(AGE_AT_ENROLMENT <= high)
        return conditions

    def narrowing(self) -> dict[str, str | int]:
        """The filters besides the scope, as query-string values: only those set."""
        values = {
            "enrolled_from": self.enrolled_from.isoformat() if self.enrolled_from else None,
            "enrolled_to": self.enrolled_to.isoformat() if self.enrolled_to else None,
            "age_band": self.age_band,
            "questionnaire_version": self.questionnaire_version,
        }
        return {name: value for name, value in values.items() if value}

    def response_conditions(self) -> list[sa.ColumnElement[bool]]:
        if self.questionnaire_version is None:
            return []
        return [Response.questionnaire_version == self.questionnaire_version]


@dataclass(frozen=True)
class Responses:
    """At most one response per participant; row i belongs to the report's participant i."""

    #: OccasionKind, or None where the participant has no such response.
    kind: np.ndarray
    #: (slug, version) of the questionnaire answered, or None.
    questionnaire: np.ndarray
    #: Answer values by item column; NaN where unanswered or "don't know".
    values: np.ndarray

    @cached_property
    def present(self) -> np.ndarray:
        return self.kind != None  # noqa: E711 (elementwise on an object array)

    def only(self, keep: np.ndarray) -> Responses:
        """These responses where ``keep`` holds; none elsewhere."""
        return Responses(
            np.where(keep, self.kind, None), np.where(keep, self.questionnaire, None),
            np.where(keep[:, None], self.values, np.nan),
        )

    @cached_property
    def groups(self) -> tuple[tuple[tuple[str, int], OccasionKind, np.ndarray], ...]:
        """The present rows by questionnaire version and occasion kind: each is scored
        by its own version's definition and the items asked at that occasion."""
        keys = list(zip(self.questionnaire.tolist(), self.kind.tolist(), strict=True))
        codes = {key: code for code, key in enumerate(dict.fromkeys(keys))}
        code_of = np.fromiter(map(codes.__getitem__, keys), dtype=np.intp, count=len(keys))
        return tuple((questionnaire, kind, np.flatnonzero(code_of == code))
                     for (questionnaire, kind), code in codes.items() if kind is not None)

@dataclass(frozen=True)
class ReportData:
    """Everyone the report covers, one row each, with their intake and latest response."""

    participant_ids: np.ndarray
    gender: np.ndarray
    exit_outcome: np.ndarray
    age_band: np.ndarray
    organisation_path: np.ndarray
    #: datetime64[D]
    enrolled_on: np.ndarray
    #: datetime64[D], NaT for those still taking part.
    exited_on: np.ndarray
    #: Item id of each column of ``Responses.values``.
    item_ids: tuple[str, ...]
    intake: Responses
    #: Exit if answered, else the last follow-up.
    latest: Responses

    def __len__(self) -> int:
        return int(self.participant_ids.size)

    @cached_property
    def exit(self) -> Responses:
        return self.latest.only(self.latest.kind == OccasionKind.EXIT)

    def column(self, item_id: str) -> int:
        return self.item_ids.index(item_id)


def _item_ids(catalogue: Catalogue) -> tuple[str, ...]:
    """Every item id of every questionnaire version, each once."""
    return tuple(dict.fromkeys(
        item.id for loaded in catalogue for item in loaded.definition.items
    ))


def _chosen_responses(filters: ReportFilters) -> sa.Select:
    """Each covered participant's intake and latest later response, submitted ones only.

    Within a participant, intake ranks alone; among the rest exit comes first, then
    the follow-up with the highest number. The packed values join in after the
    ranking, so the sort behind it stays small enough for memory.
    """
    is_intake = Occasion.kind == OccasionKind.INTAKE
    exit_first = sa.case((Occasion.kind == OccasionKind.EXIT, 1), else_=0)
    ranked = (
        sa.select(
            Response.id.label("response_id"), Occasion.participant_id, Occasion.kind,
            sa.func.row_number().over(
                partition_by=(Occasion.participant_id, is_intake),
                order_by=(exit_first.desc(), Occasion.sequence.desc()),
            ).label("rank"),
        )
        .join(Occasion, Response.occasion_id == Occasion.id)
        .join(Participant, Participant.id == Occasion.participant_id)
        .join(Organisation, Organisation.id == Participant.organisation_id)
        .where(*filters.participant_conditions(), *filters.response_conditions(),
               Response.submitted_at.is_not(None))
        .subquery("ranked")
    )
    return (
        sa.select(ranked.c.participant_id, ranked.c.kind, Response.questionnaire_slug,
                  Response.questionnaire_version, Response.packed_values)
        .join(Response, Response.id == ranked.c.response_id)
        .where(ranked.c.rank == 1)
    )


def read(filters: ReportFilters, catalogue: Catalogue) -> ReportData:
    """Everyone covered, with their intake and latest submitted response as columns."""
    people = db.session.execute(
        sa.select(Participant.id, Participant.gender, Participant.exit_outcome,
                  AGE_AT_ENROLMENT, Organisation.path, Participant.enrolled_on,
                  Participant.exited_on)
        .join(Participant.organisation)
        .where(*filters.participant_conditions())
        .order_by(Participant.id)
    ).all()
    ids, gender, exit_outcome, age, path, enrolled_on, exited_on = (
        zip(*people, strict=True) if people else ([],) * 7
    )
    participant_ids = np.array(ids, dtype=np.int64)
    item_ids = _item_ids(catalogue)

    # Straight from the driver's cursor: a SQLAlchemy Row per response costs more
    # than the rest of the layout.
    result = db.session.connection().execute(_chosen_responses(filters))
    chosen = result.cursor.fetchall()
    result.close()
    participant, kinds, slugs, versions, packed = (
        zip(*chosen, strict=True) if chosen else ([],) * 5
    )
    # Participants come ordered by id, so a response's row is found by bisection.
    row = np.searchsorted(participant_ids, np.array(participant, dtype=np.int64))
    kind = np.array([OccasionKind(value) for value in kinds], dtype=object)
    is_intake = kind == OccasionKind.INTAKE
    questionnaire = np.fromiter(zip(slugs, versions, strict=True), dtype=object,
                                count=len(chosen))
    values = np.full((len(chosen), len(item_ids)), np.nan)
    by_version: dict[tuple[str, int], list[int]] = {}
    for index, key in enumerate(zip(slugs, versions, strict=True)):
        by_version.setdefault(key, []).append(index)
    for (slug, version), indices in by_version.items():
        definition = catalogue.get(slug, version).definition
        columns = [item_ids.index(item.id) for item in definition.items]
        values[np.ix_(indices, columns)] = packing.unpack(
            definition, [packed[index] for index in indices])

    def block(intake: bool) -> Responses:
        mine = is_intake == intake
        block_kind = np.full(len(ids), None, dtype=object)
        block_kind[row[mine]] = kind[mine]
        block_questionnaire = np.full(len(ids), None, dtype=object)
        block_questionnaire[row[mine]] = questionnaire[mine]
        block_values = np.full((len(ids), len(item_ids)), np.nan)
        block_values[row[mine]] = values[mine]
        return Responses(block_kind, block_questionnaire, block_values)

    return ReportData(
        participant_ids=participant_ids,
        gender=np.array([g.value for g in gender], dtype=str),
        exit_outcome=np.array(exit_outcome, dtype=object),
        age_band=np.array([age_band(int(a)) for a in age], dtype=str),
        organisation_path=np.array(path, dtype=str),
        enrolled_on=np.array(enrolled_on, dtype="datetime64[D]"),
        exited_on=np.array([d if d is not None else "NaT" for d in exited_on],
                           dtype="datetime64[D]"),
        item_ids=item_ids,
        intake=block(True),
        latest=block(False),
    )


class epoch_days(sa.sql.functions.FunctionElement):  # noqa: N801 - used like sa.func.*
    """A date column as whole days since 1970-01-01: an integer is the cheapest value
    a driver hands over, and numpy reads it as datetime64[D] as it is."""

    type = sa.Integer()
    inherit_cache = True


@compiles(epoch_days, "sqlite")
def _epoch_days_sqlite(element: epoch_days, compiler: SQLCompiler, **kw: object) -> str:
    # julianday('1970-01-01') is 2440587.5: midnight, as every stored date is.
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2440587.5 AS INTEGER)"


@compiles(epoch_days, "postgresql")
def _epoch_days_postgresql(element: epoch_days, compiler: SQLCompiler, **kw: object) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


#: Occasion kinds as the small integers the occasions are read with.
KIND_CODES = (OccasionKind.INTAKE, OccasionKind.FOLLOWUP, OccasionKind.EXIT)


def stored_occasions(filters: ReportFilters, data: ReportData) -> schedule.StoredColumns:
    """Every covered participant's stored occasions as columns, for the schedule.

    A large project has a million occasions or more, so each is read as six
    integers straight from the driver's cursor: an ORM object, a SQLAlchemy Row
    or a date object per occasion would cost more than the rest of the report.
    """
    kind_code = sa.case(
        *((Occasion.kind == kind, code) for code, kind in enumerate(KIND_CODES))
    )
    result = db.session.connection().execute(
        sa.select(Occasion.participant_id, kind_code, Occasion.sequence,
                  epoch_days(Occasion.due_on),
                  sa.case((Response.id.is_not(None), 1), else_=0),
                  sa.case((Response.submitted_at.is_not(None), 1), else_=0))
        .join(Participant, Participant.id == Occasion.participant_id)
        .join(Participant.organisation)
        .outerjoin(Response, Response.occasion_id == Occasion.id)
        .where(*filters.participant_conditions())
    )
    rows = result.cursor.fetchall()
    result.close()
    columns = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64,
                          count=6 * len(rows)).reshape(-1, 6)
    participant, kind, sequence, due_on, started, submitted = columns.T
    return schedule.StoredColumns(
        row=np.searchsorted(data.participant_ids, participant),
        kind=np.array([kind.value for kind in KIND_CODES])[kind],
        sequence=sequence,
        due_on=due_on.astype("datetime64[D]"),
        started=started.astype(bool),
        submitted=submitted.astype(bool),
    )


def steps(data: ReportData, responses: Responses, catalogue: Catalogue) -> np.ndarray:
    """The ladder step of each response; NaN without one, or with "don't know"."""
    found = np.full(len(data), np.nan)
    for (slug, version), _, rows in responses.groups:
        ladder = catalogue.get(slug, version).definition.ladder_item
        if ladder is not None:
            found[rows] = responses.values[rows, data.column(ladder.id)]
    return found


def item_scores(data: ReportData, responses: Responses, catalogue: Catalogue) -> np.ndarray:
    """Each response's score on every item column: the scale value, reversed items
    mirrored; NaN for items not scored or not asked at that occasion, and for
    missing answers."""
    scores = np.full(responses.values.shape, np.nan)
    for (slug, version), kind, rows in responses.groups:
        definition = catalogue.get(slug, version).definition
        for item in definition.items_for(kind.value):
            scoring = item.question_type.scoring(item, definition)
            if scoring is not None:
                column = data.column(item.id)
                offset, sign = scoring
                scores[rows, column] = offset + sign * responses.values[rows, column]
    return scores


def report_domains(catalogue: Catalogue) -> tuple[str, ...]:
    """The domains change is reported for, in the order the current questionnaire asks
    them; the ladder's own domain is reported as step movement instead."""
    order: dict[str, None] = {}
    latest = catalogue.latest(DEFAULT_QUESTIONNAIRE).definition
    for definition in [latest, *(loaded.definition for loaded in catalogue)]:
        ladder = definition.ladder_item
        for item in definition.items:
            if item.question_type.scored and (ladder is None or item.domain != ladder.domain):
                order.setdefault(item.domain)
    return tuple(order)


def domain_score_matrix(
    data: ReportData, responses: Responses, scores: np.ndarray, catalogue: Catalogue,
    domains: tuple[str, ...],
) -> np.ndarray:
    """Each response's score per domain (columns in ``domains`` order), by the items
    its own questionnaire version asks at that occasion; NaN where missing."""
    found = np.full((len(data), len(domains)), np.nan)
    for (slug, version), kind, rows in responses.groups:
        definition = catalogue.get(slug, version).definition
        columns: dict[str, list[int]] = {}
        for item in definition.items_for(kind.value):
            if item.question_type.scored and item.domain in domains:
                columns.setdefault(item.domain, []).append(data.column(item.id))
        for domain, items in columns.items():
            found[rows, domains.index(domain)] = domain_scores(scores[np.ix_(rows, items)])
    return found

