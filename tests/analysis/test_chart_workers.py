"""Charts drawn in worker processes: the same bytes as drawn here, and none lost."""

from __future__ import annotations

import os
from functools import partial

import pytest
from matplotlib.figure import Figure

from analysis import StepObservation, step_distribution
from analysis.chart_workers import render_all
from analysis.charts import (
    IntervalPoint,
    IntervalRow,
    StackedBar,
    StackLabels,
    interval_chart,
    render,
    stacked_distribution,
    transition_heatmap,
)
from analysis.movement import transition_table


def drawings() -> dict[str, partial[Figure]]:
    people = [StepObservation(f"p{i}", "woman" if i % 2 else "man", 1 + i % 4, 2 + i % 5)
              for i in range(60)]
    distribution = step_distribution(people, range(1, 8), threshold=5)
    table = transition_table(people, range(1, 8), threshold=5)
    bars = [StackedBar(group, distribution.shares["latest"][group]) for group in ("woman", "man")]
    rows = [IntervalRow("Hälsa", (IntervalPoint("woman", 0.5, 0.1, 0.9),))]
    return {
        "steps": partial(stacked_distribution, bars, distribution.steps,
                         StackLabels("Steg", "Andel (%)", "Dolt")),
        "transitions": partial(transition_heatmap, table.steps, table.counts, "In", "Ut"),
        "domains": partial(interval_chart, rows, {"woman": "Kvinnor"}, "Förändring"),
    }


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_charts_drawn_in_workers_are_the_charts_drawn_here(fmt: str):
    here = {name: render(drawing(), fmt) for name, drawing in drawings().items()}
    assert render_all(drawings(), fmt, processes=2) == here
    assert render_all(drawings(), fmt, processes=0) == here


def where_drawn() -> Figure:
    """A chart naming the process that drew it: SVG keeps each text as a comment."""
    figure = Figure()
    figure.suptitle(f"process {os.getpid()}")
    return figure


def dies_in_a_worker(parent: int) -> Figure:
    if os.getpid() != parent:
        os._exit(1)  # as the kernel's out-of-memory killer would end it
    return where_drawn()


def test_a_worker_that_dies_costs_no_chart_and_new_workers_take_over():
    here = f"process {os.getpid()}".encode()
    charts = render_all({"dies": partial(dies_in_a_worker, os.getpid()),
                         "other": where_drawn}, "svg", processes=2)
    assert set(charts) == {"dies", "other"}
    assert here in charts["dies"] and here in charts["other"]  # drawn here instead

    again = render_all({"one": where_drawn, "two": where_drawn}, "svg", processes=2)
    assert b"process " in again["one"] and here not in again["one"]
    assert here not in again["two"]


def test_an_error_in_a_chart_reaches_the_caller():
    with pytest.raises(ValueError, match="unknown chart format"):
        render_all({"one": where_drawn, "two": where_drawn}, "gif", processes=2)
