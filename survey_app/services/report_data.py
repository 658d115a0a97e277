"""The answers a report needs, read as columns: one row per participant.

Only two responses per participant enter the report: the intake, and the latest
one answered after it (exit if answered, else the last follow-up). They are picked
in numpy from the participants' occasions, which attrition reads anyway, and only
they are then read, each with its answers' values packed at submission
(``questionnaires.packing``). Participants, occasions and responses all come back
aggregated, as one long value each: a project of 100 000 participants with 13
occasions of 20 items costs the driver a few long values, rather than 26 million
answers, and is scored a column at a time."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial
from typing import TypeVar

import numpy as np
import sqlalchemy as sa
from psycopg import pq
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from analysis.age import age_bands, age_range
from analysis.domains import scores_by_domain
from analysis.statistics import WORKERS
from questionnaires import Catalogue, packing
from survey_app.extensions import db
from survey_app.models import (
    ExitOutcome,
    Gender,
    Occasion,
    OccasionKind,
    Organisation,
    Participant,
    Response,
)
from survey_app.services import organisations, schedule
from survey_app.services.responses import DEFAULT_QUESTIONNAIRE

T = TypeVar("T")

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


#: Occasion kinds as the small integers reports work with.
KIND_CODES = (OccasionKind.INTAKE, OccasionKind.FOLLOWUP, OccasionKind.EXIT)
#: The code where a participant has no such response.
NONE = -1


@dataclass(frozen=True)
class Responses:
    """At most one response per participant; row i belongs to the report's participant i.

    Occasion kind and questionnaire version are small integer codes, so that rows
    are grouped and compared a column at a time.
    """

    #: Index into ``KIND_CODES``, or NONE.
    kind: np.ndarray
    #: Index into ``versions``, or NONE.
    version: np.ndarray
    #: (slug, version) of each version code.
    versions: tuple[tuple[str, int], ...]
    #: Answer values by item column; NaN where unanswered or "don't know".
    values: np.ndarray

    @cached_property
    def present(self) -> np.ndarray:
        return self.kind != NONE

    def only(self, keep: np.ndarray) -> Responses:
        """These responses where ``keep`` holds; none elsewhere."""
        return Responses(
            np.where(keep, self.kind, NONE), np.where(keep, self.version, NONE), self.versions,
            np.where(keep[:, None], self.values, np.nan),
        )

    @cached_property
    def groups(self) -> tuple[tuple[tuple[str, int], OccasionKind, np.ndarray], ...]:
        """The present rows by questionnaire version and occasion kind: each is scored
        by its own version's definition and the items asked at that occasion."""
        combined = np.where(self.present, self.version * len(KIND_CODES) + self.kind, NONE)
        return tuple(
            (self.versions[code // len(KIND_CODES)], KIND_CODES[code % len(KIND_CODES)],
             np.flatnonzero(combined == code))
            for code in np.unique(combined[self.present]).tolist()
        )


@dataclass(frozen=True)
class ReportData:
    """Everyone the report covers, one row each, with their intake and latest response."""

    participant_ids: np.ndarray
    gender: np.ndarray
    #: The stored value; "" for those without an exit record.
    exit_outcome: np.ndarray
    age_band: np.ndarray
    #: The path of each organisation participants are enrolled at, and each
    #: participant's index into it: few organisations, many participants.
    organisation_paths: tuple[str, ...]
    organisation_of: np.ndarray
    #: datetime64[D]
    enrolled_on: np.ndarray
    #: datetime64[D], NaT for those still taking part.
    exited_on: np.ndarray
    #: Item id of each column of ``Responses.values``.
    item_ids: tuple[str, ...]
    intake: Responses
    #: Exit if answered, else the last follow-up.
    latest: Responses
    #: Every stored occasion of those covered, for attrition.
    occasions: schedule.StoredColumns

    def __len__(self) -> int:
        return int(self.participant_ids.size)

    @cached_property
    def exit(self) -> Responses:
        return self.latest.only(self.latest.kind == KIND_CODES.index(OccasionKind.EXIT))

    def column(self, item_id: str) -> int:
        return self.item_ids.index(item_id)


def _item_ids(catalogue: Catalogue) -> tuple[str, ...]:
    """Every item id of every questionnaire version, each once."""
    return tuple(dict.fromkeys(
        item.id for loaded in catalogue for item in loaded.definition.items
    ))


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


class integer_rows(sa.sql.functions.FunctionElement):  # noqa: N801 - used like sa.func.*
    """Integer columns (none NULL) of all rows as one value. A driver builds an
    object per value it hands over, some five million for the occasions of 100 000
    participants, where numpy reads this value in one call (``_parse_integer_rows``).

    On PostgreSQL each row is its values' four bytes each, big-endian (``int4send``),
    row after row: one aggregate keeps each row's values together. PostgreSQL's limit
    of 1 GB a value holds some 35 million occasions. SQLite's aggregates only build
    text: there each column is its own comma-separated aggregate, the columns joined
    by semicolons. The aggregates of a query without GROUP BY take the rows in the
    same order, and building one string per column costs SQLite half what joining
    each row's values into one first does."""

    type = sa.LargeBinary()
    inherit_cache = True


@compiles(integer_rows, "postgresql")
def _integer_rows_postgresql(element: integer_rows, compiler: SQLCompiler, **kw: object) -> str:
    row = " || ".join(f"int4send(CAST({compiler.process(column, **kw)} AS INTEGER))"
                      for column in element.clauses)
    return f"string_agg({row}, ''::bytea)"


@compiles(integer_rows, "sqlite")
def _integer_rows_sqlite(element: integer_rows, compiler: SQLCompiler, **kw: object) -> str:
    return " || ';' || ".join(f"group_concat({compiler.process(column, **kw)}, ',')"
                              for column in element.clauses)


class packed_records(sa.sql.functions.FunctionElement):  # noqa: N801 - used like sa.func.*
    """Each row's response id and packed values, all rows concatenated: the records
    ``packing.unpack_with_ids`` reads. As bytes on PostgreSQL; as hex text on SQLite,
    which has no aggregate for byte strings."""

    type = sa.LargeBinary()
    inherit_cache = True


@compiles(packed_records, "postgresql")
def _packed_records_postgresql(
    element: packed_records, compiler: SQLCompiler, **kw: object
) -> str:
    response_id, packed = (compiler.process(column, **kw) for column in element.clauses)
    return f"string_agg(int4send({response_id}) || {packed}, ''::bytea)"


@compiles(packed_records, "sqlite")
def _packed_records_sqlite(element: packed_records, compiler: SQLCompiler, **kw: object) -> str:
    response_id, packed = (compiler.process(column, **kw) for column in element.clauses)
    return f"group_concat(printf('%08X', {response_id}) || hex({packed}), '')"


#: Execution option for the report's aggregates: on PostgreSQL, results come in the
#: binary format, so their bytes cross the wire as they are rather than as hex text
#: that the server writes and the driver parses.
BINARY_RESULTS = "stegvis_binary_results"


@sa.event.listens_for(sa.Engine, "before_cursor_execute")
def _binary_results(
    connection: sa.Connection, cursor: object, statement: str, parameters: object,
    context: sa.engine.ExecutionContext | None, executemany: bool,
) -> None:
    if (context is not None and context.execution_options.get(BINARY_RESULTS)
            and connection.dialect.name == "postgresql"):
        # psycopg reads every column in the cursor's format; these queries return
        # integers, text and bytes, which load the same from either.
        cursor.format = pq.Format.BINARY  # type: ignore[attr-defined]


def _as_bytes(value: bytes | str | None) -> bytes:
    """An aggregate's bytes, whichever form the database gave them in."""
    if value is None:
        return b""
    return bytes.fromhex(value) if isinstance(value, str) else bytes(value)


def _parse_integer_rows(value: bytes | str | None, columns: int) -> np.ndarray:
    """What ``integer_rows`` gave, as an int64 matrix; NULL when there were no rows."""
    if not value:
        return np.empty((0, columns), dtype=np.int64)
    if isinstance(value, str):
        parsed = [np.fromstring(block, dtype=np.int64, sep=",") for block in value.split(";")]
        if len(parsed) != columns or len({column.size for column in parsed}) != 1:
            # group_concat skips a NULL, which would shift a column against the rest.
            raise ValueError("integer_rows needs the same number of values in every column")
        return np.column_stack(parsed)
    return np.frombuffer(value, dtype=">i4").astype(np.int64).reshape(-1, columns)


def _code(column: sa.ColumnElement[str], members: Sequence[str]) -> sa.ColumnElement[int]:
    """The column's value as its index in ``members``; NONE where it is NULL."""
    return sa.case(*((column == member, code) for code, member in enumerate(members)),
                   else_=NONE)


#: What PostgreSQL assumes passing a row from a parallel worker costs, for the report's
#: reads; its default is ten times this.
PARALLEL_TUPLE_COST = "0.01"


@contextmanager
def _parallel_joins(connection: sa.Connection) -> Iterator[None]:
    """On PostgreSQL, let the planner join in parallel workers.

    At its default cost of passing rows out of workers, the planner joins the
    occasions of a large project in one process, though they end in one aggregate:
    workers on both cores take a third off the read (1.75 s to 1.2 s for 100 000
    participants). The setting is the transaction's own and put back afterwards.
    """
    if connection.dialect.name != "postgresql":
        yield
        return
    setting = sa.text("SELECT set_config('parallel_tuple_cost', :value, true)")
    previous = connection.execute(sa.text("SELECT current_setting('parallel_tuple_cost')"))
    default = previous.scalar_one()
    connection.execute(setting, {"value": PARALLEL_TUPLE_COST})
    try:
        yield
    finally:
        connection.execute(setting, {"value": default})


def read(filters: ReportFilters, catalogue: Catalogue) -> ReportData:
    """Everyone covered, with their stored occasions, and their intake and latest
    submitted response as columns.

    Each query hands over a few long values: people and occasions as
    ``integer_rows``, responses as ``packed_records``. A row, an enum or a date object
    per participant or occasion would cost the driver more than the rest of the
    report.
    """
    reader = _Reader(db.session.connection())
    with _parallel_joins(reader.connection):
        people, occasions = _people_and_occasions(reader, filters)
    item_ids = _item_ids(catalogue)
    intake, latest = _chosen_responses(reader, occasions, people.ids.size, catalogue,
                                       item_ids)

    return ReportData(
        participant_ids=people.ids,
        gender=people.gender,
        exit_outcome=people.exit_outcome,
        age_band=age_bands(people.age),
        organisation_paths=people.organisation_paths,
        organisation_of=people.organisation_of,
        enrolled_on=people.enrolled_on,
        exited_on=people.exited_on,
        item_ids=item_ids,
        intake=intake,
        latest=latest,
        occasions=occasions.stored,
    )


#: The fewest occasions worth a part of the read of its own (see ``_Reader``).
ROWS_PER_PART = 20_000


class _Reader:
    """Runs the report's queries: on a SQLite file, side by side.

    SQLite runs a query on one core. The report's reads are split into parts (the
    occasions by their ids, the responses by the ids asked for), and on a SQLite
    file each part runs on a connection of its own, in a thread of its own:
    ``sqlite3`` lets go of the GIL while SQLite works, and a part's rows are parsed
    while SQLite still works on the others. For 100 000 participants that takes the
    read from 1.35 s to about 0.9 s on two cores. PostgreSQL splits a query
    among workers itself (``_parallel_joins``): there, and on a database in memory,
    which each connection would see empty, the parts run one after the other on the
    session's connection.

    A small project's read takes a few milliseconds, less than threads and
    connections of its own would cost: it is split only with ``ROWS_PER_PART``
    occasions or more to each part.

    As on a single SQLite connection, where every SELECT is a transaction of its
    own, each query sees what was committed when it ran.
    """

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.parts = 1
        self._occasion_ids = (0, 0)
        url = connection.engine.url
        in_memory = url.database in (None, "", ":memory:") or "mode=memory" in str(url)
        if url.get_backend_name() != "sqlite" or in_memory or WORKERS < 2:
            return
        # Each in a subquery of its own, which SQLite answers from one end of the
        # primary key; asked in one SELECT, it reads every occasion (40 ms for 680 000).
        lowest, highest = connection.execute(sa.select(
            sa.select(sa.func.min(Occasion.id)).scalar_subquery(),
            sa.select(sa.func.max(Occasion.id)).scalar_subquery(),
        )).one()
        if lowest is not None:
            self._occasion_ids = (lowest, highest)
            self.parts = max(1, min(WORKERS, (highest - lowest + 1) // ROWS_PER_PART))

    def all(self, queries: Sequence[tuple[sa.Executable, Callable[[Sequence[sa.Row]], T]]]
            ) -> list[T]:
        """Each statement's rows, as the callable beside it makes them, in the order
        given. Side by side, each callable runs in its statement's thread as soon as
        the rows are in, while SQLite works on the others."""
        if self.parts == 1 or len(queries) < 2:
            return [then(self._rows(self.connection, statement)) for statement, then in queries]
        engine = self.connection.engine

        def on_own_connection(statement: sa.Executable,
                              then: Callable[[Sequence[sa.Row]], T]) -> T:
            with engine.connect() as connection:
                rows = self._rows(connection, statement)
            return then(rows)

        with ThreadPoolExecutor(len(queries)) as pool:
            return list(pool.map(on_own_connection, *zip(*queries, strict=True)))

    @staticmethod
    def _rows(connection: sa.Connection, statement: sa.Executable) -> Sequence[sa.Row]:
        return connection.execute(statement, execution_options={BINARY_RESULTS: True}).all()

    def occasion_ranges(self) -> list[sa.ColumnElement[bool]]:
        """Conditions that split the occasions into ``parts`` ranges of about as many
        ids each."""
        if self.parts == 1:
            return [sa.true()]
        lowest, highest = self._occasion_ids
        bounds = np.linspace(lowest, highest + 1, self.parts + 1).astype(int).tolist()
        return [sa.and_(Occasion.id >= low, Occasion.id < high)
                for low, high in itertools.pairwise(bounds)]


#: A missing date's stand-in in ``integer_rows``, which hold no NULL: no stored date
#: is this far before 1970.
NO_DAY = -(2**31)


@dataclass(frozen=True)
class _People:
    """The covered participants by id, one column each."""

    ids: np.ndarray
    #: Stored values, as ``Participant.gender`` holds them.
    gender: np.ndarray
    #: Stored values; "" for those without an exit record.
    exit_outcome: np.ndarray
    #: Age at enrolment, in whole years.
    age: np.ndarray
    organisation_paths: tuple[str, ...]
    organisation_of: np.ndarray
    enrolled_on: np.ndarray
    exited_on: np.ndarray


def _people_and_occasions(
    reader: _Reader, filters: ReportFilters
) -> tuple[_People, _Occasions]:
    """Everyone covered and their stored occasions, read side by side."""
    occasions = _OccasionQuery(filters)
    people_rows, *occasion_rows = reader.all([
        (_people_statement(filters), partial(_integer_value, columns=len(_PEOPLE_COLUMNS))),
        *((statement, partial(_integer_value, columns=len(occasions.columns)))
          for statement in occasions.statements(reader)),
    ])
    people = _parse_people(reader.connection, filters, people_rows)
    return people, occasions.parse(np.concatenate(occasion_rows), people.ids)


def _integer_value(rows: Sequence[sa.Row], columns: int) -> np.ndarray:
    """The one ``integer_rows`` value of a query's one row, as an int64 matrix."""
    return _parse_integer_rows(rows[0][0], columns)


#: The columns of ``_people_statement``: enums by their index, dates as days.
_PEOPLE_COLUMNS = (
    Participant.id, _code(Participant.gender, list(Gender)),
    _code(Participant.exit_outcome, list(ExitOutcome)),
    sa.cast(AGE_AT_ENROLMENT, sa.Integer), Participant.organisation_id,
    epoch_days(Participant.enrolled_on),
    sa.func.coalesce(epoch_days(Participant.exited_on), NO_DAY),
)


def _people_statement(filters: ReportFilters) -> sa.Select:
    """Everyone covered, as seven integers each."""
    return (sa.select(integer_rows(*_PEOPLE_COLUMNS))
            .select_from(Participant)
            .join(Participant.organisation)
            .where(*filters.participant_conditions()))


def _parse_people(connection: sa.Connection, filters: ReportFilters, rows: np.ndarray
                  ) -> _People:
    ids, gender, outcome, age, organisation, enrolled_on, exited_on = (
        rows[np.argsort(rows[:, 0])].T
    )
    paths = dict(connection.execute(
        sa.select(Organisation.id, Organisation.path)
        .where(organisations.subtree_clause(filters.scope))
    ).all())
    known, organisation_index = np.unique(organisation, return_inverse=True)
    exited = exited_on.astype("datetime64[D]")
    exited[exited_on == NO_DAY] = np.datetime64("NaT")
    return _People(
        ids=ids,
        gender=np.array([member.value for member in Gender])[gender],
        exit_outcome=np.array(["", *(member.value for member in ExitOutcome)])[outcome + 1],
        age=age.astype(float),
        organisation_paths=tuple(paths[i] for i in known.tolist()),
        organisation_of=organisation_index,
        enrolled_on=enrolled_on.astype("datetime64[D]"),
        exited_on=exited,
    )


@dataclass(frozen=True)
class _Occasions:
    """Stored occasions as the schedule wants them, and what choosing responses needs."""

    stored: schedule.StoredColumns
    kind: np.ndarray
    #: The occasion's response, 0 for none.
    response_id: np.ndarray
    #: Submitted, and on the questionnaire version the filters ask for.
    reportable: np.ndarray


class _OccasionQuery:
    """Every covered participant's stored occasions, six integers each, or seven when
    the filters ask for one questionnaire version: then whether the response is on it."""

    def __init__(self, filters: ReportFilters) -> None:
        self.filters = filters
        submitted = Response.submitted_at.is_not(None)
        versions = filters.response_conditions()
        self.columns = [
            Occasion.participant_id, _code(Occasion.kind, KIND_CODES), Occasion.sequence,
            epoch_days(Occasion.due_on), sa.func.coalesce(Response.id, 0),
            sa.case((submitted, 1), else_=0),
        ]
        if versions:
            self.columns.append(sa.case((sa.and_(submitted, *versions), 1), else_=0))

    def statements(self, reader: _Reader) -> list[sa.Select]:
        return [
            sa.select(integer_rows(*self.columns))
            .select_from(Occasion)
            .join(Participant, Participant.id == Occasion.participant_id)
            .join(Participant.organisation)
            .outerjoin(Response, Response.occasion_id == Occasion.id)
            .where(ids, *self.filters.participant_conditions())
            for ids in reader.occasion_ranges()
        ]

    def parse(self, rows: np.ndarray, participant_ids: np.ndarray) -> _Occasions:
        participant, kind, sequence, due_on, response_id, submitted = rows.T[:6]
        reportable = rows[:, 6] if len(self.columns) > 6 else submitted
        return _Occasions(
            stored=schedule.StoredColumns(
                row=np.searchsorted(participant_ids, participant),
                kind=np.array([kind.value for kind in KIND_CODES])[kind],
                sequence=sequence,
                due_on=due_on.astype("datetime64[D]"),
                started=response_id != 0,
                submitted=submitted.astype(bool),
            ),
            kind=kind, response_id=response_id, reportable=reportable.astype(bool),
        )


def _best_per_participant(
    row: np.ndarray, candidates: np.ndarray, *keys: np.ndarray
) -> np.ndarray:
    """Of the candidate occasions (a mask), each participant's one ranking highest by
    ``keys``, the first key deciding first: their indices, by participant."""
    found = np.flatnonzero(candidates)
    order = found[np.lexsort((*(key[found] for key in reversed(keys)), row[found]))]
    return order[np.append(row[order][1:] != row[order][:-1], True)] if order.size else order


def _id_in(
    connection: sa.Connection, column: sa.ColumnElement[int], ids: list[int]
) -> sa.ColumnElement[bool]:
    """``column IN ids`` for hundreds of thousands of ids, as one parameter: an array
    on PostgreSQL, a JSON list elsewhere. One bound parameter per id would cost more
    to send than the rows cost to read."""
    if connection.dialect.name == "postgresql":
        # As an array literal: the driver would otherwise check every element's type.
        literal = "{" + ",".join(map(str, ids)) + "}"
        listed = sa.cast(sa.bindparam("ids", literal), postgresql.ARRAY(sa.Integer))
        return column == sa.any_(listed)
    listed = sa.func.json_each(sa.bindparam("ids", json.dumps(ids))).table_valued("value")
    return column.in_(sa.select(listed.c.value))


def _chosen_responses(
    reader: _Reader, occasions: _Occasions, people: int, catalogue: Catalogue,
    item_ids: tuple[str, ...],
) -> tuple[Responses, Responses]:
    """Each participant's intake, and latest reportable response after it (exit first,
    else the follow-up with the highest number), with their packed values unpacked."""
    row = occasions.stored.row
    is_intake = occasions.kind == KIND_CODES.index(OccasionKind.INTAKE)
    is_exit = occasions.kind == KIND_CODES.index(OccasionKind.EXIT)
    intake = _best_per_participant(row, occasions.reportable & is_intake)
    latest = _best_per_participant(row, occasions.reportable & ~is_intake, is_exit,
                                   occasions.stored.sequence)
    chosen = np.concatenate([intake, latest])
    wanted = occasions.response_id[chosen]
    by_id = np.argsort(wanted)
    values = np.full((wanted.size, len(item_ids)), np.nan)
    version = np.full(wanted.size, NONE, dtype=np.int16)
    statements = [
        sa.select(Response.questionnaire_slug, Response.questionnaire_version, sa.func.count(),
                  packed_records(Response.id, Response.packed_values))
        .where(_id_in(reader.connection, Response.id, part.tolist()))
        .group_by(Response.questionnaire_slug, Response.questionnaire_version)
        for part in np.array_split(wanted[by_id], reader.parts) if part.size
    ]

    def unpacked(rows: Sequence[sa.Row]) -> list[tuple[str, int, np.ndarray, np.ndarray]]:
        """Each version's (slug, number, response ids, values by item) in a part."""
        found = []
        for slug, number, count, records in rows:
            ids, unpacked_values = packing.unpack_with_ids(
                catalogue.get(slug, number).definition, _as_bytes(records), count)
            found.append((slug, number, ids, unpacked_values))
        return found

    groups = list(itertools.chain.from_iterable(
        reader.all([(statement, unpacked) for statement in statements])))
    # A version's code is its place among those found, however the parts divided them.
    versions = tuple(sorted({(slug, number) for slug, number, _, _ in groups}))
    for slug, number, found_ids, found_values in groups:
        definition = catalogue.get(slug, number).definition
        at = by_id[np.searchsorted(wanted, found_ids, sorter=by_id)]
        columns = [item_ids.index(item.id) for item in definition.items]
        values[np.ix_(at, columns)] = found_values
        version[at] = versions.index((slug, number))

    def per_participant(picked: slice) -> Responses:
        """The picked responses laid out by participant; none for the others."""
        at = row[chosen[picked]]
        kind = np.full(people, NONE, dtype=np.int8)
        kind[at] = occasions.kind[chosen[picked]]
        version_of = np.full(people, NONE, dtype=np.int16)
        version_of[at] = version[picked]
        values_of = np.full((people, len(item_ids)), np.nan)
        values_of[at] = values[picked]
        return Responses(kind, version_of, versions, values_of)

    return (per_participant(slice(None, intake.size)),
            per_participant(slice(intake.size, None)))


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
        columns, offsets, signs = [], [], []
        for item in definition.items_for(kind.value):
            scoring = item.question_type.scoring(item, definition)
            if scoring is not None:
                columns.append(data.column(item.id))
                offsets.append(scoring[0])
                signs.append(scoring[1])
        cells = np.ix_(rows, columns)
        scores[cells] = np.array(offsets) + np.array(signs) * responses.values[cells]
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
        items = [item for item in definition.items_for(kind.value)
                 if item.question_type.scored and item.domain in domains]
        membership = np.zeros((len(items), len(domains)))
        membership[np.arange(len(items)), [domains.index(item.domain) for item in items]] = 1
        columns = [data.column(item.id) for item in items]
        found[rows] = scores_by_domain(scores[np.ix_(rows, columns)], membership)
    return found

