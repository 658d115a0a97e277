"""A coach's day: enrol with consent, hand over links, follow progress, exit, erase."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from survey_app.extensions import db
from survey_app.models import (
    Answer,
    AuditEvent,
    ExitOutcome,
    Gender,
    IncomeSource,
    Occasion,
    OccasionKind,
    Occupation,
    Organisation,
    Participant,
    Response,
    Role,
)
from survey_app.services import clock
from tests.conftest import (
    BASE_URL,
    csrf_token,
    make_participant,
    make_user,
    signed_in,
    submit_answers,
)

HOME = "MIA/Östra Södertörn"


@pytest.fixture
def coach_client(app):
    coach = make_user(Role.COACH, HOME)
    for subproject in ("Haninge", "Nynäshamn"):
        make_user(Role.EVALUATOR, f"{HOME}/{subproject}")  # creates the subprojects
    make_user(Role.COACH, "Finsam Väst/Borås")
    return signed_in(app, coach)


def organisation_id(path: str) -> int:
    return db.session.scalar(sa.select(Organisation.id).where(Organisation.path == path))


def enrol_form(client, **overrides):
    data = {
        "csrf_token": csrf_token(client, "/coach/participants/new"),
        "code": "HAN-0042", "gender": "woman", "birth_year": "1988",
        "organisation": str(organisation_id(f"{HOME}/Haninge")), "language": "sv",
        "prefers_easy_read": "y", "occupation": "sick_leave", "income": "sickness_compensation",
        "consent": "y", "consented_on": clock.today().isoformat(), "email": "",
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
    assert (participant.consented_on, participant.consent_version) == (clock.today(), "2026-1")
    assert participant.consent_recorded_by.role == Role.COACH
    assert (participant.intake_occupation, participant.intake_income) == (
        Occupation.SICK_LEAVE, IncomeSource.SICKNESS_COMPENSATION
    )
    assert participant.email is None
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
        ({"consent": ""}, "Deltagaren måste samtycka innan"),
        ({"consented_on": "igår"}, "Ange ett datum som 2026-03-31."),
        ({"consented_on": "2100-01-01"}, "Samtyckesdatumet kan inte vara senare än i dag."),
        ({"consented_on": "0001-01-01"}, "Ange ett år mellan 1900 och 2199."),
        ({"occupation": ""}, "Välj vad deltagaren mest gör nu."),
        ({"occupation": "astronaut"}, "Välj vad deltagaren mest gör nu."),
        ({"income": "lottery"}, "Välj deltagarens huvudsakliga inkomstkälla."),
        ({"email": "inte en adress"}, "Ange en e-postadress som namn@example.se"),
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


def participant_page(client, participant) -> str:
    return client.get(f"/coach/participants/{participant.id}").get_data(as_text=True)


def post_form(client, url: str, page_url: str, **fields: str):
    return client.post(url, data={"csrf_token": csrf_token(client, page_url), **fields})


def test_the_caseload_counts_filters_and_sorts(coach_client):
    today = clock.today()
    make_participant("HAN-A", f"{HOME}/Haninge", enrolled_on=today)  # intake due
    make_participant("HAN-B", f"{HOME}/Haninge", enrolled_on=today - timedelta(days=20))
    # Follow-up 2 fell due 25 days ago: overdue; intake and follow-up 1 are missed.
    make_participant("NYN-D", f"{HOME}/Nynäshamn",
                     enrolled_on=today - relativedelta(months=6, days=25))
    make_participant("BOR-E", "Finsam Väst/Borås", enrolled_on=today)  # another organisation

    page = coach_client.get("/coach/").get_data(as_text=True)
    counts = {label: int(n) for n, label in re.findall(r"<strong>(\d+)</strong> ([^<]+)</a>", page)}
    assert counts == {"försenad": 2, "dags": 1, "påbörjad": 0, "missad": 0}
    assert "3 deltagare totalt" in page and "BOR-E" not in page

    def codes(query: str) -> list[str]:
        listing = coach_client.get(f"/coach/?{query}").get_data(as_text=True)
        return re.findall(r'participants/\d+">([A-Z]+-[A-Z])</a>', listing)

    # Most urgent first: overdue (oldest due date first), then due.
    assert codes("") == ["NYN-D", "HAN-B", "HAN-A"]
    assert codes("status=overdue") == ["NYN-D", "HAN-B"]
    assert codes("status=due") == ["HAN-A"]
    nynashamn = organisation_id(f"{HOME}/Nynäshamn")
    assert codes(f"organisation={nynashamn}") == ["NYN-D"]
    assert codes("due_this_week=y") == ["HAN-A"]
    assert codes("sort=code") == ["HAN-A", "HAN-B", "NYN-D"]
    assert codes("sort=code&descending=y") == ["NYN-D", "HAN-B", "HAN-A"]
    # A blank choice is no choice (it passed for a status, and the page answered 500).
    assert codes("status=+&sort=+&organisation=+") == ["NYN-D", "HAN-B", "HAN-A"]
    assert codes("status=+due+") == ["HAN-A"]
    # A tampered filter is ignored, never an error.
    response = coach_client.get("/coach/?status=bogus&sort=nothing&organisation=x")
    assert response.status_code == 200
    assert "Välj en status i listan." in response.get_data(as_text=True)


def test_the_participant_page_shows_progress_as_chart_and_table(coach_client):
    participant = make_participant(
        "HAN-0009", f"{HOME}/Haninge", enrolled_on=clock.today() - timedelta(days=95)
    )
    submit_answers(participant, OccasionKind.INTAKE, {"step": "2", "health": "1"})
    submit_answers(participant, OccasionKind.FOLLOWUP, {"step": "4", "health": "4"})
    page = participant_page(coach_client, participant)
    # An image, not inline SVG: the page's style-src refuses matplotlib's style attributes.
    src = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', page)
    drawing = base64.b64decode(src.group(1)).decode("utf-8")
    assert "<svg" in drawing and "Inskrivning" in drawing and "Uppföljning 1" in drawing
    assert src.group(2) == "Linjediagram över svaren över tid"
    table = page[page.index("Svar över tid"):]
    step_row = re.search(r"Steg på stegen</th><td>(\d)</td><td>(\d)</td>", table)
    assert step_row.groups() == ("2", "4")
    health_row = re.search(r"Hur mår du\?</th><td>(\d)</td><td>(\d)</td>", table)
    assert health_row.groups() == ("1", "4")
    assert db.session.scalars(sa.select(AuditEvent.action)).all().count("view_participant") == 1


def test_a_participant_without_answers_has_no_chart_yet(coach_client):
    participant = make_participant("HAN-0010", f"{HOME}/Haninge")
    page = participant_page(coach_client, participant)
    assert "<svg" not in page and "Inget är besvarat än" in page


def test_the_exit_form_records_outcome_and_opens_the_exit_questionnaire(coach_client):
    participant = make_participant(
        "HAN-0011", f"{HOME}/Haninge", enrolled_on=clock.today() - relativedelta(months=7)
    )
    url = f"/coach/participants/{participant.id}/exit"
    response = post_form(
        coach_client, url, url, exited_on=clock.today().isoformat(), outcome="studies",
        occupation="studies", income="student_aid",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (participant.exited_on, participant.exit_outcome) == (clock.today(), ExitOutcome.STUDIES)
    assert (participant.exit_occupation, participant.exit_income) == (
        Occupation.STUDIES, IncomeSource.STUDENT_AID
    )
    exit_occasion = next(o for o in participant.occasions if o.kind == OccasionKind.EXIT)
    assert exit_occasion.due_on == clock.today()
    assert "exit" in db.session.scalars(sa.select(AuditEvent.action)).all()

    page = participant_page(coach_client, participant)
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td[^>]*>[\d-]+</td>\s*'
                      r'<td><span class="status status-(\w+)">', page)
    # Nothing was answered: every follow-up stays visible as missed; exit is due now.
    assert rows[0] == ("Inskrivning", "missed")
    assert all(status == "missed" for _, status in rows[1:-1]) and len(rows) >= 4
    assert rows[-1] == ("Avslut", "due")
    # Once recorded, the form is not offered again.
    assert coach_client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"exited_on": "2001-01-01"}, "Avslutsdatumet kan inte vara före inskrivningsdatumet"),
        ({"exited_on": "2100-01-01"}, "Registrera avslutet samma dag som det sker, eller senare."),
        ({"exited_on": "9999-12-31"}, "Ange ett år mellan 1900 och 2199."),
        ({"exited_on": "31/12"}, "Ange ett datum som 2026-03-31."),
        ({"outcome": ""}, "Välj resultatet, eller ”Okänt”."),
        ({"outcome": "lottery"}, "Välj resultatet, eller ”Okänt”."),
        ({"income": ""}, "Välj deltagarens huvudsakliga inkomstkälla."),
    ],
)
def test_bad_exits_are_explained_and_change_nothing(coach_client, fields, message):
    participant = make_participant("HAN-0012", f"{HOME}/Haninge")
    url = f"/coach/participants/{participant.id}/exit"
    data = {"exited_on": clock.today().isoformat(), "outcome": "work", "occupation": "work",
            "income": "salary"} | fields
    response = post_form(coach_client, url, url, **data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert participant.exited_on is None
    assert [o.kind for o in participant.occasions] == [OccasionKind.INTAKE]


def test_erasing_needs_the_code_typed_and_then_deletes_everything(app, coach_client):
    participant = make_participant(
        "HAN-0013", f"{HOME}/Haninge", enrolled_on=clock.today() - timedelta(days=95),
        email="deltagare@example.org",
    )
    submit_answers(participant, OccasionKind.INTAKE, {"comment": "Jag heter Anna"})
    url = f"/coach/participants/{participant.id}/erase"
    wrong = post_form(coach_client, url, url, confirm_code="HAN-0014")
    assert "Skriv koden exakt som den står: HAN-0013." in wrong.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Participant.id))) == 1

    response = post_form(coach_client, url, url, confirm_code="HAN-0013")
    assert response.status_code == 302
    for model in (Participant, Occasion, Response, Answer):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "erase")).one()
    assert event.details == {"policy": "delete"}
    assert coach_client.get(f"/coach/participants/{participant.id}").status_code == 404


def test_anonymising_keeps_scale_answers_under_a_random_code(app, coach_client):
    app.config["ERASURE_POLICY"] = "anonymise"
    participant = make_participant(
        "HAN-0015", f"{HOME}/Haninge", enrolled_on=clock.today() - timedelta(days=95),
        email="deltagare@example.org",
    )
    submit_answers(participant, OccasionKind.INTAKE, {"comment": "Jag heter Anna", "step": "2"})
    url = f"/coach/participants/{participant.id}/erase"
    page = coach_client.get(url).get_data(as_text=True)
    assert "De andra svaren finns kvar" in page
    assert post_form(coach_client, url, url, confirm_code="HAN-0015").status_code == 302

    db.session.expire_all()
    kept = db.session.scalars(sa.select(Participant)).one()
    assert kept.code.startswith("anon-") and kept.email is None and kept.coach is None
    answers = {a.item_id: a for a in db.session.scalars(sa.select(Answer))}
    assert "comment" not in answers and answers["step"].value == 2
    assert coach_client.get(f"/coach/participants/{kept.id}").status_code == 404
    assert "anon-" not in coach_client.get("/coach/").get_data(as_text=True)


def test_start_on_this_tablet_logs_the_coach_out_and_ends_with_give_it_back(coach_client):
    participant = make_participant("HAN-0016", f"{HOME}/Haninge")
    page_url = f"/coach/participants/{participant.id}"
    response = post_form(coach_client, f"{page_url}/tablet", page_url)
    assert response.status_code == 302
    survey = response.headers["Location"]
    assert "/s/" in survey
    # The participant holding the tablet cannot reach the coach's pages.
    assert coach_client.get("/coach/").status_code == 302
    token = survey.rsplit("/s/", 1)[1]
    for item_id in ("step", "work_ability", "readiness", "health", "influence", "coordination",
                    "knowledge", "control", "comment"):
        url = f"/s/{token}/q/{item_id}"
        value = "" if item_id == "comment" else "3"
        assert post_form(coach_client, url, url, answer=value).status_code == 302
    sent = post_form(coach_client, f"/s/{token}/send", f"/s/{token}/send")
    thanks = coach_client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Ge plattan till din coach." in thanks
    # Back in the browser: the used link shows nothing of the answers.
    again = coach_client.get(f"/s/{token}/q/step")
    assert again.status_code == 404 and again.headers["Cache-Control"] == "no-store"


def test_nothing_due_means_no_link_and_a_message(coach_client):
    participant = make_participant(
        "HAN-0017", f"{HOME}/Haninge", enrolled_on=clock.today() - timedelta(days=20)
    )
    submit_answers(participant, OccasionKind.INTAKE, {})
    page_url = f"/coach/participants/{participant.id}"
    response = post_form(coach_client, f"{page_url}/link", page_url)
    assert response.status_code == 302
    assert "Inget är aktuellt just nu" in coach_client.get(page_url).get_data(as_text=True)
    assert all(o.token_hash is None for o in participant.occasions)


def test_changing_the_address_and_wording_is_audited_without_the_address(coach_client):
    participant = make_participant("HAN-0018", f"{HOME}/Haninge")
    url = f"/coach/participants/{participant.id}/details"
    response = post_form(coach_client, url, url, email="Ny@Example.org", language="en")
    assert response.status_code == 302
    db.session.expire_all()
    assert (participant.email, participant.language, participant.prefers_easy_read) == (
        "ny@example.org", "en", False
    )
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "change_participant")).one()
    assert event.details == {"fields": ["email", "language", "prefers_easy_read"]}

    bad = post_form(coach_client, url, url, email="ingen adress", language="en")
    assert "Ange en e-postadress som namn@example.se" in bad.get_data(as_text=True)
    db.session.expire_all()
    assert participant.email == "ny@example.org"
