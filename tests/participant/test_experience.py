"""What a participant meets: easy-read pages, languages, review, errors, pictures, safety."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from questionnaires import readability
from survey_app.extensions import db
from survey_app.models import Answer, Response
from tests.conftest import csrf_token, make_participant
from tests.participant.test_flow import INTAKE_ITEMS, answer, answer_all, issue_link, saved_answers


class VisibleText(HTMLParser):
    """The text a reader meets in <main>, one entry per block (heading, label, button …)."""

    BLOCKS = {"h1", "h2", "p", "li", "label", "button", "a", "dt", "dd", "legend", "span"}

    def __init__(self) -> None:
        super().__init__()
        self.in_main = 0
        self.texts: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        if tag == "main":
            self.in_main += 1
        if self.in_main and tag in self.BLOCKS:
            self.texts.append("")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "main":
            self.in_main -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif self.in_main and self.texts:
            self.texts[-1] += data


def reader_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.texts if text.strip()]


def page_title(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.title.split())


@pytest.fixture
def token(app) -> str:
    return issue_link(make_participant())


def test_every_easy_read_question_page_is_easy_to_read(client, token):
    """LIX ≤ 25 for a question with its hint and every answer it offers (don't know too)."""
    for item_id in INTAKE_ITEMS:
        page = client.get(f"/s/{token}/q/{item_id}").get_data(as_text=True)
        texts = [t for t in reader_text(page) if t not in ("Tillbaka", "Nästa", "Lyssna")
                 and not t.startswith("Fråga ")]
        question, *rest = texts
        assert len(readability.words(question)) <= readability.QUESTION_WORD_LIMIT, question
        assert not readability.long_sentences(texts), item_id
        assert readability.measure(texts).lix <= readability.QUESTION_LIX_LIMIT, (item_id, texts)


def test_every_easy_read_information_page_is_easy_to_read(client, token):
    """LIX ≤ 30 and no sentence over 15 words, on every page that is not a question."""
    answer_all(client, token)
    pages = {
        "welcome": f"/s/{issue_link(make_participant('HAN-0002'))}",
        "review": f"/s/{token}/send",
        "help": "/s/help",
        "accessibility": "/s/accessibility",
        "tablet code": "/s/code",
        "give back": "/s/tablet",
        "thanks": "/s/thanks",
        "dead link": "/s/not-a-link",
    }
    for name, url in pages.items():
        page = client.get(url).get_data(as_text=True)
        texts = reader_text(page)
        if name == "review":  # the questions and answers are measured on their own pages
            texts = [t for t in texts if "Ändra" not in t][:3]
        assert texts, name
        assert not readability.long_sentences(texts), (name, readability.long_sentences(texts))
        assert readability.measure(texts).lix <= readability.PAGE_LIX_LIMIT, (
            name, readability.measure(texts).lix)


def switch(client, path: str, **choice: str):
    return client.post("/s/display", data={
        "csrf_token": csrf_token(client, path), "next": path, **choice})


def test_switching_language_mid_questionnaire_keeps_every_answer(client, token):
    answer(client, token, "step", "4")
    answer(client, token, "work_ability", "3")
    switched = switch(client, f"/s/{token}/q/readiness", language="ar")
    assert switched.headers["Location"] == f"/s/{token}/q/readiness"  # the same page

    page = client.get(f"/s/{token}/q/readiness").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "أشعر أنني مستعد لبدء العمل أو الدراسة." in page
    assert "السؤال 3 من 9" in page  # the interface speaks Arabic too
    back = client.get(f"/s/{token}/q/work_ability").get_data(as_text=True)
    assert re.search(r'<input checked [^>]*value="3"', back)  # still there

    answer(client, token, "readiness", "2")
    saved = saved_answers()
    assert {i: saved[i].value for i in ("step", "work_ability", "readiness")} == {
        "step": 4, "work_ability": 3, "readiness": 2}
    assert saved["step"].language == "sv-easy"
    assert saved["readiness"].language == "ar"  # what the participant actually read


def test_easy_read_can_be_switched_off_and_on(client, token):
    page = client.get(f"/s/{token}/q/step").get_data(as_text=True)
    assert "Var på stegen är du i dag?" in page
    switch(client, f"/s/{token}/q/step", easy_read="off")
    page = client.get(f"/s/{token}/q/step").get_data(as_text=True)
    assert "Var på stegen mot arbete eller studier befinner du dig i dag?" in page
    assert 'value="on">Lättläst</button>' in page
    switch(client, f"/s/{token}/q/step", easy_read="on")
    assert "Var på stegen är du i dag?" in client.get(f"/s/{token}/q/step").get_data(as_text=True)


def test_the_next_participant_on_this_browser_starts_in_their_own_language(app, client, token):
    switch(client, f"/s/{token}/q/step", language="ar")
    other = issue_link(make_participant("HAN-0002", language="en", prefers_easy_read=False))
    page = client.get(f"/s/{other}/q/step").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page


def test_pictures_can_be_switched_off_and_the_labels_stay(client, token):
    page = client.get(f"/s/{token}/q/health").get_data(as_text=True)
    assert page.count('data-pictogram="face-') == 5
    assert 'aria-hidden="true"' in page
    switch(client, f"/s/{token}/q/health", pictograms="off")
    page = client.get(f"/s/{token}/q/health").get_data(as_text=True)
    assert "data-pictogram=" not in page
    for label in ("Mycket dåligt", "Dåligt", "Okej", "Bra", "Mycket bra"):
        assert f"<span data-listen-text>{label}</span>" in page


def test_the_ladder_marks_the_chosen_step(client, token):
    answer(client, token, "step", "5")
    page = client.get(f"/s/{token}/q/step").get_data(as_text=True)
    chosen = re.findall(r'<li class="ladder-step is-chosen">.*?</li>', page, re.S)
    assert len(chosen) == 1 and "Steg 5" in chosen[0]


def test_every_question_offers_dont_know_and_dont_want_to_answer(client, token):
    for item_id in INTAKE_ITEMS[:-1]:
        page = client.get(f"/s/{token}/q/{item_id}").get_data(as_text=True)
        assert ">Vet inte</span>" in page and ">Vill inte svara</span>" in page, item_id
    answer(client, token, "health", "declined")
    assert saved_answers()["health"].missing_reason.value == "declined"
    assert saved_answers()["health"].value is None


def test_the_review_page_lists_every_answer_and_changes_come_back_to_it(client, token):
    answer_all(client, token)
    review = client.get(f"/s/{token}/send").get_data(as_text=True)
    assert "Titta på dina svar" in review
    assert "Jag gör saker som hjälper mig framåt." in review  # step 4, as the participant read it
    assert review.count(">Ändra<") == len(INTAKE_ITEMS)
    assert "Inget svar" in review  # the skipped comment

    change = f"/s/{token}/q/health?return=review"
    assert f'href="{change}"' in review
    page = client.get(change).get_data(as_text=True)
    assert f'href="/s/{token}/send">Tillbaka' in page.replace('class="back-link" ', "")
    moved = client.post(change, data={"csrf_token": csrf_token(client, change), "answer": "5"})
    assert moved.headers["Location"] == f"/s/{token}/send"
    assert saved_answers()["health"].value == 5
    assert db.session.scalar(sa.select(Response.submitted_at)) is None  # not sent yet


def test_a_missing_answer_follows_the_error_pattern(client, token):
    url = f"/s/{token}/q/health"
    page = client.post(url, data={"csrf_token": csrf_token(client, url)}).get_data(as_text=True)
    assert page_title(page).startswith("Fel: ")
    summary = page.index('class="error-summary"')
    assert summary < page.index("<fieldset")  # the summary comes first
    assert 'href="#answer-0">Välj ett svar.</a>' in page  # links to the first answer
    assert 'id="answer-0"' in page
    assert 'id="answer-error"' in page and 'aria-describedby="answer-error"' in page


def test_choosing_an_answer_never_moves_on_by_itself(client, token):
    page = client.get(f"/s/{token}/q/health").get_data(as_text=True)
    assert "onchange" not in page and "autosubmit" not in page
    assert page.count('type="submit"') >= 1


def test_help_and_accessibility_are_linked_from_every_participant_page(client, token):
    for url in (f"/s/{token}", f"/s/{token}/q/step", "/s/thanks", "/s/code", "/s/nope"):
        page = client.get(url).get_data(as_text=True)
        assert ">Få hjälp</a>" in page and ">Tillgänglighet</a>" in page, url
    statement = client.get("/s/accessibility").get_data(as_text=True)
    for part in ("WCAG 2.2", "Det här fungerar inte bra", "Så testar vi",
                 "tillganglighet@stegvis.invalid", "https://www.digg.se/tdosanmalan"):
        assert part in statement


def test_help_goes_back_only_to_our_own_pages(client, token):
    page = client.get(f"/s/help?next=/s/{token}/q/step").get_data(as_text=True)
    assert f'href="/s/{token}/q/step"' in page
    for evil in ("https://evil.example/", "//evil.example/s/", "/coach/"):
        page = client.get("/s/help", query_string={"next": evil}).get_data(as_text=True)
        assert "evil" not in page and 'href="/coach/"' not in page


@pytest.mark.parametrize("choice", [
    {"language": "xx", "next": "/s/help"},
    {"language": "en", "next": "https://evil.example/"},
    {"language": "en", "next": "//evil.example"},
    {"easy_read": "maybe", "next": "/s/help"},
    {"language": "en"},
])
def test_a_tampered_display_choice_changes_nothing(client, token, choice):
    url = f"/s/{token}/q/step"
    response = client.post("/s/display", data={"csrf_token": csrf_token(client, url), **choice})
    assert response.status_code == 400
    assert "Försök igen" in response.get_data(as_text=True)
    assert '<html lang="sv"' in client.get(url).get_data(as_text=True)


def test_an_answer_posted_after_sending_changes_nothing(client, token):
    answer_all(client, token)
    url = f"/s/{token}/q/health"
    stale_csrf = csrf_token(client, url)
    send = f"/s/{token}/send"
    client.post(send, data={"csrf_token": csrf_token(client, send)})
    before = {a.item_id: (a.value, a.answered_at) for a in saved_answers().values()}
    replay = client.post(url, data={"csrf_token": stale_csrf, "answer": "1"})
    assert replay.status_code == 404
    assert "Länken fungerar inte" in replay.get_data(as_text=True)
    assert {a.item_id: (a.value, a.answered_at) for a in saved_answers().values()} == before


def test_a_page_built_in_one_language_can_be_posted_after_switching(client, token):
    url = f"/s/{token}/q/health"
    form_csrf = csrf_token(client, url)  # the Swedish page is open in one tab …
    switch(client, url, language="en")  # … and English chosen in another
    assert client.post(url, data={"csrf_token": form_csrf, "answer": "4"}).status_code == 302
    assert saved_answers()["health"].value == 4
    assert saved_answers()["health"].language == "en"


def test_answers_never_reach_the_log_urls_or_titles(app, client, token, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Min hemliga kommentar 4711"
    answer_all(client, token)
    answer(client, token, "comment", secret)
    review = client.get(f"/s/{token}/send")
    assert secret in review.get_data(as_text=True)  # shown to the participant …
    assert secret not in page_title(review.get_data(as_text=True))
    answer(client, token, "comment", "x" * 5000)  # … an error on the way …
    assert secret not in caplog.text and "x" * 100 not in caplog.text  # … never logged
    for saved in db.session.scalars(sa.select(Answer)):
        assert saved.item_id in INTAKE_ITEMS
