"""The nonparametric bootstrap, drawn from tallies when the values repeat.

Ladder steps and domain scores take few distinct values. A resample of such a
sample is fully described by how often it draws each distinct value, and those
counts follow a multinomial distribution over the sample's tallies: the same
bootstrap distribution ``scipy.stats.bootstrap`` samples by drawing indices,
at a cost of resamples × distinct values instead of resamples × n. A report on
100 000 participants then costs what one on a hundred does.

Samples with many distinct values go to ``scipy.stats.bootstrap`` itself. The
interval formulas (percentile; BCa after Efron & Tibshirani, 14.3 and 15.4)
follow scipy's, including its jackknife estimate of the acceleration, computed
here once per distinct value with its count as weight.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special, stats

#: Above this many distinct values a tally saves nothing: scipy draws indices instead.
MAX_DISTINCT = 500
#: Raw resamples drawn at once by scipy: bounds memory to this × the sample's size.
BATCH = 250
#: Tallies drawn at once, counted in distinct values: about 2 MB of counts a sample.
#: Few distinct values are then drawn in one go, as each draw and each statistic on
#: it has a fixed cost that would otherwise dominate a small report.
TALLIES_AT_ONCE = 2**18
#: BCa's acceleration by scipy's jackknife costs n² on raw values; above this
#: many the percentile interval is used for those samples (and named as such).
BCA_MAX_N_RAW = 5000


@dataclass(frozen=True)
class Statistic:
    """One statistic in the two forms the bootstrap needs.

    ``on_values(*samples, axis)`` takes raw samples, vectorised along ``axis``
    as ``scipy.stats.bootstrap`` wants; ``on_tallies(grid, *counts)`` takes one
    count per value of the sorted ``grid`` for each sample (last axis), and
    works on any leading axes.
    """

    on_values: Callable[..., Any]
    on_tallies: Callable[..., np.ndarray]


def _tallied_mean(grid: np.ndarray, counts: np.ndarray) -> np.ndarray:
    return counts @ grid / counts.sum(axis=-1)


def _value_at(grid: np.ndarray, cumulative: np.ndarray, position: np.ndarray) -> np.ndarray:
    """The value at 0-based ``position`` of each sorted sample, from its cumulative counts."""
    return grid[np.argmax(cumulative > position[..., None], axis=-1)]


def _tallied_median(grid: np.ndarray, counts: np.ndarray) -> np.ndarray:
    n = counts.sum(axis=-1)
    cumulative = np.cumsum(counts, axis=-1)
    lower = _value_at(grid, cumulative, (n - 1) // 2)
    upper = _value_at(grid, cumulative, n // 2)
    return (lower + upper) / 2


def cliffs_delta(first: np.ndarray, second: np.ndarray, axis: int = -1) -> np.ndarray:
    """Cliff's delta via ranks, 2U/(n₁n₂) − 1, vectorised along ``axis``.

    Ranking is O(n log n), where counting every pair would be O(n₁n₂).
    """
    first = np.moveaxis(np.asarray(first, dtype=float), axis, -1)
    second = np.moveaxis(np.asarray(second, dtype=float), axis, -1)
    n1, n2 = first.shape[-1], second.shape[-1]
    ranks = stats.rankdata(np.concatenate([first, second], axis=-1), axis=-1)
    u_first = ranks[..., :n1].sum(axis=-1) - n1 * (n1 + 1) / 2
    return 2 * u_first / (n1 * n2) - 1


def _tallied_cliffs_delta(grid: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """P(X > Y) − P(X < Y) from the tallies of X (``first``) and Y (``second``)."""
    n1, n2 = first.sum(axis=-1), second.sum(axis=-1)
    second_up_to = np.cumsum(second, axis=-1)
    below = second_up_to - second
    above = n2[..., None] - second_up_to
    return ((first * below).sum(axis=-1) - (first * above).sum(axis=-1)) / (n1 * n2)


MEAN = Statistic(np.mean, _tallied_mean)
MEDIAN = Statistic(np.median, _tallied_median)
CLIFFS_DELTA = Statistic(cliffs_delta, _tallied_cliffs_delta)


@dataclass(frozen=True)
class Bootstrap:
    low: float
    high: float
    #: "BCa" or "percentile": what was computed, which may differ from what was asked.
    method: str


def tallies(samples: tuple[np.ndarray, ...]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The sorted distinct values of all samples, and each sample's count of each."""
    # Each sample tallied on its own, then placed on the common grid: sorting
    # is quick, while finding every value's place in the grid is not.
    tallied = [np.unique(s, return_counts=True) for s in samples]
    grid = np.unique(np.concatenate([values for values, _ in tallied]))
    counts = []
    for values, count in tallied:
        on_grid = np.zeros(grid.size, dtype=np.int64)
        on_grid[np.searchsorted(grid, values)] = count
        counts.append(on_grid)
    return grid, counts


