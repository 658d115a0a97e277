"""Monthly counts by gender: enrolments and exits per calendar month."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from analysis.movement import ALWAYS_SHOWN, MAN, TOTAL, WOMAN
from analysis.suppression import Cell, suppression_mask

#: Columns of the table; "other" and "not stated" are in the total only.
MONTHLY_GROUPS = (*ALWAYS_SHOWN, TOTAL)


@dataclass(frozen=True)
class MonthlyTable:
    months: tuple[str, ...]
    #: ``counts[kind][month][group]`` with kind "enrolled" or "exited".
    counts: dict[str, dict[str, dict[str, Cell]]]


def months_between(first: date, last: date) -> list[str]:
    """"YYYY-MM" for every month from ``first`` to ``last`` inclusive."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass(frozen=True)
class Events:
    """Things that happened to participants: the day (datetime64[D]) and the gender
    of each, as parallel arrays."""

    day: np.ndarray
    gender: np.ndarray

    @classmethod
    def of(cls, happened: Iterable[tuple[date, str]]) -> Events:
        listed = list(happened)
        days, genders = zip(*listed, strict=True) if listed else ((), ())
        return cls(np.array(days, dtype="datetime64[D]"), np.array(genders, dtype=str))


def monthly_table(events: dict[str, Events], months: Sequence[str], threshold: int
                  ) -> MonthlyTable:
    """Per kind, a months × (women, men, others) grid suppressed with its totals."""
    counts: dict[str, dict[str, dict[str, Cell]]] = {}
    month_starts = np.array(months, dtype="datetime64[M]")
    for kind, happened in events.items():
        grid = np.zeros((len(months), 3), dtype=int)
        month = happened.day.astype("datetime64[M]")
        row = np.searchsorted(month_starts, month)
        inside = (row < len(months)) & (month_starts[np.minimum(row, len(months) - 1)] == month)
        column = np.select([happened.gender == WOMAN, happened.gender == MAN], [0, 1], 2)
        np.add.at(grid, (row[inside], column[inside]), 1)
        # Without anyone of another gender, their empty column would only force
        # needless hiding of women's and men's figures.
        columns = 3 if grid[:, 2].any() else 2
        counts[kind] = {}
        if not months:
            continue
        mask = suppression_mask(grid[:, :columns], threshold)
        for i, month in enumerate(months):
            counts[kind][month] = {
                WOMAN: Cell.hidden() if mask.cells[i, 0] else Cell(int(grid[i, 0])),
                MAN: Cell.hidden() if mask.cells[i, 1] else Cell(int(grid[i, 1])),
                TOTAL: Cell.hidden() if mask.row_totals[i] else Cell(int(grid[i].sum())),
            }
    return MonthlyTable(tuple(months), counts)
