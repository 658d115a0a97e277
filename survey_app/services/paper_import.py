"""Questionnaires answered on paper and typed into a spreadsheet, imported all or nothing.

One row per questionnaire: ``participant`` (the code), ``occasion`` (intake,
followup or exit), ``followup`` (its number, for follow-ups only), ``answered_on``
(YYYY-MM-DD) and one column per item id holding the scale value, or "vet inte" /
"vill inte svara" (or the codes ``dont_know`` / ``declined``); an empty cell is a
question left blank. Every row is checked before anything is stored; if any is
wrong nothing is, and every problem is reported with its row, column and reason.
A row already imported, with the same answers, is skipped, so importing the same
file twice stores nothing twice.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from questionnaires import InvalidAnswer, Item, LoadedQuestionnaire, ParsedAnswer
from questionnaires.types import DECLINED, DONT_KNOW, SKIPPED
from survey_app.extensions import db
from survey_app.models import Occasion, OccasionKind, Organisation, Participant, ResponseMode, User
from survey_app.services import audit, responses, schedule
from survey_app.services.text import has_invisible_controls

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
FIXED_COLUMNS = ("participant", "occasion", "followup", "answered_on")
MISSING_WORDS = {
    "vet inte": DONT_KNOW, DONT_KNOW: DONT_KNOW,
    "vill inte svara": DECLINED, DECLINED: DECLINED,
}
HEADER_ROW = 1


@dataclass(frozen=True)
class Problem:
    #: The spreadsheet's row number (the header is row 1); None for the whole file.
    row: int | None
    column: str | None
    message: str


@dataclass
class ImportResult:
    imported: int = 0
    already_there: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class UnreadableFile(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _Row:
    number: int
    participant: Participant
    planned: schedule.PlannedOccasion
    answered_at: datetime
    answers: dict[str, ParsedAnswer]


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(gettext(
            "The file is not UTF-8. In Excel, save it as \"CSV UTF-8\".")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)
                if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise UnreadableFile(gettext("The CSV file cannot be read: %(error)s",
                                     error=str(error))) from None


def _xlsx_rows(content: bytes) -> tuple[list[list[str]], list[Problem]]:
    """The first sheet's cells as text; a formula is a problem, never evaluated."""
    try:
        return _first_sheet(content)
    except Exception as error:
        # A damaged workbook fails wherever openpyxl's zip and XML readers meet the
        # damage, with whatever they raise there (BadZipFile, ParseError, IndexError,
        # KeyError ...). All of it means the same to the admin: not a workbook.
        logger.info("Unreadable XLSX file: %r", error)
        raise UnreadableFile(gettext("The file is not an Excel workbook (XLSX).")) from None


