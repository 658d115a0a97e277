"""Participant pages in real Chromium: axe-core, keyboard only, no JavaScript, reflow."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from survey_app.extensions import db
from survey_app.models import Answer, Response
from survey_app.services import clock, links
from tests.conftest import make_participant

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def survey_url(live_server) -> str:
    participant = make_participant()
    token = links.issue(participant.occasions[0], clock.now(), timedelta(days=30))
    db.session.commit()
    return f"{live_server}/s/{token}"


def assert_no_violations(page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    assert not violations, f"{page.url}\n{results.generate_report()}"


def choose_and_continue(page, label: str | None) -> None:
    if label is not None:
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Nästa").click()


def test_every_participant_page_passes_axe(browser, survey_url, live_server):
    page = browser.new_page()
    page.goto(survey_url)
    assert_no_violations(page)  # welcome
    page.get_by_role("link", name="Börja").click()

    assert_no_violations(page)  # the ladder
    choose_and_continue(page, None)  # nothing chosen: the error pattern
    assert page.title().startswith("Fel:")
    assert_no_violations(page)
    page.get_by_label("Steg 3").check()
    assert page.get_by_label("Steg 3").is_checked()
    page.get_by_role("button", name="Nästa").click()

    assert_no_violations(page)  # an agreement scale
    for _ in range(7):
        choose_and_continue(page, "Bra" if "/q/health" in page.url else "Mycket")
        if "/q/comment" in page.url:
            break
    assert "/q/comment" in page.url
    assert_no_violations(page)  # free text
    page.get_by_role("button", name="Nästa").click()

    assert_no_violations(page)  # send
    page.get_by_role("button", name="Skicka").click()
    assert page.get_by_role("heading", name="Tack för dina svar").is_visible()
    assert_no_violations(page)

    page.goto(survey_url)
    assert page.get_by_role("heading", name="Länken fungerar inte").is_visible()
    assert_no_violations(page)
    page.close()


def test_a_questionnaire_can_be_completed_by_keyboard_without_javascript(browser, survey_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(survey_url)

    def press_enter() -> None:
        with page.expect_navigation():
            page.keyboard.press("Enter")

    page.keyboard.press("Tab")  # the skip link comes first
    page.keyboard.press("Tab")  # then "Börja"
    press_enter()
    assert "/q/step" in page.url

    answered = 0
    while "/q/" in page.url:
        question = page.url
        # Past the Back link to the first answer; Space picks it (or type the free text).
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        if "/q/comment" in page.url:
            page.keyboard.type("Skrivet med tangentbordet.")
            page.keyboard.press("Tab")  # on to Next; Enter in a textarea is a new line
        else:
            page.keyboard.press("Space")
        press_enter()
        assert page.url != question, page.content()[:2000]
        answered += 1
    assert answered == 9
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # skip link, Back, Send
    press_enter()
    assert page.get_by_role("heading", name="Tack för dina svar").is_visible()
    context.close()

    db.session.expire_all()
    saved = {a.item_id: a for a in db.session.scalars(sa.select(Answer))}
    assert saved["step"].value == 7  # the ladder is drawn from the top step down
    assert saved["comment"].text == "Skrivet med tangentbordet."
    assert db.session.scalar(sa.select(Response.submitted_at)) is not None


@pytest.mark.parametrize(("width", "text_size"), [(320, "100%"), (320, "200%"), (640, "200%")])
def test_question_pages_reflow_without_sideways_scrolling(browser, survey_url, width, text_size):
    page = browser.new_page(viewport={"width": width, "height": 640})
    for path in ("", "/q/step", "/q/health", "/q/comment", "/send"):
        page.goto(survey_url + path)
        page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path or '/'} scrolls sideways by {overflow}px at {width}px"
    page.close()
