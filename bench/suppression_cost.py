"""What suppression costs the report: how often step movement's statistics, and the
comparison of women and men, are withheld, by project size and by how many
participants are of another or unstated gender.

Each project is drawn at random with a fixed seed: as many women as men, then the
chosen number of participants given another or unstated gender (each at random),
intake steps 1-5 and movements from -2 to +3 steps (mostly 0 or +1), as a project
that works might see. Its step movement table is suppressed and its statistics
withheld exactly as the report's are. The percentages are of the projects drawn.
Change the suppression rules and run it again to see what they cost.

    .venv/bin/python bench/suppression_cost.py [--projects 60] [--threshold 5]
"""

from __future__ import annotations

import argparse

import numpy as np

from analysis.movement import MAN, TOTAL, WOMAN, Steps, movement_statistics, movement_table

SIZES = (40, 80, 150, 300)
OTHERS = (0, 1, 2, 4, 8)
MOVES = np.array([-2, -1, 0, 1, 2, 3])
MOVE_ODDS = np.array([0.05, 0.15, 0.30, 0.30, 0.15, 0.05])


def project(size: int, others: int, seed: int) -> Steps:
    rng = np.random.default_rng(seed)
    gender = np.resize(np.array([WOMAN, MAN], dtype="<U10"), size)
    rng.shuffle(gender)
    gender[:others] = rng.choice(["other", "not_stated"], size=others)
    intake = rng.integers(1, 6, size=size).astype(float)
    latest = np.clip(intake + rng.choice(MOVES, p=MOVE_ODDS, size=size), 1, 7)
    return Steps(gender, intake, latest)


def withheld(people: Steps, threshold: int) -> dict[str, bool]:
    """What the report would not show of this project's step movement."""
    table = movement_table(people, threshold)
    comparison = movement_statistics(people, table).women_vs_men
    shown = {group: table.row(group).counts_known for group in (WOMAN, MAN, TOTAL)}
    return {"comparison": comparison is None or comparison.suppressed,
            **{group: not shown[group] for group in shown}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=60,
                        help="projects drawn for each size and number of others")
    parser.add_argument("--threshold", type=int, default=5)
    args = parser.parse_args()
    print(f"Per cent of {args.projects} projects in which the report withholds, at "
          f"threshold {args.threshold}:")
    print(f"{'participants':>12} {'others':>6} {'women vs men':>12} {'women':>6} "
          f"{'men':>6} {'total':>6}")
    for size in SIZES:
        for others in OTHERS:
            counts = dict.fromkeys(("comparison", WOMAN, MAN, TOTAL), 0)
            for seed in range(args.projects):
                for what, is_withheld in withheld(project(size, others, seed),
                                                  args.threshold).items():
                    counts[what] += is_withheld
            shares = {what: 100 * count / args.projects for what, count in counts.items()}
            print(f"{size:>12} {others:>6} {shares['comparison']:>11.0f}% "
                  f"{shares[WOMAN]:>5.0f}% {shares[MAN]:>5.0f}% {shares[TOTAL]:>5.0f}%")


if __name__ == "__main__":
    main()
