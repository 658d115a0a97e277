"""survey-app report: the JSON document, its filters, and that nothing hidden leaks."""

from __future__ import annotations

import json
from datetime import date, timedelta

from survey_app.models import Gender, Role
from survey_app.services import clock
from tests.conftest import make_user, signed_in
from tests.evaluator.test_report import HOME, answered_steps, cells, monthly_figures


def figures(document: object):
    """Every {"value", "suppressed"} figure anywhere in the document."""
    if isinstance(document, dict):
        if set(document) == {"value", "suppressed"}:
            yield document
        else:
            for value in document.values():
                yield from figures(value)
    elif isinstance(document, list):
        for value in document:
            yield from figures(value)


def make_cohorts() -> None:
    # Twelve women and twelve men enrolled about 3 months ago, six women about 9 months ago.
    for i in range(12):
        answered_steps(f"W{i}", Gender.WOMAN, [2, 3 if i < 8 else 4])
        answered_steps(f"M{i}", Gender.MAN, [3, 3 if i < 8 else 4])
    for i in range(6):
        answered_steps(f"E{i}", Gender.WOMAN, [1, 2, 3, 4])


def test_the_json_report_has_the_documented_shape_and_hides_small_cells(app, runner):
    make_cohorts()
    result = runner.invoke(args=["report", "--scope", HOME])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert {"scope", "filters", "suppression_threshold", "attrition", "step_movement",
            "domains", "targets", "reliable_change", "methods"} <= set(document)
    (overall,) = document["reliable_change"]  # every v1 domain has a single statement
    assert (overall["scale"], overall["items"], overall["alpha_n"]) == ("overall", 7, 30)
    assert document["scope"] == HOME
    movement = document["step_movement"]["groups"]
    assert set(movement) == {"women", "men", "total"}
    assert movement["women"]["n"] == {"value": 18, "suppressed": False}
    assert movement["men"]["n"] == {"value": 12, "suppressed": False}
    assert movement["total"]["statistics"]["wilcoxon"]["method"].startswith("Wilcoxon")
    # The 4 men who moved up and the 0 women who stayed are hidden, with complements,
    # so neither group's statistics are shown: they could give those counts back.
    assert movement["men"]["statistics"] == {
        "n": 12, "suppressed": True,
        "note": "not shown: it would reveal counts that are suppressed",
        "mean": None, "mean_ci": None, "median": None, "median_ci": None,
        "wilcoxon": None, "rank_biserial": None, "sign_test": None,
    }
    assert movement["women"]["statistics"]["suppressed"]
    assert document["step_movement"]["women_vs_men"]["suppressed"]
    every = list(figures(document))
    assert any(f["suppressed"] for f in every)
    for f in every:
        assert (f["value"] is None) == f["suppressed"]
        # Counts are whole numbers; every one published describes enough people.
        if isinstance(f["value"], int):
            assert f["value"] >= document["suppression_threshold"], f


def test_the_deployment_sets_the_threshold_and_the_minimum_for_tests(app, runner):
    make_cohorts()  # 18 women, 12 men
    client = signed_in(app, make_user(Role.EVALUATOR, HOME))
    app.config.update(SUPPRESSION_THRESHOLD=13, MIN_N_FOR_TESTS=20)
    document = report(runner)
    assert (document["suppression_threshold"], document["minimum_n_for_tests"]) == (13, 20)
    assert "below 20 participants" in document["methods"]["minimum_n_for_tests"]
    groups = document["step_movement"]["groups"]
    # The men's 12 are too few now, and the women's 18 would give them away.
    assert groups["men"]["n"] == groups["women"]["n"] == {"value": None, "suppressed": True}
    assert groups["total"]["n"]["value"] == 30
    # Its 8 unchanged are now too few to show, and so are its statistics.
    assert groups["total"]["unchanged"]["suppressed"]
    assert groups["total"]["statistics"]["suppressed"]
    page = client.get("/evaluator/").get_data(as_text=True)
    assert "Uppgifter som beskriver färre än 13 deltagare visas som –" in page

    app.config.update(SUPPRESSION_THRESHOLD=5, MIN_N_FOR_TESTS=31)
    total = report(runner)["step_movement"]["groups"]["total"]
    assert total["n"]["value"] == 30
    assert total["statistics"]["wilcoxon"] is None and total["statistics"]["mean_ci"] is None
    assert total["statistics"]["note"] == "fewer than 31 participants: no test or interval computed"
    page = client.get("/evaluator/").get_data(as_text=True)
    assert "Inget test: färre än 31 deltagare." in page


