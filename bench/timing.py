"""Timing shared by the benchmark scripts (run them as scripts: this folder is on the path)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(repeat: int, work: Callable[..., object], *args: object) -> float:
    """The fastest of ``repeat`` runs, in seconds: the least disturbed by the machine."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        work(*args)
        timings.append(time.perf_counter() - start)
    return min(timings)
