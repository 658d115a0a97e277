"""Shared tablets: one-time codes, the idle timeout, and nothing left for the next person."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Occasion, Response, ResponseMode, Role
from survey_app.services import clock
from tests.conftest import csrf_token, make_participant, make_user, signed_in
from tests.participant.test_flow import answer, issue_link, saved_answers


@pytest.fixture
def coach(app):
    return make_user(Role.COACH, "MIA")


def code_for(app, coach, participant) -> str:
    staff = signed_in(app, coach)
    url = f"/coach/participants/{participant.id}"
    page = staff.post(f"{url}/tablet-code", data={"csrf_token": csrf_token(staff, url)})
    assert page.status_code == 200
    code = re.search(r'class="tablet-code">(\d{4} \d{4})<', page.get_data(as_text=True))
    assert code, page.get_data(as_text=True)
    return code.group(1)


def type_code(client, code: str):
    return client.post("/s/code", data={"csrf_token": csrf_token(client, "/s/code"), "code": code})


def test_a_code_from_the_coach_opens_the_questionnaire_once(app, client, coach):
    participant = make_participant(coach=coach)
    code = code_for(app, coach, participant)
    stored = db.session.scalars(sa.select(Occasion.tablet_code_hash)).all()
    assert code.replace(" ", "") not in stored  # only a hash is kept

    opened = type_code(client, code)
    assert opened.status_code == 302
    start = opened.headers["Location"]
    assert re.fullmatch(r"/s/[A-Za-z0-9_-]{40,}", start)
    assert "Kod" not in client.get(start).get_data(as_text=True)

    answer(client, start.removeprefix("/s/"), "step", "3")
    assert db.session.scalar(sa.select(Response.mode)) == ResponseMode.KIOSK

    again = type_code(app.test_client(), code)
    assert again.status_code == 422
    assert "Koden fungerar inte" in again.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["12 34", "abcdefgh", "", "1234 56789", "١٢٣٤٥٦٧٨"])
def test_a_wrong_code_gets_a_friendly_message(client, typed):
    response = client.post("/s/code", data={"csrf_token": csrf_token(client, "/s/code"),
                                            "code": typed})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count('class="error-summary"') == 1 and "Fel:" in page


def test_a_code_may_be_typed_with_spaces_or_dashes(app, client, coach):
    code = code_for(app, coach, make_participant(coach=coach)).replace(" ", "-")
    assert type_code(client, f" {code} ").status_code == 302


def test_an_old_code_does_not_work(app, client, coach, monkeypatch):
    code = code_for(app, coach, make_participant(coach=coach))
    later = clock.now() + timedelta(minutes=app.config["TABLET_CODE_MINUTES"], seconds=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert type_code(client, code).status_code == 422


def test_guessing_codes_is_rate_limited(app, client):
    statuses = [type_code(client, f"{n:08d}").status_code for n in range(12)]
    assert statuses[:10] == [422] * 10
    assert statuses[-1] == 429


def test_an_idle_tablet_goes_back_to_neutral_and_back_shows_nothing(
    app, client, coach, monkeypatch
):
    participant = make_participant(coach=coach)
    start = type_code(client, code_for(app, coach, participant)).headers["Location"]
    token = start.removeprefix("/s/")
    answer(client, token, "step", "6")
    question = f"/s/{token}/q/work_ability"
    page = client.get(question).get_data(as_text=True)
    assert f'data-idle-seconds="{app.config["TABLET_IDLE_SECONDS"]}"' in page
    assert '<template id="idle-warning">' in page

    idle = clock.now() + timedelta(seconds=app.config["TABLET_IDLE_SECONDS"] + 1)
    monkeypatch.setattr(clock, "now", lambda: idle)
    left = client.get(question)
    assert left.status_code == 302 and left.headers["Location"] == "/s/tablet"
    screen = client.get("/s/tablet").get_data(as_text=True)
    assert "Lämna plattan" in screen

    back = client.get(f"/s/{token}/q/step")  # the browser's Back button
    assert back.status_code == 404
    assert "Jag söker jobb" not in back.get_data(as_text=True)
    assert back.headers["Cache-Control"] == "no-store"
    assert saved_answers()["step"].value == 6  # the answers given are kept


def test_still_here_keeps_the_tablet_session_alive(app, client, coach, monkeypatch):
    participant = make_participant(coach=coach)
    token = type_code(client, code_for(app, coach, participant)).headers["Location"][3:]
    almost = clock.now() + timedelta(seconds=app.config["TABLET_IDLE_SECONDS"] - 5)
    monkeypatch.setattr(clock, "now", lambda: almost)
    page = client.get(f"/s/{token}/q/step").get_data(as_text=True)  # warns, participant taps
    csrf = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    assert client.post("/s/tablet/still-here", headers={"X-CSRFToken": csrf}).status_code == 204
    later = almost + timedelta(seconds=app.config["TABLET_IDLE_SECONDS"] - 5)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert client.get(f"/s/{token}/q/step").status_code == 200


def test_an_unanswered_warning_ends_the_session_at_once(app, client, coach):
    participant = make_participant(coach=coach)
    token = type_code(client, code_for(app, coach, participant)).headers["Location"][3:]
    page = client.get(f"/s/{token}/q/step").get_data(as_text=True)
    csrf = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    # The browser's timer ran out; the server's clock may be a moment behind it.
    left = client.post("/s/tablet/leave", data={"csrf_token": csrf})
    assert left.status_code == 303 and left.headers["Location"] == "/s/tablet"
    assert client.get(f"/s/{token}/q/step").status_code == 404


def test_leaving_without_a_tablet_session_ends_nobody_s_link(app, client, coach):
    token = type_code(client, code_for(app, coach, make_participant(coach=coach))).headers[
        "Location"][3:]
    elsewhere = app.test_client()  # another browser, not on the tablet
    code_page = elsewhere.get("/s/code").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', code_page)
    assert csrf is not None
    assert elsewhere.post("/s/tablet/leave", data={"csrf_token": csrf.group(1)}).status_code == 303
    assert client.get(f"/s/{token}/q/step").status_code == 200


def test_the_give_back_screen_ends_nothing_that_is_in_use(app, client, coach):
    token = type_code(client, code_for(app, coach, make_participant(coach=coach))).headers[
        "Location"][3:]
    client.get("/s/tablet")  # e.g. a link from elsewhere, while the participant is answering
    assert client.get(f"/s/{token}/q/step").status_code == 200


def test_after_sending_on_a_tablet_the_thanks_page_asks_for_it_back(app, client, coach):
    participant = make_participant(coach=coach)
    token = type_code(client, code_for(app, coach, participant)).headers["Location"][3:]
    from tests.participant.test_flow import answer_all

    answer_all(client, token)
    send = f"/s/{token}/send"
    client.post(send, data={"csrf_token": csrf_token(client, send)})
    assert "Ge plattan till din coach." in client.get("/s/thanks").get_data(as_text=True)
    assert client.get(f"/s/{token}/send").status_code == 404


def test_start_on_this_tablet_is_a_tablet_session_too(app, coach):
    participant = make_participant(coach=coach)
    tablet = signed_in(app, coach)
    url = f"/coach/participants/{participant.id}"
    started = tablet.post(f"{url}/tablet", data={"csrf_token": csrf_token(tablet, url)})
    page = tablet.get(started.headers["Location"]).get_data(as_text=True)
    assert "data-idle-seconds" in page
    assert tablet.get("/coach/").status_code == 302  # the coach is logged out


def test_a_personal_link_has_no_idle_timeout(app, client, monkeypatch):
    token = issue_link(make_participant())
    page = client.get(f"/s/{token}/q/step").get_data(as_text=True)
    assert "data-idle-seconds" not in page
    monkeypatch.setattr(clock, "now", lambda: clock.utcnow() + timedelta(days=2))
    assert client.get(f"/s/{token}/q/step").status_code == 200

