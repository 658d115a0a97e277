"""The monthly status (ESF lägesrapport): page, files and command, scoped and suppressed."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from survey_app.extensions import db
from survey_app.models import ExitOutcome, Gender, IncomeSource, OccasionKind, Occupation, Role
from survey_app.services import clock, enrolment, organisations
from tests.conftest import make_participant, make_user, signed_in, submit_answers

HOME = "MIA/Östra Södertörn"
MONTH = "2026-03"


@pytest.fixture
def march(app) -> None:
    """March 2026 at HOME: six women enrolled (five answered their intake, one did
    not), seven men enrolled in January of whom five left for work on 20 March.
    Elsewhere five men enrolled in March, who must never be counted here."""
    for i in range(6):
        woman = make_participant(f"W{i}", f"{HOME}/Haninge", Gender.WOMAN,
                                 enrolled_on=date(2026, 3, 10))
        if i < 5:
            submit_answers(woman, OccasionKind.INTAKE, {})
    for i in range(7):
        man = make_participant(f"M{i}", f"{HOME}/Nynäshamn", Gender.MAN,
                               enrolled_on=date(2026, 1, 5))
        if i < 5:
            enrolment.record_exit(
                man, exited_on=date(2026, 3, 20), outcome=ExitOutcome.WORK,
                circumstances=enrolment.Circumstances(Occupation.WORK, IncomeSource.SALARY),
                actor=None, today=clock.today(),
            )
    for i in range(5):
        make_participant(f"B{i}", "Finsam Väst/Borås", Gender.MAN, enrolled_on=date(2026, 3, 2))
    db.session.commit()


@pytest.fixture
def client(app, march):
    return signed_in(app, make_user(Role.EVALUATOR, HOME))


def lines_of(csv_text: str, delimiter: str = ",") -> dict[str, list[str]]:
    header, *rows = csv.reader(io.StringIO(csv_text), delimiter=delimiter)
    assert header == ["Uppgift", "Kvinnor", "Män", "Totalt"]
    return {row[0]: row[1:] for row in rows}


def test_the_status_counts_the_month_for_women_men_and_in_total(client):
    response = client.get(f"/evaluator/monthly.csv?month={MONTH}")
    assert response.status_code == 200
    lines = lines_of(response.data.decode("utf-8-sig"))
    assert lines["Inskrivna under månaden"] == ["6", "–", "6"]  # Borås is not counted
    assert lines["Inskrivna totalt till och med månadens slut"] == ["6", "7", "13"]
    # Two men still taking part: hidden, and the next smallest figure of the line too.
    assert lines["Aktiva vid månadens slut"] == ["–", "–", "8"]
    assert lines["Avslutade under månaden"] == ["–", "5", "5"]
    assert lines["Avslutade: Arbete"] == ["–", "5", "5"]
    # Six intakes were due; one was missed, so it and another figure are hidden.
    assert lines["Mättillfällen under månaden"] == ["6", "–", "6"]
    assert lines["Mättillfällen: missade"][0] == "–"
    assert lines["Mättillfällen: besvarade"][0] == "–"


def test_every_count_published_describes_at_least_five(client):
    lines = lines_of(client.get(f"/evaluator/monthly.csv?month={MONTH}").data.decode("utf-8-sig"))
    for figures in lines.values():
        for figure in figures:
            assert figure == "–" or int(figure) >= 5


def test_the_page_shows_the_same_table_and_links_its_files(client):
    page = client.get(f"/evaluator/monthly?month={MONTH}").get_data(as_text=True)
    assert "Status för 2026-03, MIA/Östra Södertörn" in page
    assert "Inskrivna totalt till och med månadens slut" in page
    assert "/evaluator/monthly.xlsx?" in page and "excel=sv" in page


def test_last_month_is_shown_when_none_is_chosen(client):
    first_of_this_month = clock.today().replace(day=1)
    last_month = date.fromordinal(first_of_this_month.toordinal() - 1).strftime("%Y-%m")
    page = client.get("/evaluator/monthly").get_data(as_text=True)
    assert f'value="{last_month}"' in page


@pytest.mark.parametrize("month", ["March", "2026-13", "2026-3-1", ""])
def test_a_month_that_is_not_one_gets_a_message_not_a_table(client, month):
    response = client.get(f"/evaluator/monthly?month={month}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Skriv en månad som 2026-03." in page
    assert "<caption>" not in page
    assert client.get(f"/evaluator/monthly.csv?month={month}").status_code == 404


@pytest.mark.parametrize("month", ["0001-01", "9999-12"])
def test_a_month_outside_the_services_years_gets_a_message_not_a_server_error(client, month):
    # The month before the first and after the last overflowed the date arithmetic.
    response = client.get(f"/evaluator/monthly?month={month}")
    assert response.status_code == 400
    assert "Ange ett år mellan 1900 och 2199." in response.get_data(as_text=True)
    assert client.get(f"/evaluator/monthly.csv?month={month}").status_code == 404


def test_a_part_of_the_tree_can_be_chosen_but_nothing_outside_it(client):
    haninge = organisations.find(f"{HOME}/Haninge")
    lines = lines_of(client.get(f"/evaluator/monthly.csv?month={MONTH}"
                                f"&organisation={haninge.id}").data.decode("utf-8-sig"))
    assert lines["Inskrivna totalt till och med månadens slut"] == ["6", "–", "6"]
    boras = organisations.find("Finsam Väst/Borås")
    assert client.get(f"/evaluator/monthly?month={MONTH}&organisation={boras.id}"
                      ).status_code == 404
    assert client.get(f"/evaluator/monthly.xlsx?month={MONTH}&organisation={boras.id}"
                      ).status_code == 404


def test_the_workbook_explains_what_the_figures_mean(client):
    workbook = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/evaluator/monthly.xlsx?month={MONTH}").data))
    about, table = workbook.worksheets
    cover = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row and row[0]}
    assert cover["Månad"] == MONTH
    assert cover["Organisation"] == HOME
    rows = {row[0]: row[1:] for row in table.iter_rows(min_row=2, values_only=True)}
    assert rows["Inskrivna totalt till och med månadens slut"] == (6, 7, 13)


def test_the_command_writes_the_status(app, march, runner):
    result = runner.invoke(args=["monthly", "--scope", HOME, "--month", MONTH, "--excel-sv"])
    assert result.exit_code == 0, result.output
    lines = lines_of(result.stdout_bytes.decode("utf-8-sig"), delimiter=";")
    assert lines["Inskrivna totalt till och med månadens slut"] == ["6", "7", "13"]

    wrong = runner.invoke(args=["monthly", "--scope", HOME, "--month", "mars"])
    assert wrong.exit_code != 0
    assert "YYYY-MM" in wrong.output
