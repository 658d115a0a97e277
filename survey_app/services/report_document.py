"""The evaluator report as a JSON document: what ``survey-app report`` writes.

Every figure is ``{"value": …, "suppressed": false}`` or, when hidden,
``{"value": null, "suppressed": true}``: a suppressed figure never carries a number.
Groups are keyed ``women``, ``men`` and ``total`` (``other``, ``not_stated`` where shown).
"""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from analysis.monthly import MonthlyTable
from analysis.movement import (
    MovementBreakdown,
    MovementStatistics,
    MovementTable,
    TransitionTable,
)
from analysis.reliability import CATEGORIES as RELIABLE_CATEGORIES
from analysis.reliability import ReliableChangeTable
from analysis.statistics import (
    GroupDifference,
    Interval,
    PairedChange,
    ShareDifference,
    TestResult,
)
from analysis.status_report import StatusReport
from analysis.suppression import Cell
from survey_app.services import targets
from survey_app.services.reporting import EvaluatorReport, JudgedTarget, ReportFilters

DOCUMENT_VERSION = 1
GROUP_KEYS = {"woman": "women", "man": "men", "total": "total", "other": "other",
              "not_stated": "not_stated"}


#: The methods' words; a ``{min_n}`` is the deployment's minimum for tests.
METHODS = {
    "step_movement": "step at the latest answered occasion (exit, else the last follow-up) "
                     "minus the step at intake; completers: exit minus intake",
    "share_difference": "women minus men with Newcombe's hybrid score interval",
    "breakdowns": "share moved up per part, suppressed as one table with the report's "
                  "totals; a gender hidden in the main table is hidden in every part",
    "enrolment_year": "calendar year of the enrolment date",
    "age_band": "age at enrolment (enrolment year minus birth year): 15-24 (younger "
                "counted here), 25-54, 55-64, 65+",
    "paired_test": "Wilcoxon signed-rank, Pratt's zero handling; the p-value from the exact "
                   "distribution (up to 50 participants, no ties or zeros), from every "
                   "assignment of signs (up to 13, with ties or zeros) or the normal "
                   "approximation, as stated per figure",
    "effect_size": "matched-pairs rank-biserial correlation (zero differences dropped)",
    "sign_test": "exact binomial test of moved up against moved down",
    "intervals": "95 % bootstrap: BCa for means (percentile for more than 5000 participants "
                 "with more than 500 distinct values, where BCa's jackknife becomes too "
                 "costly), percentile for medians",
    "group_comparison": "Mann–Whitney U, two-sided (exact with at most 8 in a group and no "
                        "ties, else the normal approximation with continuity correction, as "
                        "stated per figure), with Cliff's delta (bootstrap percentile interval)",
    "domain_score": "mean of answered scored items when at least half are answered; "
                    "don't know and declined are missing",
    "multiplicity": "Holm over the domains, per group",
    "minimum_n_for_tests": "no test or interval below {min_n} participants",
    "suppression": "cells under the threshold hidden, with complementary cells until no "
                   "hidden cell can be worked out exactly from the published cells and "
                   "totals (checked for every hidden cell) and the hidden cells of a row "
                   "or column together never count fewer than the threshold (so the total "
                   "less women and men, which gives those of another or unstated gender, "
                   "can hide some of women's or men's figures); a group's shares are shown "
                   "only where its size is, and its means, medians, tests and intervals "
                   "only where all its counts (moved up, unchanged, moved down) are, since "
                   "they can give those counts back; tables of the same participants "
                   "that share totals (the movement table, the step distribution and the "
                   "transition table share group sizes and the number on each step) hide "
                   "each such total in all of them where one must hide it; the completers' "
                   "tables are suppressed so that the measured minus the completers (those "
                   "not yet finished) reveal no figure under the threshold either",
    "reliable_change": "Jacobson–Truax reliable change index on the mean of a scale's "
                       "items, |RCI| > 1.96; reliability is Cronbach's alpha of complete "
                       "intake answers, spread the SD of intake scale scores; 'overall' is "
                       "every scored statement asked at intake except the ladder",
    "targets": "share reaching the target with a Wilson 95 % interval; met when the observed "
               "share reaches the goal, too few to tell below {min_n} in the denominator; women "
               "minus men with Newcombe's hybrid score interval. Where the share is hidden, "
               "the status is given only when every count the published figures allow "
               "gives the same one; otherwise it is null. Targets counting the same "
               "participants (every exit-outcome target counts the exited) are suppressed "
               "together, so that side by side they give no small group away either "
               "(those who reached neither of two targets, say)",
}


