"""Statistics for change within and between groups, each naming its method.

Plain numbers in, frozen dataclasses out. Below ``MIN_N_FOR_TESTS`` no test or
interval is computed and the result says why, because a p-value or a bootstrap
interval on a handful of participants misleads more than it informs.
"""

from __future__ import annotations

import math
import os
from collections.abc import Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import numpy as np
from scipy import stats

from analysis import bootstrap
from analysis.bootstrap import cliffs_delta

MIN_N_FOR_TESTS = 10
#: The least a deployment may set it to: on five or fewer, a two-sided Wilcoxon
#: signed-rank test cannot reach p < 0.05 (five all improved: p = 2/2⁵ = 0.0625).
SMALLEST_MIN_N_FOR_TESTS = 6
CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 4999
#: Fixed so that a report shows the same intervals every time it is drawn.
BOOTSTRAP_SEED = 20_261_123


def usable_cores() -> int:
    """The cores this process may run on, which a container may limit."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


#: Threads for statistics computed side by side. Their cost is numpy's and scipy's
#: sorting and resampling, which release the GIL, so threads share it among cores.
WORKERS = min(4, usable_cores())
#: |RCI| above this is change larger than measurement error (two-sided 5 %).
RELIABLE_CHANGE_CRITERION = 1.96
#: Why a group's statistics are left out though its size is shown.
COUNTS_HIDDEN = "not shown: it would reveal counts that are suppressed"


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    method: str


@dataclass(frozen=True)
class TestResult:
    statistic: float | None
    p_value: float | None
    method: str
    note: str | None = None


@dataclass(frozen=True)
class PairedChange:
    """Change within one group, from each participant's own difference (after − before)."""

    n: int
    mean: float | None
    median: float | None
    mean_ci: Interval | None
    median_ci: Interval | None
    wilcoxon: TestResult | None
    #: Matched-pairs rank-biserial correlation: share of favourable minus unfavourable rank.
    rank_biserial: float | None
    sign_test: TestResult | None
    note: str | None = None
    #: Withheld because it would give away counts a table hides: all but n is None.
    suppressed: bool = False

    @classmethod
    def withheld(cls, n: int) -> PairedChange:
        return cls(n, None, None, None, None, None, None, None, COUNTS_HIDDEN, suppressed=True)


@dataclass(frozen=True)
class GroupDifference:
    """Whether change differs between two groups (e.g. women and men)."""

    n_first: int
    n_second: int
    test: TestResult | None
    #: Cliff's delta: P(first > second) − P(first < second), from −1 to 1.
    cliffs_delta: float | None
    cliffs_delta_ci: Interval | None
    note: str | None = None
    #: Withheld because it would give away counts a table hides: all but the sizes is None.
    suppressed: bool = False

    @classmethod
    def withheld(cls, n_first: int, n_second: int) -> GroupDifference:
        return cls(n_first, n_second, None, None, None, COUNTS_HIDDEN, suppressed=True)


@dataclass(frozen=True)
class Share:
    count: int
    n: int
    share: float | None
    ci: Interval | None


@dataclass(frozen=True)
class ShareDifference:
    difference: float | None
    ci: Interval | None


def _too_few(n: int, min_n: int) -> str | None:
    if n < min_n:
        return f"fewer than {min_n} participants: no test or interval computed"
    return None


def _bootstrap(
    samples: tuple[np.ndarray, ...], wanted: list[bootstrap.Wanted], seed: int
) -> list[Interval | None]:
    return [
        None if result is None else Interval(
            result.low, result.high, f"bootstrap {result.method}, {BOOTSTRAP_RESAMPLES} resamples"
        )
        for result in bootstrap.intervals(samples, wanted, confidence=CONFIDENCE,
                                          resamples=BOOTSTRAP_RESAMPLES, seed=seed)
    ]


def rank_biserial(differences: Sequence[float]) -> float | None:
    """Matched-pairs rank-biserial correlation (Kerby 2014); zero differences are dropped.

    Ranked by size with ties sharing their mean rank, as ``scipy.stats.rankdata``
    would, but once per distinct size: differences take few distinct values.
    """
    values, counts = np.unique(np.asarray(differences, dtype=float), return_counts=True)
    nonzero = values != 0
    if not nonzero.any():
        return None
    sizes, size_of = np.unique(np.abs(values[nonzero]), return_inverse=True)
    tied = np.bincount(size_of, weights=counts[nonzero], minlength=sizes.size)
    mean_rank = np.cumsum(tied) - (tied - 1) / 2
    favourable_minus_unfavourable = np.bincount(
        size_of, weights=counts[nonzero] * np.sign(values[nonzero]), minlength=sizes.size)
    return float(favourable_minus_unfavourable @ mean_rank / (tied @ mean_rank))


