"""Staff pages in real Chromium pass axe-core too: login, coach and evaluator pages."""

from __future__ import annotations

import pytest

from survey_app.models import Gender, Role
from tests.browser.test_participant_pages import assert_no_violations
from tests.conftest import PASSWORD, make_participant, make_user
from tests.evaluator.test_report import answered_steps


@pytest.fixture
def staff(app):
    coach = make_user(Role.COACH, "MIA/Haninge")
    evaluator = make_user(Role.EVALUATOR, "MIA")
    for i in range(12):
        answered_steps(f"W{i}", Gender.WOMAN, [2, 3 + i % 3], org="MIA/Haninge")
        answered_steps(f"M{i}", Gender.MAN, [3, 3 + i % 2], org="MIA/Haninge")
    make_participant("HAN-0100", "MIA/Haninge")
    return coach, evaluator


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    assert_no_violations(page)
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()


def test_coach_pages_pass_axe(browser, live_server, staff):
    coach, _ = staff
    page = browser.new_page(locale="sv-SE")
    log_in(page, live_server, coach.email)
    assert_no_violations(page)  # caseload
    page.get_by_role("link", name="Skriv in deltagare").first.click()
    assert_no_violations(page)
    page.get_by_role("button", name="Skriv in").click()  # empty: the error pattern
    assert page.title().startswith("Fel:")
    assert_no_violations(page)
    page.goto(f"{live_server}/coach/")
    page.get_by_role("link", name="HAN-0100").click()
    assert_no_violations(page)  # participant page
    page.get_by_role("button", name="Skapa enkätlänk").click()
    assert page.get_by_role("heading", name="Enkätlänk för HAN-0100").is_visible()
    assert_no_violations(page)  # link and QR code
    page.close()


def test_the_evaluator_report_passes_axe(browser, live_server, staff):
    _, evaluator = staff
    page = browser.new_page(locale="sv-SE")
    log_in(page, live_server, evaluator.email)
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Förändring per område").is_visible()
    assert page.locator("img").evaluate("image => image.naturalWidth") > 0  # the chart drew
    assert_no_violations(page)
    page.close()


