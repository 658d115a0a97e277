"""Charts: deterministic bytes, their words, and hidden figures never drawn as values."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import numpy as np
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
from analysis.monthly import months_between
from analysis.movement import transition_table
from analysis.suppression import Cell
from tests.conftest import drawn_texts

LABELS = StackLabels(step="Steg", share_axis="Andel (%)", hidden="Dolt")
MONTHLY_GROUPS = {"woman": "Kvinnor", "man": "Män", "total": "Totalt"}


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
                                        MONTHLY_GROUPS, "Antal"), "svg"))
    for word in ("Inskrivna", "Kvinnor", "Män", "Totalt", "–"):
        assert word in text


def test_the_monthly_chart_draws_the_total_where_women_and_men_are_hidden():
    # January: 9 enrolled, too few women and men to show apart. February: the total is
    # hidden too. A month with only its total shown must not look empty, and a hidden
    # total must not look like nobody.
    months = ("2026-01", "2026-02", "2026-03")
    cells = {
        "2026-01": {"woman": Cell.hidden(), "man": Cell.hidden(), "total": Cell(9)},
        "2026-02": {"woman": Cell.hidden(), "man": Cell.hidden(), "total": Cell.hidden()},
        "2026-03": {"woman": Cell(6), "man": Cell(7), "total": Cell(13)},
    }
    chart = monthly_chart(months, {"enrolled": cells}, {"enrolled": "Inskrivna"},
                          MONTHLY_GROUPS, "Antal", hidden_label="Dolt")
    # A downloaded chart says what its marks for hidden bars mean.
    assert [text.get_text() for text in chart.legends[0].get_texts()] == [
        "Kvinnor", "Män", "Totalt", "Dolt"]
    (total,) = chart.axes[0].lines
    assert total.get_label() == "Totalt"
    assert total.get_ydata()[0] == 9 and total.get_ydata()[2] == 13
    assert np.isnan(total.get_ydata()[1])
    bars = [patch.get_height() for patch in chart.axes[0].patches]
    assert bars == [0, 0, 6, 0, 0, 7]  # women's three months, then men's


def test_an_interval_chart_marks_a_hidden_group_in_its_place():
    rows = [IntervalRow("Hälsa", (IntervalPoint("woman", 0.5, 0.1, 0.9),
                                  IntervalPoint("total", 0.4, 0.2, 0.6))),
            IntervalRow("Inflytande", (IntervalPoint("total", 0.3, 0.1, 0.5),))]
    labels = {"woman": "Kvinnor", "man": "Män", "total": "Totalt"}
    chart = interval_chart(rows, labels, "Förändring", groups=("woman", "man", "total"),
                           hidden_label="Dolt")
    # Men hidden in both rows, women in the second: a mark each, men in the legend.
    assert [text.get_text() for text in chart.legends[0].get_texts()] == [
        "Kvinnor", "Män", "Totalt", "Dolt"]
    assert [text.get_text() for text in chart.axes[0].texts] == ["–", "–", "–"]
    # Without ``groups``, the groups are those drawn, and nothing is marked.
    plain = interval_chart(rows, labels, "Förändring", hidden_label="Dolt")
    assert [text.get_text() for text in plain.legends[0].get_texts()] == ["Kvinnor", "Totalt"]
    assert not plain.axes[0].texts


def test_legends_cover_none_of_the_data():
    # Intervals across the whole axis in every row leave the plot no free corner.
    rows = [IntervalRow(f"Område {i}", (IntervalPoint("woman", 0.5, 0.0, 1.0),
                                        IntervalPoint("man", 0.5, 0.0, 1.0))) for i in range(7)]
    months = tuple(months_between(date(2026, 1, 1), date(2026, 6, 1)))
    cells = {m: {"woman": Cell(9), "man": Cell(9), "total": Cell(18)} for m in months}
    figures = [
        interval_chart(rows, {"woman": "Kvinnor", "man": "Män"}, "Förändring"),
        monthly_chart(months, {"enrolled": cells, "exited": cells},
                      {"enrolled": "Inskrivna", "exited": "Avslutade"}, MONTHLY_GROUPS, "Antal"),
    ]
    # Nothing hidden, nothing to explain.
    assert "Dolt" not in [text.get_text() for text in monthly_chart(
        months, {"enrolled": cells}, {"enrolled": "Inskrivna"}, MONTHLY_GROUPS, "Antal",
        hidden_label="Dolt").legends[0].get_texts()]
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
    hidden = {m: {"woman": Cell.hidden(), "man": Cell.hidden(), "total": Cell.hidden()}
              for m in months}
    chart = monthly_chart(months, {"enrolled": hidden}, {"enrolled": "Inskrivna"},
                          MONTHLY_GROUPS, "Antal")
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
