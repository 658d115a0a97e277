"""A double click sends a staff form twice at once: it is done once, and no twin fails.

The checks before an insert ("is the code free?") pass for both twins at the same
moment; the database's unique constraint lets one in, and the other, run again,
meets its work as a later request would.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from survey_app.extensions import db, limiter
from survey_app.models import Occasion, OccasionKind, Organisation, Participant, Role, User
from survey_app.services import clock
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


def outcomes(results: list[tuple[int, str, str]], refusal: str) -> list[str]:
    """Each twin's outcome: "done" (a redirect) or "refused" with ``refusal`` on its page."""
    return sorted("done" if status == 302 else "refused" if status == 200 and refusal in page
                  else f"{status}" for status, _location, page in results)


def count(statement: sa.Select) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))


def test_enrolling_twice_at_once_enrols_once(staff):
    coach = staff["coach"]
    organisation_id = make_participant("HAN-0001", HOME).organisation_id
    db.session.commit()
    path = "/coach/participants/new"
    results = coach.at_once(path, {
        "csrf_token": coach.form_token(path), "code": "HAN-0002", "gender": "woman",
        "birth_year": "1990", "consent": "y", "consented_on": clock.today().isoformat(),
        "organisation": str(organisation_id), "occupation": "job_seeking",
        "income": "unemployment_benefit", "language": "sv"})
    assert outcomes(results, "Det finns redan en deltagare med den koden.") == [
        "done", *["refused"] * 7]
    assert count(sa.select(Participant).where(Participant.code == "HAN-0002")) == 1


def test_recording_an_exit_twice_at_once_records_it_once(staff):
    coach = staff["coach"]
    participant = make_participant("HAN-0001", HOME)
    db.session.commit()
    path = f"/coach/participants/{participant.id}/exit"
    results = coach.at_once(path, {
        "csrf_token": coach.form_token(path), "exited_on": clock.today().isoformat(),
        "outcome": "work", "occupation": "work", "income": "salary"})
    # A twin that starts after the exit is stored is sent to the participant's page.
    assert set(outcomes(results, "Avslutet är redan registrerat.")) <= {"done", "refused"}
    assert count(sa.select(Occasion).where(Occasion.kind == OccasionKind.EXIT)) == 1


def test_adding_an_organisation_twice_at_once_adds_it_once(staff):
    admin = staff["admin"]
    results = admin.at_once("/admin/organisations", {
        "csrf_token": admin.form_token("/admin/"), "path": "MIA/Nacka"})
    # Adding a path that is there is no fault: it is simply there.
    assert outcomes(results, "") == ["done"] * 8
    assert count(sa.select(Organisation).where(Organisation.path == "MIA/Nacka")) == 1


def test_creating_a_user_twice_at_once_creates_one(staff):
    admin = staff["admin"]
    organisation_id = make_participant("HAN-0001", HOME).organisation_id
    db.session.commit()
    path = "/admin/users/new"
    results = admin.at_once(path, {
        "csrf_token": admin.form_token(path), "email": "ny@example.org", "role": "coach",
        "organisation": str(organisation_id)})
    pages = [page for _status, _location, page in results]
    assert sum('id="temporary-password"' in page for page in pages) == 1
    assert sum("Det finns redan en användare med den e-postadressen." in page
               for page in pages) == 7
    assert count(sa.select(User).where(User.email == "ny@example.org")) == 1
