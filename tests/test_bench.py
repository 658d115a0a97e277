"""The benchmark scripts still run against the current code (their numbers are not judged)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize(("script", "arguments", "expected"), [
    ("participant_pages.py", ["--requests", "3", "--loads", "1"],
     ["third-party requests: 0", "first contentful paint", "bare Flask route"]),
    ("report_scale.py", ["--sizes", "200"], ["participants"]),
    ("suppression_cost.py", ["--projects", "1"], ["women vs men"]),
])
def test_benchmark_runs_to_the_end(script: str, arguments: list[str], expected: list[str]) -> None:
    finished = subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        [sys.executable, str(BENCH / script), *arguments],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    for line in expected:
        assert line in finished.stdout
