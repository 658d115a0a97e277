"""A double click sends a staff form twice at once: it is done once, and no twin fails.

The checks before an insert ("is the code free?") pass for both twins at the same
moment; the database's unique constraint lets one in, and the other, run again,
meets its work as a later request would.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from survey_app.extensions import db, limiter
from survey_app.models import (
    AuditEvent,
    Occasion,
    OccasionKind,
    Organisation,
    Participant,
    Role,
    User,
)
from survey_app.services import clock, links
from tests.conftest import make_participant, make_user
from tests.live_client import LiveClient

HOME = "MIA/Haninge"


@pytest.fixture
def staff(app, live_server) -> dict[str, LiveClient]:
    limiter.enabled = False
    clients = {}
    for role, path in ((Role.COACH, HOME), (Role.ADMIN, "MIA")):
        clients[role.value] = LiveClient(live_server)
        clients[role.value].log_in(make_user(role, path).email)
    yield clients
    limiter.enabled = True


@pytest.fixture
def participant(app) -> Participant:
    participant = make_participant("HAN-0001", HOME)
    db.session.commit()
    return participant


def outcomes(results: list[tuple[int, str, str]], refusal: str) -> list[str]:
    """Each twin's outcome: "done" (a redirect) or "refused" with ``refusal`` on its page."""
    return sorted("done" if status == 302 else "refused" if status == 200 and refusal in page
                  else f"{status}" for status, _location, page in results)


def count(statement: sa.Select) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))


def test_enrolling_twice_at_once_enrols_once(staff, participant):
    results = staff["coach"].form_at_once("/coach/participants/new", {
        "code": "HAN-0002", "gender": "woman", "birth_year": "1990", "consent": "y",
        "consented_on": clock.today().isoformat(), "organisation": str(participant.organisation_id),
        "occupation": "job_seeking", "income": "unemployment_benefit", "language": "sv"})
    assert outcomes(results, "Det finns redan en deltagare med den koden.") == [
        "done", *["refused"] * 7]
    assert count(sa.select(Participant).where(Participant.code == "HAN-0002")) == 1


def test_recording_an_exit_twice_at_once_records_it_once(staff, participant):
    results = staff["coach"].form_at_once(f"/coach/participants/{participant.id}/exit", {
        "exited_on": clock.today().isoformat(), "outcome": "work", "occupation": "work",
        "income": "salary"})
    # A twin that starts after the exit is stored is sent to the participant's page.
    assert set(outcomes(results, "Avslutet är redan registrerat.")) <= {"done", "refused"}
    assert count(sa.select(Occasion).where(Occasion.kind == OccasionKind.EXIT)) == 1


def test_adding_an_organisation_twice_at_once_adds_it_once(staff):
    results = staff["admin"].form_at_once("/admin/organisations", {"path": "MIA/Nacka"},
                                          form_page="/admin/")
    # Adding a path that is there is no fault: it is simply there, and only the
    # request that made it leaves a trail.
    assert outcomes(results, "") == ["done"] * 8
    assert count(sa.select(Organisation).where(Organisation.path == "MIA/Nacka")) == 1
    assert count(sa.select(AuditEvent).where(AuditEvent.action == "add_organisation")) == 1


def test_creating_a_user_twice_at_once_creates_one(staff, participant):
    results = staff["admin"].form_at_once("/admin/users/new", {
        "email": "ny@example.org", "role": "coach",
        "organisation": str(participant.organisation_id)})
    pages = [page for _status, _location, page in results]
    assert sum('id="temporary-password"' in page for page in pages) == 1
    assert sum("Det finns redan en användare med den e-postadressen." in page
               for page in pages) == 7
    assert count(sa.select(User).where(User.email == "ny@example.org")) == 1


def test_sending_a_link_by_email_twice_at_once_sends_one_that_works(staff, app, inbox):
    participant = make_participant("HAN-0003", HOME, email="deltagare@example.org")
    db.session.commit()
    page = f"/coach/participants/{participant.id}"
    staff["coach"].at_once(f"{page}/email", {"csrf_token": staff["coach"].form_token(page)})
    # Each e-mail would kill the link in the one before: only one is sent.
    (message,) = inbox.messages
    token = re.search(r"/s/(\S+)", message.get_content())[1]
    db.session.expire_all()
    assert links.resolve(token, clock.now()) is not None
    assert count(sa.select(AuditEvent).where(AuditEvent.action == "send_email")) == 1
