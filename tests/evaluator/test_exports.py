"""The report's tables as CSV, XLSX and SPSS files: read back, scoped, nothing small shown."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pyreadstat
import pytest

from survey_app.models import Gender, Role
from survey_app.services import organisations
from survey_app.services.report_tables import SPSS_SUPPRESSED
from tests.conftest import make_user, signed_in
from tests.evaluator.test_report import HOME, answered_steps
from tests.evaluator.test_report_document import make_cohorts

THRESHOLD = 5
# Tables with counts, and the count columns of each (every other column is a share,
# a statistic or a label).
EXPECTED_TABLES = {
    "step_movement", "step_movement_completers", "by_age_band", "by_enrolment_year", "by_part",
    "step_change_tests", "domain_change", "reliable_change", "targets", "attrition",
    "response_rates", "step_distribution", "transitions", "monthly",
}


@pytest.fixture
def client(app):
    make_cohorts()  # 18 women and 12 men at HOME/Haninge
    for i in range(7):  # elsewhere: never in this evaluator's files
        answered_steps(f"B{i}", Gender.MAN, [1, 7], org="Finsam Väst/Borås")
    return signed_in(app, make_user(Role.EVALUATOR, HOME))


def download(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response.data


def rows_of(sheet) -> list[dict[str, object]]:
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def assert_no_small_count(header_kinds: dict[str, str], rows: list[dict[str, object]]) -> None:
    for row in rows:
        for name, kind in header_kinds.items():
            value = row[name]
            if kind == "count" and isinstance(value, (int, float)):
                assert value >= THRESHOLD, (name, row)


def test_the_workbook_holds_every_table_the_page_shows_with_a_cover_sheet(client):
    workbook = openpyxl.load_workbook(io.BytesIO(download(client, "/evaluator/export/report.xlsx")))
    about, *tables = workbook.worksheets
    assert {sheet.title for sheet in tables} == EXPECTED_TABLES
    cover = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row and row[0]}
    assert cover["Organisation"] == HOME
    assert "färre än 5" in cover["Skydd av små grupper"]

    movement = {row["Grupp"]: row for row in rows_of(workbook["step_movement"])}
    assert set(movement) == {"Kvinnor", "Män", "Totalt"}
    assert (movement["Kvinnor"]["Antal"], movement["Män"]["Antal"]) == (18, 12)
    assert movement["Totalt"]["Antal"] == 30  # Borås is not in it

    # Hidden figures are the mark, never a number; no count under the threshold.
    marks = [value for sheet in tables for row in sheet.iter_rows(min_row=2, values_only=True)
             for value in row if value == "–"]
    assert marks
    transitions = rows_of(workbook["transitions"])
    for row in transitions:
        for heading, value in row.items():
            if heading != "Vid inskrivning":
                assert value == "–" or value >= THRESHOLD


def test_csv_opens_in_excel_with_swedish_letters_and_separators(client):
    plain = download(client, "/evaluator/export/step_movement.csv")
    assert plain.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(plain.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Grupp", "Antal", "Medelförflyttning"]
    total = next(row for row in rows if row[0] == "Totalt")
    assert total[1] == "30"
    assert "." in total[2]  # mean movement (38 / 30) with a decimal point

    swedish = download(client, "/evaluator/export/step_movement.csv?excel=sv")
    rows = list(csv.reader(io.StringIO(swedish.decode("utf-8-sig")), delimiter=";"))
    total = next(row for row in rows if row[0] == "Totalt")
    assert "," in total[2] and "." not in total[2]


def test_exported_tests_leave_out_the_groups_whose_counts_are_hidden(client):
    text = download(client, "/evaluator/export/step_change_tests.csv").decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text))}
    header = rows["Grupp"]
    men = dict(zip(header, rows["Män"], strict=True))
    # 4 of the 12 men moved up: hidden, and so is everything that could give it back.
    assert men["Antal"] == "12"
    assert men["Teckentest p"] == men["Medelvärde"] == men["Wilcoxon p"] == "–"
    assert men["Anmärkning"] == "Visas inte: det skulle avslöja antal som är dolda."
    total = dict(zip(header, rows["Totalt"], strict=True))
    assert float(total["Wilcoxon p"]) < 0.001


def test_spss_files_carry_variable_labels_value_labels_and_hidden_as_missing(client, tmp_path):
    path = tmp_path / "read-back.sav"
    path.write_bytes(download(client, "/evaluator/export/step_distribution.sav"))
    data, meta = pyreadstat.read_sav(path, user_missing=True)
    labels = meta.column_names_to_labels
    assert labels["group"] == "Grupp"
    assert labels["n"] == "Antal"
    assert meta.variable_value_labels["group"][1.0] == "Kvinnor"
    assert meta.variable_value_labels["moment"][1.0] == "Vid inskrivning"
    assert meta.variable_value_labels["n"][float(SPSS_SUPPRESSED)].startswith("Dold")
    assert {"lo": SPSS_SUPPRESSED, "hi": SPSS_SUPPRESSED} in meta.missing_ranges["step_1_pct"]
    step_columns = [name for name in data.columns if name.startswith("step_")]
    values = data[step_columns].to_numpy().ravel()
    assert (values == SPSS_SUPPRESSED).any()  # some shares are hidden …
    assert ((values == SPSS_SUPPRESSED) | ((values >= 0) & (values <= 100))).all()
    plain, _ = pyreadstat.read_sav(path)  # … and SPSS treats them as missing
    assert plain[step_columns].isna().to_numpy().sum() == (values == SPSS_SUPPRESSED).sum()


@pytest.mark.parametrize("fmt", ["csv", "sav"])
def test_all_tables_come_in_one_zip(client, fmt):
    archive = zipfile.ZipFile(io.BytesIO(download(client, f"/evaluator/export/report.{fmt}")))
    names = set(archive.namelist())
    assert names == {"about.txt"} | {f"{name}.{fmt}" for name in EXPECTED_TABLES}
    assert HOME in archive.read("about.txt").decode()


def test_no_count_in_any_csv_describes_fewer_than_the_threshold(client):
    archive = zipfile.ZipFile(io.BytesIO(download(client, "/evaluator/export/report.csv")))
    count_headings = {"Antal", "Kvinnor", "Män", "Totalt", "Annat", "Ej angivet"}
    for name in archive.namelist():
        if not name.endswith(".csv") or name == "response_rates.csv":
            continue
        header, *rows = csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
        for row in rows:
            for heading, value in zip(header, row, strict=True):
                counts_people = heading in count_headings or name in ("transitions.csv",
                                                                       "monthly.csv")
                if counts_people and value.isdigit() and heading != "Vid inskrivning":
                    assert int(value) >= THRESHOLD, (name, heading, row)


def test_an_evaluator_cannot_export_another_organisations_figures(client):
    elsewhere = organisations.add("Finsam Väst/Borås")
    response = client.get(f"/evaluator/export/report.xlsx?organisation={elsewhere.id}")
    assert response.status_code == 404


def test_unknown_tables_and_formats_are_not_found(client):
    assert client.get("/evaluator/export/nothing.csv").status_code == 404
    assert client.get("/evaluator/export/report.pdf").status_code == 404


def test_names_typed_by_people_never_become_spreadsheet_formulas(app, client):
    answered_steps("X1", Gender.WOMAN, [1, 2], org=f"{HOME}/=HYPERLINK(\"x\")")
    workbook = openpyxl.load_workbook(io.BytesIO(download(client, "/evaluator/export/report.xlsx")))
    parts = [row["Del"] for row in rows_of(workbook["by_part"])]
    assert "'=HYPERLINK(\"x\")" in parts
    assert all(cell.data_type != "f" for sheet in workbook.worksheets
               for row in sheet.iter_rows() for cell in row)
    text = download(client, "/evaluator/export/by_part.csv").decode("utf-8-sig")
    assert "\n'=HYPERLINK" in text.replace('"', "")


def test_the_page_links_every_download(client):
    page = client.get("/evaluator/").get_data(as_text=True)
    assert "/evaluator/export/report.xlsx?" in page
    for name in EXPECTED_TABLES:
        assert f"/evaluator/export/{name}.sav?" in page


def test_the_command_line_writes_the_same_files(app, runner, tmp_path):
    make_cohorts()
    out = tmp_path / "report.xlsx"
    result = runner.invoke(args=["report", "--scope", HOME, "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(out)
    movement = {row["Grupp"]: row["Antal"] for row in rows_of(workbook["step_movement"])}
    assert movement["Kvinnor"] == 18

    result = runner.invoke(args=["report", "--scope", HOME, "--format", "csv", "--table",
                                 "targets", "--excel-sv"])
    assert result.exit_code == 0, result.output
    header = result.stdout_bytes.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Mål;")

    result = runner.invoke(args=["report", "--scope", HOME, "--format", "sav", "--table", "x"])
    assert result.exit_code != 0
    assert "step_movement" in result.output
