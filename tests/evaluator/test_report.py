"""The evaluator's step-movement report, computed from answers given through the app."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from survey_app.extensions import db
from survey_app.models import ExitOutcome, Gender, IncomeSource, OccasionKind, Occupation, Role
from survey_app.services import clock, enrolment, organisations
from tests.conftest import drawn_texts, make_participant, make_user, signed_in, submit_answers

HOME = "MIA/Östra Södertörn"


def answered_steps(
    code: str, gender: Gender, steps: list[int], org: str = f"{HOME}/Haninge", **options
):
    """Enrol a participant and record their ladder step at intake and each follow-up
    (by default enrolled so that the last follow-up is due about now)."""
    enrolled = options.pop("enrolled_on", clock.today() - timedelta(days=95 * (len(steps) - 1)))
    participant = make_participant(code, org, gender=gender, enrolled_on=enrolled, **options)
    for index, step in enumerate(steps):
        kind = OccasionKind.INTAKE if index == 0 else OccasionKind.FOLLOWUP
        submit_answers(participant, kind, {"step": str(step)}, sequence=index, default="2")


@pytest.fixture
def evaluator_client(app):
    # Women: +2 +1 0 +1 +1 → mean 1.0, median 1, 4 of 5 up.
    for i, steps in enumerate([[1, 3], [2, 3], [3, 3], [2, 3], [1, 2]]):
        answered_steps(f"W{i}", Gender.WOMAN, steps)
    # Men: 0 0 +1 −1 0 +2 → mean 1/3, median 0.
    for i, steps in enumerate([[2, 2], [3, 3], [1, 2], [4, 3], [2, 2], [1, 1, 3]]):
        answered_steps(f"M{i}", Gender.MAN, steps)
    # Elsewhere: must never show up in this evaluator's figures.
    for i in range(6):
        answered_steps(f"B{i}", Gender.WOMAN, [1, 7], org="Finsam Väst/Borås")
    evaluator = make_user(Role.EVALUATOR, HOME)
    return signed_in(app, evaluator)


def cells(page: str, label: str) -> list[str]:
    row = page.split(f'<th scope="row">{label}</th>', 1)[1].split("</tr>", 1)[0]
    return [cell.split("</td>")[0].strip() for cell in re.split(r"<td[^>]*>", row)[1:]]


def monthly_figures(page: str, month: str, kind: str) -> dict[str, str]:
    """The monthly table's figures for ``month`` ("2026-11") of one kind ("Inskrivna",
    "Avslutade"), by group: {"kvinnor": "7", …, "totalt": "21"}."""
    table = page.split("Deltagare inskrivna och avslutade per månad")[1].split("</table>")[0]
    headings = re.findall(r'<th scope="col">([^<]+)</th>', table)[1:]
    row = table.split(f">{month}</th>")[1].split("</tr>")[0]
    figures = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    return {heading.removeprefix(f"{kind}: "): figure
            for heading, figure in zip(headings, figures, strict=True)
            if heading.startswith(f"{kind}: ")}


def test_small_groups_show_their_size_and_nothing_that_gives_their_counts_away(
    evaluator_client,
):
    page = evaluator_client.get("/evaluator/").get_data(as_text=True)
    # n, mean, median, up, unchanged, down. Every outcome count is under 5 for each
    # gender, so every share is "–", never 0. The means and medians are "–" too: with
    # moves of one step, a mean beside the counts shown would give the others back.
    assert cells(page, "Kvinnor") == ["5", "–", "–", "–", "–", "–"]
    assert cells(page, "Män") == ["6", "–", "–", "–", "–", "–"]
    # Total: 6 up, 4 unchanged, 1 down; the 4 and the 1 are hidden.
    assert cells(page, "Totalt") == ["11", "–", "–", "55\xa0%", "–", "–"]
    assert "Borås" not in page
    # No organisation chosen means the evaluator's own, not a mistake to point out.
    assert "error-summary" not in page
    assert "<title>Fel:" not in page


def test_a_subproject_can_be_chosen_within_scope(evaluator_client):
    haninge = organisations.find(f"{HOME}/Haninge")
    page = evaluator_client.get(f"/evaluator/?organisation={haninge.id}").get_data(as_text=True)
    assert f"{HOME}/Haninge" in page
    boras = organisations.find("Finsam Väst/Borås")
    assert evaluator_client.get(f"/evaluator/?organisation={boras.id}").status_code == 404
    assert evaluator_client.get("/evaluator/?organisation=abc").status_code == 404


def test_every_chart_is_an_image_with_a_text_alternative_and_downloads(app, evaluator_client):
    # The page's charts are drawn in worker processes, a download in the web process:
    # the same chart either way.
    app.config["CHART_PROCESSES"] = 2
    page = evaluator_client.get("/evaluator/").get_data(as_text=True)
    # Drawn into the page from the report it shows, not fetched (and computed) again.
    images = re.findall(
        r'<img src="data:image/svg\+xml;base64,([^"]+)" width="\d+" height="\d+" alt="([^"]+)"',
        page,
    )
    assert len(images) == 5
    assert all("samma siffror" in alt.lower() for _, alt in images)  # the numbers: in a table
    drawn = [base64.b64decode(data) for data, _ in images]
    for svg in drawn:
        ET.fromstring(svg)  # noqa: S314 - our own chart
    assert any(b"Kvinnor, inskrivning" in svg for svg in drawn)
    # Numbers in the charts are typeset like the tables beside them: "0,5", not "0.5".
    texts = [text for svg in drawn for text in drawn_texts(svg)]
    assert any(re.search(r"\d,\d", text) for text in texts)
    assert not [text for text in texts if re.search(r"\d\.\d", text)]

    downloads = sorted(set(re.findall(r'href="(/evaluator/charts/(\w+)\.(svg|png)[^"]*)"', page)))
    assert sorted({name for _, name, _ in downloads}) == [
        "domains", "monthly", "steps", "targets", "transitions"
    ]
    for url, _, fmt in downloads:
        chart = evaluator_client.get(url.replace("&amp;", "&"))
        assert chart.status_code == 200
        assert chart.headers["Content-Disposition"].startswith("attachment; filename=")
        if fmt == "svg":
            assert chart.mimetype == "image/svg+xml" and chart.data in drawn
        else:
            assert chart.mimetype == "image/png" and chart.data.startswith(b"\x89PNG")
    assert evaluator_client.get("/evaluator/charts/steps.gif").status_code == 404
    assert evaluator_client.get("/evaluator/charts/secrets.svg").status_code == 404


def test_the_report_shows_tests_and_attrition(evaluator_client):
    page = evaluator_client.get("/evaluator/").get_data(as_text=True)
    # Five women and six men: their counts are hidden, and so are their tests.
    tests = page.split("Är förflyttningen mer än slumpen?")[1]
    assert cells(tests, "Kvinnor") == ["Visas inte: det skulle avslöja antal som är dolda."]
    assert "Kvinnor och män jämförs inte: det skulle avslöja antal som är dolda." in page
    # Attrition: 11 enrolled in scope, all answered intake and one follow-up.
    assert cells(page, "Inskrivna")[-1] == "11"
    assert cells(page, "Svarat vid minst en uppföljning")[-1] == "11"
    assert cells(page, "Svarat vid avslut") == ["–", "–", "–"]


def test_with_enough_participants_the_figures_tests_and_comparison_appear(app):
    # At least five moved up, stayed and moved down in each group, so nothing is hidden.
    # Women: +1 ×8, +2 ×2, 0 ×5, −1 ×5 → n 20, sum 7, mean 0,35; sorted, −1 fill places
    #   1–5, 0 places 6–10, +1 places 11–18 → median (0 + 1) / 2 = 0,5.
    # Men: +1 ×5, 0 ×5, −1 ×5 → n 15, mean 0, median 0.
    # Total: n 35, sum 7, mean 0,2; −1 fill places 1–10, 0 places 11–20 → median 0.
    women = [1] * 8 + [2] * 2 + [0] * 5 + [-1] * 5
    men = [1] * 5 + [0] * 5 + [-1] * 5
    for gender, moves in ((Gender.WOMAN, women), (Gender.MAN, men)):
        for i, move in enumerate(moves):
            answered_steps(f"{gender.value}{i}", gender, [3, 3 + move])
    client = signed_in(app, make_user(Role.EVALUATOR, HOME))
    page = client.get("/evaluator/").get_data(as_text=True)
    # One decimal in the table: 0,35 is shown as 0,4.
    assert cells(page, "Kvinnor") == ["20", "0,4", "0,5", "50\xa0%", "25\xa0%", "25\xa0%"]
    assert cells(page, "Män") == ["15", "0,0", "0,0", "33\xa0%", "33\xa0%", "33\xa0%"]
    assert cells(page, "Totalt")[:3] == ["35", "0,2", "0,0"]
    tests = page.split("Är förflyttningen mer än slumpen?")[1]
    assert cells(tests, "Kvinnor")[0].startswith("0,35 (")
    assert cells(tests, "Män")[0].startswith("0,00 (")
    assert "Kvinnor jämfört med män: Cliffs delta" in page


def test_the_report_says_why_women_or_men_lose_figures_to_a_few_others(app):
    # Five women and five men each moved up, stayed and moved down: nothing is small,
    # so every figure is shown and there is nothing to explain.
    explanation = "Totalen minus kvinnor och män ger siffrorna för dem med annat"
    moves = {"up": [2, 3], "stayed": [3, 3], "down": [3, 2]}
    for gender in (Gender.WOMAN, Gender.MAN):
        for move, steps in moves.items():
            for i in range(5):
                answered_steps(f"{gender.value}-{move}-{i}", gender, steps)
    client = signed_in(app, make_user(Role.EVALUATOR, HOME))
    page = client.get("/evaluator/").get_data(as_text=True)
    assert "–" not in cells(page, "Kvinnor") + cells(page, "Män")
    assert explanation not in page

    # Six of another gender: three moved up, three stayed. Enrolled 15, 15 and 6 of
    # 36, all shown, so the total less women and men gives the six: their 3, 3 and 0
    # are hidden, and so are some of the women's or men's figures beside them.
    for move in ("up", "stayed"):
        for i in range(3):
            answered_steps(f"other-{move}-{i}", Gender.OTHER, moves[move])
    page = client.get("/evaluator/").get_data(as_text=True)
    assert "–" in cells(page, "Kvinnor") + cells(page, "Män")
    assert explanation in page


def test_domain_change_is_scored_from_the_answers(evaluator_client):
    # Every scale answer in the fixture is "2" at both occasions: no change anywhere.
    page = evaluator_client.get("/evaluator/").get_data(as_text=True)
    section = page.split("Förändring per område")[1].split("Vilka saknas i siffrorna")[0]
    for area in ("Arbetsförmåga", "Självskattad hälsa", "Inflytande över sin rehabilitering"):
        assert area in section
    # Six men at +0: n 6 published; the mean change is exactly zero.
    assert "0,00" in section
    # The follow-up-only statements have no intake score, so no change is reported.
    assert "Närmare arbete eller studier" not in section


def test_the_domain_chart_shows_everyone_where_women_and_men_are_hidden(app):
    # Influence up one step for 12 women and 3 men. The men's 3 is hidden, and the
    # women's 12 with it (the total less 12 would give the 3): in the table only the
    # total's change is shown, and the chart must draw it rather than nothing.
    for gender, count in ((Gender.WOMAN, 12), (Gender.MAN, 3)):
        for i in range(count):
            participant = make_participant(f"{gender.value}-{i}", f"{HOME}/Haninge",
                                           gender=gender,
                                           enrolled_on=clock.today() - timedelta(days=100))
            submit_answers(participant, OccasionKind.INTAKE, {"influence": "2"})
            submit_answers(participant, OccasionKind.FOLLOWUP, {"influence": "3"})
    client = signed_in(app, make_user(Role.EVALUATOR, HOME))
    page = client.get("/evaluator/").get_data(as_text=True)
    section = page.split("Förändring per område")[1].split("<img")[0]
    influence = section.split("Inflytande över sin rehabilitering")[1]
    assert cells(influence, "Kvinnor")[1] == "–" and cells(influence, "Män")[1] == "–"
    assert cells(influence, "Totalt")[1].startswith("1,00")
    charts = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"[^>]* alt="([^"]+)"', page)
    chart = next(base64.b64decode(data) for data, alt in charts if "varje område" in alt)
    texts = drawn_texts(chart)
    # Women and men keep their place, marked hidden in every area; so a downloaded
    # chart does not read as though there were none.
    assert {"Kvinnor", "Män", "Totalt", "Dolt (små grupper)"} <= set(texts)
    areas = len(re.findall(r'<th scope="row"[^>]*>Totalt</th>', section))
    assert texts.count("–") == 2 * areas


def test_the_monthly_table_gives_gender_not_stated_where_that_hides_nothing_else(app):
    for gender, count in ((Gender.WOMAN, 7), (Gender.MAN, 8), (Gender.NOT_STATED, 6)):
        for i in range(count):
            make_participant(f"{gender.value[0].upper()}{i}", f"{HOME}/Haninge", gender=gender)
    client = signed_in(app, make_user(Role.EVALUATOR, HOME))

    def enrolled_this_month() -> dict[str, str]:
        page = client.get("/evaluator/").get_data(as_text=True)
        return monthly_figures(page, f"{clock.today():%Y-%m}", "Inskrivna")

    assert enrolled_this_month() == {
        "kvinnor": "7", "män": "8", "uppgift saknas": "6", "totalt": "21",
    }
    # One of another gender: attrition hides them and, beside them, the 6 not stated;
    # here the other genders are counted in the total only, and women and men keep
    # their figures.
    make_participant("O1", f"{HOME}/Haninge", gender=Gender.OTHER)
    assert enrolled_this_month() == {"kvinnor": "7", "män": "8", "totalt": "22"}


def test_the_monthly_table_never_adds_up_to_a_count_attrition_hides(app):
    this_month = clock.today().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    for month in (last_month, this_month):
        for gender, count in ((Gender.WOMAN, 9), (Gender.MAN, 9), (Gender.NOT_STATED, 6)):
            for i in range(count):
                make_participant(f"{gender.value[:2].upper()}{month:%m}{i}", f"{HOME}/Haninge",
                                 gender=gender, enrolled_on=month)
    client = signed_in(app, make_user(Role.EVALUATOR, HOME))

    def monthly_headings() -> list[str]:
        page = client.get("/evaluator/").get_data(as_text=True)
        return list(monthly_figures(page, f"{this_month:%Y-%m}", "Inskrivna"))

    assert monthly_headings() == ["kvinnor", "män", "uppgift saknas", "totalt"]
    # One of another gender, enrolled before the months the table covers: attrition
    # hides the 12 not stated beside them, and the table's sixes would add up to it.
    make_participant("OT1", f"{HOME}/Haninge", gender=Gender.OTHER,
                     enrolled_on=this_month.replace(year=this_month.year - 3))
    page = client.get("/evaluator/").get_data(as_text=True)
    assert cells(page, "Inskrivna") == ["18", "18", "49"]  # not stated and other: hidden
    assert monthly_headings() == ["kvinnor", "män", "totalt"]


def test_the_monthly_exits_never_add_up_to_a_count_a_target_hides(app):
    # Exits this month: women 5, men 6, not stated 8 and 2 of another gender. The
    # work-or-studies target counts exited participants: it hides the 2 and, as the
    # smallest beside them, the women's 5.
    exits = {Gender.WOMAN: 5, Gender.MAN: 6, Gender.NOT_STATED: 8, Gender.OTHER: 2}
    for gender, count in exits.items():
        for i in range(count):
            participant = make_participant(f"{gender.value[:2].upper()}{i}", f"{HOME}/Haninge",
                                           gender=gender,
                                           enrolled_on=clock.today() - timedelta(days=100))
            enrolment.record_exit(
                participant, exited_on=clock.today(), outcome=ExitOutcome.WORK, actor=None,
                today=clock.today(),
                circumstances=enrolment.Circumstances(Occupation.WORK, IncomeSource.SALARY))
    db.session.commit()
    client = signed_in(app, make_user(Role.EVALUATOR, HOME))
    page = client.get("/evaluator/").get_data(as_text=True)
    work = page.split("Går vidare till arbete eller studier")[1]
    assert cells(work, "Kvinnor")[0] == "–" and cells(work, "Män")[0] == "6"

    exited = monthly_figures(page, f"{clock.today():%Y-%m}", "Avslutade")
    # The month's 5 women would be the target's hidden 5, and give away the 2.
    assert exited["kvinnor"] == "–" and exited["totalt"] == "21"