def _first_sheet(content: bytes) -> tuple[list[list[str]], list[Problem]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    rows: list[list[str]] = []
    formulas: list[Problem] = []
    try:
        for number, row in enumerate(workbook.worksheets[0].iter_rows(), start=1):
            texts = []
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(Problem(number, None, gettext(
                        "Cell %(cell)s holds a formula. Type the value itself.",
                        cell=cell.coordinate)))
                    texts.append("")
                elif isinstance(cell.value, datetime):
                    texts.append(cell.value.date().isoformat())
                elif isinstance(cell.value, float) and cell.value.is_integer():
                    texts.append(str(int(cell.value)))
                else:
                    texts.append("" if cell.value is None else str(cell.value))
            if any(text.strip() for text in texts):
                rows.append(texts)
            if len(rows) > MAX_ROWS + 1:
                break  # Enough to say the file is too long; the rest may be a zip bomb.
    finally:
        workbook.close()
    return rows, formulas


def read_rows(filename: str, content: bytes) -> tuple[list[list[str]], list[Problem]]:
    """The file's non-empty rows as text, and problems found while reading (formulas)."""
    if len(content) > MAX_BYTES:
        raise UnreadableFile(gettext("The file is larger than %(mb)d MB. Split it into smaller "
                                     "files.", mb=MAX_BYTES // (1024 * 1024)))
    name = filename.lower()
    if name.endswith(".csv"):
        return _csv_rows(content), []
    if name.endswith(".xlsx"):
        return _xlsx_rows(content)
    raise UnreadableFile(gettext("Choose a CSV or XLSX file."))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _answer(item: Item, loaded: LoadedQuestionnaire, raw: str) -> ParsedAnswer:
    raw = raw.strip()
    if not raw:
        return ParsedAnswer(missing=SKIPPED)
    if raw.lower() in MISSING_WORDS and item.question_type.offers_missing_codes:
        return ParsedAnswer(missing=MISSING_WORDS[raw.lower()])
    return item.question_type.parse_value(item, loaded.definition, raw)


def _value_problem(item: Item, loaded: LoadedQuestionnaire, raw: str) -> str:
    points = item.question_type.options(item, loaded.definition)
    if points:
        allowed = ", ".join(str(point.value) for point in points)
        return gettext("%(value)s is not an answer to this question. Write one of %(allowed)s, "
                       "\"vet inte\", \"vill inte svara\", or leave it empty.",
                       value=raw, allowed=allowed)
    return gettext("The text is too long.")


class _Checker:
    """Checks every row of one file, collecting problems instead of stopping."""

    def __init__(self, loaded: LoadedQuestionnaire, scope: Organisation | None, today: date):
        self.loaded = loaded
        self.scope = scope
        self.today = today
        self.problems: list[Problem] = []
        self.seen: dict[tuple[int, OccasionKind, int], int] = {}

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(row, column, message))

    def header(self, header: list[str]) -> dict[str, int] | None:
        columns = [name.strip() for name in header]
        known = [item.id for item in self.loaded.definition.items]
        # Every question has its column, even one left blank throughout, so that a
        # column lost while copying is one problem here rather than one per row.
        for name in (*FIXED_COLUMNS, *known):
            if name not in columns:
                self.problem(HEADER_ROW, name, gettext("The column %(name)s is missing.",
                                                       name=name))
        seen: set[str] = set()
        for name in columns:
            if name in seen:
                self.problem(HEADER_ROW, name, gettext("The column %(name)s appears twice.",
                                                       name=name))
            seen.add(name)
            if name and name not in FIXED_COLUMNS and name not in known:
                self.problem(HEADER_ROW, name, gettext(
                    "%(name)s is not a question in %(slug)s version %(version)d.",
                    name=name, slug=self.loaded.definition.slug,
                    version=self.loaded.definition.version))
        if self.problems:
            return None
        return {name: index for index, name in enumerate(columns) if name}

    def storable(self, number: int, cells: dict[str, str]) -> bool:
        unstorable = [name for name, text in cells.items() if has_invisible_controls(text)]
        for name in unstorable:
            self.problem(number, name, gettext(
                "The cell has an invisible character that cannot be saved. Type its text again."))
        return not unstorable

    def participant(self, number: int, code: str) -> Participant | None:
        participant = db.session.scalar(sa.select(Participant).where(Participant.code == code))
        in_scope = (
            participant is not None and participant.anonymised_at is None
            and (self.scope is None or self.scope.contains(participant.organisation))
        )
        if not in_scope:
            # Outside the importer's organisation a participant is, for them, not there.
            self.problem(number, "participant", gettext(
                "There is no participant with the code %(code)s.", code=code or "–"))
            return None
        return participant

    def planned(self, number: int, participant: Participant, kind_text: str,
                followup_text: str) -> schedule.PlannedOccasion | None:
        try:
            kind = OccasionKind(kind_text.strip().lower())
        except ValueError:
            self.problem(number, "occasion", gettext(
                "Write intake, followup or exit, not %(value)s.", value=kind_text or "–"))
            return None
        sequence = 0
        if kind is OccasionKind.FOLLOWUP:
            if not followup_text.strip().isdigit() or int(followup_text) < 1:
                self.problem(number, "followup", gettext(
                    "Write the follow-up's number: 1 for the first."))
                return None
            sequence = int(followup_text)
        elif followup_text.strip():
            self.problem(number, "followup", gettext(
                "Leave followup empty for intake and exit."))
            return None
        key = (participant.id, kind, sequence)
        if key in self.seen:
            self.problem(number, "occasion", gettext(
                "Row %(row)d already has this participant's questionnaire for this occasion.",
                row=self.seen[key]))
            return None
        self.seen[key] = number
        planned = next((p for p in schedule.plan(participant, self.today)
                        if p.kind == kind and p.sequence == sequence), None)
        if planned is None:
            self.problem(number, "occasion", gettext(
                "%(code)s has no such occasion: it has not come yet, or they have not left.",
                code=participant.code))
        return planned

    def answered_at(self, number: int, participant: Participant, text: str) -> datetime | None:
        answered_on = _date(text)
        if answered_on is None:
            self.problem(number, "answered_on", gettext(
                "Write the date like 2026-03-31, not %(value)s.", value=text or "–"))
            return None
        if answered_on > self.today or answered_on < participant.enrolled_on:
            self.problem(number, "answered_on", gettext(
                "The date must be between the enrolment (%(enrolled)s) and today.",
                enrolled=participant.enrolled_on.isoformat()))
            return None
        # Noon: the same calendar day in Sweden whatever the season.
        return datetime.combine(answered_on, time(12), tzinfo=UTC)

    def answers(self, number: int, occasion_kind: OccasionKind, cells: dict[str, str]
                ) -> dict[str, ParsedAnswer]:
        asked = {item.id: item for item in self.loaded.definition.items_for(occasion_kind.value)}
        parsed: dict[str, ParsedAnswer] = {}
        for item in self.loaded.definition.items:
            raw = cells.get(item.id)
            if item.id not in asked:
                if raw and raw.strip():
                    self.problem(number, item.id, gettext(
                        "This question is not asked at this occasion: leave it empty."))
                continue
            try:
                parsed[item.id] = _answer(item, self.loaded, raw or "")
            except InvalidAnswer:
                self.problem(number, item.id, _value_problem(item, self.loaded, raw.strip()))
        return parsed


def _same_answers(occasion: Occasion, answers: dict[str, ParsedAnswer]) -> bool:
    stored = {
        answer.item_id: ParsedAnswer(
            answer.value, answer.text,
            answer.missing_reason.value if answer.missing_reason else None)
        for answer in occasion.response.answers
    }
    return stored == answers


def check(rows: list[list[str]], loaded: LoadedQuestionnaire, scope: Organisation | None,
          today: date) -> tuple[list[_Row], int, list[Problem]]:
    """Every row checked: the rows to store, how many are there already, the problems."""
    checker = _Checker(loaded, scope, today)
    if not rows:
        return [], 0, [Problem(None, None, gettext("The file is empty."))]
    if len(rows) - 1 > MAX_ROWS:
        return [], 0, [Problem(None, None, gettext(
            "The file has more than %(n)d rows. Split it into smaller files.", n=MAX_ROWS))]
    columns = checker.header(rows[0])
    if columns is None:
        return [], 0, checker.problems
    to_store: list[_Row] = []
    already = 0
    for number, row in enumerate(rows[1:], start=HEADER_ROW + 1):
        cells = {name: row[index] if index < len(row) else "" for name, index in columns.items()}
        if not checker.storable(number, cells):
            continue
        participant = checker.participant(number, cells["participant"].strip())
        if participant is None:
            continue
        planned = checker.planned(number, participant, cells["occasion"], cells["followup"])
        answered_at = checker.answered_at(number, participant, cells["answered_on"])
        if planned is None:
            continue
        answers = checker.answers(number, planned.kind, cells)
        if answered_at is None or len(answers) != len(
                loaded.definition.items_for(planned.kind.value)):
            continue
        occasion = planned.occasion
        if occasion is not None and occasion.response is not None:
            if occasion.response.mode == ResponseMode.PAPER and _same_answers(occasion, answers):
                already += 1
            else:
                checker.problem(number, "occasion", gettext(
                    "%(code)s already has answers for this occasion.", code=participant.code))
            continue
        to_store.append(_Row(number, participant, planned, answered_at, answers))
    return to_store, already, checker.problems


def import_file(
    filename: str, content: bytes, loaded: LoadedQuestionnaire, scope: Organisation | None,
    actor: User | None, today: date,
) -> ImportResult:
    """Check the whole file, then store every row, or nothing when anything is wrong.
    The caller commits."""
    try:
        rows, reading_problems = read_rows(filename, content)
    except UnreadableFile as error:
        return ImportResult(problems=[Problem(None, None, error.message)])
    to_store, already, problems = check(rows, loaded, scope, today)
    problems = reading_problems + problems
    if problems:
        return ImportResult(problems=sorted(problems, key=_problem_order))
    for row in to_store:
        _store(row, loaded, actor)
    return ImportResult(imported=len(to_store), already_there=already)


def _problem_order(problem: Problem) -> tuple[int, str]:
    return (problem.row or 0, problem.column or "")


def _store(row: _Row, loaded: LoadedQuestionnaire, actor: User | None) -> None:
    occasion = schedule.ensure_stored(row.participant, row.planned)
    response = responses.get_or_start(occasion, loaded, row.participant.language,
                                      ResponseMode.PAPER, row.answered_at)
    for item_id, parsed in row.answers.items():
        responses.store_parsed(response, item_id, parsed, row.answered_at)
    responses.submit(response, loaded, responses.items_for(occasion, loaded), row.answered_at)
    audit.record(actor, "paper_import", row.participant, occasion=occasion.kind.value,
                 sequence=occasion.sequence)


def template_workbook(loaded: LoadedQuestionnaire, language: str) -> bytes:
    """An empty file to type paper forms into: the columns on the first sheet, and on a
    second what each question asks, when, and which values it takes."""
    definition = loaded.definition
    workbook = Workbook()
    answers = workbook.active
    answers.title = gettext("Answers")
    answers.append([*FIXED_COLUMNS, *(item.id for item in definition.items)])
    bold = Font(bold=True)
    for cell in answers[1]:
        cell.font = bold
    answers.freeze_panes = "B2"

    guide = workbook.create_sheet(gettext("Questions"))
    guide.append([gettext("Column"), gettext("Question"), gettext("Asked at"),
                  gettext("Write")])
    for cell in guide[1]:
        cell.font = bold
    for item in definition.items:
        text = item.text.get(language) or item.text[definition.languages[0]]
        asked = ", ".join(kind for kind in ("intake", "followup", "exit")
                          if item.asked_at(kind) and kind in definition.occasions)
        points = item.question_type.options(item, definition)
        values = (", ".join(f"{point.value}" for point in points) if points
                  else gettext("text"))
        if item.question_type.offers_missing_codes:
            values += gettext(", \"vet inte\", \"vill inte svara\"")
        guide.append([item.id, text, asked, values])
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 70
    guide.column_dimensions["C"].width = 24
    guide.column_dimensions["D"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_text(problems: list[Problem]) -> Iterator[str]:
    """One line per problem, for the command line."""
    for problem in problems:
        where = [gettext("row %(n)d", n=problem.row) if problem.row else gettext("the file")]
        if problem.column:
            where.append(gettext("column %(name)s", name=problem.column))
        yield f"{', '.join(where)}: {problem.message}"
