"""Charts drawn in worker processes: the same bytes as drawn here, and none lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

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


DRAWS_AND_WAITS = """
import os, re, sys, time
from analysis.chart_workers import render_all
from matplotlib.figure import Figure

def where_drawn():
    figure = Figure()
    figure.suptitle(f"process {os.getpid()}")
    return figure

if __name__ == "__main__":
    charts = render_all({"one": where_drawn, "two": where_drawn}, "svg", processes=2)
    print(os.getpid(), *(re.search(rb"process (\\d+)", svg)[1].decode()
                         for svg in charts.values()), flush=True)
    time.sleep(60)
"""


def state_and_parent(pid: int) -> tuple[str, int] | None:
    """From /proc; None once the process is gone, which it may be mid-read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return fields[0], int(fields[1])


def running(pid: int) -> bool:
    found = state_and_parent(pid)
    return found is not None and found[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_workers_end_when_the_process_that_started_them_is_killed(tmp_path: Path):
    script = tmp_path / "draws_and_waits.py"
    script.write_text(DRAWS_AND_WAITS, encoding="utf-8")
    with subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True
    ) as started:
        try:
            main, *drawn_by = (int(pid) for pid in started.stdout.readline().split())
        finally:
            started.kill()  # as a server stopped by a signal: no clean-up runs
    assert drawn_by and main not in drawn_by
    # With forkserver the drawing processes are children of the server, which must end too.
    found = (state_and_parent(pid) for pid in drawn_by)
    workers = {*drawn_by, *(parent for state, parent in filter(None, found) if state != "Z")}
    deadline = time.monotonic() + 30
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(running(pid) for pid in workers)