#: scipy's own choice of p-value for the Wilcoxon test (``scipy.stats.wilcoxon``,
#: Notes): the exact distribution up to 50 differences, all distinct and nonzero;
#: with ties or zeros, every sign flip up to 13; the normal approximation otherwise.
#: Made here because scipy's answer does not say which it used.
WILCOXON_EXACT_MAX_N = 50
WILCOXON_ALL_SIGN_FLIPS_MAX_N = 13
WILCOXON = "Wilcoxon signed-rank, Pratt zero handling"
#: Mann–Whitney U is exact when a group has at most this many and nothing is tied.
MANN_WHITNEY_EXACT_MAX_N = 8


def wilcoxon_test(differences: Sequence[float]) -> TestResult:
    """The Wilcoxon signed-rank test, zeros ranked and dropped (Pratt), naming how its
    p-value was found. Differences must not all be zero."""
    d = np.asarray(differences, dtype=float)
    values, counts = np.unique(d, return_counts=True)
    if not (counts > 1).any() and not (values == 0).any() and d.size <= WILCOXON_EXACT_MAX_N:
        result = stats.wilcoxon(d, zero_method="pratt", method="exact")
        return TestResult(float(result.statistic), float(result.pvalue),
                          f"{WILCOXON}, exact distribution")
    # The test does not depend on the differences' order, but scipy ranks them with a
    # stable sort, several times quicker on values already in order of size.
    by_size = np.argsort(np.abs(values), kind="stable")
    result = stats.wilcoxon(np.repeat(values[by_size], counts[by_size]), zero_method="pratt",
                            method="asymptotic")
    if d.size <= WILCOXON_ALL_SIGN_FLIPS_MAX_N:
        return TestResult(float(result.statistic), _all_sign_flips_p_value(d),
                          f"{WILCOXON}, exact permutation distribution (ties or zeros)")
    return TestResult(float(result.statistic), float(result.pvalue),
                      f"{WILCOXON}, normal approximation")


def _all_sign_flips_p_value(d: np.ndarray) -> float:
    """The two-sided p-value from every assignment of signs, as ``scipy.stats.wilcoxon``
    finds it for few tied differences, but with the statistic computed for all
    assignments at once: scipy computes it for each in turn, seconds for thirteen."""
    ranks = stats.rankdata(np.abs(d))

    def positive_rank_sum(flipped: np.ndarray, axis: int) -> np.ndarray:
        return np.sum(ranks * (flipped > 0), axis=axis)

    return float(stats.permutation_test(
        (d,), positive_rank_sum, permutation_type="samples", vectorized=True,
        alternative="two-sided",
    ).pvalue)


def paired_change(
    differences: Sequence[float], min_n: int = MIN_N_FOR_TESTS, seed: int = BOOTSTRAP_SEED
) -> PairedChange:
    """Mean and median change with bootstrap intervals, Wilcoxon and sign tests."""
    d = np.asarray(differences, dtype=float)
    n = int(d.size)
    if n == 0:
        return PairedChange(0, None, None, None, None, None, None, None, "no participants")
    mean, median = float(d.mean()), float(np.median(d))
    note = _too_few(n, min_n)
    if note:
        return PairedChange(n, mean, median, None, None, None, None, None, note)

    if np.all(d == d[0]):
        same = "all differences are equal"
        mean_ci = Interval(mean, mean, same)
        median_ci = Interval(median, median, same)
    else:
        # BCa degenerates on the median of ordinal steps; percentile does not.
        mean_ci, median_ci = _bootstrap(
            (d,), [(bootstrap.MEAN, "BCa"), (bootstrap.MEDIAN, "percentile")], seed
        )

    if np.all(d == 0):
        wilcoxon = TestResult(None, None, "Wilcoxon signed-rank", "all differences are zero")
    else:
        wilcoxon = wilcoxon_test(d)

    improved, worse = int((d > 0).sum()), int((d < 0).sum())
    if improved + worse == 0:
        sign = TestResult(None, None, "sign test (binomial)", "nobody improved or worsened")
    else:
        sign_result = stats.binomtest(improved, improved + worse, 0.5)
        sign = TestResult(float(improved), float(sign_result.pvalue), "sign test (binomial)")

    return PairedChange(n, mean, median, mean_ci, median_ci, wilcoxon, rank_biserial(d), sign)


Key = TypeVar("Key", bound=Hashable)


