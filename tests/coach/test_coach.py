"""A coach enrols a participant and hands over the intake link."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEvent, Gender, Organisation, Participant, Role
from survey_app.services import clock
from tests.conftest import BASE_URL, csrf_token, login_as, make_participant, make_user

HOME = "MIA/Östra Södertörn"


@pytest.fixture
def coach_client(app):
    coach = make_user(Role.COACH, HOME)
    for subproject in ("Haninge", "Nynäshamn"):
        make_user(Role.EVALUATOR, f"{HOME}/{subproject}")  # creates the subprojects
    make_user(Role.COACH, "Finsam Väst/Borås")
    client = app.test_client()
    login_as(client, coach)
    return client


def organisation_id(path: str) -> int:
    return db.session.scalar(sa.select(Organisation.id).where(Organisation.path == path))


def enrol_form(client, **overrides):
    data = {
        "csrf_token": csrf_token(client, "/coach/participants/new"),
        "code": "HAN-0042", "gender": "woman", "birth_year": "1988",
        "organisation": str(organisation_id(f"{HOME}/Haninge")), "language": "sv",
        "prefers_easy_read": "y",
    } | overrides
    return client.post("/coach/participants/new", data=data)


def test_the_enrol_form_offers_only_the_coachs_own_subtree(coach_client):
    page = coach_client.get("/coach/participants/new").get_data(as_text=True)
    assert f"{HOME}/Haninge" in page and f"{HOME}/Nynäshamn" in page
    assert "Borås" not in page


def test_enrolling_creates_the_participant_with_a_due_intake(coach_client):
    response = enrol_form(coach_client)
    assert response.status_code == 302
    participant = db.session.scalars(sa.select(Participant)).one()
    assert (participant.code, participant.gender, participant.birth_year) == (
        "HAN-0042", Gender.WOMAN, 1988
    )
    assert participant.organisation.path == f"{HOME}/Haninge"
    assert participant.enrolled_on == clock.today()
    assert [(o.kind.value, o.due_on) for o in participant.occasions] == [
        ("intake", clock.today())
    ]
    assert db.session.scalar(sa.select(AuditEvent.action)) == "enrol"

    page = coach_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "HAN-0042" in page and "Dags" in page  # intake is due


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "19880101-1234"}, "Koden ser ut som ett personnummer"),
        ({"code": ""}, "Ange en deltagarkod."),
        ({"code": "a b"}, "Använd 2–40 bokstäver"),
        ({"gender": "female"}, "Välj kön, eller ”Uppgift saknas”."),
        ({"gender": ""}, "Välj kön, eller ”Uppgift saknas”."),
        ({"birth_year": "nineteen"}, "mellan 1900 och i år"),
        ({"birth_year": "1850"}, "mellan 1900 och i år"),
        ({"organisation": "999999"}, "Välj ett delprojekt."),
        ({"organisation": "not-a-number"}, "Välj ett delprojekt."),
        ({"language": "tlh"}, "Välj ett språk."),
    ],
)
def test_bad_enrolments_are_explained_and_change_nothing(coach_client, overrides, message):
    response = enrol_form(coach_client, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Fel:" in page and 'class="error-summary"' in page
    assert message in page
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 0


def test_a_duplicate_code_is_refused(coach_client):
    enrol_form(coach_client)
    response = enrol_form(coach_client, gender="man")
    assert "Det finns redan en deltagare med den koden." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 1


def test_the_link_page_shows_a_working_url_and_a_qr_code(app, coach_client):
    participant = make_participant("HAN-0007", f"{HOME}/Haninge")
    url = f"/coach/participants/{participant.id}/link"
    page_url = f"/coach/participants/{participant.id}"
    response = coach_client.post(url, data={"csrf_token": csrf_token(coach_client, page_url)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"

    link = re.search(r'value="(https://[^"]+)"', page).group(1)
    assert link.startswith(f"{BASE_URL}/s/")
    assert "<svg" in page and f"<title>{link}</title>" in page  # the QR code, titled
    assert app.test_client().get(link.removeprefix(BASE_URL)).status_code == 200

    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "issue_link" in actions


def test_the_caseload_shows_what_is_due(coach_client):
    make_participant("HAN-0001", f"{HOME}/Haninge", gender=Gender.MAN)
    page = coach_client.get("/coach/").get_data(as_text=True)
    assert "HAN-0001" in page and "Inskrivning" in page and "Dags" in page