def methods(min_n: int) -> dict[str, str]:
    """How each kind of figure was made, in words, for the report's readers."""
    return {topic: text.format(min_n=min_n) for topic, text in METHODS.items()}


def figure(cell: Cell) -> dict[str, Any]:
    if cell.suppressed:
        return {"value": None, "suppressed": True}
    return {"value": cell.value, "suppressed": False}


def _interval(interval: Interval | None) -> dict[str, Any] | None:
    if interval is None:
        return None
    return {"low": interval.low, "high": interval.high, "method": interval.method}


def _test(test: TestResult | None) -> dict[str, Any] | None:
    if test is None:
        return None
    return {"statistic": test.statistic, "p_value": test.p_value, "method": test.method,
            "note": test.note}


def _paired(change: PairedChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "n": change.n, "mean": change.mean, "mean_ci": _interval(change.mean_ci),
        "median": change.median, "median_ci": _interval(change.median_ci),
        "wilcoxon": _test(change.wilcoxon), "rank_biserial": change.rank_biserial,
        "sign_test": _test(change.sign_test), "note": change.note,
        "suppressed": change.suppressed,
    }


def _difference(difference: GroupDifference | None) -> dict[str, Any] | None:
    if difference is None:
        return None
    return {
        "test": _test(difference.test), "cliffs_delta": difference.cliffs_delta,
        "cliffs_delta_ci": _interval(difference.cliffs_delta_ci), "note": difference.note,
        "suppressed": difference.suppressed,
    }


def report_document(report: EvaluatorReport, filters: ReportFilters) -> dict[str, Any]:
    """The whole report as plain JSON-ready data."""
    movement = report.movement
    statistics = report.statistics
    distribution = report.distribution
    return {
        "document_version": DOCUMENT_VERSION,
        "scope": filters.scope.path,
        "filters": {
            "enrolled_from": filters.enrolled_from.isoformat() if filters.enrolled_from else None,
            "enrolled_to": filters.enrolled_to.isoformat() if filters.enrolled_to else None,
            "age_band": filters.age_band,
            "questionnaire_version": filters.questionnaire_version,
        },
        "suppression_threshold": report.threshold,
        "minimum_n_for_tests": report.min_n,
        "attrition": {
            "participants": {
                stage: {GROUP_KEYS[g]: figure(c) for g, c in groups.items()}
                for stage, groups in report.attrition.counts.items()
            },
            "response_rates": {
                kind: {GROUP_KEYS[g]: figure(c) for g, c in groups.items()}
                for kind, groups in report.attrition.response_rates.items()
            },
        },
        "step_movement": {
            **_movement(movement, statistics),
            "improved_women_minus_men": _share_difference(report.improved_difference),
            "completers": _movement(report.completers, report.completers_statistics),
            "by_age_band": _breakdown(report.by_age_band),
            "by_enrolment_year": _breakdown(report.by_enrolment_year),
            "by_organisation": _breakdown(report.by_organisation),
            "distribution": {
                "steps": list(distribution.steps),
                **{
                    moment: {
                        GROUP_KEYS[g]: {
                            "n": figure(distribution.n[moment][g]),
                            "shares": [figure(c) for c in distribution.shares[moment][g]],
                        }
                        for g in distribution.groups
                    }
                    for moment in distribution.moments
                },
            },
            "transitions": _transitions(report.transitions),
        },
        "domains": {
            domain: {
                GROUP_KEYS[group]: {
                    "n": figure(cell.n),
                    "change": _paired(cell.change),
                    "p_holm": cell.adjusted_p,
                }
                for group, cell in report.domains.rows[domain].items()
            }
            for domain in report.domains.domains
        },
        "reliable_change": [_reliable(table) for table in report.reliable_change],
        "targets": [_target(judged) for judged in report.targets],
        "targets_set_on": report.targets_set_on.path if report.targets_set_on else None,
        "monthly": _monthly(report.monthly),
        "methods": methods(report.min_n),
    }


