"""Participant pages in real Chromium: axe-core on every state, in Swedish, easy-read and
Arabic, on a phone and a tablet; keyboard only; no JavaScript; reflow; touch targets;
Listen; the shared tablet's idle warning."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from survey_app.extensions import db
from survey_app.models import Answer, Response, Role
from survey_app.services import clock, links
from tests.conftest import PASSWORD, make_participant, make_user

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True}
#: (participant's language, easy-read) → the words the pages use.
LANGUAGES = {
    "sv-easy": {"language": "sv", "easy": True, "start": "Börja", "next": "Nästa",
                "send": "Skicka", "thanks": "Tack för dina svar", "dead": "Länken fungerar inte"},
    "sv": {"language": "sv", "easy": False, "start": "Börja", "next": "Nästa",
           "send": "Skicka", "thanks": "Tack för dina svar", "dead": "Länken fungerar inte"},
    "ar": {"language": "ar", "easy": False, "start": "ابدأ", "next": "التالي",
           "send": "إرسال", "thanks": "شكرًا على إجاباتك", "dead": "الرابط لا يعمل"},
}


def new_link(code: str = "HAN-0001", language: str = "sv", easy: bool = True) -> str:
    participant = make_participant(code, language=language, prefers_easy_read=easy)
    token = links.issue(participant.occasions[0], clock.now(), timedelta(days=30))
    db.session.commit()
    return token


@pytest.fixture
def survey_url(live_server) -> str:
    return f"{live_server}/s/{new_link()}"


def assert_no_violations(page) -> None:
    # A click that navigates returns once the new page is on its way: check it whole,
    # styles included, not half loaded.
    page.wait_for_load_state("load")
    results = Axe().run(page, options={
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        # The issue's aim for participants: 7:1 text contrast (WCAG 1.4.6, AAA).
        "rules": {"color-contrast-enhanced": {"enabled": True}},
    })
    violations = results.response["violations"]
    assert not violations, f"{page.url}\n{results.generate_report()}"


# What axe does not check: radio groups in fieldsets with legends, and 44 px targets.
CHECK_PAGE = """() => {
  const problems = [];
  for (const radio of document.querySelectorAll('input[type=radio]')) {
    const fieldset = radio.closest('fieldset');
    if (!fieldset || !fieldset.querySelector(':scope > legend')) {
      problems.push('no fieldset/legend: ' + radio.id);
    }
  }
  const targets = document.querySelectorAll(
    'main a, header a, footer a, button, .answer-option label, .ladder-step label, '
    + 'input[type=text], textarea');
  for (const element of targets) {
    const inSentence = element.tagName === 'A' && element.closest('p')
      && !element.classList.contains('button');
    const box = element.getBoundingClientRect();
    if (inSentence || (box.width === 0 && box.height === 0)) continue;
    if (box.width < 44 || box.height < 44) {
      problems.push(`${element.tagName} "${element.textContent.trim()}" `
        + `is ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return problems;
}"""


def check_page(page) -> None:
    assert_no_violations(page)
    problems = page.evaluate(CHECK_PAGE)
    assert not problems, f"{page.url}: {problems}"


def choose_and_continue(page, words: dict, option_index: int | None) -> None:
    if option_index is not None:
        page.locator("main input[type=radio]").nth(option_index).check()
    page.get_by_role("button", name=words["next"], exact=True).click()


@pytest.mark.parametrize("device", [PHONE, TABLET], ids=["phone", "tablet"])
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_participant_page_passes_axe(browser, live_server, language, device):
    words = LANGUAGES[language]
    url = f"{live_server}/s/{new_link(language=words['language'], easy=words['easy'])}"
    context = browser.new_context(**device)
    page = context.new_page()
    page.goto(url)
    expected_dir = "rtl" if language == "ar" else "ltr"
    assert page.evaluate("document.documentElement.dir") == expected_dir
    check_page(page)  # welcome
    page.get_by_role("link", name=words["start"]).click()

    check_page(page)  # the ladder
    choose_and_continue(page, words, None)  # nothing chosen: the error pattern
    expect(page).to_have_title(re.compile(r"^(Fel|خطأ):"))
    # Retried by Playwright itself: a wait_for_function string is evaluated in the
    # page, where the Content-Security-Policy forbids eval once the first try fails.
    expect(page.locator(".error-summary")).to_be_focused()
    check_page(page)
    choose_and_continue(page, words, 2)
    check_page(page)  # an agreement scale, with pictures
    while "/q/comment" not in page.url:
        choose_and_continue(page, words, 1)
    check_page(page)  # free text
    choose_and_continue(page, words, None)

    check_page(page)  # review
    page.get_by_role("button", name=words["send"], exact=True).click()
    assert page.get_by_role("heading", name=words["thanks"]).is_visible()
    check_page(page)
    page.goto(url)
    assert page.get_by_role("heading", name=words["dead"]).is_visible()
    check_page(page)
    for path in ("/s/help", "/s/accessibility", "/s/code", "/s/tablet"):
        page.goto(live_server + path)
        check_page(page)
    page.get_by_role("button").last.click()  # the code page, sent empty: its error
    check_page(page)
    context.close()


def test_a_questionnaire_can_be_completed_by_keyboard_without_javascript(browser, survey_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(survey_url)

    def tab_to(selector: str, limit: int = 25) -> None:
        """Tab until ``selector`` has focus, checking at every stop that focus shows."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            focus = page.evaluate("""() => {
              const element = document.activeElement;
              const style = getComputedStyle(element);
              const box = element.getBoundingClientRect();
              const seen = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
              return {outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
                      covered: !(seen && (seen === element || element.contains(seen)
                                 || seen.contains(element) || seen.closest('label'))),
                      tag: element.tagName};
            }""")
            assert focus["outline"], f"focus not visible on {focus['tag']} at {page.url}"
            assert not focus["covered"], f"focused {focus['tag']} is covered at {page.url}"
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"never reached {selector} on {page.url}")

    def press_enter() -> None:
        with page.expect_navigation():
            page.keyboard.press("Enter")

    tab_to("main a.button")  # "Börja"
    press_enter()
    assert "/q/step" in page.url

    answered = 0
    while "/q/" in page.url:
        question = page.url
        if "/q/comment" in page.url:
            tab_to("textarea")
            page.keyboard.type("Skrivet med tangentbordet.")
        else:
            tab_to("main input[type=radio]")
            page.keyboard.press("Space")
        tab_to("main button[type=submit]")
        press_enter()
        assert page.url != question, page.content()[:2000]
        answered += 1
    assert answered == 9
    tab_to("main button[type=submit]")  # past every Change link to Send
    press_enter()
    assert page.get_by_role("heading", name="Tack för dina svar").is_visible()
    context.close()

    db.session.expire_all()
    saved = {a.item_id: a for a in db.session.scalars(sa.select(Answer))}
    assert saved["step"].value == 7  # the ladder is drawn from the top step down
    assert saved["comment"].text == "Skrivet med tangentbordet."
    assert db.session.scalar(sa.select(Response.submitted_at)) is not None


@pytest.mark.parametrize(("width", "height", "text_size"), [
    (320, 640, "100%"), (320, 640, "200%"), (640, 360, "200%"), (740, 360, "100%"),
])
def test_pages_reflow_without_sideways_scrolling(browser, live_server, width, height, text_size):
    """Portrait and landscape, at 320 px and with text at 200 %."""
    survey = f"/s/{new_link()}"
    page = browser.new_page(viewport={"width": width, "height": height})
    for path in (survey, f"{survey}/q/step", f"{survey}/q/health", f"{survey}/q/comment",
                 "/s/help", "/s/accessibility", "/s/code", "/s/tablet"):
        page.goto(live_server + path)
        page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    page.close()


FAKE_VOICES = """
  window.__spoken = [];
  const voices = [{name: 'Alva', lang: 'sv-SE', localService: true, default: false},
                  {name: 'Daniel', lang: 'en-GB', localService: true, default: true}];
  Object.defineProperty(window.speechSynthesis, 'getVoices', {value: () => voices});
  // A platform utterance refuses voices that are not the platform's: fake it too.
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  Object.defineProperty(window.speechSynthesis, 'speak', {value: (u) => window.__spoken.push(
      {text: u.text, voice: u.voice && u.voice.name, lang: u.lang})});
"""


def test_listen_reads_the_question_and_answers_with_a_voice_for_the_language(browser, survey_url):
    context = browser.new_context()
    context.add_init_script(FAKE_VOICES)
    page = context.new_page()
    page.goto(survey_url + "/q/health")
    listen = page.get_by_role("button", name="Lyssna")
    assert listen.is_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__spoken") == []  # nothing plays by itself
    listen.click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1
    assert spoken[0]["voice"] == "Alva" and spoken[0]["lang"] == "sv-SE"
    assert spoken[0]["text"].startswith("Hur mår du?")
    assert "Mycket bra" in spoken[0]["text"] and "Vet inte" in spoken[0]["text"]
    context.close()


def test_listen_is_hidden_when_no_voice_speaks_the_language(browser, live_server):
    context = browser.new_context()
    context.add_init_script(FAKE_VOICES)
    page = context.new_page()
    page.goto(f"{live_server}/s/{new_link(language='ar', easy=False)}/q/health")
    page.wait_for_timeout(200)
    assert page.locator("[data-listen]").is_hidden()  # Swedish and English voices only
    context.close()


def test_an_idle_tablet_warns_then_returns_to_neutral(app, browser, live_server):
    app.config.update(TABLET_IDLE_SECONDS=4, TABLET_IDLE_WARNING_SECONDS=2)
    coach = make_user(Role.COACH, "MIA")
    participant = make_participant(coach=coach)
    page = browser.new_page(locale="sv-SE", **TABLET)
    page.goto(f"{live_server}/login")
    page.get_by_label("E-postadress").fill(coach.email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.goto(f"{live_server}/coach/participants/{participant.id}")
    page.get_by_role("button", name="Starta på den här surfplattan").click()
    page.get_by_role("link", name="Börja").click()
    page.locator("main input[type=radio]").nth(1).check()
    page.get_by_role("button", name="Nästa").click()

    dialog = page.get_by_role("dialog", name="Är du kvar?")
    dialog.wait_for(timeout=5000)
    check_page(page)
    page.get_by_role("button", name="Jag är kvar").click()
    assert dialog.is_hidden()
    question = page.url

    page.wait_for_url("**/s/tablet", timeout=10000)
    assert page.get_by_role("heading", name="Lämna plattan").is_visible()
    page.go_back()
    assert page.url == question
    assert page.get_by_role("heading", name="Länken fungerar inte").is_visible()