def paired_changes(
    differences: Mapping[Key, Sequence[float]], min_n: int = MIN_N_FOR_TESTS
) -> dict[Key, PairedChange]:
    """``paired_change`` of each set of differences, several at a time; each result is
    the one ``paired_change`` gives alone, since every interval has its own seed."""
    with bootstrap.quiet(), ThreadPoolExecutor(WORKERS) as pool:
        found = pool.map(partial(paired_change, min_n=min_n), differences.values())
        return dict(zip(differences, found, strict=True))


def group_difference(
    first: Sequence[float], second: Sequence[float], min_n: int = MIN_N_FOR_TESTS,
    seed: int = BOOTSTRAP_SEED,
) -> GroupDifference:
    """Mann–Whitney U test and Cliff's delta (with a bootstrap interval) between two groups."""
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    note = _too_few(min(a.size, b.size), min_n)
    if note:
        return GroupDifference(int(a.size), int(b.size), None, None, None, note)
    # scipy's own choice (``scipy.stats.mannwhitneyu``, method "auto"), made here to name it.
    exact = (min(a.size, b.size) <= MANN_WHITNEY_EXACT_MAX_N
             and np.unique(np.concatenate([a, b])).size == a.size + b.size)
    result = stats.mannwhitneyu(a, b, alternative="two-sided",
                                method="exact" if exact else "asymptotic")
    test = TestResult(float(result.statistic), float(result.pvalue),
                      "Mann–Whitney U, two-sided, " + (
                          "exact distribution" if exact
                          else "normal approximation with continuity correction"))
    delta = float(cliffs_delta(a, b))
    if np.all(np.concatenate([a, b]) == a[0]):
        interval = Interval(delta, delta, "all values are equal")
    else:
        (interval,) = _bootstrap((a, b), [(bootstrap.CLIFFS_DELTA, "percentile")], seed)
    return GroupDifference(int(a.size), int(b.size), test, delta, interval)


def wilson_share(count: int, n: int) -> Share:
    """A proportion with its Wilson score interval."""
    if n == 0:
        return Share(count, n, None, None)
    low, high = stats.binomtest(count, n).proportion_ci(
        confidence_level=CONFIDENCE, method="wilson"
    )
    return Share(count, n, count / n, Interval(float(low), float(high), "Wilson score"))


def share_difference(first: Share, second: Share) -> ShareDifference:
    """first − second with Newcombe's hybrid score interval (his method 10)."""
    if first.ci is None or second.ci is None or first.share is None or second.share is None:
        return ShareDifference(None, None)
    p1, p2 = first.share, second.share
    l1, u1, l2, u2 = first.ci.low, first.ci.high, second.ci.low, second.ci.high
    difference = p1 - p2
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return ShareDifference(difference, Interval(low, high, "Newcombe hybrid score (Wilson)"))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values, in the order given."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    order = np.argsort(p)
    adjusted_sorted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    adjusted = np.empty(m)
    adjusted[order] = adjusted_sorted
    return adjusted.tolist()


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (false discovery rate), in the order given."""
    return stats.false_discovery_control(np.asarray(p_values, dtype=float), method="bh").tolist()


def cronbach_alpha(item_scores: np.ndarray | Sequence[Sequence[float]]) -> float | None:
    """Internal consistency of a scale: rows are participants, columns items (complete rows)."""
    scores = np.asarray(item_scores, dtype=float)
    if scores.ndim != 2 or scores.shape[1] < 2 or scores.shape[0] < 2:
        return None
    total_variance = scores.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return None
    k = scores.shape[1]
    return float(k / (k - 1) * (1 - scores.var(axis=0, ddof=1).sum() / total_variance))


@dataclass(frozen=True)
class ReliableChange:
    index: float
    reliable: bool
    direction: int


def reliable_change_index(
    change: np.ndarray | float, sd_before: float, reliability: float
) -> np.ndarray:
    """Jacobson–Truax RCI of each change (after − before): change ÷ (√2 · SE),
    with the standard error of measurement SE = sd · √(1 − reliability)."""
    if not 0 <= reliability < 1 or sd_before <= 0:
        raise ValueError("needs 0 ≤ reliability < 1 and a positive standard deviation")
    standard_error = sd_before * math.sqrt(1 - reliability)
    return np.asarray(change, dtype=float) / (math.sqrt(2) * standard_error)


def reliable_change(
    before: float, after: float, sd_before: float, reliability: float
) -> ReliableChange:
    """Jacobson–Truax reliable change index for one participant."""
    index = float(reliable_change_index(after - before, sd_before, reliability))
    reliable = abs(index) > RELIABLE_CHANGE_CRITERION
    return ReliableChange(index, reliable, int(np.sign(index)) if reliable else 0)
