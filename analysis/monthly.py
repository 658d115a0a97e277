"""Monthly counts by gender: enrolments and exits per calendar month."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from analysis.movement import ALWAYS_SHOWN, GENDERS, TOTAL, gender_masks, shown_groups
from analysis.suppression import Cell, SuppressionMask, suppression_mask


@dataclass(frozen=True)
class MonthlyTable:
    months: tuple[str, ...]
    #: Women, men, each other gender shown in some month, and the total.
    groups: tuple[str, ...]
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


def monthly_table(events: dict[str, Events], months: Sequence[str], threshold: int,
                  hidden_totals: Mapping[str, Collection[str]] | None = None) -> MonthlyTable:
    """Per kind, a months × genders grid suppressed with its totals.

    Another gender than women and men is given as its own group where one of its
    months is shown, and only if that hides none of women's and men's figures: a
    month has few of another gender, whose hidden cells would otherwise take women's
    or men's as complements. Else the other genders are suppressed as one column,
    counted in the total only.

    ``hidden_totals[kind]`` names the groups (genders, or ``TOTAL``) whose count over
    all the months another table hides, such as attrition's enrolled: their months
    never add up to it, nor let it be worked out with the counts that table shows.
    """
    if not months:
        return MonthlyTable((), shown_groups(lambda g: False), {kind: {} for kind in events})
    counts: dict[str, dict[str, dict[str, Cell]]] = {}
    shown: set[str] = set()
    month_starts = np.array(months, dtype="datetime64[M]")
    for kind, happened in events.items():
        month = happened.day.astype("datetime64[M]")
        row = np.searchsorted(month_starts, month)
        inside = (row < len(months)) & (month_starts[np.minimum(row, len(months) - 1)] == month)
        of_gender = gender_masks(happened.gender)
        grid = np.column_stack([np.bincount(row[inside & of_gender[g]], minlength=len(months))
                                for g in GENDERS])
        mask = _monthly_mask(grid, threshold, (hidden_totals or {}).get(kind, ()))
        counts[kind] = {}
        for i, month_label in enumerate(months):
            counts[kind][month_label] = {
                **{group: Cell.hidden() if mask.cells[i, j] else Cell(int(grid[i, j]))
                   for j, group in enumerate(GENDERS)},
                TOTAL: Cell.hidden() if mask.row_totals[i] else Cell(int(grid[i].sum())),
            }
        shown.update(group for j, group in enumerate(GENDERS) if not mask.cells[:, j].all())
    return MonthlyTable(tuple(months), shown_groups(lambda g: g in shown), counts)


def _monthly_mask(grid: np.ndarray, threshold: int, hidden: Collection[str]) -> SuppressionMask:
    """The mask of a months × ``GENDERS`` grid: each gender its own column if that
    hides no more of women's, men's and the total's figures than one column for
    every other gender, whose cells are then all hidden.

    The months of a gender add up to a count another table gives (attrition's
    enrolled, the exited that exit-outcome targets count): the column totals it
    shows are known to the reader, never hidden, and checked as known; those it
    hides (``hidden``) are hidden here too, and protected.
    """
    women_and_men = len(ALWAYS_SHOWN)
    if len(hidden) == 1:
        # One hidden count beside its total and the other groups' counts is the total
        # minus the rest, known however it is labelled.
        hidden = ()
    hidden_totals = [group in hidden for group in GENDERS]
    total_hidden = TOTAL in hidden

    def mask(table: np.ndarray, hidden_columns: list[bool]) -> SuppressionMask:
        return suppression_mask(table, threshold, hidden_column_totals=hidden_columns,
                                known_column_totals=[not h for h in hidden_columns],
                                hidden_grand_total=total_hidden,
                                grand_total_known=not total_hidden)

    # The other genders together add up to their own counts, or to the total less
    # women's and men's: known where either is.
    others_known = (not any(hidden_totals[women_and_men:])
                    or not any((*hidden_totals[:women_and_men], total_hidden)))
    combined = np.column_stack([grid[:, :women_and_men], grid[:, women_and_men:].sum(axis=1)])
    together = mask(combined, [*hidden_totals[:women_and_men], not others_known])
    apart = mask(grid, hidden_totals)
    if (np.all(apart.cells[:, :women_and_men] <= together.cells[:, :women_and_men])
            and np.all(apart.row_totals <= together.row_totals)):
        return apart
    cells = np.ones_like(grid, dtype=bool)
    column_totals = np.ones(grid.shape[1], dtype=bool)
    cells[:, :women_and_men] = together.cells[:, :women_and_men]
    column_totals[:women_and_men] = together.column_totals[:women_and_men]
    return SuppressionMask(cells, together.row_totals, column_totals, together.grand_total)
