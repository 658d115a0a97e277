"""The monthly status report: counts worked out by hand, then what suppression hides."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from analysis.status_report import (
    OccasionsDue,
    People,
    month_bounds,
    status_report,
)

OUTCOMES = ("work", "studies", "programme", "rehabilitation", "other", "unknown")
NAT = None


def people(rows: list[tuple[str, str, str | None, str | None]]) -> People:
    """(gender, enrolled_on, exited_on, outcome) per participant."""
    gender, enrolled, exited, outcome = zip(*rows, strict=True)
    return People(
        np.array(gender),
        np.array(enrolled, dtype="datetime64[D]"),
        np.array([e or "NaT" for e in exited], dtype="datetime64[D]"),
        np.array(outcome, dtype=object),
    )


def no_occasions() -> OccasionsDue:
    return OccasionsDue(np.array([], dtype=str), np.array([], dtype=str))


def values(line: dict) -> tuple:
    return tuple(None if cell.suppressed else cell.value for cell in line.values())


@pytest.mark.parametrize(("month", "first", "last"), [
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),
    ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),
])
def test_a_month_runs_from_its_first_to_its_last_day(month, first, last):
    assert month_bounds(month) == (first, last)


def test_participants_enrolled_taking_part_and_exited_in_the_month():
    # March 2026. Women: 6 enrolled in March, 5 in January of whom 5 left in March
    # for work. Men: 7 enrolled in January, still taking part; 5 enrolled in April
    # (after the month: not counted anywhere).
    rows = (
        [("woman", "2026-03-10", None, None)] * 6
        + [("woman", "2026-01-05", "2026-03-20", "work")] * 5
        + [("man", "2026-01-05", None, None)] * 7
        + [("man", "2026-04-02", None, None)] * 5
    )
    report = status_report(people(rows), no_occasions(), "2026-03", OUTCOMES, threshold=5)
    lines = report.lines
    # No man enrolled in March: hidden like any small figure, though with nobody in
    # the group there is nobody to protect, so the total may still be shown.
    assert values(lines["enrolled_in_month"]) == (6, None, 6)
    assert values(lines["enrolled_total"]) == (11, 7, 18)
    assert values(lines["active_at_month_end"]) == (6, 7, 13)
    assert values(lines["exited_work"]) == (5, None, 5)
    assert values(lines["exited"]) == (5, None, 5)
    assert values(lines["exited_studies"]) == (None, None, None)


def test_someone_who_left_after_the_month_was_still_taking_part_at_its_end():
    rows = [("man", "2026-01-05", "2026-04-01", "studies")] * 6
    report = status_report(people(rows), no_occasions(), "2026-03", OUTCOMES, threshold=5)
    assert values(report.lines["active_at_month_end"])[1] == 6
    assert report.lines["exited"]["man"].suppressed  # none left in March


def test_a_small_outcome_is_hidden_with_another_so_it_cannot_be_worked_out():
    # Exits in March: women 8 to work and 2 to studies; men 9 to work.
    rows = (
        [("woman", "2026-01-05", "2026-03-20", "work")] * 8
        + [("woman", "2026-01-05", "2026-03-21", "studies")] * 2
        + [("man", "2026-01-05", "2026-03-22", "work")] * 9
    )
    lines = status_report(people(rows), no_occasions(), "2026-03", OUTCOMES, 5).lines
    assert lines["exited_studies"]["woman"].suppressed
    # Women's total (10) is published, so women's 8 to work must go as well.
    assert values(lines["exited"]) == (10, 9, 19)
    assert lines["exited_work"]["woman"].suppressed


def test_occasions_due_by_what_became_of_them():
    gender = np.array(["woman"] * 9 + ["man"] * 8 + ["other"])
    fate = np.array(["completed"] * 7 + ["missed"] * 2 + ["completed"] * 6 + ["open"] * 2
                    + ["completed"])
    report = status_report(people([("woman", "2026-01-01", None, None)]),
                           OccasionsDue(gender, fate), "2026-03", OUTCOMES, threshold=3)
    lines = report.lines
    # Small cells (2, 2, 1 …) are hidden with what would give them away. The one
    # person of another gender is only in the total: showing men's 8 beside women's
    # 9 and the total 18 would reveal them.
    assert values(lines["occasions_due"]) == (9, None, 18)
    for key in ("occasions_missed", "occasions_open"):
        assert all(cell.suppressed or cell.value >= 3 for cell in lines[key].values())
    completed = lines["occasions_completed"]
    assert completed["woman"].suppressed or completed["woman"].value == 7
