"""Attrition by gender, with the same suppression as every other table."""

from __future__ import annotations

import pytest

from analysis.attrition import ParticipantProgress, attrition_table


def people(gender: str, n: int, intake: int, followup: int, exit_: int) -> list:
    return [
        ParticipantProgress(gender, answered={
            "intake": int(i < intake), "followup": int(i < followup), "exit": int(i < exit_)
        })
        for i in range(n)
    ]


def test_stages_by_gender_by_hand():
    progress = (people("woman", 12, intake=10, followup=6, exit_=3)
                + people("man", 8, intake=8, followup=5, exit_=0)
                + people("other", 1, intake=1, followup=0, exit_=0))
    table = attrition_table(progress, threshold=5)
    value = {
        stage: {group: cell.value for group, cell in groups.items()}
        for stage, groups in table.counts.items()
    }
    # Enrolled 12, 8, 1 of 21: "other" (1) is hidden, so men (the next smallest) go too;
    # women and the total stay, and men + other = 9 cannot be split.
    assert value["enrolled"] == {"woman": 12, "man": None, "total": 21}
    assert value["intake"] == {"woman": 10, "man": None, "total": 19}
    # Follow-up 6 and 5, nobody else: nothing small, all shown.
    assert value["followup"] == {"woman": 6, "man": 5, "total": 11}
    # Exit: three women in all. Under 5, so hidden, and so is the total.
    assert value["exit"] == {"woman": None, "man": None, "total": None}


def test_another_gender_is_a_group_of_its_own_where_its_size_is_shown():
    progress = (people("woman", 12, intake=10, followup=6, exit_=0)
                + people("man", 8, intake=8, followup=5, exit_=0)
                + people("other", 6, intake=6, followup=0, exit_=0))
    table = attrition_table(progress, threshold=5)
    assert table.groups == ("woman", "man", "other", "total")
    # Enrolled 12, 8, 6 of 26 and at intake 10, 8, 6 of 24: nothing small.
    assert table.counts["enrolled"]["other"].value == 6
    assert table.counts["intake"]["other"].value == 6
    # Follow-up: nobody of the 6. A zero is never shown as 0, but with nobody to
    # protect it hides nothing else: women 6, men 5, total 11.
    assert table.counts["followup"]["other"].suppressed
    assert [table.counts["followup"][g].value for g in ("woman", "man", "total")] == [6, 5, 11]
    # Not stated: nobody, so no group; in test_stages_by_gender_by_hand the single
    # "other" is no group either.
    assert "not_stated" not in table.groups


def test_the_total_gives_the_others_away_only_where_women_men_and_total_are_shown():
    only_women_and_men = people("woman", 12, 10, 6, 0) + people("man", 8, 8, 5, 0)
    assert not attrition_table(only_women_and_men, threshold=5).total_gives_others
    # 12, 8 and 6 of 26: the total less women and men gives the 6.
    six_others = only_women_and_men + people("other", 6, 6, 0, 0)
    assert attrition_table(six_others, threshold=5).total_gives_others
    # 12, 8 and 1 of 21: the men are hidden to protect the one (see
    # test_stages_by_gender_by_hand), so what the table shows says nothing of others.
    one_other = only_women_and_men + people("other", 1, 1, 0, 0)
    assert not attrition_table(one_other, threshold=5).total_gives_others


def rated(gender: str, due: int, answered: int) -> list:
    return [
        ParticipantProgress(gender, answered={"intake": int(i < answered)}, due={"intake": 1})
        for i in range(due)
    ]


def test_response_rates_by_hand():
    table = attrition_table(rated("woman", 20, 15) + rated("man", 12, 6), threshold=5)
    rates = table.response_rates["intake"]
    assert rates["woman"].value == pytest.approx(15 / 20)
    assert rates["man"].value == pytest.approx(6 / 12)
    assert rates["total"].value == pytest.approx(21 / 32)


def test_a_rate_is_hidden_when_its_complement_is_small():
    # Men: 6 answered, 4 did not. The 4 is hidden, so the men's rate goes, and the
    # women's with it (else 21 − 15 and 9 − 5 would give the men away).
    table = attrition_table(rated("woman", 20, 15) + rated("man", 10, 6), threshold=5)
    rates = table.response_rates["intake"]
    assert rates["man"].suppressed and rates["woman"].suppressed
    assert rates["total"].value == pytest.approx(21 / 30)


def test_unknown_genders_are_refused():
    # Counted in no gender, they would still be in the total: refuse them instead.
    with pytest.raises(ValueError, match="unknown gender 'female'"):
        attrition_table(people("woman", 8, 8, 4, 2) + people("female", 3, 3, 1, 0), 5)
