"""A participant answers through the real app: save per page, resume, back, send."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey_app.extensions import db
from survey_app.models import Answer, MissingReason, Occasion, Participant, Response
from survey_app.services import clock, links
from tests.conftest import csrf_token, make_participant

INTAKE_ITEMS = [
    "step", "work_ability", "readiness", "health", "influence", "coordination", "knowledge",
    "control", "comment",
]


def issue_link(participant: Participant, lifetime: timedelta = timedelta(days=30)) -> str:
    occasion = participant.occasions[0]
    token = links.issue(occasion, clock.now(), lifetime)
    db.session.commit()
    return token


@pytest.fixture
def token(app) -> str:
    return issue_link(make_participant())


def answer(client: FlaskClient, token: str, item_id: str, value: str | None, **extra: str):
    url = f"/s/{token}/q/{item_id}"
    data = {"csrf_token": csrf_token(client, url), **extra}
    if value is not None:
        data["answer"] = value
    return client.post(url, data=data)


def saved_answers() -> dict[str, Answer]:
    db.session.expire_all()
    return {a.item_id: a for a in db.session.scalars(sa.select(Answer))}


def answer_all(client: FlaskClient, token: str) -> None:
    for item_id in INTAKE_ITEMS:
        value = "" if item_id == "comment" else ("4" if item_id == "step" else "3")
        response = answer(client, token, item_id, value)
        assert response.status_code == 302, (item_id, response.get_data(as_text=True))


def test_full_completion_saves_every_answer_and_kills_the_link(client, token):
    welcome = client.get(f"/s/{token}")
    assert welcome.status_code == 200
    assert "9 frågor" in welcome.get_data(as_text=True)

    first = client.get(f"/s/{token}/q/step")
    page = first.get_data(as_text=True)
    assert "Fråga 1 av 9" in page
    assert "Var på stegen är du i dag?" in page  # easy-read wording, as enrolled

    response = answer(client, token, "step", "2")
    assert response.headers["Location"].endswith(f"/s/{token}/q/work_ability")
    assert saved_answers()["step"].value == 2  # saved the moment the page was left

    for item_id in INTAKE_ITEMS[1:-1]:
        answer(client, token, item_id, "dont_know" if item_id == "health" else "4")
    last = answer(client, token, "comment", "Bra stöd från min coach.")
    assert last.headers["Location"].endswith(f"/s/{token}/send")

    send_url = f"/s/{token}/send"
    sent = client.post(send_url, data={"csrf_token": csrf_token(client, send_url)})
    assert sent.headers["Location"].endswith("/s/thanks")
    assert "Tack" in client.get("/s/thanks").get_data(as_text=True)

    answers = saved_answers()
    assert set(answers) == set(INTAKE_ITEMS)
    assert answers["health"].missing_reason == MissingReason.DONT_KNOW
    assert answers["health"].value is None
    assert answers["comment"].text == "Bra stöd från min coach."
    response_row = db.session.scalars(sa.select(Response)).one()
    assert response_row.submitted_at is not None
    assert (response_row.questionnaire_slug, response_row.questionnaire_version) == ("stegvis", 2)
    assert response_row.language == "sv-easy"

    assert client.get(f"/s/{token}").status_code == 404


def test_closing_the_tab_and_reopening_resumes_at_first_unanswered(app, token):
    tablet = app.test_client()
    answer(tablet, token, "step", "3")
    answer(tablet, token, "work_ability", "2")

    later = app.test_client()  # a new browser session: nothing but the link
    reopened = later.get(f"/s/{token}")
    assert reopened.status_code == 302
    assert reopened.headers["Location"].endswith(f"/s/{token}/q/readiness")


def test_going_back_shows_and_changes_the_saved_answer(client, token):
    answer(client, token, "step", "3")
    answer(client, token, "work_ability", "2")

    page = client.get(f"/s/{token}/q/work_ability").get_data(as_text=True)
    assert f'href="/s/{token}/q/step"' in page  # the Back link
    assert re.search(r'<input checked[^>]* value="2"', page)

    answer(client, token, "work_ability", "4")
    answers = saved_answers()
    assert answers["work_ability"].value == 4
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 2


def test_sending_twice_does_not_duplicate(client, token):
    answer_all(client, token)
    send_token = csrf_token(client, f"/s/{token}/send")
    first = client.post(f"/s/{token}/send", data={"csrf_token": send_token})
    second = client.post(f"/s/{token}/send", data={"csrf_token": send_token})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith("/s/thanks")
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == len(INTAKE_ITEMS)


def test_posting_the_same_answer_twice_keeps_one_answer(client, token):
    url = f"/s/{token}/q/step"
    data = {"csrf_token": csrf_token(client, url), "answer": "5"}
    client.post(url, data=data)
    client.post(url, data=data)
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 1


def test_send_page_sends_back_to_a_question_left_unanswered(client, token):
    answer(client, token, "step", "3")
    response = client.get(f"/s/{token}/send")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/s/{token}/q/work_ability")


@pytest.mark.parametrize("case", ["unknown", "expired", "used", "replaced"])
def test_dead_links_show_a_friendly_404_and_nothing_else(app, client, case):
    participant = make_participant()
    if case == "unknown":
        token = "this-token-was-never-issued-by-stegvis-at-all-00"
    elif case == "expired":
        token = issue_link(participant, lifetime=timedelta(seconds=-1))
    elif case == "replaced":
        token = issue_link(participant)
        issue_link(participant)
    else:
        token = issue_link(participant)
        answer_all(client, token)
        client.post(f"/s/{token}/send", data={"csrf_token": csrf_token(client, f"/s/{token}/send")})

    for url in (f"/s/{token}", f"/s/{token}/q/step", f"/s/{token}/send"):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "Länken fungerar inte" in page
        assert "HAN-0001" not in page and "Fråga" not in page


def test_guessing_links_is_rate_limited_but_answering_is_not(app, client, token):
    app.config["DEAD_LINK_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get("/s/guess-guess-guess-guess-guess-guess-guess-00").status_code == 404
    assert client.get("/s/guess-guess-guess-guess-guess-guess-guess-01").status_code == 429

    other_tablet = app.test_client()
    other_tablet.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    for item_id in INTAKE_ITEMS[:5]:
        assert answer(other_tablet, token, item_id, "3").status_code == 302


def test_post_without_csrf_token_is_refused_and_saves_nothing(client, token):
    response = client.post(f"/s/{token}/q/step", data={"answer": "3"})
    assert response.status_code == 400
    assert "Försök igen" in response.get_data(as_text=True)
    assert saved_answers() == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [(None, "Välj ett svar."), ("", "Välj ett svar."), ("8", "Välj ett av svaren."),
     ("0", "Välj ett av svaren."), ("abc", "Välj ett av svaren."), ("3.5", "Välj ett av svaren.")],
)
def test_a_missing_or_off_scale_answer_is_asked_again(client, token, value, message):
    response = answer(client, token, "step", value)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Fel:" in page
    assert 'class="error-summary"' in page
    assert message in page
    assert saved_answers() == {}


def test_an_unknown_item_id_is_not_found(client, token):
    response = answer(client, token, "step", "3")
    assert response.status_code == 302
    url = f"/s/{token}/q/no_such_item"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"answer": "3"}).status_code in (400, 404)
    assert set(saved_answers()) == {"step"}


def test_an_item_from_another_occasion_is_not_asked_at_intake(client, token):
    # "closer" belongs to follow-up and exit only.
    assert client.get(f"/s/{token}/q/closer").status_code == 404


def test_a_huge_body_is_refused_without_saving(client, token):
    url = f"/s/{token}/q/comment"
    data = {"csrf_token": csrf_token(client, url), "answer": "x" * 300_000}
    response = client.post(url, data=data)
    assert response.status_code == 413
    assert saved_answers() == {}


def test_an_over_long_free_text_answer_is_asked_again(client, token):
    response = answer(client, token, "comment", "x" * 2001)
    assert response.status_code == 200
    assert "Skriv högst 2000 tecken." in response.get_data(as_text=True)
    assert saved_answers() == {}


def test_a_free_text_answer_with_an_invisible_character_is_asked_again(client, token):
    # PostgreSQL refuses to store NUL: the page answered 500 and the answer was lost.
    response = answer(client, token, "comment", "Bra\x00 stöd")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert "Texten har ett osynligt tecken som inte kan sparas." in page
    assert saved_answers() == {}
    assert answer(client, token, "comment", "Bra stöd\r\n\tfrån coachen").status_code == 302
    assert saved_answers()["comment"].text == "Bra stöd\r\n\tfrån coachen"


def test_malformed_form_encodings_never_cause_a_server_error(client, token):
    url = f"/s/{token}/q/step"
    token_value = csrf_token(client, url)
    bodies = [
        ("application/x-www-form-urlencoded", f"csrf_token={token_value}&answer=%ZZ"),
        ("application/x-www-form-urlencoded", f"csrf_token={token_value}&answer=1&answer=2"),
        ("multipart/form-data; boundary=broken", "--broken\r\nnot a part"),
        ("application/json", '{"answer": 3}'),
        ("text/plain", "\x00\xff"),
    ]
    for content_type, body in bodies:
        response = client.post(url, data=body, content_type=content_type)
        assert response.status_code < 500, (content_type, response.status_code)


def test_links_point_at_the_configured_base_url(app):
    participant = make_participant()
    token = issue_link(participant)
    assert links.survey_url(app.config["BASE_URL"], token) == f"https://stegvis.test/enkat/s/{token}"
    occasion = db.session.get(Occasion, participant.occasions[0].id)
    assert occasion.token_hash == links.hash_token(token)
    assert token not in occasion.token_hash
