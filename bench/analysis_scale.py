"""How the step-movement analysis scales with the number of participants.

Baseline, measured in the same run: the bare numpy work every report needs
(differences, mean, median on the same data). The ratio shows what grouping,
suppression and the distribution table cost on top.

    .venv/bin/python bench/analysis_scale.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics

import numpy as np
from timing import best_of

from analysis import StepObservation, movement_table, step_distribution

GENDERS = ["woman", "man", "other", "not_stated"]


def observations(n: int, seed: int = 1) -> list[StepObservation]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    people = []
    for i in range(n):
        intake = rng.randint(1, 7) if rng.random() > 0.05 else None
        latest = min(7, max(1, (intake or 3) + rng.randint(-1, 2))) if rng.random() > 0.2 else None
        people.append(StepObservation(i, rng.choices(GENDERS, [50, 46, 2, 2])[0], intake, latest))
    return people


def baseline(people: list[StepObservation]) -> None:
    pairs = np.array(
        [(p.intake_step, p.latest_step) for p in people if p.movement is not None], dtype=float
    )
    moves = pairs[:, 1] - pairs[:, 0]
    statistics.fmean(moves)
    np.median(moves)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'participants':>12} {'baseline ms':>12} {'table ms':>9} {'ratio':>6} "
          f"{'distribution ms':>16} {'ratio':>6}")
    for n in (1_000, 10_000, 100_000):
        people = observations(n)
        base = best_of(args.repeat, baseline, people)
        table = best_of(args.repeat, movement_table, people, 5)
        distribution = best_of(args.repeat, step_distribution, people, range(1, 8), 5)
        print(f"{n:>12,} {base * 1e3:>12.2f} {table * 1e3:>9.2f} {table / base:>6.1f} "
              f"{distribution * 1e3:>16.2f} {distribution / base:>6.1f}")


if __name__ == "__main__":
    main()
