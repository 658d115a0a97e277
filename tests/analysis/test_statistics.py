"""Every statistic against values worked out independently, with the working written down."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from analysis.statistics import (
    benjamini_hochberg,
    cliffs_delta,
    cronbach_alpha,
    group_difference,
    holm,
    paired_change,
    paired_changes,
    rank_biserial,
    reliable_change,
    share_difference,
    wilson_share,
)

# Differences 3 1 −2 4 5 6 7 8 9 10: no ties, no zeros.
# |d| ranks are the values themselves except −2 → rank 2: R− = 2, R+ = 55 − 2 = 53.
DIFFERENCES = [3, 1, -2, 4, 5, 6, 7, 8, 9, 10]


def test_paired_change_by_hand():
    result = paired_change(DIFFERENCES)
    assert result.n == 10
    assert result.mean == pytest.approx(51 / 10)
    assert result.median == pytest.approx((5 + 6) / 2)
    # T = min(R+, R−) = 2. Exact: subsets of {1..10} with rank sum ≤ 2 are {}, {1}, {2}:
    # P(T ≤ 2) = 3/1024, two-sided 6/1024.
    assert result.wilcoxon.statistic == 2
    assert result.wilcoxon.p_value == pytest.approx(6 / 1024)
    assert "exact" in result.wilcoxon.method
    # Rank-biserial (R+ − R−)/(R+ + R−) = 51/55.
    assert result.rank_biserial == pytest.approx(51 / 55)
    # Sign test: 9 up, 1 down; P(X ≤ 1) + P(X ≥ 9) for Bin(10, ½) = 2·11/1024.
    assert result.sign_test.p_value == pytest.approx(22 / 1024)


def test_bootstrap_intervals_are_reproducible_and_agree_with_a_second_method():
    rng = np.random.default_rng(7)
    d = rng.normal(0.5, 1.0, 400)
    first, second = paired_change(d), paired_change(d)
    assert first.mean_ci == second.mean_ci
    assert "BCa" in first.mean_ci.method and "percentile" in first.median_ci.method
    # On 400 roughly normal values the t interval for the mean is a fair second opinion.
    t_low, t_high = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
    assert first.mean_ci.low == pytest.approx(t_low, abs=0.02)
    assert first.mean_ci.high == pytest.approx(t_high, abs=0.02)
    assert first.median_ci.low <= np.median(d) <= first.median_ci.high



def test_changes_computed_side_by_side_equal_each_computed_alone():
    rng = np.random.default_rng(11)
    samples = {
        "steps": rng.integers(-3, 4, 3000).astype(float),  # tallied bootstrap
        "scores": rng.normal(0.2, 1.0, 700),  # many distinct values: scipy's own bootstrap
        "all equal": np.ones(40),
        "too few": np.array([1.0, 2.0]),
        "none": np.array([]),
    }
    filters_before = list(warnings.filters)
    together = paired_changes(samples)
    assert together == {name: paired_change(d) for name, d in samples.items()}
    assert list(together) == list(samples)
    # The warning filters the threads swapped are the caller's again.
    assert warnings.filters == filters_before


def test_zero_differences_are_kept_in_the_ranking_but_not_the_effect_size():
    d = [0, 0, 1, 2, -3, 4, 5, 6, 7, 8, 9, 10]
    result = paired_change(d)
    assert "Pratt" in result.wilcoxon.method
    assert 0 < result.wilcoxon.p_value < 0.05
    # Zeros dropped: ranks 1..10 of 1 2 3 … 10, with 3 negative: (52 − 3)/55.
    assert rank_biserial(d) == pytest.approx(49 / 55)



def test_tied_differences_share_their_mean_rank():
    # |d| = 1 1 1 2 2 2 3 take ranks 2 2 2 5 5 5 7: R+ = 2+2+5+5+7 = 21, R− = 2+5 = 7.
    assert rank_biserial([1, 1, -1, 2, 2, -2, 3]) == pytest.approx((21 - 7) / 28)
    # Zeros first dropped: the same.
    assert rank_biserial([0, 1, 1, -1, 0, 2, 2, -2, 3]) == pytest.approx((21 - 7) / 28)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-6, 6).map(lambda k: k / 2), min_size=14, max_size=400))
def test_ranks_agree_with_scipy_ranking_the_raw_differences(d):
    """The test and the effect size are worked out from tallies; ranking every
    difference with scipy, in the order given, must give the same. (Fewer tied
    differences are the next test's: scipy takes seconds for each.)"""
    assume(any(d))
    result = paired_change(d)
    by_scipy = stats.wilcoxon(d, zero_method="pratt")
    assert result.wilcoxon.statistic == by_scipy.statistic
    assert result.wilcoxon.p_value == pytest.approx(by_scipy.pvalue, rel=1e-12)
    nonzero = np.array([x for x in d if x])
    ranks = stats.rankdata(np.abs(nonzero))
    expected = (ranks[nonzero > 0].sum() - ranks[nonzero < 0].sum()) / ranks.sum()
    assert result.rank_biserial == pytest.approx(expected, rel=1e-12)

def test_few_tied_differences_get_the_p_value_of_every_sign_flip():
    # Ten equal differences: of the 2¹⁰ equally likely assignments of signs only
    # "all up" is as extreme upwards and "all down" downwards: p = 2/1024. A zero,
    # ranked and dropped, changes nothing.
    for d in ([1] * 10, [0] + [1] * 10):
        result = paired_change(d)
        assert result.wilcoxon.p_value == pytest.approx(2 / 1024)
        assert result.wilcoxon.method.endswith("exact permutation distribution (ties or zeros)")
    # As scipy finds it, one assignment after another.
    d = [0, 1, 2, -1, 1, 1, 2, 0, 1, 1, 3]
    assert paired_change(d).wilcoxon.p_value == pytest.approx(
        stats.wilcoxon(d, zero_method="pratt").pvalue, rel=1e-12)


def test_the_p_value_method_named_is_the_one_used():
    rng = np.random.default_rng(5)
    distinct = np.arange(1, 31) * rng.choice([-1, 1], 30)
    result = paired_change(distinct)
    assert result.wilcoxon.method.endswith("exact distribution")
    assert result.wilcoxon.p_value == pytest.approx(
        stats.wilcoxon(distinct, zero_method="pratt", method="exact").pvalue, rel=1e-12)
    for d in (rng.integers(-2, 4, 30).astype(float), np.arange(1, 61) * rng.choice([-1, 1], 60)):
        result = paired_change(d)
        assert result.wilcoxon.method.endswith("normal approximation")
        assert result.wilcoxon.p_value == pytest.approx(
            stats.wilcoxon(d, zero_method="pratt", method="asymptotic").pvalue, rel=1e-12)


def test_all_zero_differences_give_no_p_value_and_say_so():
    result = paired_change([0] * 12)
    assert result.wilcoxon.p_value is None
    assert result.wilcoxon.note == "all differences are zero"
    assert result.sign_test.p_value is None
    assert result.rank_biserial is None
    assert (result.mean_ci.low, result.mean_ci.high) == (0, 0)


def test_all_equal_differences_have_a_point_interval():
    result = paired_change([1] * 12)
    assert (result.mean_ci.low, result.mean_ci.high) == (1, 1)
    assert result.mean_ci.method == "all differences are equal"
    assert result.rank_biserial == 1.0


def test_below_the_minimum_no_test_is_run_and_the_reason_is_given():
    result = paired_change([1, 2, 0, -1, 3, 1, 2, 2, 1])  # nine participants
    assert result.mean == pytest.approx(11 / 9)
    assert result.wilcoxon is None and result.mean_ci is None and result.sign_test is None
    assert result.note == "fewer than 10 participants: no test or interval computed"
    assert paired_change([]).note == "no participants"


def test_group_difference_by_hand():
    # first 2 3 4 5 against second 1 2 2 3, all 16 pairs:
    # 2: > = = <   3: > > > =   4: > > > >   5: > > > >  → 12 greater, 1 less, 3 ties.
    # Cliff's delta (12 − 1)/16; U = 12 + 3/2 = 13.5.
    result = group_difference([2, 3, 4, 5], [1, 2, 2, 3], min_n=2)
    assert result.cliffs_delta == pytest.approx(11 / 16)
    assert result.test.statistic == pytest.approx(13.5)
    assert result.cliffs_delta_ci.low <= 11 / 16 <= result.cliffs_delta_ci.high
    assert group_difference([1] * 5, [2] * 20).note.startswith("fewer than 10")


def test_group_difference_names_an_exact_or_approximate_p_value():
    # Six against six, all of the first below all of the second: U = 0, and one of
    # the C(12, 6) = 924 equally likely splits is as extreme each way: p = 2/924.
    exact = group_difference([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], min_n=6)
    assert exact.test.statistic == 0
    assert exact.test.p_value == pytest.approx(2 / 924)
    assert exact.test.method.endswith("exact distribution")
    tied = group_difference([1, 2, 2, 3, 4, 5], [7, 8, 9, 10, 11, 12], min_n=6)
    assert tied.test.method.endswith("normal approximation with continuity correction")
    assert tied.test.p_value == pytest.approx(stats.mannwhitneyu(
        [1, 2, 2, 3, 4, 5], [7, 8, 9, 10, 11, 12], method="asymptotic").pvalue)


def test_cliffs_delta_by_ranks_matches_counting_pairs():
    rng = np.random.default_rng(3)
    a, b = rng.integers(1, 8, 60), rng.integers(1, 8, 45)
    counted = (np.sign(a[:, None] - b[None, :])).sum() / (a.size * b.size)
    assert cliffs_delta(a, b) == pytest.approx(counted)
    batch = cliffs_delta(np.stack([a, a[::-1]]), np.stack([b, b]))
    assert batch.tolist() == pytest.approx([counted, counted])


def test_wilson_interval_by_the_formula():
    # 8 of 10, z = 1.9599640: centre (0.8 + z²/20)/(1 + z²/10) = 0.7167402,
    # half-width z/(1 + z²/10)·√(0.016 + z²/400) = 0.2265777 → 0.4901625 … 0.9433178.
    share = wilson_share(8, 10)
    assert share.share == 0.8
    assert share.ci.low == pytest.approx(0.4901625, abs=1e-6)
    assert share.ci.high == pytest.approx(0.9433178, abs=1e-6)
    assert wilson_share(0, 0).ci is None


def test_newcombe_difference_matches_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873–890, table II, method 10:
    # 56/70 − 48/80 = 0.2000, 95 % CI 0.0524 to 0.3339.
    difference = share_difference(wilson_share(56, 70), wilson_share(48, 80))
    assert difference.difference == pytest.approx(0.2)
    assert difference.ci.low == pytest.approx(0.0524, abs=5e-5)
    assert difference.ci.high == pytest.approx(0.3339, abs=5e-5)


def test_multiplicity_adjustments_by_hand():
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm, sorted 0.005 0.01 0.03 0.04 × 4 3 2 1 = 0.02 0.03 0.06 0.04 → running max
    # 0.02 0.03 0.06 0.06, back in the given order:
    assert holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # BH, sorted × m/i = 0.02 0.02 0.04 0.04 → running min from the top, same values:
    assert benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_cronbach_alpha_by_hand():
    # Item variances 5/3, 2/3, 11/12 (sum 3.25); total scores 6 8 10 13, variance 107/12.
    # α = 3/2 · (1 − 3.25 / (107/12)) = 0.953271.
    alpha = cronbach_alpha([[1, 2, 3], [2, 3, 3], [3, 3, 4], [4, 4, 5]])
    assert alpha == pytest.approx(0.953271, abs=1e-6)
    assert cronbach_alpha([[1, 1], [1, 1]]) is None


def test_reliable_change_index_by_hand():
    # SD 1, reliability 0.8: SE = √0.2, S_diff = √0.4 = 0.632456.
    big = reliable_change(2.0, 3.5, sd_before=1.0, reliability=0.8)
    assert big.index == pytest.approx(1.5 / math.sqrt(0.4))
    assert big.reliable and big.direction == 1
    small = reliable_change(2.0, 3.0, sd_before=1.0, reliability=0.8)
    assert small.index == pytest.approx(1.581139, abs=1e-6) and not small.reliable
    with pytest.raises(ValueError):
        reliable_change(1, 2, sd_before=1.0, reliability=1.0)


def test_large_tied_groups_get_bca_intervals_that_match_normal_theory():
    # 100 000 differences on six values: resampled from their tallies, so BCa
    # stays affordable. With this many the interval must agree with
    # mean ± 1.959964·s/√n.
    rng = np.random.default_rng(7)
    differences = rng.integers(-2, 4, 100_000).astype(float)
    change = paired_change(differences)
    assert "BCa" in change.mean_ci.method
    half_width = 1.959964 * differences.std(ddof=1) / math.sqrt(differences.size)
    assert change.mean_ci.low == pytest.approx(differences.mean() - half_width, abs=0.002)
    assert change.mean_ci.high == pytest.approx(differences.mean() + half_width, abs=0.002)


def test_large_groups_of_distinct_values_use_percentile_intervals():
    # Thousands of distinct values: scipy draws indices, and BCa's n² jackknife
    # gives way to the percentile interval, named as such.
    rng = np.random.default_rng(7)
    differences = rng.normal(0.3, 1.0, 6000)
    change = paired_change(differences)
    assert "percentile" in change.mean_ci.method
    half_width = 1.959964 * differences.std(ddof=1) / math.sqrt(differences.size)
    assert change.mean_ci.low == pytest.approx(differences.mean() - half_width, abs=0.005)
    assert change.mean_ci.high == pytest.approx(differences.mean() + half_width, abs=0.005)
