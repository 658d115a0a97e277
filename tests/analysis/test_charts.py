"""Charts: deterministic bytes, their words, and hidden figures never drawn as values."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from analysis import StepObservation, step_distribution
from analysis.charts import (
    IntervalPoint,
    IntervalRow,
    ProgressSeries,
    StackedBar,
    StackLabels,
    interval_chart,
    monthly_chart,
    progress_svg,
    render,
    stacked_distribution,
    transition_heatmap,
)
from analysis.monthly import Events, monthly_table, months_between
from analysis.movement import transition_table
from analysis.suppression import Cell
from tests.conftest import drawn_texts

LABELS = StackLabels(step="Steg", share_axis="Andel (%)", hidden="Dolt")


def sample(women: int, men: int):
    people = [StepObservation(f"w{i}", "woman", 1 + i % 3, 2 + i % 4) for i in range(women)]
    people += [StepObservation(f"m{i}", "man", 2 + i % 2, 2 + i % 3) for i in range(men)]
    return people


def stacked(women: int, men: int) -> bytes:
    # Both genders on the same steps, so no small cell forces others to be hidden.
    people = [StepObservation(f"w{i}", "woman", 1 + i % 3, 2 + i % 3) for i in range(women)]
    people += [StepObservation(f"m{i}", "man", 1 + i % 3, 2 + i % 3) for i in range(men)]
    distribution = step_distribution(people, range(1, 8), threshold=5)
    bars = [StackedBar(f"{group} {moment}", distribution.shares[moment][group])
            for group in ("woman", "man") for moment in ("intake", "latest")]
    return render(stacked_distribution(bars, distribution.steps, LABELS), "svg")


def text_of(svg: bytes) -> str:
    root = ET.fromstring(svg)  # noqa: S314 - our own chart, not untrusted input
    assert root.tag.endswith("svg")
    return svg.decode("utf-8")


def test_the_stacked_chart_is_deterministic_and_labelled():
    svg = stacked(120, 120)
    assert svg == stacked(120, 120)
    text = text_of(svg)
    for label in ("woman intake", "man latest", "Steg 1", "Steg 4", "Andel (%)"):
        assert label in text


def test_hidden_shares_are_one_hatched_part_not_values():
    text = text_of(stacked(3, 30))  # three women: all their shares hidden
    assert "Dolt" in text


def test_png_has_the_png_signature_and_unknown_formats_are_refused():
    distribution = step_distribution(sample(30, 30), range(1, 8), threshold=5)
    figure = stacked_distribution(
        [StackedBar("w", distribution.shares["intake"]["woman"])], distribution.steps, LABELS)
    assert render(figure, "png").startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError, match="unknown chart format"):
        render(figure, "gif")


def test_heatmap_marks_hidden_cells_with_a_dash():
    table = transition_table(sample(30, 30), range(1, 8), threshold=5)
    assert any(cell.suppressed for row in table.counts for cell in row)
    text = text_of(render(transition_heatmap(table.steps, table.counts, "In", "Ut"), "svg"))
    assert "–" in text and "In" in text and "Ut" in text


def test_interval_and_monthly_charts_render_their_words():
    rows = [IntervalRow("Hälsa", (IntervalPoint("woman", 0.5, 0.1, 0.9),
                                  IntervalPoint("man", 0.2, None, None)), goal=0.4)]
    text = text_of(render(interval_chart(rows, {"woman": "Kvinnor", "man": "Män"}, "Förändring",
                                         goal_label="Mål"), "svg"))
    for word in ("Hälsa", "Kvinnor", "Män", "Förändring", "Mål"):
        assert word in text
    months = tuple(months_between(date(2026, 1, 1), date(2026, 3, 1)))
    assert months == ("2026-01", "2026-02", "2026-03")
    cells = {m: {"woman": Cell(6), "man": Cell.hidden(), "total": Cell(9)} for m in months}
    text = text_of(render(monthly_chart(months, {"enrolled": cells}, {"enrolled": "Inskrivna"},
                                        {"woman": "Kvinnor", "man": "Män"}, "Antal"), "svg"))
    assert "Inskrivna" in text and "–" in text


def test_legends_cover_none_of_the_data():
    # Intervals across the whole axis in every row leave the plot no free corner.
    rows = [IntervalRow(f"Område {i}", (IntervalPoint("woman", 0.5, 0.0, 1.0),
                                        IntervalPoint("man", 0.5, 0.0, 1.0))) for i in range(7)]
    months = tuple(months_between(date(2026, 1, 1), date(2026, 6, 1)))
    cells = {m: {"woman": Cell(9), "man": Cell(9), "total": Cell(18)} for m in months}
    figures = [
        interval_chart(rows, {"woman": "Kvinnor", "man": "Män"}, "Förändring"),
        monthly_chart(months, {"enrolled": cells, "exited": cells},
                      {"enrolled": "Inskrivna", "exited": "Avslutade"},
                      {"woman": "Kvinnor", "man": "Män"}, "Antal"),
    ]
    for figure in figures:
        figure.canvas.draw()
        legends = [*figure.legends, *(axes.get_legend() for axes in figure.axes)]
        frames = [legend.get_window_extent() for legend in legends if legend is not None]
        assert len(frames) == 1
        assert not any(frames[0].overlaps(axes.get_window_extent()) for axes in figure.axes)


def test_charts_beside_swedish_tables_use_a_decimal_comma():
    rows = [IntervalRow("Hälsa", (IntervalPoint("woman", 0.5, 0.1, 0.9),))]
    swedish = drawn_texts(render(interval_chart(rows, {"woman": "Kvinnor"}, "Förändring",
                                             decimal_mark=","), "svg"))
    assert "0,2" in swedish and not any("." in text for text in swedish)
    assert "0.2" in drawn_texts(render(interval_chart(rows, {"woman": "Women"}, "Change"), "svg"))
    progress = drawn_texts(progress_svg(["Inskrivning", "Uppföljning 1"],
                                     [ProgressSeries("Hälsa", [2.5, 3.0], 1, 4)],
                                     decimal_mark=","))
    assert "2,5" in progress and "2.5" not in progress


def test_the_monthly_chart_counts_whole_participants_from_zero():
    months = ("2026-01", "2026-02")
    hidden = {m: {"woman": Cell.hidden(), "man": Cell.hidden(), "total": Cell(3)} for m in months}
    chart = monthly_chart(months, {"enrolled": hidden}, {"enrolled": "Inskrivna"},
                          {"woman": "Kvinnor", "man": "Män"}, "Antal")
    texts = drawn_texts(render(chart, "svg"))
    ticks = [text for text in texts if text.lstrip("\u2212").replace(".", "").isdigit()]
    assert ticks == ["0", "1"]  # not −0.04 … 0.04 around an empty month


def test_transition_counts_by_hand():
    # Five on every path between steps 2–4, three more from 2 to 3; one not measurable.
    people, number = [], 0
    for start in (2, 3, 4):
        for end in (2, 3, 4):
            extra = 3 if (start, end) == (2, 3) else 0
            for _ in range(5 + extra):
                people.append(StepObservation(number, "woman", start, end))
                number += 1
    people.append(StepObservation(number, "man", 5, None))
    table = transition_table(people, (2, 3, 4), threshold=5)
    assert [[cell.value for cell in row] for row in table.counts] == [
        [5, 8, 5], [5, 5, 5], [5, 5, 5]
    ]
    sparse = transition_table(people[:13], range(1, 8), threshold=5)
    assert sparse.counts[0][0].suppressed  # zero is a small cell: hidden, never 0


def test_monthly_counts_are_suppressed_with_their_totals():
    months = months_between(date(2026, 1, 15), date(2026, 3, 2))
    per_month = {1: (7, 6), 2: (6, 2), 3: (8, 7)}  # (women, men)
    events = {"enrolled": Events.of(
        (date(2026, month, 1), gender)
        for month, (women, men) in per_month.items()
        for gender, count in (("woman", women), ("man", men))
        for _ in range(count)
    )}
    table = monthly_table(events, months, threshold=5)
    counts = table.counts["enrolled"]
    assert (counts["2026-03"]["woman"].value, counts["2026-03"]["man"].value) == (8, 7)
    assert counts["2026-03"]["total"].value == 15
    # Two men in February: hidden, and with them enough others that none can be worked out.
    assert counts["2026-02"]["man"].suppressed and counts["2026-02"]["woman"].suppressed
    assert counts["2026-01"]["woman"].suppressed


def test_monthly_counts_leave_out_days_outside_the_months_and_show_another_gender():
    months = months_between(date(2026, 1, 1), date(2026, 2, 1))
    happened = [
        (day, gender)
        for day in (date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 28))
        for gender in ("woman", "man", "other")
        for _ in range(3)
    ] + [(date(2025, 12, 31), "woman"), (date(2026, 3, 1), "man")]  # outside the months
    counts = monthly_table({"enrolled": Events.of(happened)}, months, threshold=5).counts
    for month in months:
        assert counts["enrolled"][month]["woman"].value == 6
        assert counts["enrolled"][month]["man"].value == 6
        assert counts["enrolled"][month]["other"].value == 6
        assert counts["enrolled"][month]["total"].value == 18


def _enrolled_on_the_third(per_month: dict[int, dict[str, int]]) -> Events:
    return Events.of((date(2026, month, 3), gender)
                     for month, by_gender in per_month.items()
                     for gender, count in by_gender.items()
                     for _ in range(count))


def test_monthly_counts_give_another_gender_where_it_is_shown_at_no_cost_to_women_and_men():
    months = months_between(date(2026, 1, 1), date(2026, 2, 1))
    enrolled = _enrolled_on_the_third({1: {"woman": 9, "man": 6, "not_stated": 8},
                                       2: {"woman": 7, "man": 10, "not_stated": 9}})
    exited = Events.of([(date(2026, 2, 9), "woman")] * 6)
    table = monthly_table({"enrolled": enrolled, "exited": exited}, months, threshold=5)
    assert table.groups == ("woman", "man", "not_stated", "total")
    january, february = (table.counts["enrolled"][m] for m in months)
    assert [january[g].value for g in table.groups] == [9, 6, 8, 23]
    assert [february[g].value for g in table.groups] == [7, 10, 9, 26]
    # Nobody with gender not stated exited: their cells say "fewer than five", never 0.
    assert table.counts["exited"]["2026-02"]["not_stated"].suppressed
    assert table.counts["exited"]["2026-02"]["woman"].value == 6


def test_monthly_counts_keep_other_genders_in_the_total_where_apart_they_would_hide_more():
    months = months_between(date(2026, 1, 1), date(2026, 2, 1))
    # Apart, the 2 and 3 of other gender would need complements: 6 men in January,
    # 7 women in February. Together with the 8 and 9 not stated they need none.
    enrolled = _enrolled_on_the_third({1: {"woman": 9, "man": 6, "not_stated": 8, "other": 2},
                                       2: {"woman": 7, "man": 10, "not_stated": 9, "other": 3}})
    table = monthly_table({"enrolled": enrolled}, months, threshold=5)
    assert table.groups == ("woman", "man", "total")
    january, february = (table.counts["enrolled"][m] for m in months)
    assert [january[g].value for g in table.groups] == [9, 6, 25]
    assert [february[g].value for g in table.groups] == [7, 10, 29]
    assert january["not_stated"].suppressed and february["other"].suppressed


def test_monthly_counts_never_add_up_to_a_total_hidden_elsewhere():
    months = months_between(date(2026, 1, 1), date(2026, 2, 1))
    enrolled = _enrolled_on_the_third({1: {"woman": 9, "man": 9, "other": 6},
                                       2: {"woman": 9, "man": 9, "other": 6}})
    shown = monthly_table({"enrolled": enrolled}, months, threshold=5)
    assert shown.groups == ("woman", "man", "other", "total")
    # Attrition hid the 12 of other gender (a complement there): their months, 6 and
    # 6, would add up to it. Kept in the total, they give nothing away.
    table = monthly_table({"enrolled": enrolled}, months, threshold=5,
                          hidden_totals={"enrolled": {"other"}})
    assert table.groups == ("woman", "man", "total")
    assert [table.counts["enrolled"][m]["total"].value for m in months] == [24, 24]
    assert [table.counts["enrolled"][m]["woman"].value for m in months] == [9, 9]
    # Women's count hidden there: any split of a month could add up to it.
    no_split = monthly_table({"enrolled": enrolled}, months, threshold=5,
                             hidden_totals={"enrolled": {"woman"}})
    assert [no_split.counts["enrolled"][m]["total"].value for m in months] == [24, 24]
    assert all(cell.suppressed for m in months for group, cell in
               no_split.counts["enrolled"][m].items() if group != "total")
