"""The monthly status report an ESF project attaches to its progress report
(lägesrapport): who came, who is taking part, who left and how, and whether the
occasions due that month were answered, for women, men and in total.

Three blocks, each suppressed as one table with its published totals:

* participants: enrolled during the month, enrolled in total by its end, and
  taking part at its end; each line stands alone (its figures and its total);
* exits during the month by outcome, with the total exited as the bottom line;
* occasions due during the month by what became of them (answered, missed, still
  open), with the total due as the bottom line.

"Other" and "not stated" genders count in the totals only, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from analysis.movement import MAN, TOTAL, WOMAN
from analysis.suppression import Cell, suppression_mask

GROUPS = (WOMAN, MAN, TOTAL)
PARTICIPANT_LINES = ("enrolled_in_month", "enrolled_total", "active_at_month_end")
OCCASION_FATES = ("completed", "missed", "open")


@dataclass(frozen=True)
class People:
    """Everyone covered, one row each."""

    gender: np.ndarray
    #: datetime64[D]
    enrolled_on: np.ndarray
    #: datetime64[D], NaT while taking part.
    exited_on: np.ndarray
    #: The outcome recorded at exit; None while taking part.
    exit_outcome: np.ndarray


@dataclass(frozen=True)
class OccasionsDue:
    """Every occasion due during the month, one row each."""

    gender: np.ndarray
    #: One of OCCASION_FATES.
    fate: np.ndarray


@dataclass(frozen=True)
class StatusReport:
    month: str
    #: Cells describing fewer participants than this are hidden.
    threshold: int
    #: ``lines[key][group]``: PARTICIPANT_LINES, "exited_<outcome>" for every outcome,
    #: "exited", every "occasions_<fate>" and "occasions_due".
    lines: dict[str, dict[str, Cell]]


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of "YYYY-MM"."""
    first = date.fromisoformat(f"{month}-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


def _columns(gender: np.ndarray) -> np.ndarray:
    return np.select([gender == WOMAN, gender == MAN], [0, 1], default=2)


def _grid(categories: np.ndarray, gender: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    """How many of each key, by women, men and others."""
    grid = np.zeros((len(keys), 3), dtype=int)
    column = _columns(gender)
    for row, key in enumerate(keys):
        np.add.at(grid[row], column[categories == key], 1)
    return grid


def _suppressed(grid: np.ndarray, keys: Sequence[str], total_key: str | None,
                threshold: int) -> dict[str, dict[str, Cell]]:
    """The grid's lines (and its column totals as ``total_key``), hidden as one table."""
    # Without anyone of another gender their empty column would only hide more.
    used = grid if grid[:, 2].any() else grid[:, :2]
    mask = suppression_mask(used, threshold)

    def cells(values: np.ndarray, hidden: np.ndarray, total_hidden: bool) -> dict[str, Cell]:
        return {
            WOMAN: Cell.hidden() if hidden[0] else Cell(int(values[0])),
            MAN: Cell.hidden() if hidden[1] else Cell(int(values[1])),
            TOTAL: Cell.hidden() if total_hidden else Cell(int(values.sum())),
        }

    lines = {key: cells(grid[row], mask.cells[row], bool(mask.row_totals[row]))
             for row, key in enumerate(keys)}
    if total_key is not None:
        lines[total_key] = cells(grid.sum(axis=0), mask.column_totals, mask.grand_total)
    return lines


def status_report(
    people: People, occasions: OccasionsDue, month: str, outcomes: Sequence[str],
    threshold: int,
) -> StatusReport:
    first, last = (np.datetime64(day, "D") for day in month_bounds(month))
    enrolled_by_end = people.enrolled_on <= last
    exited_by_end = ~np.isnat(people.exited_on) & (people.exited_on <= last)
    exited_in_month = exited_by_end & (people.exited_on >= first)
    taking_part = {
        "enrolled_in_month": enrolled_by_end & (people.enrolled_on >= first),
        "enrolled_total": enrolled_by_end,
        "active_at_month_end": enrolled_by_end & ~exited_by_end,
    }
    lines: dict[str, dict[str, Cell]] = {}
    for key, chosen in taking_part.items():
        line = _grid(np.full(chosen.sum(), key), people.gender[chosen], [key])
        lines |= _suppressed(line, [key], None, threshold)

    exit_keys = [f"exited_{outcome}" for outcome in outcomes]
    outcome_of = np.array([f"exited_{o}" for o in people.exit_outcome[exited_in_month]],
                          dtype=object)
    lines |= _suppressed(_grid(outcome_of, people.gender[exited_in_month], exit_keys),
                         exit_keys, "exited", threshold)

    fate_keys = [f"occasions_{fate}" for fate in OCCASION_FATES]
    fate_of = np.array([f"occasions_{fate}" for fate in occasions.fate], dtype=object)
    lines |= _suppressed(_grid(fate_of, occasions.gender, fate_keys), fate_keys,
                         "occasions_due", threshold)
    return StatusReport(month, threshold, lines)
