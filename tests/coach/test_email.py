"""Survey links by e-mail, received by a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEvent, OccasionKind, Participant, Role
from survey_app.services import clock
from tests.conftest import (
    BASE_URL,
    csrf_token,
    make_participant,
    make_user,
    signed_in,
    submit_answers,
)
from tests.smtp_inbox import free_port, point_mail_at

HOME = "MIA/Östra Södertörn"


@pytest.fixture
def coach_client(app):
    coach = make_user(Role.COACH, HOME)
    return signed_in(app, coach)


def send_by_email(client, participant: Participant):
    page = f"/coach/participants/{participant.id}"
    return client.post(f"{page}/email", data={"csrf_token": csrf_token(client, page)})


def link_in(message: EmailMessage) -> str:
    return re.search(rf"{re.escape(BASE_URL)}/s/\S+", message.get_content()).group(0)


def test_a_coach_sends_the_link_in_easy_read_swedish_without_personal_data(
    app, inbox, coach_client
):
    participant = make_participant("HAN-0001", f"{HOME}/Haninge", email="anna@example.org")
    response = send_by_email(coach_client, participant)
    assert response.status_code == 302
    assert "Länken har skickats med e-post." in coach_client.get(
        response.headers["Location"]).get_data(as_text=True)

    (message,) = inbox.messages
    assert message["To"] == "anna@example.org"
    assert message["Subject"] == "Dags att svara på frågor"
    body = message.get_content()
    assert "Det är dags att svara på några frågor." in body
    assert "Du kan sluta och fortsätta senare." in body
    # Nothing that says who they are, where, or what they answered.
    for private in ("HAN-0001", "Haninge", "Östra Södertörn", "1990"):
        assert private not in body and private not in message["Subject"]
    # The link in the message opens the questionnaire.
    assert app.test_client().get(link_in(message).removeprefix(BASE_URL)).status_code == 200

    db.session.expire_all()
    assert participant.last_emailed_at is not None
    assert db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action == "send_email")
    ).all() == ["send_email"]


def test_english_speakers_get_english(app, inbox, coach_client):
    participant = make_participant("HAN-0002", f"{HOME}/Haninge", email="sam@example.org",
                                   language="en")
    send_by_email(coach_client, participant)
    assert inbox.messages[0]["Subject"] == "Time to answer some questions"


def test_a_second_email_within_a_minute_is_refused_so_the_first_link_keeps_working(
    app, inbox, coach_client, monkeypatch
):
    participant = make_participant("HAN-0005", f"{HOME}/Haninge", email="anna@example.org")
    sent_at = clock.now()
    monkeypatch.setattr(clock, "now", lambda: sent_at)
    send_by_email(coach_client, participant)

    monkeypatch.setattr(clock, "now", lambda: sent_at + timedelta(seconds=50))
    response = send_by_email(coach_client, participant)
    page = coach_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "En länk skickades med e-post för mindre än en minut sedan." in page
    (first,) = inbox.messages
    assert app.test_client().get(link_in(first).removeprefix(BASE_URL)).status_code == 200

    monkeypatch.setattr(clock, "now", lambda: sent_at + timedelta(minutes=1))
    send_by_email(coach_client, participant)
    assert len(inbox.messages) == 2
    assert app.test_client().get(link_in(inbox.messages[1]).removeprefix(BASE_URL)
                                 ).status_code == 200


def test_when_the_mail_server_is_down_the_old_link_keeps_working(app, coach_client):
    point_mail_at(app, free_port())  # nothing listens there
    participant = make_participant("HAN-0003", f"{HOME}/Haninge", email="anna@example.org")
    old_token = coach_client.post(
        f"/coach/participants/{participant.id}/link",
        data={"csrf_token": csrf_token(coach_client, f"/coach/participants/{participant.id}")},
    ).get_data(as_text=True)
    old_link = re.search(r'value="(https://[^"]+)"', old_token).group(1)

    response = send_by_email(coach_client, participant)
    page = coach_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "E-postmeddelandet kunde inte skickas" in page
    assert app.test_client().get(old_link.removeprefix(BASE_URL)).status_code == 200
    db.session.expire_all()
    assert participant.last_emailed_at is None
    assert "send_email" not in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_without_an_address_there_is_no_button_and_no_sending(app, inbox, coach_client):
    participant = make_participant("HAN-0004", f"{HOME}/Haninge")
    page = coach_client.get(f"/coach/participants/{participant.id}").get_data(as_text=True)
    assert "Skicka med e-post" not in page
    send_by_email(coach_client, participant)
    assert inbox.messages == []


def test_send_reminders_mails_each_due_participant_once_a_week(app, inbox, runner):
    today = clock.today()
    make_participant("DUE-1", f"{HOME}/Haninge", email="due@example.org")
    make_participant("NOADDR-1", f"{HOME}/Haninge")
    recent = make_participant("RECENT-1", f"{HOME}/Haninge", email="recent@example.org")
    recent.last_emailed_at = clock.now() - timedelta(days=3)
    make_participant("LATE-1", f"{HOME}/Haninge", email="late@example.org",
                               enrolled_on=today - timedelta(days=20))
    answered = make_participant("DONE-1", f"{HOME}/Haninge", email="done@example.org",
                                enrolled_on=today - timedelta(days=20))
    submit_answers(answered, OccasionKind.INTAKE, {})
    db.session.commit()

    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 reminder(s); 1 waiting" in result.output
    assert sorted(m["To"] for m in inbox.messages) == ["due@example.org", "late@example.org"]
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "send_email")
    ).all()
    assert [(e.actor_id, e.details) for e in events] == [(None, {"reminder": True})] * 2

    # Run again the same day, as cron might: nobody gets a second message.
    again = runner.invoke(args=["send-reminders"])
    assert "Sent 0 reminder(s); 3 waiting" in again.output
    assert len(inbox.messages) == 2


def test_send_reminders_reports_failures_and_exits_non_zero(app, runner):
    point_mail_at(app, free_port())
    make_participant("DUE-2", f"{HOME}/Haninge", email="due@example.org")
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 1
    assert "Sent 0 reminder(s); 0 waiting" in result.output and "1 failed" in result.output
    assert db.session.scalars(sa.select(Participant)).one().last_emailed_at is None


def test_a_reminder_run_crossing_a_coachs_email_leaves_the_participant_waiting(
    app, inbox, runner
):
    # With no pause between reminders configured, only the minute between two
    # e-mails (a coach's, just now) keeps the run from killing that link.
    app.config["REMINDER_INTERVAL_DAYS"] = 0
    participant = make_participant("DUE-3", f"{HOME}/Haninge", email="due@example.org")
    participant.last_emailed_at = clock.now() - timedelta(seconds=30)
    db.session.commit()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Sent 0 reminder(s); 1 waiting" in result.output
    assert inbox.messages == []
