"""How the step-movement tables scale with the number of participants.

The data are columns (``analysis.movement.Steps``), as the report passes them.
Baseline, measured in the same run: the bare numpy work every report needs
(differences, mean, median on the same data). The ratio shows what grouping,
suppression and the distribution table cost on top.

    .venv/bin/python bench/analysis_scale.py [--repeat 5]
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import best_of

from analysis import movement_table, step_distribution
from analysis.movement import Steps

GENDERS = np.array(["woman", "man", "other", "not_stated"])


def observations(n: int, seed: int = 1) -> Steps:
    rng = np.random.default_rng(seed)
    intake = np.where(rng.random(n) > 0.05, rng.integers(1, 8, n), np.nan)
    latest = np.clip(np.nan_to_num(intake, nan=3) + rng.integers(-1, 3, n), 1, 7)
    latest = np.where(rng.random(n) > 0.2, latest, np.nan)
    return Steps(GENDERS[rng.choice(4, n, p=[0.5, 0.46, 0.02, 0.02])], intake, latest)


def fresh(people: Steps) -> Steps:
    return Steps(people.gender, people.intake, people.latest)


def baseline(people: Steps) -> None:
    moves = people.latest - people.intake
    moves = moves[~np.isnan(moves)]
    moves.mean()
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
        # Fresh columns each run: Steps caches its movements, which would flatter us.
        table = best_of(args.repeat, lambda p: movement_table(fresh(p), 5), people)
        distribution = best_of(args.repeat,
                               lambda p: step_distribution(fresh(p), range(1, 8), 5), people)
        print(f"{n:>12,} {base * 1e3:>12.2f} {table * 1e3:>9.2f} {table / base:>6.1f} "
              f"{distribution * 1e3:>16.2f} {distribution / base:>6.1f}")


if __name__ == "__main__":
    main()
