"""What suppression costs the report: how often step movement's statistics, a
target's shares, and the comparisons of women and men are withheld, by project size
and by how many participants are of another or unstated gender.

Each project is drawn at random with a fixed seed: as many women as men, then the
chosen number of participants given another or unstated gender (each at random),
intake steps 1-5 and movements from -2 to +3 steps (mostly 0 or +1), as a project
that works might see; each participant reaches a target of 30 % with a chance of
3 in 10. The step movement table and the target are suppressed, and statistics
withheld, exactly as the report's are. The percentages are of the projects drawn.
Change the suppression rules and run it again to see what they cost.

    .venv/bin/python bench/suppression_cost.py [--projects 60] [--threshold 5]
"""

from __future__ import annotations

import argparse
from typing import NamedTuple

import numpy as np

from analysis.movement import MAN, TOTAL, WOMAN, Steps, movement_statistics, movement_table
from analysis.targets import Reached, target_result

SIZES = (40, 80, 150, 300)
OTHERS = (0, 1, 2, 4, 8)
MOVES = np.array([-2, -1, 0, 1, 2, 3])
MOVE_ODDS = np.array([0.05, 0.15, 0.30, 0.30, 0.15, 0.05])
GOAL = 0.3
GROUPS = (WOMAN, MAN, TOTAL)


class Project(NamedTuple):
    steps: Steps
    #: Who reached the target.
    reached: np.ndarray


def project(size: int, others: int, seed: int) -> Project:
    rng = np.random.default_rng(seed)
    gender = np.resize(np.array([WOMAN, MAN], dtype="<U10"), size)
    rng.shuffle(gender)
    gender[:others] = rng.choice(["other", "not_stated"], size=others)
    intake = rng.integers(1, 6, size=size).astype(float)
    latest = np.clip(intake + rng.choice(MOVES, p=MOVE_ODDS, size=size), 1, 7)
    return Project(Steps(gender, intake, latest), rng.random(size) < GOAL)


def movement_withheld(drawn: Project, threshold: int) -> dict[str, bool]:
    """Whether the report withholds the women-men comparison of step movement, and
    each group's statistics."""
    table = movement_table(drawn.steps, threshold)
    comparison = movement_statistics(drawn.steps, table).women_vs_men
    return {"comparison": comparison is None or comparison.suppressed,
            **{group: not table.row(group).counts_known for group in GROUPS}}


def target_withheld(drawn: Project, threshold: int) -> dict[str, bool]:
    """Whether the report withholds women's share minus men's, and each group's share."""
    result = target_result(Reached(drawn.steps.gender, drawn.reached), GOAL, threshold)
    return {"comparison": result.women_minus_men is None,
            **{group: result.group(group).share.suppressed for group in GROUPS}}


MEASURES = {"step movement's statistics": movement_withheld,
            f"a target's share ({GOAL:.0%})": target_withheld}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=60,
                        help="projects drawn for each size and number of others")
    parser.add_argument("--threshold", type=int, default=5)
    args = parser.parse_args()
    for what, withheld in MEASURES.items():
        print(f"Per cent of {args.projects} projects in which the report withholds "
              f"{what}, at threshold {args.threshold}:")
        print(f"{'participants':>12} {'others':>6} {'women vs men':>12} {'women':>6} "
              f"{'men':>6} {'total':>6}")
        for size in SIZES:
            for others in OTHERS:
                counts = dict.fromkeys(("comparison", *GROUPS), 0)
                for seed in range(args.projects):
                    drawn = project(size, others, seed)
                    for figure, is_withheld in withheld(drawn, args.threshold).items():
                        counts[figure] += is_withheld
                share = {figure: 100 * count / args.projects for figure, count in counts.items()}
                print(f"{size:>12} {others:>6} {share['comparison']:>11.0f}% "
                      f"{share[WOMAN]:>5.0f}% {share[MAN]:>5.0f}% {share[TOTAL]:>5.0f}%")
        print()


if __name__ == "__main__":
    main()
