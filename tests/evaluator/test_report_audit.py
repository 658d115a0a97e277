"""Every report and monthly status given out is in the audit trail with its selection.

Each report is suppressed on its own. Two whose selections differ by a few people can
together show those few, so an association must be able to see who asked for which.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import AuditEvent, Role, User
from survey_app.services import organisations
from tests.conftest import make_user, signed_in
from tests.evaluator.test_report import HOME
from tests.evaluator.test_report_document import make_cohorts


@pytest.fixture
def evaluator(app) -> User:
    make_cohorts()  # 18 women and 12 men at HOME/Haninge
    return make_user(Role.EVALUATOR, HOME)


@pytest.fixture
def client(app, evaluator):
    return signed_in(app, evaluator)


def recorded(action: str = "view_report") -> list[AuditEvent]:
    return list(db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_a_report_page_is_recorded_with_who_asked_and_the_selection(client, evaluator):
    haninge = organisations.find(f"{HOME}/Haninge")
    response = client.get("/evaluator/", query_string={
        "organisation": haninge.id, "age_band": "25-54", "enrolled_from": "2025-01-01"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)  # the evaluator is told, and warned
    assert "Vilka rapporter du tar fram, och med vilka urval, skrivs i granskningsloggen." in page
    assert "Publicera inte en rapport tillsammans med rapporter om dess delar" in page

    [event] = recorded()
    assert (event.actor_id, event.organisation_id) == (evaluator.id, haninge.id)
    assert event.details == {"via": "page", "age_band": "25-54", "enrolled_from": "2025-01-01"}


def test_a_filter_that_is_not_valid_is_not_recorded_as_chosen(client):
    # The page leaves the bad date out of the report and says so; the trail says what
    # the report did cover.
    response = client.get("/evaluator/", query_string={"enrolled_to": "igår"})
    assert response.status_code == 200
    [event] = recorded()
    assert event.details == {"via": "page"}


def test_files_and_charts_are_recorded_with_what_was_downloaded(client):
    for path in ("/evaluator/export/report.xlsx", "/evaluator/export/targets.csv?excel=sv",
                 "/evaluator/charts/steps.png?download=1&age_band=15-24"):
        assert client.get(path).status_code == 200, path

    assert [event.details for event in recorded()] == [
        {"via": "file", "table": "report", "format": "xlsx"},
        {"via": "file", "table": "targets", "format": "csv"},
        {"via": "chart", "chart": "steps", "format": "png", "age_band": "15-24"},
    ]


def test_what_was_not_given_is_not_recorded(client):
    assert client.get("/evaluator/export/nonsense.csv").status_code == 404
    assert client.get("/evaluator/export/report.pdf").status_code == 404
    assert client.get("/evaluator/charts/nonsense.png").status_code == 404
    assert recorded() == []


def test_the_monthly_status_is_recorded_with_its_month(client):
    assert client.get("/evaluator/monthly?month=2026-03").status_code == 200
    assert client.get("/evaluator/monthly.xlsx?month=2026-03").status_code == 200
    assert client.get("/evaluator/monthly?month=mars").status_code == 400

    assert [event.details for event in recorded("view_monthly_status")] == [
        {"via": "page", "month": "2026-03"},
        {"via": "file", "month": "2026-03", "format": "xlsx"},
    ]


def test_only_administrators_of_the_tree_read_who_was_given_which_report(app, client):
    client.get("/evaluator/", query_string={"age_band": "55-64"})

    own = signed_in(app, make_user(Role.ADMIN, "MIA"))
    page = own.get("/admin/audit?action=view_report").get_data(as_text=True)
    assert "view_report" in page
    assert "age_band: 55-64" in page

    far = signed_in(app, make_user(Role.ADMIN, "Finsam Väst"))
    page = far.get("/admin/audit").get_data(as_text=True)
    assert "view_report" not in page
