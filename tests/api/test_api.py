"""The read-only API: tokens, scope, suppression, errors and limits, checked against the
OpenAPI description it publishes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from survey_app.extensions import db
from survey_app.models import ApiToken, AuditEvent, Gender, Role, User
from survey_app.services import ServiceError, api_tokens, clock, organisations
from tests.conftest import form_token, make_user, signed_in
from tests.evaluator.test_report import HOME, answered_steps
from tests.evaluator.test_report_document import make_cohorts

THRESHOLD = 5


@pytest.fixture
def description(app) -> OpenAPI:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return OpenAPI.from_dict(response.get_json())  # checks that it is valid OpenAPI 3


@pytest.fixture
def evaluator(app) -> User:
    make_cohorts()  # 18 women and 12 men at HOME/Haninge
    for i in range(7):  # elsewhere: never in this evaluator's answers
        answered_steps(f"B{i}", Gender.MAN, [1, 7], org="Finsam Väst/Borås")
    return make_user(Role.EVALUATOR, HOME)


def token_for(user: User, days: int = 30) -> str:
    _token, secret = api_tokens.create(user, "R-skript", days, clock.now())
    db.session.commit()
    return secret


def call(app, description: OpenAPI, path: str, secret: str | None, **query):
    """GET ``path`` as a program would, and check request and answer against the spec."""
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    response = app.test_client().get(path, query_string=query, headers=headers)
    request = WerkzeugOpenAPIRequest(response.request)
    description.validate_response(request, WerkzeugOpenAPIResponse(response))
    return response


def figures(node):
    """Every published figure in a document."""
    if isinstance(node, dict):
        if set(node) == {"value", "suppressed"}:
            yield node
        else:
            for value in node.values():
                yield from figures(value)
    elif isinstance(node, list):
        for value in node:
            yield from figures(value)


def test_the_report_is_the_page_s_report_in_json(app, description, evaluator):
    response = call(app, description, "/api/v1/report", token_for(evaluator))
    assert response.status_code == 200
    document = response.get_json()
    assert document["scope"] == HOME
    # make_cohorts: 18 women and 12 men answered intake and a follow-up.
    groups = document["step_movement"]["groups"]
    assert (groups["women"]["n"]["value"], groups["men"]["n"]["value"],
            groups["total"]["n"]["value"]) == (18, 12, 30)
    assert "Finsam Väst/Borås" not in response.get_data(as_text=True)
    for figure in figures(document):
        assert figure["suppressed"] == (figure["value"] is None)


def test_small_groups_stay_hidden(app, description, evaluator):
    haninge = organisations.find(f"{HOME}/Haninge")
    response = call(app, description, "/api/v1/report", token_for(evaluator),
                    organisation=haninge.id, age_band="65+")
    document = response.get_json()
    counts = [document["step_movement"]["groups"][g]["n"] for g in ("women", "men", "total")]
    counts += [groups[g] for groups in document["attrition"]["participants"].values()
               for g in groups]
    for count in counts:
        assert count["suppressed"] or count["value"] >= THRESHOLD or count["value"] == 0


def test_another_organisation_is_not_there(app, description, evaluator):
    borås = organisations.find("Finsam Väst/Borås")
    response = call(app, description, "/api/v1/report", token_for(evaluator),
                    organisation=borås.id)
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_bad_parameters_are_named(app, description, evaluator):
    response = call(app, description, "/api/v1/report", token_for(evaluator),
                    enrolled_from="igår", shoe_size="44")
    assert response.status_code == 400
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"enrolled_from", "shoe_size"}


def test_the_monthly_status(app, description, evaluator):
    secret = token_for(evaluator)
    month = clock.today().strftime("%Y-%m")
    response = call(app, description, "/api/v1/monthly", secret, month=month)
    assert response.status_code == 200
    document = response.get_json()
    assert document["month"] == month
    assert document["lines"]["enrolled_total"]["total"] == {"value": 30, "suppressed": False}
    for figure in figures(document):  # nothing between 1 and 4 is ever shown
        assert figure["suppressed"] or figure["value"] == 0 or figure["value"] >= THRESHOLD

    wrong = call(app, description, "/api/v1/monthly", secret, month="mars")
    assert wrong.status_code == 400
    assert "month" in wrong.get_json()["error"]["fields"]


def test_answers_only_with_the_permission_and_audited(app, description, evaluator):
    secret = token_for(evaluator)
    response = call(app, description, "/api/v1/answers", secret)
    assert response.status_code == 404

    evaluator.may_export_rows = True
    db.session.commit()
    response = call(app, description, "/api/v1/answers", secret)
    assert response.status_code == 200
    document = response.get_json()
    assert len({row["person"] for row in document["rows"]}) == 30
    assert all("code" not in row and "comment" not in row for row in document["rows"])
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "row_export"))
    assert (event.actor_id, event.details["format"]) == (evaluator.id, "json")


def test_reports_and_monthly_statuses_given_are_audited(app, description, evaluator):
    secret = token_for(evaluator)
    assert call(app, description, "/api/v1/report", secret, age_band="25-54").status_code == 200
    assert call(app, description, "/api/v1/monthly", secret, month="2026-03").status_code == 200
    assert call(app, description, "/api/v1/report", secret, colour="red").status_code == 400

    given = sa.select(AuditEvent).where(AuditEvent.action.startswith("view_"))
    events = db.session.scalars(given.order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id, e.details) for e in events] == [
        ("view_report", evaluator.id, {"via": "api", "age_band": "25-54"}),
        ("view_monthly_status", evaluator.id, {"via": "api", "month": "2026-03"}),
    ]


@pytest.mark.parametrize("header", [None, "Bearer stegvis_nonsense", "Basic dXNlcjpwdw=="])
def test_without_a_valid_token_nothing_is_read(app, description, evaluator, header):
    headers = {"Authorization": header} if header else {}
    response = app.test_client().get("/api/v1/report", headers=headers)
    description.validate_response(WerkzeugOpenAPIRequest(response.request),
                                  WerkzeugOpenAPIResponse(response))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_logged_in_browser_is_not_a_token(app, evaluator):
    client = signed_in(app, evaluator)
    assert client.get("/api/v1/report").status_code == 401


def test_expiry_revocation_and_losing_the_role_end_the_token(app, description, evaluator):
    for end in ("expired", "revoked", "no longer an evaluator", "deactivated"):
        evaluator.role = Role.EVALUATOR
        secret = token_for(evaluator)
        token = db.session.scalar(sa.select(ApiToken).order_by(ApiToken.id.desc()))
        if end == "expired":
            token.expires_at = clock.now() - timedelta(seconds=1)
        elif end == "revoked":
            api_tokens.revoke(token, evaluator, clock.now())
        elif end == "no longer an evaluator":
            evaluator.role = Role.COACH
        else:
            evaluator.is_active = False
        db.session.commit()
        assert call(app, description, "/api/v1/report", secret).status_code == 401, end


def test_a_token_is_stored_only_as_its_hash(app, evaluator):
    secret = token_for(evaluator)
    stored = db.session.execute(sa.select(ApiToken.__table__)).one()
    assert secret not in [str(value) for value in stored]
    assert stored.shown_prefix == secret[:12]


def test_each_token_has_its_own_rate_limit(app, description, evaluator):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    first, second = token_for(evaluator), token_for(evaluator)
    statuses = [call(app, description, "/api/v1/monthly", first).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert call(app, description, "/api/v1/monthly", second).status_code == 200


def test_unknown_addresses_answer_json(app, evaluator):
    response = app.test_client().get("/api/v1/nothing",
                                     headers={"Authorization": f"Bearer {token_for(evaluator)}"})
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_the_description_covers_every_endpoint(app, description):
    routes = {rule.rule.removeprefix("/api/v1") for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("api.")}
    assert routes == set(description.spec["paths"].keys())


def test_an_evaluator_makes_sees_and_revokes_tokens(app, evaluator):
    client = signed_in(app, evaluator)
    response = client.post("/evaluator/tokens", data={
        "name": "Kvartalsrapport i R", "lifetime": "90", **form_token(client, "/evaluator/tokens")})
    page = response.get_data(as_text=True)
    secret = page.split('<code class="token">')[1].split("</code>")[0]
    assert secret.startswith("stegvis_")
    again = client.get("/evaluator/tokens").get_data(as_text=True)
    assert secret not in again  # shown once
    assert "Kvartalsrapport i R" in again and secret[:12] in again
    headers = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/v1/report", headers=headers).status_code == 200

    token = db.session.scalar(sa.select(ApiToken))
    client.post(f"/evaluator/tokens/{token.id}/revoke",
                data=form_token(client, "/evaluator/tokens"))
    assert app.test_client().get("/api/v1/report", headers=headers).status_code == 401
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["create_api_token", "view_report", "revoke_api_token"]


def test_nobody_revokes_another_s_token(app, evaluator):
    token_for(evaluator)
    token = db.session.scalar(sa.select(ApiToken))
    other = make_user(Role.EVALUATOR, HOME, email="annan@example.se")
    client = signed_in(app, other)
    response = client.post(f"/evaluator/tokens/{token.id}/revoke",
                           data=form_token(client, "/evaluator/tokens"))
    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_a_token_needs_a_name_and_a_listed_lifetime(app, evaluator):
    client = signed_in(app, evaluator)
    response = client.post("/evaluator/tokens", data={
        "name": " ", "lifetime": "9999", **form_token(client, "/evaluator/tokens")})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "stegvis_" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_only_evaluators_make_tokens(app, evaluator):
    coach = make_user(Role.COACH, HOME)
    client = signed_in(app, coach)
    assert client.get("/evaluator/tokens").status_code == 403
    with pytest.raises(ServiceError):
        api_tokens.create(coach, "Mitt skript", 30, clock.now())


def test_an_admin_revokes_a_user_s_token_but_not_in_another_tree(app, evaluator):
    secret = token_for(evaluator)
    token = db.session.scalar(sa.select(ApiToken))
    url = f"/admin/users/{evaluator.id}/tokens/{token.id}/revoke"
    elsewhere = signed_in(app, make_user(Role.ADMIN, "Finsam Väst"))
    assert elsewhere.post(url, data=form_token(elsewhere, "/admin/")).status_code == 404

    admin = signed_in(app, make_user(Role.ADMIN, "MIA"))
    colleague = make_user(Role.EVALUATOR, HOME, email="kollega@example.se")
    not_theirs = f"/admin/users/{colleague.id}/tokens/{token.id}/revoke"
    assert admin.post(not_theirs, data=form_token(admin, "/admin/")).status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None
    page = admin.get(f"/admin/users/{evaluator.id}").get_data(as_text=True)
    assert "R-skript" in page and secret not in page
    admin.post(url, data=form_token(admin, "/admin/"))
    headers = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/v1/report", headers=headers).status_code == 401
