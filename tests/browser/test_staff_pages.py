"""Staff pages in real Chromium pass axe-core too: login, coach, evaluator and admin pages."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from survey_app.extensions import db
from survey_app.models import Gender, Participant, Role
from survey_app.services import organisations
from tests.browser.test_participant_pages import assert_no_violations
from tests.conftest import PASSWORD, make_participant, make_user
from tests.evaluator.test_report import answered_steps

#: A page showing the error pattern says so first in its title.
ERROR_TITLE = re.compile(r"^Fel:")


@pytest.fixture
def staff(app):
    coach = make_user(Role.COACH, "MIA/Haninge")
    evaluator = make_user(Role.EVALUATOR, "MIA")
    make_user(Role.ADMIN, "MIA")
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
    expect(page).to_have_title(ERROR_TITLE)
    assert_no_violations(page)
    page.goto(f"{live_server}/coach/")
    page.get_by_role("link", name="HAN-0100").click()
    assert_no_violations(page)  # participant page
    page.get_by_role("button", name="Visa länk och QR-kod").click()
    assert page.get_by_role("heading", name="Enkätlänk för HAN-0100").is_visible()
    assert_no_violations(page)  # link and QR code

    page.goto(f"{live_server}/coach/?status=due&sort=code")
    assert_no_violations(page)  # filtered caseload
    page.goto(f"{live_server}/coach/")
    page.get_by_role("link", name="W0", exact=True).click()
    page.get_by_role("heading", name="W0", exact=True).wait_for()
    chart = page.locator("figure.chart img")
    assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
    assert_no_violations(page)  # participant page with the progress chart
    page.get_by_role("link", name="Registrera avslut").click()
    page.get_by_label("Datum för avslut").fill("")
    page.get_by_role("button", name="Registrera avslut").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert_no_violations(page)  # exit form with errors
    page.get_by_role("link", name="Tillbaka till W0").click()
    page.get_by_role("link", name="Radera deltagaren (samtycket återkallat)").click()
    assert_no_violations(page)  # erasure confirmation
    page.goto(f"{live_server}/account/password")
    assert_no_violations(page)
    page.close()


def test_the_printed_participant_page_has_only_summary_chart_and_table(
    browser, live_server, staff
):
    coach, _ = staff
    page = browser.new_page(locale="sv-SE")
    log_in(page, live_server, coach.email)
    page.get_by_role("link", name="W0", exact=True).click()
    page.get_by_role("heading", name="W0", exact=True).wait_for()
    page.emulate_media(media="print")
    assert page.locator("figure.chart img").is_visible()
    assert page.get_by_role("table", name="Svar över tid").is_visible()
    assert not page.get_by_role("button", name="Visa länk och QR-kod").is_visible()
    assert not page.get_by_role("navigation").first.is_visible()
    page.close()


def test_admin_pages_pass_axe(browser, live_server, staff):
    page = browser.new_page(locale="sv-SE")
    log_in(page, live_server, "admin.mia@stegvis.example")
    assert_no_violations(page)  # administration
    for link in ("Lägg till användare", "Granskningslogg"):
        page.goto(f"{live_server}/admin/")
        page.get_by_role("link", name=link).first.click()
        assert_no_violations(page)
    page.goto(f"{live_server}/admin/")
    page.get_by_role("link", name=staff[0].email).click()
    assert_no_violations(page)  # one user
    page.get_by_role("button", name="Återställ lösenord").click()
    assert_no_violations(page)  # the temporary password, once
    page.goto(f"{live_server}/admin/")
    page.get_by_role("link", name="Mål för MIA/Haninge").click()
    page.get_by_label("Går vidare till arbete eller studier (%)").fill("300")
    page.get_by_role("button", name="Spara målnivåer").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert_no_violations(page)  # targets, with an error
    page.goto(f"{live_server}/admin/")
    page.get_by_role("link", name="Byt namn på MIA/Haninge").click()
    page.get_by_label("Nytt namn").fill("")
    page.get_by_role("button", name="Byt namn").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert_no_violations(page)
    page.get_by_role("link", name="Enkäter", exact=True).click()
    assert_no_violations(page)  # every questionnaire version
    page.get_by_role("link", name="Stegvis självskattning, version 2").click()
    page.get_by_label("Språk").select_option("ar")
    page.get_by_role("button", name="Visa").click()
    assert page.locator('[lang="ar"]').count() == 11
    assert_no_violations(page)  # one version's questions, right to left
    page.close()


def test_the_evaluator_report_passes_axe(browser, live_server, staff):
    _, evaluator = staff
    page = browser.new_page(locale="sv-SE")
    log_in(page, live_server, evaluator.email)
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Förändring per område").is_visible()
    widths = page.locator("img").evaluate_all("images => images.map(i => i.naturalWidth)")
    assert len(widths) == 5 and all(width > 0 for width in widths)  # every chart drew
    assert_no_violations(page)
    page.get_by_role("link", name="Månadsrapport").click()
    assert page.get_by_role("heading", name="Månadsrapport").is_visible()
    assert_no_violations(page)
    page.get_by_label("Månad").fill("mars")
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert_no_violations(page)  # the monthly status, with an error
    page.close()


def test_the_printed_report_says_whom_it_describes_and_leaves_out_the_controls(
    browser, live_server, staff
):
    _, evaluator = staff
    page = browser.new_page(locale="sv-SE")
    log_in(page, live_server, evaluator.email)
    page.goto(f"{live_server}/evaluator/?age_band=25-54")
    summary = page.locator("dl.summary")
    assert not summary.is_visible()  # on screen, the form says it
    page.emulate_media(media="print")
    assert summary.is_visible()
    assert "25–54" in summary.inner_text() and "Alla versioner" in summary.inner_text()
    assert not page.get_by_label("Ålder vid inskrivning").is_visible()
    assert not page.get_by_role("heading", name="Ladda ner tabellerna").is_visible()
    assert page.get_by_role("table", name="Deltagande och svar per kön").is_visible()
    # On A4 (some 700 CSS px inside the margins) no table scrolls sideways, as on
    # screen, where paper would cut off its last columns; one wider than the page
    # makes the browser shrink the page to fit.
    page.set_viewport_size({"width": 700, "height": 1000})
    cut_off = page.locator("main table").evaluate_all(
        """tables => tables.filter(t => t.scrollWidth > t.clientWidth + 1)
            .map(t => t.caption ? t.caption.textContent : "?")""")
    assert cut_off == []
    page.close()


def test_the_row_export_page_passes_axe(browser, live_server, staff):
    _, evaluator = staff
    evaluator.may_export_rows = True
    db.session.commit()
    page = browser.new_page(locale="sv-SE")
    log_in(page, live_server, evaluator.email)
    page.get_by_role("link", name="Pseudonymiserade svar").click()
    assert_no_violations(page)
    page.get_by_label("Inskriven från").fill("2026-05-01")
    page.get_by_label("Inskriven till").fill("2026-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Ladda ner").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert_no_violations(page)  # with an error
    page.close()


def test_the_api_tokens_page_passes_axe(browser, live_server, staff):
    _, evaluator = staff
    page = browser.new_page(locale="sv-SE")
    log_in(page, live_server, evaluator.email)
    page.get_by_role("link", name="API-nycklar").click()
    assert_no_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa nyckel").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert_no_violations(page)  # with an error
    page.get_by_label("Namn").fill("R-skript")
    with page.expect_navigation():
        page.get_by_role("button", name="Skapa nyckel").click()
    assert page.get_by_role("heading", name="Din nya nyckel").is_visible()
    assert_no_violations(page)  # the new token and the list
    page.close()


def test_the_paper_import_passes_axe(browser, live_server, staff, tmp_path):
    admin = make_user(Role.ADMIN, "MIA/Haninge")
    wrong = tmp_path / "fel.csv"
    wrong.write_text("participant,occasion,followup,answered_on,step\nHAN-0100,intake,,x,9\n")
    page = browser.new_page(locale="sv-SE")
    log_in(page, live_server, admin.email)
    page.get_by_role("link", name="Importera pappersenkäter").click()
    assert_no_violations(page)
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(str(wrong))
    page.get_by_role("button", name="Kontrollera och importera").click()
    expect(page).to_have_title(ERROR_TITLE)
    assert page.get_by_role("heading", name="Ingenting importerades").is_visible()
    assert page.locator("table.figures tbody tr").count() == 10  # the questions' columns
    assert_no_violations(page)  # every problem listed
    page.close()



def test_the_html_export_passes_axe(browser, app, staff, runner, tmp_path):
    out = tmp_path / "report.html"
    result = runner.invoke(args=["report", "--scope", "MIA", "--format", "html",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = browser.new_page(locale="sv-SE")
    page.goto(out.as_uri())
    widths = page.locator("img").evaluate_all("images => images.map(i => i.naturalWidth)")
    assert len(widths) == 5 and all(width > 0 for width in widths)
    assert_no_violations(page)
    page.close()


#: Organisations are named as real ones are: the long paths fill selects and summaries.
LONG_PATH = "Samordningsförbundet Östra Södertörn/Arbetslivsinriktad rehabilitering Haninge"


@pytest.fixture
def staff_of_a_long_named_organisation(app):
    """A coach, an evaluator and an admin, and the pages each of them works on."""
    coach, evaluator, admin = (make_user(role, LONG_PATH, f"{role.value}@sodertorn.example")
                               for role in (Role.COACH, Role.EVALUATOR, Role.ADMIN))
    evaluator.may_export_rows = True
    for i in range(6):
        answered_steps(f"W{i}", Gender.WOMAN, [2, 3 + i % 3], org=LONG_PATH)
        answered_steps(f"M{i}", Gender.MAN, [3, 3 + i % 2], org=LONG_PATH)
    person = make_participant("HAN-0200", LONG_PATH, coach=coach)
    answered = db.session.scalar(sa.select(Participant.id).where(Participant.code == "W0"))
    organisation = organisations.add(f"{LONG_PATH}/Arbetsträning och praktik").id
    db.session.commit()
    return {
        coach.email: ["/coach/", f"/coach/participants/{person.id}", "/coach/participants/new",
                      f"/coach/participants/{answered}",
                      f"/coach/participants/{person.id}/exit",
                      f"/coach/participants/{person.id}/details",
                      f"/coach/participants/{person.id}/erase", "/account/password"],
        evaluator.email: ["/evaluator/", "/evaluator/monthly", "/evaluator/answers",
                          "/evaluator/tokens"],
        admin.email: ["/admin/", "/admin/users/new", "/admin/audit", "/admin/import",
                      f"/admin/organisations/{organisation}",
                      f"/admin/organisations/{organisation}/targets", f"/admin/users/{coach.id}"],
    }


def test_staff_pages_reflow_without_sideways_scrolling(
    browser, live_server, staff_of_a_long_named_organisation
):
    """A coach on a phone, or anyone with large text: 320 px wide, and text at 200 %.

    Tables may scroll sideways inside themselves; the page may not.
    """
    scrolling = []
    for email, paths in staff_of_a_long_named_organisation.items():
        page = browser.new_page(locale="sv-SE")
        log_in(page, live_server, email)
        for width, text_size in ((320, "100%"), (320, "200%"), (640, "200%")):
            page.set_viewport_size({"width": width, "height": 640})
            for path in paths:
                page.goto(live_server + path)
                assert page.url == live_server + path  # shown, not refused or sent on
                page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if overflow > 0:
                    scrolling.append(f"{path} by {overflow}px at {width}px, text {text_size}")
        page.close()
    assert scrolling == []


def test_staff_pages_break_no_rule_of_the_content_security_policy(
    browser, live_server, staff_of_a_long_named_organisation
):
    """What the policy refuses is dropped without a word: a style attribute the
    policy forbids once drew the coach's progress chart as a black box."""
    console, refused = [], []
    for email, paths in staff_of_a_long_named_organisation.items():
        page = browser.new_page(locale="sv-SE")
        page.on("console", lambda message: console.append(message.text))
        log_in(page, live_server, email)
        for path in paths:
            console.clear()
            page.goto(live_server + path)
            refused += [f"{path}: {text}" for text in console if "Content Security Policy" in text]
        page.close()
    assert refused == []