def test_the_period_filter_keeps_only_those_enrolled_in_it(app, runner, tmp_path):
    make_cohorts()
    since = (clock.today() - timedelta(days=120)).isoformat()
    out = tmp_path / "report.json"
    result = runner.invoke(args=["report", "--scope", HOME, "--from", since, "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["filters"] == {"enrolled_from": since, "enrolled_to": None,
                                   "age_band": None, "questionnaire_version": None}
    # The six early women fall outside the period.
    assert document["step_movement"]["groups"]["women"]["n"]["value"] == 12


def test_the_page_filters_by_period_too(app):
    make_cohorts()
    client = signed_in(app, make_user(Role.EVALUATOR, HOME))
    since = (clock.today() - timedelta(days=120)).isoformat()
    page = client.get(f"/evaluator/?enrolled_from={since}").get_data(as_text=True)
    assert cells(page, "Kvinnor")[0] == "12"
    bad = client.get("/evaluator/?enrolled_from=last+spring").get_data(as_text=True)
    assert "Ange ett datum som 2026-03-31." in bad
    assert cells(bad, "Kvinnor")[0] == "18"  # the unreadable date is left out
    backwards = client.get(f"/evaluator/?enrolled_from={since}&enrolled_to=2020-01-01")
    assert "Slutdatumet får inte vara före startdatumet." in backwards.get_data(as_text=True)


def report(runner, *options: str) -> dict:
    result = runner.invoke(args=["report", "--scope", HOME, *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_age_band_filter_and_breakdown(app, runner):
    young = clock.today().year - 20
    for i in range(12):
        answered_steps(f"YW{i}", Gender.WOMAN, [2, 3 if i < 6 else 2], birth_year=young)
        answered_steps(f"YM{i}", Gender.MAN, [2, 3 if i < 7 else 2], birth_year=young)
        answered_steps(f"OW{i}", Gender.WOMAN, [2, 3 if i < 7 else 2], birth_year=young - 40)
        answered_steps(f"OM{i}", Gender.MAN, [2, 3 if i < 6 else 2], birth_year=young - 40)

    bands = report(runner)["step_movement"]["by_age_band"]
    assert bands["15-24"]["n"]["value"] == 24 and bands["55-64"]["n"]["value"] == 24
    assert bands["15-24"]["improved"]["women"]["value"] == 0.5
    assert bands["15-24"]["improved"]["men"]["value"] == 7 / 12
    assert bands["55-64"]["improved"]["women"]["value"] == 7 / 12
    assert bands["25-54"]["n"] == {"value": None, "suppressed": True}

    only_young = report(runner, "--age-band", "15-24")
    assert only_young["filters"]["age_band"] == "15-24"
    assert only_young["step_movement"]["groups"]["women"]["n"]["value"] == 12
    assert only_young["step_movement"]["groups"]["men"]["n"]["value"] == 12


def test_breakdown_by_year_of_enrolment(app, runner):
    """On the page and in the document: a row per year, the share of women and men who
    moved up among those enrolled in it."""
    this_year = clock.today().year
    earlier, last = date(this_year - 2, 12, 31), date(this_year - 1, 1, 1)
    # Twelve of each gender a year, every count at least five: nothing needs hiding.
    for i in range(12):
        answered_steps(f"EW{i}", Gender.WOMAN, [2, 3 if i < 5 else 2], enrolled_on=earlier)
        answered_steps(f"EM{i}", Gender.MAN, [2, 3 if i < 7 else 2], enrolled_on=earlier)
        answered_steps(f"LW{i}", Gender.WOMAN, [2, 3 if i < 7 else 2], enrolled_on=last)
        answered_steps(f"LM{i}", Gender.MAN, [2, 3 if i < 6 else 2], enrolled_on=last)
    # Enrolled this year, but with no follow-up yet: a year with nobody measurable.
    for i in range(5):
        answered_steps(f"NW{i}", Gender.WOMAN, [2], enrolled_on=clock.today())

    years = report(runner)["step_movement"]["by_enrolment_year"]
    assert list(years) == [str(this_year - 2), str(this_year - 1), str(this_year)]
    first, second = years[str(this_year - 2)], years[str(this_year - 1)]
    assert first["n"]["value"] == 24 and second["n"]["value"] == 24
    assert first["improved"]["women"]["value"] == 5 / 12
    assert first["improved"]["men"]["value"] == 7 / 12
    assert second["improved"]["women"]["value"] == 7 / 12
    assert second["improved"]["men"]["value"] == 0.5
    assert years[str(this_year)]["n"] == {"value": None, "suppressed": True}
    client = signed_in(app, make_user(Role.EVALUATOR, HOME))
    page = client.get("/evaluator/").get_data(as_text=True)
    assert "Andel som gått upp, efter inskrivningsår" in page
    assert cells(page, str(this_year - 2)) == ["24", "42\u00a0%", "58\u00a0%"]
    assert cells(page, str(this_year)) == ["–", "–", "–"]

    # The filter and the breakdown agree: one year's report is that year's row.
    end_of_last = date(this_year - 1, 12, 31)
    only_last = report(runner, "--from", last.isoformat(), "--to", end_of_last.isoformat())
    assert list(only_last["step_movement"]["by_enrolment_year"]) == [str(this_year - 1)]
    assert only_last["step_movement"]["groups"]["women"]["improved"]["value"] == 7 / 12


def test_breakdown_by_the_parts_below_the_scope(app, runner):
    # Every outcome well above the threshold, so nothing needs hiding.
    for i, end in enumerate([3] * 6 + [2] * 6 + [1] * 6):
        answered_steps(f"HW{i}", Gender.WOMAN, [2, end])
        answered_steps(f"HM{i}", Gender.MAN, [2, end])
    for i, end in enumerate([3] * 5 + [2] * 5 + [1] * 5):
        answered_steps(f"NW{i}", Gender.WOMAN, [2, end], org=f"{HOME}/Nynäshamn/Team 1")
        answered_steps(f"NM{i}", Gender.MAN, [2, 3 if i < 10 else 1], org=f"{HOME}/Nynäshamn")
    parts = report(runner)["step_movement"]["by_organisation"]
    assert list(parts) == ["Haninge", "Nynäshamn"]
    assert parts["Haninge"]["n"]["value"] == 36
    assert parts["Nynäshamn"]["n"]["value"] == 30
    assert parts["Haninge"]["improved"]["women"]["value"] == 1 / 3
    assert parts["Nynäshamn"]["improved"]["women"]["value"] == 1 / 3
    assert parts["Nynäshamn"]["improved"]["men"]["value"] == 2 / 3


def test_completers_are_those_with_intake_and_exit(app, runner):
    from survey_app.models import ExitOutcome
    from tests.evaluator.test_targets import exited

    make_cohorts()  # follow-ups only: not completers
    for i in range(12):
        exited(f"X{i}", Gender.WOMAN, ExitOutcome.WORK, closer="4")  # step 3 → 3
    document = report(runner)
    completers = document["step_movement"]["completers"]["groups"]
    assert completers["women"]["n"]["value"] == 12
    assert completers["women"]["mean"]["value"] == 0
    assert completers["men"]["n"]["suppressed"]  # no man has exited
    assert document["step_movement"]["groups"]["women"]["n"]["value"] == 30


def test_the_step_distribution_is_given_per_group_at_intake_latest_and_exit(app, runner):
    make_cohorts()
    distribution = report(runner)["step_movement"]["distribution"]
    assert set(distribution) == {"steps", "intake", "latest", "exit"}
    # Intake: women 6 on step 1 and 12 on step 2, men 12 on step 3. Each gender's
    # cells sit beside zeros, so all are hidden; the total's are not: 6, 12 and 12 of 30.
    intake = distribution["intake"]
    assert set(intake) == {"women", "men", "total"}
    assert intake["total"]["n"]["value"] == 30
    assert [share["value"] for share in intake["total"]["shares"][:3]] == [
        6 / 30, 12 / 30, 12 / 30]
    assert all(share["suppressed"] for share in intake["women"]["shares"])
    # Latest: 8 + 8 on step 3, 4 + 6 + 4 on step 4.
    latest_total = distribution["latest"]["total"]["shares"]
    assert [share["value"] for share in latest_total[2:4]] == [16 / 30, 14 / 30]
    # Nobody has exited: nothing at exit, not even how many.
    assert all(figure["suppressed"] for figure in figures(distribution["exit"]))


def test_the_transitions_and_months_are_the_figures_on_the_page(app, runner):
    make_cohorts()
    for i in range(10):
        answered_steps(f"T{i}", Gender.MAN, [2, 3])
        answered_steps(f"U{i}", Gender.WOMAN, [3, 4])
    for i in range(6):
        answered_steps(f"V{i}", Gender.WOMAN, [1, 3])
    document = report(runner)
    client = signed_in(app, make_user(Role.EVALUATOR, HOME))
    page = client.get("/evaluator/").get_data(as_text=True)

    def on_page(figure: dict) -> str:
        return "–" if figure["suppressed"] else str(figure["value"])

    transitions = document["step_movement"]["transitions"]
    # Intake step → latest step: 6 women 1→3, 6 women 1→4; 8 women and 10 men 2→3,
    # 4 women 2→4; 8 men 3→3, 4 men and 10 women 3→4. Every other cell is 0.
    by_hand = {(1, 3): 6, (1, 4): 6, (2, 3): 18, (2, 4): 4, (3, 3): 8, (3, 4): 14}
    steps = transitions["steps"]
    table = page.split("Deltagare efter steg vid inskrivning")[1].split("</table>")[0]
    for intake, row in zip(steps, transitions["counts"], strict=True):
        assert cells(table, f"Steg {intake}") == [on_page(figure) for figure in row]
        for latest, figure in zip(steps, row, strict=True):
            count = by_hand.get((intake, latest), 0)
            assert figure["value"] in (None, count)
            assert figure["suppressed"] or count >= document["suppression_threshold"]
    assert not all(figure["suppressed"] for figure in figures(transitions))

    # Enrolled: 28 women and 22 men three months ago (95 days), 6 women 285 days ago.
    monthly = document["monthly"]
    by_hand = {f"{clock.today() - timedelta(days=95):%Y-%m}": {"women": 28, "men": 22},
               f"{clock.today() - timedelta(days=285):%Y-%m}": {"women": 6, "men": 0}}
    assert list(monthly) == sorted(monthly) and set(by_hand) <= set(monthly)
    labels = {"women": "kvinnor", "men": "män", "total": "totalt"}
    for month, kinds in monthly.items():
        assert set(kinds) == {"enrolled", "exited"}
        assert all(figure["suppressed"] for figure in figures(kinds["exited"]))  # nobody
        enrolled = kinds["enrolled"]
        assert set(enrolled) == set(labels)
        page_figures = monthly_figures(page, month, "Inskrivna")
        assert {labels[group]: on_page(f) for group, f in enrolled.items()} == page_figures
        count = by_hand.get(month, {"women": 0, "men": 0})
        count["total"] = count["women"] + count["men"]
        for group, figure in enrolled.items():
            assert figure["value"] in (None, count[group]), (month, group)
    months_ago = by_hand.keys()
    assert any(not monthly[month]["enrolled"]["total"]["suppressed"] for month in months_ago)


def test_a_questionnaire_version_filter_counts_only_answers_on_it(app, runner):
    make_cohorts()  # every answer on the latest version
    latest = app.extensions["questionnaires"].latest("stegvis").definition.version
    assert latest > 1
    assert report(runner, "--questionnaire-version", str(latest)) == report(runner) | {
        "filters": report(runner)["filters"] | {"questionnaire_version": latest}}
    none = report(runner, "--questionnaire-version", "1")["step_movement"]["groups"]
    assert none["women"]["n"]["suppressed"]


def test_the_html_report_is_one_file_with_tables_and_charts_inside(app, runner, tmp_path):
    make_cohorts()
    out = tmp_path / "report.html"
    result = runner.invoke(args=["report", "--scope", HOME, "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and f"Stegförflyttning: {HOME}" in page
    assert page.count('src="data:image/svg+xml;base64,') == 5
    # Nothing is fetched from anywhere: no links to stylesheets, scripts or images.
    assert "<link" not in page and "<script" not in page and 'src="http' not in page
    assert "Projektmål" in page and "Ladda ner" not in page
    assert page.count("<table") >= 8
