"""Targets judged per group, against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import linprog

from analysis.targets import (
    Reached,
    TargetObservation,
    TargetStatus,
    judge,
    target_result,
    target_results,
)


def people(gender: str, reached: int, not_reached: int) -> list[TargetObservation]:
    return ([TargetObservation(gender, True)] * reached
            + [TargetObservation(gender, False)] * not_reached)


def test_share_interval_and_status_per_group():
    result = target_result(people("woman", 6, 6) + people("man", 9, 6), goal=0.40, threshold=5)
    women, men, total = result.group("woman"), result.group("man"), result.group("total")
    assert (women.n.value, women.share.value, women.status) == (12, 0.5, TargetStatus.MET)
    # Wilson by hand for 6/12, z = 1.959964: centre 0.5, half-width
    # z·sqrt(p(1−p)/n + z²/4n²) / (1 + z²/n) = 0.246218.
    assert women.interval.ci.low == pytest.approx(0.253782, abs=1e-5)
    assert women.interval.ci.high == pytest.approx(0.746218, abs=1e-5)
    assert (men.share.value, total.n.value, total.share.value) == (0.6, 27, 15 / 27)
    # Newcombe for 0.5 − 0.6 with the two Wilson intervals (men 9/15: 0.357468–0.801755,
    # by the same formula): low = −0.1 − sqrt((0.5−0.253782)² + (0.801755−0.6)²) = −0.418322,
    # high = −0.1 + sqrt((0.746218−0.5)² + (0.6−0.357468)²) = 0.245608.
    difference = result.women_minus_men
    assert difference.difference == pytest.approx(-0.1)
    assert difference.ci.low == pytest.approx(-0.418322, abs=1e-5)
    assert difference.ci.high == pytest.approx(0.245608, abs=1e-5)


def test_goal_decides_met_and_not_met_and_small_groups_are_too_few():
    assert judge(0.5, 12, 0.5, 10) == TargetStatus.MET  # reaching the goal is meeting it
    assert judge(0.49, 12, 0.5, 10) == TargetStatus.NOT_MET
    assert judge(0.9, 9, 0.5, 10) == TargetStatus.TOO_FEW
    result = target_result(people("woman", 4, 4) + people("man", 10, 10), 0.3, threshold=3)
    women = result.group("woman")
    assert women.status == TargetStatus.TOO_FEW and women.interval is None
    assert women.share.value == 0.5  # shown, but no interval below ten
    assert result.women_minus_men is None


def test_a_small_numerator_hides_the_share_and_its_complement_is_protected_too():
    result = target_result(people("woman", 2, 10) + people("man", 8, 9), 0.3, threshold=5)
    women = result.group("woman")
    assert women.share.suppressed and women.share.value is None
    # 10 reached in all, so the women's hidden count may be anything from 0 to 10:
    # 3.6 of 12 is the goal, and whether they met it is left unsaid.
    assert women.status is None
    assert women.n.value == 12
    # The men's figures stay unless they would reveal the women's: 2 = total − men.
    total, men = result.group("total"), result.group("man")
    assert total.share.suppressed or men.share.suppressed


def test_other_groups_appear_only_when_they_can_be_shown():
    small = target_result(people("woman", 6, 6) + people("other", 1, 1), 0.3, threshold=5)
    assert [g.group for g in small.groups] == ["woman", "man", "total"]
    assert small.group("man").n.suppressed
    big = target_result(people("woman", 6, 6) + people("other", 6, 6), 0.3, threshold=5)
    assert [g.group for g in big.groups] == ["woman", "man", "other", "total"]


def test_beside_one_participant_of_another_gender_women_or_men_keep_their_share():
    # 6 of 20 women, 8 of 20 men and the 1 other (who reached it): 15 of 41 in all.
    result = target_result(people("woman", 6, 14) + people("man", 8, 12)
                           + people("other", 1, 0), goal=0.3, threshold=5)
    # By hand. The other's 1, 0 and size 1 are hidden. The total less women and men
    # would give each back, so each line through them hides one more figure: the
    # smallest in "reached" (the women's 6); in "not reached" the women's 14, whose
    # row is broken already, rather than the men's 12, which would break a second
    # row; among the sizes, again the women's 20. The men keep every figure.
    women, men = result.group("woman"), result.group("man")
    assert women.n.suppressed and women.share.suppressed and women.status is None
    assert (men.n.value, men.share.value, men.status) == (20, 0.4, TargetStatus.MET)
    assert (result.group("total").n.value, result.group("total").share.value) == (41, 15 / 41)
    assert result.women_minus_men is None  # the women's share is hidden
    # Published: 41 in all, 15 reached, the men's 8 of 20. The women and the other,
    # 21 between them, reached it 7 times: the other's count may be 0 to 7.
    reached = np.array([True] * 6 + [False] * 14 + [True] * 8 + [False] * 12 + [True])
    assert outsiders_range(reached[:, None], {(True,), (False,)}, [result],
                           ("other", (True,))) == (0, 7)


def test_nobody_in_the_denominator_gives_no_figures():
    result = target_result([], 0.3, threshold=5)
    assert all(g.share.suppressed for g in result.groups)
    assert result.women_minus_men is None


def test_unknown_genders_are_refused():
    with pytest.raises(ValueError, match="unknown gender 'male'"):
        target_result(people("man", 6, 6) + people("male", 1, 0), goal=0.3, threshold=5)


def test_whether_a_hidden_share_met_its_goal_is_said_only_when_published_figures_settle_it():
    # 6 of 12 women and 0 of 15 men reached it: all four counts are hidden for the
    # men's 0; the margins (12 women, 15 men, 6 reached in all) are published.
    result = target_result(people("woman", 6, 6) + people("man", 0, 15), 0.5, threshold=5)
    women, men = result.group("woman"), result.group("man")
    assert women.share.suppressed and men.share.suppressed
    # "Women met 50 %" would mean 6 or more of 12, so exactly the 6 reached in all,
    # and the men's 0. From the margins alone the women may have 0 to 6.
    assert women.status is None
    # The men have at most 6 of 15 = 40 %, short of 50 % whatever the hidden counts:
    # saying so tells nothing the margins do not.
    assert men.status == TargetStatus.NOT_MET
    assert result.group("total").status == TargetStatus.NOT_MET  # 6 of 27, shown

    lower = target_result(people("woman", 6, 6) + people("man", 0, 15), 0.0, threshold=5)
    assert lower.group("woman").status == TargetStatus.MET  # any count meets 0 %


OUTCOMES = ["work", "studies", "programme", "rehabilitation", "other"]


def outcome_targets(counts: dict[str, dict[str, int]], targets: list[set[str]]):
    """Genders and, per target, who reached it, for participants counted by exit
    outcome: ``counts`` maps a gender to how many left for each outcome. And the
    combinations of targets an outcome can give."""
    rows = [(gender, outcome) for gender, by_outcome in counts.items()
            for outcome, n in by_outcome.items() for _ in range(n)]
    gender = np.array([g for g, _ in rows])
    reached = np.array([[outcome in target for target in targets] for _, outcome in rows],
                       dtype=bool).reshape(len(rows), len(targets))
    possible = {tuple(outcome in target for target in targets) for outcome in OUTCOMES}
    return gender, reached, possible


def test_targets_of_the_same_participants_do_not_give_away_those_who_reached_neither():
    # 12 women: 5 to a work-preparation programme, 5 to work or studies, 2 to neither.
    # 20 men: 8, 7 and 5.
    gender, reached, possible = outcome_targets(
        {"woman": {"programme": 5, "work": 5, "other": 2},
         "man": {"programme": 8, "studies": 7, "rehabilitation": 5}},
        [{"programme"}, {"work", "studies"}])
    # Alone, each target shows the women's 5 of 12: together 12 − 5 − 5 = 2.
    for column in range(2):
        alone = target_result(Reached(gender, reached[:, column]), 0.3, threshold=5)
        assert alone.group("woman").share.value == 5 / 12
    # With one outcome each, nobody reaches both: a reader knows that.
    preparation, work = target_results(gender, reached, [0.4, 0.3], threshold=5,
                                       possible=possible)
    # Together, the first of the two equal fives goes, then whatever its table needs to
    # keep it hidden: the women's 7 not in a programme, the men's 8 and 12.
    assert preparation.group("woman").share.suppressed
    assert preparation.group("man").share.suppressed
    assert preparation.group("total").share.value == 13 / 32
    assert (work.group("woman").share.value, work.group("man").share.value) == (5 / 12, 7 / 20)
    # The women who reached neither may now be anything from 0 to 7.
    assert outsiders_range(reached, possible, [preparation, work],
                           ("woman", (False, False))) == (0, 7)


def test_a_combination_of_targets_said_impossible_is_refused():
    # Two exit-outcome targets: with one outcome each, nobody reaches both.
    gender = np.array(["woman", "man", "man"])
    reached = np.array([[True, False], [False, True], [True, True]])
    with pytest.raises(ValueError, match=r"\(True, True\), not a possible"):
        target_results(gender, reached, [0.4, 0.3], threshold=5,
                       possible=[(False, False), (True, False), (False, True)])


@pytest.mark.parametrize("seed", [3, 4])
def test_no_small_group_follows_from_several_targets_of_the_same_participants(seed):
    rng = np.random.default_rng(seed)
    for _ in range(25):
        counts = {g: {o: int(rng.poisson(rng.uniform(0, 9))) for o in OUTCOMES}
                  for g in ("woman", "man", "other")}
        targets = [set(rng.choice(OUTCOMES, int(rng.integers(1, 4)), replace=False))
                   for _ in range(int(rng.integers(2, 4)))]
        gender, reached, possible = outcome_targets(counts, targets)
        threshold = int(rng.integers(3, 6))
        results = target_results(gender, reached, [0.5] * len(targets), threshold,
                                 possible=possible)
        combinations = {tuple(row) for row in reached.tolist()}
        for group in ("woman", "man", "other", "total"):
            members = gender == group if group != "total" else np.ones(len(gender), bool)
            for combination in combinations:
                count = int((members & (reached == combination).all(axis=1)).sum())
                if count >= threshold:
                    continue
                low, high = outsiders_range(reached, possible, results,
                                            (group, combination))
                assert high - low >= 1, (counts, targets, threshold, group, combination)


def outsiders_range(reached, possible, results, figure) -> tuple[float, float]:
    """The whole numbers a count of participants of a group who reached exactly the
    given combination of targets can take at most, from a linear programme over the
    counts per gender and possible combination that agree with every share and n
    published (a share times its n is a count). Its real-valued range can only be
    wider."""
    genders = ["woman", "man", "other", "not_stated"]
    combinations = sorted(possible)
    size = len(genders) * len(combinations)

    def weights(group: str, keep) -> np.ndarray:
        chosen = np.zeros((len(genders), len(combinations)))
        for g, name in enumerate(genders):
            for c, combination in enumerate(combinations):
                chosen[g, c] = (group in ("total", name)) and keep(combination)
        return chosen.ravel()

    equations, values = [], []
    for target, result in enumerate(results):
        for row in result.groups:
            if row.n.suppressed:
                continue
            equations.append(weights(row.group, lambda combination: True))
            values.append(row.n.value)
            if not row.share.suppressed:
                equations.append(weights(row.group, lambda c, target=target: c[target]))
                values.append(round(row.share.value * row.n.value))
    group, wanted = figure
    objective = weights(group, lambda combination: combination == tuple(wanted))
    if not equations:
        return 0, math.inf  # nothing published: any count agrees with it
    found = [linprog(sign * objective, A_eq=np.array(equations), b_eq=values,
                     bounds=[(0, None)] * size) for sign in (1, -1)]
    high = math.inf if found[1].status == 3 else math.floor(-found[1].fun + 1e-9)
    return math.ceil(found[0].fun - 1e-9), high
