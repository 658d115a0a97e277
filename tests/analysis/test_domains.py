"""Domain scores and change, by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.domains import (
    DomainObservation,
    domain_change_table,
    domain_score,
    domain_scores,
    domain_statistics,
    scores_by_domain,
)
from analysis.statistics import holm, paired_change


def test_a_domain_score_needs_half_its_items():
    assert domain_score([3, 4]) == 3.5
    assert domain_score([3, None]) == 3  # one of two: exactly half is enough
    assert domain_score([3, None, None]) is None  # one of three is not
    assert domain_score([2, 4, None, None]) == 3
    assert domain_score([]) is None


def observations(domain: str, gender: str, changes: list[float]) -> list[DomainObservation]:
    return [DomainObservation(f"{gender}{i}", gender, domain, 2.0, 2.0 + c)
            for i, c in enumerate(changes)]


def influence_and_health(women: tuple[list[float], list[float]],
                         men: tuple[list[float], list[float]]) -> list[DomainObservation]:
    """Women and men with a change in influence and one in health each."""
    return [observation
            for gender, (influence, health) in (("woman", women), ("man", men))
            for observation in (observations("influence", gender, influence)
                                + observations("health", gender, health))]


def test_change_per_domain_with_holm_across_domains():
    # At least five went up, stayed and went down in every group, so nothing is hidden.
    influence_women = [1.0] * 8 + [0.5] * 3 + [0.0] * 5 + [-0.5] * 5
    health_women = [0.0] * 6 + [0.5] * 5 + [-0.5] * 5
    level = [0.5] * 5 + [0.0] * 5 + [-0.5] * 5
    data = influence_and_health((influence_women, health_women), (level, level))
    table = domain_change_table(data, threshold=5)
    assert table.domains == ("influence", "health")

    influence = table.rows["influence"]
    assert influence["woman"].n.value == 21
    assert influence["woman"].change == paired_change(influence_women)
    assert influence["woman"].change.mean == pytest.approx((8 + 1.5 - 2.5) / 21)
    assert influence["total"].n.value == 36

    # Holm over the two women's p-values, computed from the same paired tests.
    p_values = [paired_change(influence_women).wilcoxon.p_value,
                paired_change(health_women).wilcoxon.p_value]
    expected = holm(p_values)
    assert influence["woman"].adjusted_p == pytest.approx(expected[0])
    assert table.rows["health"]["woman"].adjusted_p == pytest.approx(expected[1])
    # By hand: the smaller p is doubled, the larger kept (but never below the first).
    small, large = sorted(p_values)
    assert sorted(expected) == pytest.approx([2 * small, max(2 * small, large)])


def test_another_gender_is_a_group_of_its_own_where_its_size_is_shown():
    level = [0.5] * 5 + [0.0] * 5 + [-0.5] * 5
    data = influence_and_health((level, level), (level, level))
    # Other: five up, five level, five down in influence; two in health, hidden.
    data += observations("influence", "other", level) + observations("health", "other", [1, 0])
    table = domain_change_table(data, threshold=5)
    assert table.groups == ("woman", "man", "other", "total")
    influence = table.rows["influence"]["other"]
    assert influence.n.value == 15
    assert influence.change == paired_change(level)
    assert table.rows["health"]["other"].n.suppressed
    assert table.rows["health"]["other"].change is None
    # Holm for the other group runs over its one shown domain: nothing to adjust.
    assert influence.adjusted_p == pytest.approx(paired_change(level).wilcoxon.p_value)


def test_statistics_that_would_give_a_hidden_count_back_are_withheld():
    # Twelve women: 6 up, 4 unchanged, 2 down. The 2 and the 4 are hidden, yet the
    # sign test would say 6 up of 8 that changed, and with moves of ±1 the mean of
    # 4/12 also leaves 2 down. So the women's size is shown and nothing else.
    women = [1.0] * 6 + [0.0] * 4 + [-1.0] * 2
    level = [1.0] * 5 + [0.0] * 5 + [-1.0] * 5
    table = domain_change_table(influence_and_health((women, level), (level, level)), 5)

    women_influence = table.rows["influence"]["woman"]
    assert women_influence.n.value == 12
    assert women_influence.change.suppressed
    assert women_influence.change.n == 12
    assert women_influence.change.mean is None
    assert women_influence.change.sign_test is None
    assert women_influence.change.note == "not shown: it would reveal counts that are suppressed"
    assert women_influence.adjusted_p is None
    # The men's 5 unchanged and 5 down go with them, or the totals less the men's
    # would give the women's back; the totals are all shown.
    assert table.rows["influence"]["man"].change.suppressed
    assert table.rows["influence"]["total"].change == paired_change(women + level)
    # Holm runs over the tests shown: the women's health p alone is not adjusted.
    assert table.rows["health"]["woman"].adjusted_p == pytest.approx(
        paired_change(level).wilcoxon.p_value)


def test_statistics_computed_beforehand_give_the_same_table():
    # The report computes every group's statistics while suppression is still being
    # decided; the table then publishes the same as when it computes its own. Here the
    # women's influence statistics are withheld (see above), and the other group's
    # one size is hidden, so it is no group of the table: computed beforehand, neither
    # may show.
    women = [1.0] * 6 + [0.0] * 4 + [-1.0] * 2
    level = [1.0] * 5 + [0.0] * 5 + [-1.0] * 5
    data = influence_and_health((women, level), (level, level))
    data += observations("health", "other", [1.0, 0.0])
    statistics = domain_statistics(data)
    assert statistics[("health", "other")] == paired_change([1.0, 0.0])
    assert statistics[("influence", "woman")] == paired_change(women)
    assert ("influence", "other") not in statistics  # nobody of it has a change there

    beforehand = domain_change_table(data, 5, statistics=statistics)
    assert beforehand == domain_change_table(data, 5)
    assert beforehand.rows["influence"]["woman"].change.suppressed
    assert "other" not in beforehand.groups


def test_nobody_unchanged_is_no_reason_to_withhold():
    # No one stayed level in any group: that column is empty, and its zeros follow
    # from the counts shown, so they protect no one.
    women = [1.0] * 7 + [-1.0] * 5
    men = [0.5] * 5 + [-0.5] * 6
    data = observations("health", "woman", women) + observations("health", "man", men)
    row = domain_change_table(data, threshold=5).rows["health"]
    assert row["woman"].change == paired_change(women)
    assert row["man"].change == paired_change(men)
    assert row["total"].change == paired_change(women + men)


def test_participants_without_both_scores_are_left_out():
    data = [DomainObservation(1, "woman", "health", None, 3.0),
            DomainObservation(2, "woman", "health", 2.0, None)]
    assert domain_change_table(data, 5).domains == ()


def test_a_small_group_takes_a_complement_with_it():
    # Twelve women and three men: the men's 3 is hidden, and one more size must go
    # or 15 − 12 gives it away; the rule takes the smaller part.
    data = (observations("influence", "woman", [1.0] * 12)
            + observations("influence", "man", [0.0] * 3))
    row = domain_change_table(data, threshold=5).rows["influence"]
    assert row["man"].n.suppressed and row["man"].change is None
    assert row["woman"].n.suppressed and row["woman"].change is None
    assert row["total"].n.value == 15
    # The total's statistics would say that 3 of the 15 did not change.
    assert row["total"].change.suppressed


@given(st.integers(1, 6).flatmap(lambda items: st.lists(
    st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=items, max_size=items),
    min_size=1, max_size=20,
)))
@settings(max_examples=200, deadline=None)
def test_scores_of_many_equal_the_score_of_each(rows):
    matrix = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    expected = [domain_score(row) for row in rows]
    assert [None if np.isnan(s) else pytest.approx(s) for s in domain_scores(matrix)] == expected


@given(st.lists(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=6, max_size=6),
                min_size=1, max_size=20),
       st.lists(st.integers(0, 3), min_size=6, max_size=6))
@settings(max_examples=200, deadline=None)
def test_several_domains_at_once_equal_each_domain_alone(rows, domain_of_item):
    # Six items spread over four domains; a domain may have one item, or none.
    matrix = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    membership = np.zeros((6, 4))
    membership[np.arange(6), domain_of_item] = 1
    together = scores_by_domain(matrix, membership)
    for domain in range(4):
        items = [i for i in range(6) if domain_of_item[i] == domain]
        expected = [domain_score([row[i] for i in items]) for row in rows]
        found = [None if np.isnan(s) else s for s in together[:, domain]]
        assert found == [None if e is None else pytest.approx(e) for e in expected]


def test_unknown_genders_are_refused():
    data = observations("influence", "woman", [1.0] * 6) + observations("influence", "f", [0.0])
    with pytest.raises(ValueError, match="unknown gender 'f'"):
        domain_change_table(data, 5)
