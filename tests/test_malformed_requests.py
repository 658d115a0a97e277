"""No form post or query, however malformed, gets a server error: property-based.

Every POST route and every GET route, with any fields, query and values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import MapAdapter

from survey_app.extensions import db, limiter
from survey_app.models import Role
from survey_app.services import api_tokens, clock, links
from tests.conftest import csrf_token, login_as, make_participant, make_user, signed_in

FIELD_NAMES = ["answer", "code", "gender", "birth_year", "organisation", "language",
               "prefers_easy_read", "path", "email", "password", "csrf_token", "occupation",
               "income", "consent", "consented_on", "exited_on", "outcome", "confirm_code",
               "name", "role", "is_active", "current", "confirm", "yaml_text",
               "goal_work_preparation", "goal_closer", "easy_read", "pictograms", "next",
               "file", "questionnaire", "may_export_rows", "lifetime",
               # The queries' fields.
               "enrolled_from", "enrolled_to", "age_band", "questionnaire_version",
               "include_text", "month", "action", "actor", "occurred_from", "occurred_to",
               "status", "due_this_week", "sort", "descending", "page", "excel", "download"]
# Any text, including control characters, lone surrogates' replacements and long strings.
values = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "0", "-1", "1e9", "99999999999999999999", "null", "\x00",
                     "a\x00b", "dont_know", "declined", "../../etc", "<script>", "%", "’", "٣",
                     # Readable dates, months and years at and past the edges of the calendar.
                     "2026-03-31", "0001-01-01", "9999-12-31", "2026-03", "0001-01", "9999-12",
                     "1899", "2200"]),
)
forms = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=20)),
    st.one_of(values, st.lists(values, max_size=3)),
    max_size=8,
)


@dataclass
class Targets:
    #: (client, url) for every POST route.
    posts: list[tuple[FlaskClient, str]]
    #: (client, url, headers) for every GET route: any of them may be sent a query.
    gets: list[tuple[FlaskClient, str, dict[str, str]]]


def answers_get(adapter: MapAdapter, url: str) -> bool:
    try:
        adapter.match(url, method="GET")
    except MethodNotAllowed:
        return False
    return True


@pytest.fixture
def targets(app):
    # Rate limits would answer 429 long before the examples run out.
    limiter.enabled = False
    coach = make_user(Role.COACH, "MIA/Haninge")
    admin = make_user(Role.ADMIN, "MIA")
    # Whose password the reset target resets, so the coach's session stays usable.
    evaluator = make_user(Role.EVALUATOR, "MIA/Haninge")
    evaluator.may_export_rows = True
    participant = make_participant("HAN-0001", "MIA/Haninge", email="a@example.org")
    token = links.issue(participant.occasions[0], clock.now(), timedelta(days=30))
    api_token, secret = api_tokens.create(evaluator, "R", 30, clock.now())
    db.session.commit()
    coach_client, admin_client, anonymous = app.test_client(), app.test_client(), app.test_client()
    login_as(coach_client, coach)
    login_as(admin_client, admin)
    evaluator_client = signed_in(app, evaluator)
    # "Start on this tablet" logs its sender out: it gets a client of its own.
    tablet_client = signed_in(app, coach)
    person = f"/coach/participants/{participant.id}"
    bearer = {"Authorization": f"Bearer {secret}"}
    posts = [
        (anonymous, "/login"),
        (anonymous, "/logout"),
        (anonymous, f"/s/{token}/q/step"),
        (anonymous, f"/s/{token}/q/comment"),
        (anonymous, f"/s/{token}/send"),
        (anonymous, "/s/display"),
        (anonymous, "/s/code"),
        (anonymous, "/s/tablet/still-here"),
        (anonymous, "/s/tablet/leave"),
        (coach_client, "/coach/participants/new"),
        (coach_client, f"{person}/link"),
        (coach_client, f"{person}/tablet-code"),
        (coach_client, f"{person}/email"),
        (coach_client, f"{person}/details"),
        (coach_client, f"{person}/exit"),
        (coach_client, f"{person}/erase"),
        (coach_client, "/account/password"),
        (tablet_client, f"{person}/tablet"),
        (admin_client, "/admin/organisations"),
        (admin_client, f"/admin/organisations/{participant.organisation_id}"),
        (admin_client, f"/admin/organisations/{participant.organisation_id}/targets"),
        (admin_client, f"/admin/organisations/{participant.organisation_id}/targets/yaml"),
        (admin_client,
         f"/admin/organisations/{participant.organisation_id}/targets/inherit"),
        (admin_client, "/admin/users/new"),
        (admin_client, f"/admin/users/{evaluator.id}"),
        (admin_client, f"/admin/users/{evaluator.id}/reset-password"),
        (admin_client, "/admin/import"),
        (evaluator_client, "/evaluator/tokens"),
        (evaluator_client, f"/evaluator/tokens/{api_token.id}/revoke"),
        (admin_client, f"/admin/users/{evaluator.id}/tokens/{api_token.id}/revoke"),
    ]
    # The pages with a form answer GET at the same address.
    adapter = app.url_map.bind("stegvis.test")
    form_pages = [(client, url, {}) for client, url in posts if answers_get(adapter, url)]
    yield Targets(
        posts=posts,
        gets=[
            *form_pages,
            (anonymous, "/", {}),
            (coach_client, "/coach/", {}),
            (coach_client, person, {}),
            (evaluator_client, "/evaluator/", {}),
            (evaluator_client, "/evaluator/charts/steps.png", {}),
            (evaluator_client, "/evaluator/export/report.xlsx", {}),
            (evaluator_client, "/evaluator/monthly", {}),
            (evaluator_client, "/evaluator/monthly.csv", {}),
            (evaluator_client, "/evaluator/answers", {}),
            (evaluator_client, "/evaluator/answers/download", {}),
            (admin_client, "/admin/", {}),
            (admin_client, "/admin/audit", {}),
            (admin_client, "/admin/import/template/stegvis/2.xlsx", {}),
            (admin_client, "/admin/questionnaires", {}),
            (admin_client, "/admin/questionnaires/stegvis/2", {}),
            (anonymous, "/api/v1/openapi.json", {}),
            (anonymous, "/api/v1/report", bearer),
            (anonymous, "/api/v1/monthly", bearer),
            (anonymous, "/api/v1/answers", bearer),
            (anonymous, "/s/help", {}),
            (anonymous, "/s/accessibility", {}),
            (anonymous, "/s/thanks", {}),
            (anonymous, "/s/tablet", {}),
            (anonymous, f"/s/{token}", {}),
            (anonymous, f"/s/{token}/q/step/audio", {}),
        ],
    )
    limiter.enabled = True


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=forms, keep_token=st.booleans())
def test_no_post_gets_a_server_error(app, targets, form, keep_token):
    for client, url in targets.posts:
        data = dict(form)
        if keep_token and "csrf_token" not in data:
            data["csrf_token"] = csrf_token(client, "/login")
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, data, response.status_code)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=forms)
def test_no_query_gets_a_server_error(app, targets, query):
    for client, url, headers in targets.gets:
        response = client.get(url, query_string=query, headers=headers)
        assert response.status_code < 500, (url, query, response.status_code)


def test_every_post_route_is_a_target(app, targets):
    adapter = app.url_map.bind("stegvis.test")
    covered = {adapter.match(url, method="POST")[0] for _, url in targets.posts}
    posting = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert posting == covered


def test_every_get_route_is_a_target(app, targets):
    adapter = app.url_map.bind("stegvis.test")
    covered = {adapter.match(url.split("?")[0])[0] for _, url, _ in targets.gets}
    getting = {rule.endpoint for rule in app.url_map.iter_rules()
               if "GET" in rule.methods and rule.endpoint != "static"}
    assert getting == covered


@pytest.mark.parametrize("number", [2**31, 2**63, 10**20])
def test_an_id_too_large_for_the_database_is_not_found(app, targets, number):
    # PostgreSQL refused it as out of range for INTEGER: every such page answered 500.
    adapter = app.url_map.bind("stegvis.test")
    tried = set()
    for client, url in targets.posts:
        endpoint, arguments = adapter.match(url, method="POST")
        ids = {name: number for name, value in arguments.items() if isinstance(value, int)}
        if not ids:
            continue
        too_large = adapter.build(endpoint, {**arguments, **ids})
        assert client.get(too_large).status_code in (404, 405), too_large  # 405: POST only
        response = client.post(too_large, data={"csrf_token": csrf_token(client, "/login")})
        assert response.status_code == 404, too_large
        tried.add(endpoint)
    assert len(tried) >= 15
