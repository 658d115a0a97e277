"""Paper questionnaires: checked whole, imported all or nothing, never twice."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from flask import current_app
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.extensions import db
from survey_app.models import (
    Answer,
    AuditEvent,
    Gender,
    MissingReason,
    Response,
    ResponseMode,
    Role,
)
from survey_app.services import clock, paper_import, reporting
from tests.conftest import make_participant, make_user, signed_in

ENROLLED = date(2026, 1, 12)
SCALE_ITEMS = ["work_ability", "readiness", "health", "influence", "coordination", "knowledge",
               "control"]
HEADER = ["participant", "occasion", "followup", "answered_on", "step", *SCALE_ITEMS,
          "closer", "satisfaction", "comment"]


def intake(code: str, step: str, **cells: str) -> list[str]:
    row = {"participant": code, "occasion": "intake", "followup": "", "answered_on":
           "2026-01-12", "step": step, **dict.fromkeys(SCALE_ITEMS, "3"), "closer": "",
           "satisfaction": "", "comment": ""} | cells
    return [row[name] for name in HEADER]


def followup(code: str, step: str, **cells: str) -> list[str]:
    return intake(code, step, **({"occasion": "followup", "followup": "1",
                                  "answered_on": "2026-04-14", "closer": "4",
                                  "satisfaction": "3"} | cells))


def as_csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    lines = [delimiter.join(row) for row in [HEADER, *rows]]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def people(app):
    for i in range(5):
        make_participant(f"PAP-{i}", "MIA/Haninge", Gender.WOMAN, enrolled_on=ENROLLED)
    make_participant("BOR-1", "Finsam/Borås", Gender.MAN, enrolled_on=ENROLLED)


def good_file() -> bytes:
    rows = [intake(f"PAP-{i}", "2") for i in range(5)]
    rows += [followup(f"PAP-{i}", "4") for i in range(5)]
    rows[0] = intake("PAP-0", "2", health="vet inte", control="vill inte svara",
                     comment="Skrivet på papper")
    return as_csv(rows)


def run_import(content: bytes, filename: str = "papper.csv", scope=None):
    loaded = current_app.extensions["questionnaires"].get("stegvis", 2)
    result = paper_import.import_file(filename, content, loaded, scope, None, clock.today())
    if result.ok:
        db.session.commit()
    else:
        db.session.rollback()
    return result


def stored_responses() -> list[Response]:
    return list(db.session.scalars(sa.select(Response)))


def test_a_file_is_imported_as_paper_and_the_report_counts_it(people):
    result = run_import(good_file())
    assert (result.ok, result.imported, result.already_there) == (True, 10, 0)
    stored = stored_responses()
    assert len(stored) == 10
    assert all(r.mode == ResponseMode.PAPER and r.submitted_at is not None for r in stored)
    first = next(r for r in stored if r.occasion.participant.code == "PAP-0"
                 and r.occasion.kind == "intake")
    answers = first.answers_by_item()
    assert answers["health"].missing_reason == MissingReason.DONT_KNOW
    assert answers["control"].missing_reason == MissingReason.DECLINED
    assert answers["comment"].text == "Skrivet på papper"
    assert answers["step"].value == 2
    assert first.submitted_at.date() == date(2026, 1, 12)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "paper_import")) == 10

    table = reporting.movement_report(
        reporting.ReportFilters(first.occasion.participant.organisation),
        current_app.extensions["questionnaires"], threshold=5)
    women = next(row for row in table.rows if row.group == "woman")
    assert (women.n.value, women.mean.value, women.improved.value) == (5, 2.0, 1.0)


def test_importing_the_same_file_again_adds_nothing(people):
    run_import(good_file())
    again = run_import(good_file())
    assert (again.ok, again.imported, again.already_there) == (True, 0, 10)
    assert len(stored_responses()) == 10
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 10 * 11 - 5 * 2


def test_a_changed_row_for_an_imported_occasion_is_refused(people):
    run_import(good_file())
    changed = run_import(as_csv([intake("PAP-1", "5")]))
    assert not changed.ok
    assert changed.problems[0].row == 2
    assert "redan svar" in changed.problems[0].message


def test_one_wrong_row_stops_everything_and_every_problem_is_listed(people):
    future = (clock.today() + timedelta(days=2)).isoformat()
    rows = [
        intake("PAP-0", "2"),                                  # row 2: fine
        intake("NOBODY", "2"),                                 # 3
        intake("PAP-1", "8"),                                  # 4: off the ladder
        intake("PAP-2", "2", occasion="start"),                # 5
        followup("PAP-3", "3", followup=""),                   # 6
        intake("PAP-4", "2", answered_on=future),              # 7
        intake("PAP-0", "3"),                                  # 8: row 2 again
        intake("PAP-3", "2", closer="4"),                      # 9: not asked at intake
        intake("BOR-1", "2"),                                  # 10: outside the scope
        followup("PAP-2", "3", followup="9"),                  # 11: not come yet
    ]
    haninge = make_participant("HAN-X1", "MIA/Haninge").organisation
    result = run_import(as_csv(rows), scope=haninge)
    assert stored_responses() == []
    where = {(p.row, p.column) for p in result.problems}
    assert where == {(3, "participant"), (4, "step"), (5, "occasion"), (6, "followup"),
                     (7, "answered_on"), (8, "occasion"), (9, "closer"), (10, "participant"),
                     (11, "occasion")}
    off_scale = next(p for p in result.problems if p.row == 4)
    assert "1, 2, 3, 4, 5, 6, 7" in off_scale.message


def test_a_cell_with_an_invisible_character_is_named_and_nothing_is_imported(people):
    # PostgreSQL refuses NUL even in the participant lookup: the import answered 500.
    rows = [intake("PAP-0", "2", comment="Skrivet\x00 på papper"),
            intake("PAP\x00-1", "2"),
            intake("PAP-2", "2", comment="Med\ttabb")]
    result = run_import(as_csv(rows))
    assert stored_responses() == []
    assert {(p.row, p.column) for p in result.problems} == {(2, "comment"), (3, "participant")}
    assert "Cellen har ett osynligt tecken som inte kan sparas." in result.problems[0].message


def test_unknown_and_missing_columns_are_named(people):
    header = ["participant", "occasion", "answered_on", "step", "shoe_size"]
    content = (",".join(header) + "\nPAP-0,intake,2026-01-12,2,44\n").encode()
    result = run_import(content)
    missing = {"followup", *SCALE_ITEMS, "closer", "satisfaction", "comment"}
    assert {(p.row, p.column) for p in result.problems} == {
        (1, name) for name in {*missing, "shoe_size"}}


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("papper.csv", "participant;occasion\nPÄP;intake\n".encode("latin-1"), "UTF-8"),
    ("papper.txt", b"participant\n", "CSV- eller XLSX"),
    ("papper.xlsx", b"not a workbook", "arbetsbok"),
    ("papper.csv", b"", "tom"),
    ("papper.csv", b"x" * (paper_import.MAX_BYTES + 1), "större än 5 MB"),
])
def test_files_that_cannot_be_read_get_a_clear_message(people, filename, content, message):
    result = run_import(content, filename)
    assert not result.ok
    assert message in result.problems[0].message
    assert stored_responses() == []


def test_swedish_excel_csv_with_semicolons_imports(people):
    result = run_import(as_csv([intake("PAP-0", "2")], delimiter=";"))
    assert (result.ok, result.imported) == (True, 1)


def workbook_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_imports_with_real_dates_and_numbers(people):
    row: list[object] = [int(v) if v.isdigit() else v for v in intake("PAP-0", "2")]
    row[3] = date(2026, 1, 12)
    result = run_import(workbook_bytes([HEADER, row]), "papper.xlsx")
    assert (result.ok, result.imported) == (True, 1)


def test_a_formula_in_a_workbook_is_refused_not_calculated(people):
    row: list[object] = [int(v) if v.isdigit() else v for v in intake("PAP-0", "2")]
    row[4] = "=1+1"
    result = run_import(workbook_bytes([HEADER, row]), "papper.xlsx")
    assert not result.ok
    assert "E2" in result.problems[0].message
    assert stored_responses() == []


def with_part(workbook: bytes, name: str, text: str | None) -> bytes:
    """``workbook`` with one of its zip's parts replaced, or left out if ``text`` is None."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as old, zipfile.ZipFile(buffer, "w") as new:
        for part in old.namelist():
            if part != name:
                new.writestr(part, old.read(part))
        if text is not None:
            new.writestr(name, text)
    return buffer.getvalue()


