"""Every route × every kind of visitor: who gets in, who is refused, and how.

A route missing from ROUTES fails ``test_every_route_has_an_access_rule``, so a
new page cannot ship without deciding who may see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from survey_app.extensions import db
from survey_app.models import Organisation, Role, User
from survey_app.services import clock, links
from tests.conftest import csrf_token, default_email, login_as, make_participant, make_user

ACTORS = (
    "anonymous", "link_holder", "coach", "other_coach", "evaluator", "other_evaluator", "admin",
    "other_admin",
)
HOME = "MIA/Östra Södertörn"
OTHER = "Finsam Väst/Borås"


@dataclass
class World:
    participant_id: int
    token: str
    subproject_id: int
    coach_id: int


@pytest.fixture
def world(app) -> World:
    for role in (Role.COACH, Role.EVALUATOR, Role.ADMIN):
        make_user(role, HOME)
        make_user(role, OTHER)
    participant = make_participant("HAN-0001", f"{HOME}/Haninge")
    token = links.issue(participant.occasions[0], clock.now(), timedelta(days=30))
    db.session.commit()
    subproject = db.session.scalar(
        sa.select(Organisation).where(Organisation.path == f"{HOME}/Haninge")
    )
    coach = db.session.scalar(
        sa.select(User).where(User.email == default_email(Role.COACH, HOME))
    )
    return World(participant.id, token, subproject.id, coach.id)


def visitor(app, world: World, actor: str) -> FlaskClient:
    client = app.test_client()
    if actor in ("anonymous", "link_holder"):
        return client
    role = Role(actor.removeprefix("other_"))
    org = OTHER if actor.startswith("other_") else HOME
    user = db.session.scalar(sa.select(User).where(User.email == default_email(role, org)))
    login_as(client, user)
    return client


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: str
    #: Expected status per actor; actors not named get ``default``.
    expected: dict[str, int]
    default: int
    form: tuple[tuple[str, str], ...] = ()
    #: Page whose CSRF token a POST carries, as a browser would have it.
    form_page: str = "/login"


LOGIN = 302
STAFF_ONLY = {"anonymous": LOGIN, "link_holder": LOGIN}


def only(*actors: str, ok: int = 200, others: int = 403, outside: int | None = None) -> dict:
    expected = dict(STAFF_ONLY)
    for actor in actors:
        expected[actor] = ok
        if outside is not None:
            expected[f"other_{actor}"] = outside
        else:
            expected.setdefault(f"other_{actor}", ok)
    return {"default": others, **expected}


def route(endpoint: str, method: str, url: str, rule: dict, **extra) -> Route:
    default = rule.pop("default")
    return Route(endpoint, method, url, rule, default, **extra)


ROUTES = [
    Route("auth.index", "GET", "/", {}, 302),
    Route("auth.login", "GET", "/login", {"anonymous": 200, "link_holder": 200}, 302),
    Route("auth.logout", "POST", "/logout", {}, 302),
    Route("auth.change_password", "GET", "/account/password", dict(STAFF_ONLY), 200),
    Route("static", "GET", "/static/css/stegvis.css", {}, 200),
    # The link is the participant's key: anyone holding it may answer, nobody without it.
    Route("participant.start", "GET", "/s/{token}", {}, 200),
    Route("participant.question", "GET", "/s/{token}/q/step", {}, 200),
    Route("participant.send", "GET", "/s/{token}/send", {}, 302),  # unanswered: sent back
    Route("participant.thanks", "GET", "/s/thanks", {}, 200),
    Route("participant.audio", "GET", "/s/{token}/q/step/audio", {}, 404),  # v2 has no recordings
    # Public pages every participant (and anyone) may read, without a link.
    Route("participant.help_page", "GET", "/s/help", {}, 200),
    Route("participant.accessibility", "GET", "/s/accessibility", {}, 200),
    Route("participant.tablet_code", "GET", "/s/code", {}, 200),
    Route("participant.give_back", "GET", "/s/tablet", {}, 200),
    Route("participant.change_display", "POST", "/s/display", {}, 302,
          form=(("language", "en"), ("next", "/s/help"))),
    # Only a tablet session has anything to keep alive; for others it changes nothing.
    Route("participant.still_here", "POST", "/s/tablet/still-here", {}, 204),
    Route("participant.leave_tablet", "POST", "/s/tablet/leave", {}, 303),
    route("coach.caseload", "GET", "/coach/", only("coach")),
    route("coach.enrol", "GET", "/coach/participants/new", only("coach")),
    route("coach.participant", "GET", "/coach/participants/{participant}",
          only("coach", outside=404)),
    route("coach.issue_link", "POST", "/coach/participants/{participant}/link",
          only("coach", outside=404)),
    route("coach.email_link", "POST", "/coach/participants/{participant}/email",
          only("coach", ok=302, outside=404)),
    route("coach.start_on_tablet", "POST", "/coach/participants/{participant}/tablet",
          only("coach", ok=302, outside=404)),
    route("coach.tablet_code", "POST", "/coach/participants/{participant}/tablet-code",
          only("coach", outside=404)),
    route("coach.edit_details", "GET", "/coach/participants/{participant}/details",
          only("coach", outside=404)),
    route("coach.record_exit", "GET", "/coach/participants/{participant}/exit",
          only("coach", outside=404)),
    route("coach.erase", "GET", "/coach/participants/{participant}/erase",
          only("coach", outside=404)),
    route("evaluator.report", "GET", "/evaluator/?organisation={subproject}",
          only("evaluator", outside=404)),
    route("evaluator.chart", "GET", "/evaluator/charts/steps.png?organisation={subproject}",
          only("evaluator", outside=404)),
    route("evaluator.export", "GET", "/evaluator/export/report.xlsx?organisation={subproject}",
          only("evaluator", outside=404)),
    route("evaluator.monthly", "GET", "/evaluator/monthly?organisation={subproject}",
          only("evaluator", outside=404)),
    route("evaluator.monthly_export", "GET",
          "/evaluator/monthly.csv?month=2026-03&organisation={subproject}",
          only("evaluator", outside=404)),
    # Row export needs a permission no actor here has: see tests/evaluator/test_row_export.py
    # for the evaluator who has it, inside and outside their organisation.
    route("evaluator.answers", "GET", "/evaluator/answers", only()),
    route("evaluator.answers_download", "GET", "/evaluator/answers/download?file=csv", only()),
    route("evaluator.api_tokens_page", "GET", "/evaluator/tokens", only("evaluator")),
    # Only one's own tokens can be revoked: tests/api/test_api.py tries another's.
    route("evaluator.revoke_api_token", "POST", "/evaluator/tokens/999999/revoke",
          only("evaluator", ok=404)),
    # The API takes a token, never a session: tests/api/test_api.py covers tokens.
    Route("api.openapi", "GET", "/api/v1/openapi.json", {}, 200),
    Route("api.report", "GET", "/api/v1/report", {}, 401),
    Route("api.monthly", "GET", "/api/v1/monthly", {}, 401),
    Route("api.answers", "GET", "/api/v1/answers", {}, 401),
    route("admin.index", "GET", "/admin/", only("admin")),
    route("admin.add_organisation", "POST", "/admin/organisations",
          only("admin", ok=302, outside=200), form=(("path", f"{HOME}/Nacka"),)),
    route("admin.rename_organisation", "GET", "/admin/organisations/{subproject}",
          only("admin", outside=404)),
    route("admin.edit_targets", "GET", "/admin/organisations/{subproject}/targets",
          only("admin", outside=404)),
    route("admin.replace_targets", "POST", "/admin/organisations/{subproject}/targets/yaml",
          only("admin", ok=302, outside=404), form=(("yaml_text", "targets: []"),)),
    route("admin.inherit_targets", "POST", "/admin/organisations/{subproject}/targets/inherit",
          only("admin", ok=302, outside=404)),
    route("admin.new_user", "GET", "/admin/users/new", only("admin")),
    route("admin.edit_user", "GET", "/admin/users/{coach}", only("admin", outside=404)),
    route("admin.reset_password", "POST", "/admin/users/{coach}/reset-password",
          only("admin", outside=404)),
    route("admin.audit_events", "GET", "/admin/audit", only("admin")),
    # No such token: tests/api/test_api.py revokes a real one, and tries another tree's.
    route("admin.revoke_api_token", "POST", "/admin/users/{coach}/tokens/999999/revoke",
          only("admin", ok=404, outside=404)),
    route("admin.questionnaires", "GET", "/admin/questionnaires", only("admin")),
    route("admin.questionnaire", "GET", "/admin/questionnaires/stegvis/2", only("admin")),
    route("admin.paper_import_page", "GET", "/admin/import", only("admin")),
    route("admin.paper_import_template", "GET", "/admin/import/template/stegvis/2.xlsx",
          only("admin")),
]


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == {r.endpoint for r in ROUTES}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.endpoint)
def test_access(app, world, route: Route, actor: str):
    client = visitor(app, world, actor)
    url = route.url.format(
        token=world.token, participant=world.participant_id, subproject=world.subproject_id,
        coach=world.coach_id,
    )
    if route.method == "POST":
        data = {"csrf_token": csrf_token(client, route.form_page), **dict(route.form)}
        response = client.post(url, data=data)
    else:
        response = client.get(url)
    expected = route.expected.get(actor, route.default)
    response.close()  # static files are streamed from disk
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if expected == 302 and actor in STAFF_ONLY and route.endpoint.split(".")[0] in (
        "coach", "evaluator", "admin"
    ):
        assert "/login" in response.headers["Location"]


def test_a_coach_elsewhere_does_not_see_the_participant_in_their_caseload(app, world):
    page = visitor(app, world, "other_coach").get("/coach/").get_data(as_text=True)
    assert "HAN-0001" not in page
    assert "HAN-0001" in visitor(app, world, "coach").get("/coach/").get_data(as_text=True)


def test_an_admin_cannot_extend_another_organisations_tree(app, world):
    client = visitor(app, world, "other_admin")
    token = csrf_token(client, "/admin/")
    page = client.post("/admin/organisations", data={"csrf_token": token, "path": f"{HOME}/X"})
    assert "Sökvägen måste börja med Finsam Väst/Borås/" in page.get_data(as_text=True)
    assert db.session.scalar(
        sa.select(Organisation.id).where(Organisation.path == f"{HOME}/X")
    ) is None


def test_a_wrong_survey_token_is_not_found_for_everyone(app, world):
    for actor in ("anonymous", "coach", "admin"):
        client = visitor(app, world, actor)
        assert client.get("/s/" + "x" * 43).status_code == 404
