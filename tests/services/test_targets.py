"""Which targets one participant can reach together, as a reader can tell them."""

from __future__ import annotations

from survey_app.models import TargetRule
from survey_app.services.targets import DEFAULT_TARGETS, TargetDefinition, possible_combinations


def test_targets_on_one_exit_outcome_exclude_each_other_and_the_rest_are_free():
    # Work-preparation (a programme) and work or studies: one exit outcome each, so
    # never both. Influence (a domain) and closer (an exit item) are independent.
    exits = {(False, False), (True, False), (False, True)}
    assert possible_combinations(DEFAULT_TARGETS) == {
        (*exit_, influence, closer)
        for exit_ in exits for influence in (False, True) for closer in (False, True)
    }


def test_thresholds_on_one_item_are_nested():
    def agrees(key: str, agree_from: int) -> TargetDefinition:
        return TargetDefinition(id=key, label={"sv": key, "en": key}, goal=0.5,
                                rule=TargetRule.EXIT_ITEM_AGREES, item="closer",
                                agree_from=agree_from)

    # Agreeing from 4 is agreeing from 3 too.
    assert possible_combinations([agrees("three", 3), agrees("four", 4)]) == {
        (False, False), (True, False), (True, True)}


def test_overlapping_outcomes_can_be_reached_together():
    def outcomes(key: str, *reached: str) -> TargetDefinition:
        return TargetDefinition(id=key, label={"sv": key, "en": key}, goal=0.5,
                                rule=TargetRule.EXIT_OUTCOME, outcomes=list(reached))

    assert possible_combinations([outcomes("a", "work", "studies"), outcomes("b", "work")]) == {
        (False, False), (True, False), (True, True)}
