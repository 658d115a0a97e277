"""How the report's analysis scales: Stegvis against a per-participant loop and pandas.

Synthetic data: participants with up to 13 occasions and 20 scored items, reduced
the way the report reduces them (intake and latest step, a score per domain).
The same descriptive figures (step movement per gender; mean domain change per
gender) are computed three ways in the same run:

* ``stegvis``: ``analysis.movement_table`` and ``analysis.domains.domain_change_table``
  on columns, as the report calls them, without statistics (``min_n`` above n, so
  no test or bootstrap runs);
* ``loop``: a plain per-participant Python loop, the baseline;
* ``pandas``: ``groupby().apply``, when pandas is installed (``pip install pandas``).

It also times the statistics (tests and bootstrap intervals) on their own, and
prints peak memory (tracemalloc) of the Stegvis run.

    .venv/bin/python bench/report_scale.py [--sizes 10000 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
import warnings

import numpy as np
from timing import best_of

from analysis import movement_table
from analysis.domains import DomainScores, domain_change_table
from analysis.movement import Steps, improved_share_difference, movement_statistics

GENDERS = np.array(["woman", "man", "other", "not_stated"])
DOMAINS = 8
ITEMS = 20
MAX_OCCASIONS = 13


def synthetic(n: int, seed: int = 1) -> dict[str, np.ndarray]:
    """Per participant: gender, step at intake and latest, domain scores before/after."""
    rng = np.random.default_rng(seed)
    occasions = rng.integers(1, MAX_OCCASIONS + 1, n)
    answers = rng.integers(1, 5, (n, 2, ITEMS)).astype(float)  # intake, latest
    answers[rng.random(answers.shape) < 0.05] = np.nan  # don't know / declined
    domain_of_item = np.arange(ITEMS) % DOMAINS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a domain with nothing answered
        scores = np.stack(
            [np.nanmean(answers[:, :, domain_of_item == d], axis=2) for d in range(DOMAINS)],
            axis=2,
        )
    intake = rng.integers(1, 8, n)
    latest = np.clip(intake + rng.integers(-1, 3, n), 1, 7)
    measurable = occasions > 1
    return {
        "gender": GENDERS[rng.choice(4, n, p=[0.5, 0.46, 0.02, 0.02])],
        "intake": intake,
        "latest": np.where(measurable, latest, -1),
        "before": scores[:, 0, :],
        "after": np.where(measurable[:, None], scores[:, 1, :], np.nan),
    }


def stegvis(data: dict[str, np.ndarray], with_statistics: bool = False) -> object:
    """The report's own path: columns in, suppressed tables (and statistics) out."""
    steps = Steps(data["gender"], data["intake"].astype(float),
                  np.where(data["latest"] < 0, np.nan, data["latest"]).astype(float))
    table = movement_table(steps, threshold=5)
    scores = DomainScores(data["gender"], tuple(f"d{d}" for d in range(DOMAINS)),
                          data["before"], data["after"])
    min_n = 10 if with_statistics else len(steps.gender) + 1
    change = domain_change_table(scores, threshold=5, min_n=min_n)
    if with_statistics:
        movement_statistics(steps, table)
        improved_share_difference(steps, table)
    return table, change


def loop(data: dict[str, np.ndarray]) -> object:
    """What a spreadsheet macro would do: one participant at a time, plain Python."""
    per_gender: dict[str, list[int]] = {}
    changes: dict[tuple[str, int], list[float]] = {}
    for i in range(len(data["gender"])):
        gender = str(data["gender"][i])
        if data["latest"][i] >= 0:
            per_gender.setdefault(gender, []).append(int(data["latest"][i] - data["intake"][i]))
        for d in range(DOMAINS):
            after = float(data["after"][i, d])
            if after == after:  # not NaN
                changes.setdefault((gender, d), []).append(after - float(data["before"][i, d]))
    movement = {
        g: (len(m), statistics.fmean(m), statistics.median(m),
            sum(x > 0 for x in m) / len(m), sum(x == 0 for x in m) / len(m),
            sum(x < 0 for x in m) / len(m))
        for g, m in per_gender.items()
    }
    return movement, {key: statistics.fmean(v) for key, v in changes.items()}


def with_pandas(data: dict[str, np.ndarray]) -> object:
    import pandas as pd

    frame = pd.DataFrame({"gender": data["gender"], "intake": data["intake"],
                          "latest": data["latest"]})
    frame = frame[frame["latest"] >= 0]
    frame["move"] = frame["latest"] - frame["intake"]

    def summary(group: pd.DataFrame) -> pd.Series:
        move = group["move"]
        return pd.Series({"n": len(move), "mean": move.mean(), "median": move.median(),
                          "improved": (move > 0).mean(), "unchanged": (move == 0).mean(),
                          "worse": (move < 0).mean()})

    movement = frame.groupby("gender").apply(summary, include_groups=False)
    domains = pd.DataFrame(data["after"] - data["before"]).assign(gender=data["gender"])
    change = domains.groupby("gender").apply(lambda g: g.mean(),
                                             include_groups=False)
    return movement, change


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import pandas  # noqa: F401
        have_pandas = True
    except ImportError:
        have_pandas = False
        print("pandas is not installed: its column is skipped (pip install pandas).")
    print(f"{'participants':>12} {'loop s':>8} {'stegvis s':>10} {'loop/stegvis':>13} "
          f"{'pandas s':>9} {'pandas/stegvis':>15} {'statistics s':>13} {'peak MB':>8}")
    for n in args.sizes:
        data = synthetic(n)
        base = best_of(args.repeat, loop, data)
        ours = best_of(args.repeat, stegvis, data)
        panda = best_of(args.repeat, with_pandas, data) if have_pandas else float("nan")
        tracemalloc.start()
        started = time.perf_counter()
        stegvis(data, with_statistics=True)
        with_stats = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        print(f"{n:>12,} {base:>8.2f} {ours:>10.2f} {base / ours:>13.2f} {panda:>9.2f} "
              f"{panda / ours:>15.2f} {with_stats:>13.2f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