def acceleration(
    statistic: Statistic, grid: np.ndarray, counts: list[np.ndarray]
) -> float:
    """BCa's acceleration from the jackknife, one leave-one-out per distinct value.

    Leaving out any one of the equal values gives the same estimate, so each
    distinct value's estimate enters with its count as weight; otherwise this is
    scipy's formula term for term.
    """
    numerators, denominators = 0.0, 0.0
    for j, sample_counts in enumerate(counts):
        present = np.flatnonzero(sample_counts)
        left_out = sample_counts[None, :] - np.eye(grid.size, dtype=sample_counts.dtype)[present]
        arguments = [np.broadcast_to(c, left_out.shape) for c in counts]
        arguments[j] = left_out
        estimates = statistic.on_tallies(grid, *arguments)
        weights = sample_counts[present]
        n = float(sample_counts.sum())
        dot = (weights * estimates).sum() / n
        u = (n - 1) * (dot - estimates)
        numerators += (weights * u**3).sum() / n**3
        denominators += (weights * u**2).sum() / n**2
    return numerators / denominators**1.5 / 6


def _bca_levels(
    distribution: np.ndarray, estimate: float, a_hat: float, alpha: float
) -> tuple[float, float]:
    below = np.count_nonzero(distribution < estimate) + np.count_nonzero(distribution <= estimate)
    z0 = special.ndtri(below / (2 * distribution.size))
    z_alpha = special.ndtri(alpha)
    levels = []
    for z in (z_alpha, -z_alpha):
        levels.append(special.ndtr(z0 + (z0 + z) / (1 - a_hat * (z0 + z))))
    return levels[0], levels[1]


#: What to estimate: a statistic and the interval method ("BCa" or "percentile").
Wanted = tuple[Statistic, str]


def _from_tallies(
    grid: np.ndarray, counts: list[np.ndarray], wanted: list[Wanted], confidence: float,
    resamples: int, rng: np.random.Generator,
) -> list[tuple[float, float]]:
    """Every wanted interval from one set of resamples, as scipy would draw them for each
    with the same seed."""
    sizes = [int(c.sum()) for c in counts]
    shares = [c / n for c, n in zip(counts, sizes, strict=True)]
    distributions = np.empty((len(wanted), resamples))
    batch = max(1, TALLIES_AT_ONCE // grid.size)
    for start in range(0, resamples, batch):
        size = min(batch, resamples - start)
        drawn = [rng.multinomial(n, p, size=size) for n, p in zip(sizes, shares, strict=True)]
        for row, (statistic, _) in enumerate(wanted):
            distributions[row, start:start + size] = statistic.on_tallies(grid, *drawn)
    alpha = (1 - confidence) / 2
    found = []
    for distribution, (statistic, method) in zip(distributions, wanted, strict=True):
        if method == "BCa":
            estimate = float(statistic.on_tallies(grid, *counts))
            levels = _bca_levels(distribution, estimate, acceleration(statistic, grid, counts),
                                 alpha)
        else:
            levels = (alpha, 1 - alpha)
        if all(math.isfinite(level) for level in levels):
            low, high = np.quantile(distribution, levels)
            found.append((float(low), float(high)))
        else:
            found.append((math.nan, math.nan))
    return found


@contextmanager
def quiet() -> Iterator[None]:
    """Without scipy's warnings on degenerate resamples: BCa is then undefined, scipy
    returns NaN, and the interval is reported as "no interval" instead.

    ``warnings.catch_warnings`` swaps one process-wide filter list, so threads
    entering it at once may restore each other's lists. Code running intervals in
    threads enters it around them too: every list restored then holds these
    filters, and the caller's own list is back once the threads are done.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _from_values(
    samples: tuple[np.ndarray, ...], statistic: Statistic, method: str, confidence: float,
    resamples: int, seed: int,
) -> tuple[float, float, str]:
    if method == "BCa" and max(s.size for s in samples) > BCA_MAX_N_RAW:
        method = "percentile"
    with quiet():
        result = stats.bootstrap(
            samples, statistic.on_values, confidence_level=confidence, n_resamples=resamples,
            method=method, rng=np.random.default_rng(seed), vectorized=True, batch=BATCH,
        )
    low, high = (float(x) for x in result.confidence_interval)
    return low, high, method


def intervals(
    samples: tuple[np.ndarray, ...], wanted: list[Wanted], *,
    confidence: float, resamples: int, seed: int,
) -> list[Bootstrap | None]:
    """A ``confidence`` interval for each wanted statistic, all from the same resamples.

    An entry is None when its interval is undefined (BCa on a degenerate
    bootstrap distribution, for instance); the caller says "no interval".
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        grid, counts = tallies(samples)
        if grid.size <= MAX_DISTINCT:
            rng = np.random.default_rng(seed)
            bounds = [(*pair, method) for pair, (_, method) in zip(
                _from_tallies(grid, counts, wanted, confidence, resamples, rng), wanted,
                strict=True)]
        else:
            bounds = [_from_values(samples, statistic, method, confidence, resamples, seed)
                      for statistic, method in wanted]
    return [
        Bootstrap(low, high, method) if math.isfinite(low) and math.isfinite(high) else None
        for low, high, method in bounds
    ]


def interval(
    samples: tuple[np.ndarray, ...], statistic: Statistic, method: str, *,
    confidence: float, resamples: int, seed: int,
) -> Bootstrap | None:
    """One ``confidence`` interval for ``statistic`` by ``method`` ("BCa" or "percentile")."""
    return intervals(samples, [(statistic, method)], confidence=confidence,
                     resamples=resamples, seed=seed)[0]
