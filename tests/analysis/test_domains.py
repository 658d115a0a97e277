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


def test_change_per_domain_with_holm_across_domains():
    influence_women = [1.0] * 10 + [0.5] * 2
    health_women = [0.0] * 6 + [0.5] * 3 + [-0.5] * 3
    data = (observations("influence", "woman", influence_women)
            + observations("health", "woman", health_women)
            + observations("influence", "man", [0.0] * 6)
            + observations("health", "man", [0.5] * 6))
    table = domain_change_table(data, threshold=5)
    assert table.domains == ("influence", "health")

    influence = table.rows["influence"]
    assert influence["woman"].n.value == 12
    assert influence["woman"].change == paired_change(influence_women)
    assert influence["woman"].change.mean == pytest.approx(11 / 12)
    assert influence["total"].n.value == 18

    # Holm over the two women's p-values, computed from the same paired tests.
    p_values = [paired_change(influence_women).wilcoxon.p_value,
                paired_change(health_women).wilcoxon.p_value]
    expected = holm(p_values)
    assert influence["woman"].adjusted_p == pytest.approx(expected[0])
    assert table.rows["health"]["woman"].adjusted_p == pytest.approx(expected[1])
    # By hand: the smaller p is doubled, the larger kept (but never below the first).
    small, large = sorted(p_values)
    assert sorted(expected) == pytest.approx([2 * small, max(2 * small, large)])


def test_participants_without_both_scores_are_left_out():
    data = [DomainObservation(1, "woman", "health", None, 3.0),
            DomainObservation(2, "woman", "health", 2.0, None)]
    assert domain_change_table(data, 5).domains == ()


def test_a_small_group_takes_a_complement_with_it():
    # Twelve women and three men: the men's 3 is hidden, and one more cell in the
    # column must go or 15 − 12 gives it away; the rule takes the smaller part.
    data = (observations("influence", "woman", [1.0] * 12)
            + observations("influence", "man", [0.0] * 3))
    row = domain_change_table(data, threshold=5).rows["influence"]
    assert row["man"].n.suppressed and row["man"].change is None
    assert row["woman"].n.suppressed and row["woman"].change is None
    assert row["total"].n.value == 15
    assert row["total"].change.mean == pytest.approx(12 / 15)


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