def _movement(movement: MovementTable, statistics: MovementStatistics) -> dict[str, Any]:
    return {
        "groups": {
            GROUP_KEYS[row.group]: {
                "n": figure(row.n), "mean": figure(row.mean), "median": figure(row.median),
                "improved": figure(row.improved), "unchanged": figure(row.unchanged),
                "worse": figure(row.worse),
                "statistics": _paired(statistics.groups.get(row.group)),
            }
            for row in movement.rows
        },
        "not_measurable": figure(movement.not_measurable),
        "women_vs_men": _difference(statistics.women_vs_men),
    }


def _transitions(table: TransitionTable) -> dict[str, Any]:
    return {
        "steps": list(table.steps),
        "counts": [[figure(cell) for cell in row] for row in table.counts],
    }


def _monthly(table: MonthlyTable) -> dict[str, Any]:
    return {
        month: {
            kind: {GROUP_KEYS[g]: figure(by_kind[month][g]) for g in table.groups}
            for kind, by_kind in table.counts.items()
        }
        for month in table.months
    }


def _share_difference(difference: ShareDifference | None) -> dict[str, Any] | None:
    if difference is None or difference.difference is None:
        return None
    return {"difference": difference.difference, "ci": _interval(difference.ci)}


def _breakdown(breakdown: MovementBreakdown) -> dict[str, Any]:
    return {
        row.key: {
            "n": figure(row.n),
            "improved": {GROUP_KEYS[g]: figure(cell) for g, cell in row.improved.items()},
        }
        for row in breakdown.rows
    }


def _reliable(table: ReliableChangeTable) -> dict[str, Any]:
    return {
        "scale": table.scale,
        "items": table.items,
        "alpha": table.alpha,
        "alpha_n": table.alpha_n,
        "sd_intake": table.sd_intake,
        "note": table.note,
        "groups": None if table.groups is None else {
            GROUP_KEYS[group.group]: {
                "n": figure(group.n),
                **{category: figure(cell)
                   for category, cell in zip(RELIABLE_CATEGORIES, group.shares, strict=True)},
            }
            for group in table.groups
        },
    }


def _target(judged: JudgedTarget) -> dict[str, Any]:
    definition, result = judged.definition, judged.result
    difference = result.women_minus_men
    with force_locale("en"):  # the document is English whoever asks for it
        denominator = str(targets.DENOMINATORS[definition.rule])
    return {
        "id": definition.id,
        "label": definition.label,
        "rule": definition.rule.value,
        "parameters": definition.parameters,
        "goal": definition.goal,
        "denominator": denominator,
        "groups": {
            GROUP_KEYS[group.group]: {
                "n": figure(group.n),
                "share": figure(group.share),
                "share_ci": _interval(group.interval.ci if group.interval else None),
                "status": group.status.value if group.status else None,
            }
            for group in result.groups
        },
        "women_minus_men": _share_difference(difference),
    }


def status_document(report: StatusReport, scope_path: str) -> dict[str, Any]:
    """The monthly status as JSON-ready data: each line for women, men and in total."""
    return {
        "document_version": DOCUMENT_VERSION,
        "scope": scope_path,
        "month": report.month,
        "suppression_threshold": report.threshold,
        "lines": {
            key: {GROUP_KEYS[group]: figure(cell) for group, cell in groups.items()}
            for key, groups in report.lines.items()
        },
    }
