"""An administrator manages the organisation tree, staff accounts and reads the audit trail."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from survey_app.admin.views import AUDIT_PAGE_SIZE
from survey_app.extensions import db
from survey_app.models import AuditEvent, Organisation, Participant, Role, User
from survey_app.services import audit
from tests.conftest import PASSWORD, csrf_token, make_participant, make_user, signed_in

HOME = "MIA/Östra Södertörn"
OTHER = "Finsam Väst/Borås"


@pytest.fixture
def admin(app) -> User:
    return make_user(Role.ADMIN, HOME)


@pytest.fixture
def admin_client(app, admin):
    return signed_in(app, admin)


def organisation(path: str) -> Organisation:
    return db.session.scalar(sa.select(Organisation).where(Organisation.path == path))


def post(client, url: str, **fields: str):
    return client.post(url, data={"csrf_token": csrf_token(client, url), **fields})


def log_in(client, email: str, password: str):
    return client.post("/login", data={
        "csrf_token": csrf_token(client, "/login"), "email": email, "password": password,
    })


def temporary_password(page: str) -> str:
    return re.search(r'id="temporary-password"[^>]*value="([^"]+)"', page).group(1)


def test_a_new_user_gets_a_temporary_password_they_must_replace(app, admin_client):
    make_user(Role.EVALUATOR, f"{HOME}/Haninge")
    haninge = organisation(f"{HOME}/Haninge")
    response = post(admin_client, "/admin/users/new", email="Ny.Coach@Example.se", name="Ny",
                    role="coach", organisation=str(haninge.id))
    assert response.status_code == 200
    password = temporary_password(response.get_data(as_text=True))
    user = db.session.scalar(sa.select(User).where(User.email == "ny.coach@example.se"))
    assert (user.role, user.organisation.path, user.must_change_password) == (
        Role.COACH, f"{HOME}/Haninge", True
    )

    newcomer = app.test_client()
    landing = log_in(newcomer, "ny.coach@example.se", password)
    assert landing.headers["Location"].endswith("/account/password")
    # Until the password is changed, every page leads back to the form.
    assert newcomer.get("/coach/").headers["Location"].endswith("/account/password")
    mismatch = post(newcomer, "/account/password", current=password,
                    password="ett nytt eget lösenord", confirm="ett annat lösenord")
    assert "De två nya lösenorden är inte lika." in mismatch.get_data(as_text=True)
    done = post(newcomer, "/account/password", current=password,
                password="ett nytt eget lösenord", confirm="ett nytt eget lösenord")
    assert done.headers["Location"].endswith("/coach/")
    assert newcomer.get("/coach/").status_code == 200
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "create_user" in actions and "change_password" in actions


def test_a_name_with_an_invisible_character_is_explained_and_adds_no_user(admin_client):
    haninge = make_participant("HAN-0001", f"{HOME}/Haninge").organisation
    response = post(admin_client, "/admin/users/new", email="ny@example.se", name="N\x00y",
                    role="coach", organisation=str(haninge.id))
    assert response.status_code == 200
    assert "Texten har ett osynligt tecken som inte kan sparas." in response.get_data(
        as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "ny@example.se")) is None


def test_the_wrong_current_password_changes_nothing(app, admin, admin_client):
    response = post(admin_client, "/account/password", current="not it at all",
                    password="ett nytt eget lösenord", confirm="ett nytt eget lösenord")
    assert "Det nuvarande lösenordet är fel." in response.get_data(as_text=True)
    assert log_in(app.test_client(), admin.email, PASSWORD).status_code == 302


def test_changing_role_and_deactivating_is_audited_and_takes_effect(app, admin_client):
    coach = make_user(Role.COACH, f"{HOME}/Haninge")
    response = post(admin_client, f"/admin/users/{coach.id}", role="evaluator",
                    organisation=str(coach.organisation_id))
    assert response.status_code == 302
    db.session.expire_all()
    assert coach.role == Role.EVALUATOR and not coach.is_active  # unticked box: inactive
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "change_user")
    ).one()
    assert event.details == {"role": ["coach", "evaluator"], "is_active": ["true", "false"]}
    assert event.organisation.path == f"{HOME}/Haninge"
    refused = log_in(app.test_client(), coach.email, PASSWORD)
    assert refused.status_code == 200  # the login form again


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": "coach", "is_active": "y"}, "Du kan inte ändra din egen roll."),
        ({"role": "admin"}, "Du kan inte inaktivera dig själv."),
    ],
)
def test_nobody_changes_their_own_role_or_locks_themselves_out(
    admin, admin_client, fields, message
):
    url = f"/admin/users/{admin.id}"
    response = post(admin_client, url, organisation=str(admin.organisation_id), **fields)
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.role == Role.ADMIN and admin.is_active


def test_a_coach_cannot_reach_user_administration_to_raise_their_role(app):
    coach = make_user(Role.COACH, HOME)
    client = signed_in(app, coach)
    token = csrf_token(client, "/coach/")
    response = client.post(f"/admin/users/{coach.id}", data={
        "csrf_token": token, "role": "admin", "organisation": str(coach.organisation_id),
        "is_active": "y",
    })
    assert response.status_code == 403
    db.session.expire_all()
    assert coach.role == Role.COACH


def test_users_cannot_be_moved_outside_the_admins_tree(admin_client):
    coach = make_user(Role.COACH, f"{HOME}/Haninge")
    elsewhere = make_user(Role.COACH, OTHER)
    response = post(admin_client, f"/admin/users/{coach.id}", role="coach", is_active="y",
                    organisation=str(elsewhere.organisation_id))
    assert "Välj en organisation i listan." in response.get_data(as_text=True)
    db.session.expire_all()
    assert coach.organisation.path == f"{HOME}/Haninge"


def test_a_password_reset_kills_the_old_password(app, admin_client):
    coach = make_user(Role.COACH, HOME)
    page = f"/admin/users/{coach.id}"
    response = admin_client.post(f"{page}/reset-password",
                                 data={"csrf_token": csrf_token(admin_client, page)})
    password = temporary_password(response.get_data(as_text=True))
    assert log_in(app.test_client(), coach.email, PASSWORD).status_code == 200
    landing = log_in(app.test_client(), coach.email, password)
    assert landing.headers["Location"].endswith("/account/password")
    assert "reset_password" in db.session.scalars(sa.select(AuditEvent.action)).all()


def added_paths() -> list[str]:
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "add_organisation").order_by(AuditEvent.id))
    return [event.details["path"] for event in events]


def add_organisation(client, path: str) -> str:
    """The page the admin lands on after adding ``path``."""
    return client.post("/admin/organisations", follow_redirects=True, data={
        "csrf_token": csrf_token(client, "/admin/"), "path": path,
    }).get_data(as_text=True)


def test_an_admin_adds_an_organisation_and_any_missing_parent(admin_client):
    path = f"{HOME}/Haninge/Team Norr"
    page = add_organisation(admin_client, f" {HOME} / Haninge / Team Norr ")
    assert f"{path} har lagts till." in page
    assert organisation(path).parent == organisation(f"{HOME}/Haninge")
    # Each node that was made is in the trail, the parent first.
    assert added_paths() == [f"{HOME}/Haninge", path]


def test_adding_a_path_that_is_there_adds_nothing_and_says_so(admin_client):
    add_organisation(admin_client, f"{HOME}/Haninge")
    page = add_organisation(admin_client, f"{HOME}/Haninge")
    assert f"{HOME}/Haninge finns redan: inget lades till." in page
    assert added_paths() == [f"{HOME}/Haninge"]


def test_renaming_an_organisation_carries_its_subtree_along(admin_client):
    participant = make_participant("HAN-0001", f"{HOME}/Haninge/Team 1")
    haninge = organisation(f"{HOME}/Haninge")
    response = post(admin_client, f"/admin/organisations/{haninge.id}", name="Haninge kommun")
    assert response.status_code == 302
    db.session.expire_all()
    assert haninge.path == f"{HOME}/Haninge kommun"
    assert db.session.get(Participant, participant.id).organisation.path == (
        f"{HOME}/Haninge kommun/Team 1"
    )
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "rename_organisation")).one()
    assert event.details["old_path"] == f"{HOME}/Haninge"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Nynäshamn", "Det finns redan en organisation med det namnet här."),
        ("Ny/Del", "Ett namn kan inte innehålla &#39;/&#39;."),
        ("", "Ange det nya namnet."),
        # PostgreSQL refuses to store NUL: found by the malformed-requests test.
        ("\x00", "Texten har ett osynligt tecken som inte kan sparas."),
        ("Han\tinge", "Ta bort tabbar, radbrytningar och andra osynliga tecken."),
    ],
)
def test_bad_renames_are_explained_and_change_nothing(admin_client, name, message):
    make_participant("HAN-0001", f"{HOME}/Haninge")
    make_participant("NYN-0001", f"{HOME}/Nynäshamn")
    haninge = organisation(f"{HOME}/Haninge")
    response = post(admin_client, f"/admin/organisations/{haninge.id}", name=name)
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert haninge.path == f"{HOME}/Haninge"


def test_the_audit_trail_lists_filters_and_keeps_to_the_admins_tree(app, admin_client):
    coach = make_user(Role.COACH, HOME)
    client = signed_in(app, coach)
    ours = make_participant("HAN-0001", f"{HOME}/Haninge", coach=coach)
    client.get(f"/coach/participants/{ours.id}")
    make_participant("BOR-0001", f"{OTHER}/Team", coach=make_user(Role.COACH, OTHER))

    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "view_participant" in page and coach.email in page
    assert f"{HOME}/Haninge" in page and OTHER not in page  # another tree's enrolment
    filtered = admin_client.get("/admin/audit?action=enrol").get_data(as_text=True)
    assert "enrol" in filtered and "view_participant" not in filtered.split("<table")[1]
    bad = admin_client.get("/admin/audit?occurred_from=2026-12-01&occurred_to=2026-11-01")
    assert bad.status_code == 200
    assert "Slutdatumet får inte vara före startdatumet." in bad.get_data(as_text=True)
    # A timestamp in year 1 or after 9999 overflowed: the page answered 500.
    for far in ("occurred_from=0001-01-01", "occurred_to=9999-12-31"):
        far_away = admin_client.get(f"/admin/audit?{far}")
        assert far_away.status_code == 200
        assert "Ange ett år mellan 1900 och 2199." in far_away.get_data(as_text=True)


def test_the_audit_trail_pages_and_any_page_number_shows_a_page(app, admin, admin_client):
    haninge = make_participant("HAN-0001", f"{HOME}/Haninge")
    for _ in range(AUDIT_PAGE_SIZE + 5):
        audit.record(admin, "view_participant", haninge)
    db.session.commit()

    def shown(query: str) -> tuple[int, str]:
        page = admin_client.get(f"/admin/audit?{query}").get_data(as_text=True)
        return page.count("<td>view_participant</td>"), re.search(r"Sida \d+ av \d+", page)[0]

    # Enrolment is an event too: 56 in all.
    assert shown("") == (AUDIT_PAGE_SIZE, "Sida 1 av 2")
    assert shown("page=2") == (5, "Sida 2 av 2")
    assert shown("page=0") == shown("page=-3") == shown("page=abc") == shown("")
    # An old link past the end, or a number that overflowed PostgreSQL's OFFSET (a 500).
    assert shown("page=9") == shown("page=200000000000000000") == (5, "Sida 2 av 2")
