"""An administrator sees every questionnaire version, how far it is used, and its questions."""

from __future__ import annotations

import re

import pytest

from survey_app.models import OccasionKind, Role
from tests.conftest import make_participant, make_user, signed_in, submit_answers

HOME = "MIA/Östra Södertörn"
OTHER = "Finsam Väst/Borås"


@pytest.fixture
def admin_client(app):
    return signed_in(app, make_user(Role.ADMIN, HOME))


def facts(page: str, heading: str) -> dict[str, str]:
    """The terms and descriptions listed under a version's heading."""
    section = page.split(heading, 1)[1].split("</dl>", 1)[0]
    pairs = re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", section, flags=re.S)
    return {term: re.sub(r"\s+", " ", description).strip() for term, description in pairs}


def test_the_list_shows_each_version_and_the_responses_in_the_admins_tree(app, admin_client):
    for code in ("A1", "A2"):
        submit_answers(make_participant(code, f"{HOME}/Haninge"), OccasionKind.INTAKE, {})
    submit_answers(make_participant("A3", f"{HOME}/Nynäshamn"), OccasionKind.INTAKE, {},
                   send=False)
    submit_answers(make_participant("B1", OTHER), OccasionKind.INTAKE, {})  # not theirs

    page = admin_client.get("/admin/questionnaires").get_data(as_text=True)
    newest = "Stegvis självskattning, version 2"
    oldest = "Stegvis självskattning, version 1"
    assert page.index(newest) < page.index(oldest)
    assert facts(page, newest) == {
        "Frågas vid": "Inskrivning, Uppföljning, Avslut",
        "Språk": "svenska; svenska, lättläst; engelska; arabiska",
        "Frågor": "11",
        "Inskickade svar": f"2 (det senaste {submitted_on(page)})",
        "Påbörjade, inte inskickade": "1",
    }
    assert facts(page, oldest)["Inskickade svar"] == "0"
    assert facts(page, oldest)["Språk"] == "svenska; svenska, lättläst; engelska"
    # Only the version new answers use says so.
    assert page.count("Nya svar använder den här versionen.") == 1
    assert page.index("Nya svar använder den här versionen.") < page.index(oldest)
    assert 'href="/admin/questionnaires/stegvis/1"' in page


def submitted_on(page: str) -> str:
    return re.search(r"det senaste (\d{4}-\d\d-\d\d)", page)[1]


def test_a_version_reads_as_participants_see_it_in_each_of_its_languages(admin_client):
    page = admin_client.get("/admin/questionnaires/stegvis/2").get_data(as_text=True)
    # Swedish first: the first of the version's languages.
    assert "Var på stegen mot arbete eller studier befinner du dig i dag?" in page
    assert "Jag arbetar eller studerar." in page
    assert "Område: Steg på stegen." in page
    assert "Besvaras med deltagarens egna ord." in page  # the free-text question
    assert re.search(r"<code>[0-9a-f]{64}</code>", page)  # the file every answer records
    assert 'href="/admin/import/template/stegvis/2.xlsx"' in page

    arabic = admin_client.get("/admin/questionnaires/stegvis/2?language=ar")
    text = arabic.get_data(as_text=True)
    assert arabic.status_code == 200
    assert 'lang="ar" dir="rtl"' in text and "أعمل أو أدرس." in text
    easy = admin_client.get("/admin/questionnaires/stegvis/2?language=sv-easy")
    assert 'lang="sv" dir="ltr"' in easy.get_data(as_text=True)
    assert "Jag jobbar eller studerar." in easy.get_data(as_text=True)


def test_a_language_the_version_lacks_is_explained_and_swedish_shown(admin_client):
    response = admin_client.get("/admin/questionnaires/stegvis/1?language=ar")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Välj ett av enkätens språk." in page
    assert "Jag arbetar eller studerar." in page


def test_a_version_there_is_not_is_not_found(admin_client):
    assert admin_client.get("/admin/questionnaires/stegvis/9").status_code == 404
    assert admin_client.get("/admin/questionnaires/nothing/1").status_code == 404
