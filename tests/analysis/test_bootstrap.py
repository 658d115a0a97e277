"""The tallied bootstrap against the raw-value computations it replaces."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis import bootstrap

small_samples = st.lists(st.integers(-4, 4), min_size=1, max_size=30).map(
    lambda values: np.array(values, dtype=float)
)


@given(small_samples, small_samples)
@settings(max_examples=200, deadline=None)
def test_tallied_statistics_equal_the_statistics_of_the_values(first, second):
    grid, (counts_first, counts_second) = bootstrap.tallies((first, second))
    assert bootstrap.MEAN.on_tallies(grid, counts_first) == pytest.approx(first.mean())
    assert bootstrap.MEDIAN.on_tallies(grid, counts_first) == np.median(first)
    # Cliff's delta by counting every pair, the definition itself.
    pairs = np.sign(first[:, None] - second[None, :])
    assert bootstrap.CLIFFS_DELTA.on_tallies(grid, counts_first, counts_second) == (
        pytest.approx(pairs.mean())
    )
    assert bootstrap.CLIFFS_DELTA.on_values(first, second) == pytest.approx(pairs.mean())


def test_tallied_statistics_work_along_leading_axes():
    grid = np.array([-1.0, 0.0, 2.0])
    counts = np.array([[1, 1, 1], [0, 3, 1], [2, 0, 0]])
    # Samples: {−1, 0, 2}, {0, 0, 0, 2}, {−1, −1}.
    assert bootstrap.MEAN.on_tallies(grid, counts).tolist() == pytest.approx([1 / 3, 0.5, -1])
    assert bootstrap.MEDIAN.on_tallies(grid, counts).tolist() == [0, 0, -1]


def _jackknife_acceleration(samples, statistic):
    """scipy's formula (Efron & Tibshirani 14.15) with one leave-one-out per value."""
    numerator = denominator = 0.0
    for j, sample in enumerate(samples):
        n = sample.size
        estimates = []
        for i in range(n):
            arguments = list(samples)
            arguments[j] = np.delete(sample, i)
            estimates.append(statistic(*arguments))
        estimates = np.array(estimates)
        u = (n - 1) * (estimates.mean() - estimates)
        numerator += (u**3).sum() / n**3
        denominator += (u**2).sum() / n**2
    return numerator / denominator**1.5 / 6


@pytest.mark.parametrize(
    ("statistic", "raw", "samples"),
    [
        (bootstrap.MEAN, np.mean, ([0, 0, 1, 1, 1, 2, 3, 3, -1, 5],)),
        (bootstrap.MEDIAN, np.median, ([0, 0, 1, 1, 1, 2, 3, 3, -1, 5, 5],)),
        (bootstrap.CLIFFS_DELTA, bootstrap.cliffs_delta, ([1, 2, 2, 3, 4], [0, 1, 1, 2, 5, 5])),
    ],
)
def test_acceleration_from_tallies_equals_the_full_jackknife(statistic, raw, samples):
    samples = tuple(np.array(s, dtype=float) for s in samples)
    grid, counts = bootstrap.tallies(samples)
    assert bootstrap.acceleration(statistic, grid, counts) == pytest.approx(
        _jackknife_acceleration(samples, lambda *s: float(raw(*s)))
    )


def test_acceleration_of_the_mean_by_hand():
    # Sample 0 0 0 3 (n 4, mean ¾). Leaving out a 0 gives 1, leaving out the 3 gives 0.
    # Jackknife mean (3·1 + 0)/4 = ¾; u = 3·(¾ − θᵢ): −¾ for the zeros, 9/4 for the 3.
    # Σu³ = 3·(−27/64) + 729/64 = 648/64; Σu² = 3·9/16 + 81/16 = 108/16.
    # Σu³/n³ = 81/512 and Σu²/n² = 27/64, whose 1.5th power is 81√3/512:
    # a = (81/512) / (81√3/512) / 6 = 1/(6√3).
    grid, counts = bootstrap.tallies((np.array([0.0, 0, 0, 3]),))
    assert bootstrap.acceleration(bootstrap.MEAN, grid, counts) == pytest.approx(
        1 / (6 * np.sqrt(3))
    )


@pytest.mark.parametrize(
    ("statistic", "method", "samples"),
    [
        (bootstrap.MEAN, "BCa", (np.repeat([-2, -1, 0, 1, 2, 3], [3, 10, 40, 30, 12, 5]),)),
        (bootstrap.MEDIAN, "percentile", (np.repeat([-1, 0, 1, 2], [10, 35, 40, 15]),)),
        (bootstrap.CLIFFS_DELTA, "percentile",
         (np.repeat([-1, 0, 1, 2], [10, 30, 40, 20]), np.repeat([-1, 0, 1, 2], [20, 40, 30, 10]))),
    ],
)
def test_intervals_agree_with_scipy_bootstrap_on_the_same_data(statistic, method, samples):
    samples = tuple(s.astype(float) for s in samples)
    ours = bootstrap.interval(samples, statistic, method, confidence=0.95, resamples=9999,
                              seed=3)
    scipy_result = stats.bootstrap(samples, statistic.on_values, method=method,
                                   n_resamples=9999, rng=np.random.default_rng(3),
                                   vectorized=True).confidence_interval
    assert ours.method == method
    # Two Monte Carlo estimates of the same interval: equal up to resampling noise,
    # which for these samples is well under a tenth of the interval's width.
    tolerance = 0.1 * (scipy_result.high - scipy_result.low)
    assert ours.low == pytest.approx(scipy_result.low, abs=tolerance)
    assert ours.high == pytest.approx(scipy_result.high, abs=tolerance)


def test_the_same_seed_gives_the_same_interval():
    sample = (np.repeat([0.0, 1.0, 2.0], [5, 10, 5]),)
    first = bootstrap.interval(sample, bootstrap.MEAN, "BCa", confidence=0.95, resamples=999,
                               seed=1)
    assert first == bootstrap.interval(sample, bootstrap.MEAN, "BCa", confidence=0.95,
                                       resamples=999, seed=1)


def test_an_undefined_bca_interval_is_none_not_an_error():
    # All values equal: every resample gives the same mean and the jackknife has no
    # spread, so BCa's bias correction and acceleration are undefined.
    assert bootstrap.interval((np.ones(20),), bootstrap.MEAN, "BCa", confidence=0.95,
                              resamples=999, seed=1) is None


def test_samples_with_many_distinct_values_are_resampled_by_scipy():
    sample = (np.random.default_rng(2).normal(size=800),)
    ours = bootstrap.interval(sample, bootstrap.MEAN, "BCa", confidence=0.95, resamples=999,
                              seed=4)
    scipy_result = stats.bootstrap(sample, np.mean, n_resamples=999, method="BCa",
                                   rng=np.random.default_rng(4), vectorized=True, batch=250)
    assert (ours.low, ours.high) == (scipy_result.confidence_interval.low,
                                     scipy_result.confidence_interval.high)


def test_several_statistics_from_one_draw_equal_each_drawn_alone():
    sample = (np.repeat([-1.0, 0.0, 1.0, 2.0], [7, 20, 15, 8]),)
    together = bootstrap.intervals(
        sample, [(bootstrap.MEAN, "BCa"), (bootstrap.MEDIAN, "percentile")],
        confidence=0.95, resamples=999, seed=5,
    )
    alone = [
        bootstrap.interval(sample, statistic, method, confidence=0.95, resamples=999, seed=5)
        for statistic, method in ((bootstrap.MEAN, "BCa"), (bootstrap.MEDIAN, "percentile"))
    ]
    assert together == alone