GOOD_WORKBOOK = workbook_bytes([HEADER, intake("PAP-0", "2")])


@pytest.mark.parametrize(("part", "text"), [
    ("[Content_Types].xml", "<<<"),
    ("xl/workbook.xml", "<workbook/>"),
    ("xl/worksheets/sheet1.xml", None),
    ("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>"),
    ("xl/styles.xml", "not xml"),
], ids=["content types", "workbook", "no sheet", "sheet cut off", "styles"])
def test_a_damaged_workbook_is_not_a_workbook_not_a_server_error(people, part, text):
    # Each raised something else inside openpyxl (ParseError, IndexError) and gave a 500.
    result = run_import(with_part(GOOD_WORKBOOK, part, text), "papper.xlsx")
    assert not result.ok
    assert "arbetsbok" in result.problems[0].message
    assert stored_responses() == []


def parts(workbook: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


GOOD_PARTS = parts(GOOD_WORKBOOK)


@settings(max_examples=60, deadline=None)
@given(part=st.sampled_from(sorted(GOOD_PARTS)), data=st.data())
def test_a_workbook_with_any_part_cut_short_is_read_or_refused_never_raised(part, data):
    cut = data.draw(st.integers(min_value=0, max_value=len(GOOD_PARTS[part])))
    damaged = with_part(GOOD_WORKBOOK, part, GOOD_PARTS[part][:cut])
    try:
        paper_import.read_rows("papper.xlsx", damaged)
    except paper_import.UnreadableFile as refusal:
        assert "workbook" in refusal.message


@pytest.mark.parametrize("filename", ["papper.csv", "papper.xlsx"])
def test_a_file_with_too_many_rows_is_refused_whole(people, monkeypatch, filename):
    monkeypatch.setattr(paper_import, "MAX_ROWS", 3)
    rows = [intake(f"PAP-{i}", "2") for i in range(5)]
    content = as_csv(rows) if filename.endswith(".csv") else workbook_bytes([HEADER, *rows])
    result = run_import(content, filename)
    assert not result.ok
    assert "fler än 3 rader" in result.problems[0].message
    assert stored_responses() == []


def test_the_empty_file_from_the_page_once_filled_in_imports(app, people):
    client = signed_in(app, make_user(Role.ADMIN, "MIA"))
    page = client.get("/admin/import").get_data(as_text=True)
    assert 'href="/admin/import/template/stegvis/2.xlsx"' in page
    response = client.get("/admin/import/template/stegvis/2.xlsx")
    assert response.status_code == 200
    assert "stegvis-2-paper.xlsx" in response.headers["Content-Disposition"]

    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    answers, questions = workbook.worksheets
    header = [cell.value for cell in answers[1]]
    assert header == HEADER
    guide = {row[0]: row for row in questions.iter_rows(min_row=2, values_only=True)}
    assert set(guide) == set(HEADER) - {"participant", "occasion", "followup", "answered_on"}
    column, question, asked, values = guide["closer"]
    assert question == "Jag är närmare arbete eller studier än när jag började."
    assert (asked, values) == ("followup, exit", '1, 2, 3, 4, "vet inte", "vill inte svara"')

    answers.append([int(v) if v.isdigit() else v for v in intake("PAP-0", "2")])
    filled = io.BytesIO()
    workbook.save(filled)
    result = run_import(filled.getvalue(), "ifylld.xlsx")
    assert (result.ok, result.imported) == (True, 1)


def test_there_is_no_empty_file_for_a_questionnaire_that_does_not_exist(app, people):
    client = signed_in(app, make_user(Role.ADMIN, "MIA"))
    assert client.get("/admin/import/template/stegvis/99.xlsx").status_code == 404


def upload(client, content: bytes, filename: str):
    page = client.get("/admin/import").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    return client.post("/admin/import", data={
        "csrf_token": token, "questionnaire": "stegvis@2",
        "file": (io.BytesIO(content), filename),
    }, content_type="multipart/form-data")


def test_an_admin_imports_from_the_page_and_sees_what_happened(app, people):
    client = signed_in(app, make_user(Role.ADMIN, "MIA"))
    response = upload(client, good_file(), "papper.csv")
    assert response.status_code == 200
    assert "10 enkäter från papper.csv importerades" in response.get_data(as_text=True)

    response = upload(client, as_csv([intake("NOBODY", "2")]), "fel.csv")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ingenting importerades" in page
    assert "Det finns ingen deltagare med koden NOBODY." in page


def test_an_admin_cannot_import_for_participants_outside_their_organisation(app, people):
    client = signed_in(app, make_user(Role.ADMIN, "MIA"))
    response = upload(client, as_csv([intake("BOR-1", "2")]), "papper.csv")
    assert response.status_code == 422
    assert "Det finns ingen deltagare med koden BOR-1." in response.get_data(as_text=True)
    assert stored_responses() == []


def test_a_huge_upload_gets_a_page_not_a_server_error(app, people):
    client = signed_in(app, make_user(Role.ADMIN, "MIA"))
    response = upload(client, b"x" * (50 * 1024 * 1024), "stor.csv")
    # The test client spools a body this large to a temporary file and only
    # closes it when following redirects.
    response.request.input_stream.close()
    assert response.status_code == 413
    assert "<h1>" in response.get_data(as_text=True)


def test_the_command_imports_and_lists_problems(app, runner, people, tmp_path):
    good = tmp_path / "papper.csv"
    good.write_bytes(good_file())
    result = runner.invoke(args=["import", str(good), "--questionnaire", "stegvis@2"])
    assert result.exit_code == 0, result.output
    assert "Imported 10" in result.output

    bad = tmp_path / "fel.csv"
    bad.write_bytes(as_csv([intake("PAP-0", "9")]))
    result = runner.invoke(args=["import", str(bad), "--questionnaire", "stegvis@2"])
    assert result.exit_code != 0
    assert "row 2, column step" in result.output.replace("rad 2, kolumn step", "row 2, column step")

    result = runner.invoke(args=["import", str(good), "--questionnaire", "stegvis@99"])
    assert result.exit_code != 0
    assert "stegvis@1" in result.output
