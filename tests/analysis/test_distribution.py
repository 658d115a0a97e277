"""Where participants stand on the ladder, per group and moment, worked out by hand."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import StepObservation, step_distribution
from analysis.distribution import step_tables
from analysis.groups import shares_by_group
from analysis.movement import movement_table, transition_table
from tests.analysis.test_movement import COMPLEMENTED, observations

STEPS = range(1, 8)


def values(cells) -> list[float | None]:
    return [cell.value for cell in cells]


def test_step_distribution_gives_shares_per_group():
    # Men: 5 on each of the 7 steps at intake, then each one step up (7 stays 7):
    # latest has 0 on step 1, 5 on steps 2–6, 10 on step 7 of 35.
    men = [StepObservation(f"m{i}", "man", 1 + i // 5, min(7, 2 + i // 5)) for i in range(35)]
    women = [StepObservation(f"w{i}", "woman", 1 + i % 7, 1 + i % 7) for i in range(70)]
    distribution = step_distribution(women + men, STEPS, threshold=5)

    assert distribution.n["intake"]["man"].value == 35
    assert values(distribution.shares["intake"]["man"]) == [5 / 35] * 7
    assert values(distribution.shares["intake"]["woman"]) == [10 / 70] * 7
    latest = distribution.shares["latest"]["man"]
    assert latest[6].value == 10 / 35
    # Step 1 is empty: a cell under 5 is hidden, never shown as 0, and one more cell
    # goes with it so 100 % minus the rest does not give it away.
    assert latest[0].suppressed
    assert sum(cell.suppressed for cell in latest) >= 2


# Women 10, men 12 and other 10, each half on step 2 and half on step 3 at intake,
# then each one step up. Nobody's gender is not stated.
SPREAD = (
    observations("woman", [(2, 3)] * 5 + [(3, 4)] * 5)
    + observations("man", [(2, 3)] * 6 + [(3, 4)] * 6)
    + observations("other", [(2, 3)] * 5 + [(3, 4)] * 5)
)


def test_the_total_counts_everyone_and_a_large_other_group_is_shown():
    distribution = step_distribution(SPREAD, STEPS, threshold=5)
    assert distribution.groups == ("woman", "man", "other", "total")
    assert distribution.moments == ("intake", "latest")
    # Total at intake: 5 + 6 + 5 = 16 of 32 on step 2, 16 on step 3. Empty steps are
    # shown as hidden, never as 0.
    assert distribution.n["intake"]["total"].value == 32
    assert values(distribution.shares["intake"]["total"]) == [None, 0.5, 0.5, *[None] * 4]
    assert values(distribution.shares["latest"]["total"]) == [None, None, 0.5, 0.5, *[None] * 3]
    assert distribution.n["latest"]["other"].value == 10
    assert values(distribution.shares["latest"]["other"])[2:4] == [0.5, 0.5]


def test_at_exit_only_those_who_answered_at_exit_count():
    # Of the same people only 5 women (from step 2 to step 3) and 6 men (from 3 to 4)
    # have left, with a step at exit. The other group is not there: hidden at exit,
    # shown before.
    completers = observations("woman", [(2, 3)] * 5) + observations("man", [(3, 4)] * 6)
    distribution = step_distribution(SPREAD, STEPS, threshold=5, completers=completers)
    assert distribution.moments == ("intake", "latest", "exit")
    exit_shares = distribution.shares["exit"]
    # Each gender on one step of its own: every woman at exit on step 4 is not told.
    assert all(cell.suppressed for cell in exit_shares["woman"])
    assert distribution.n["exit"]["woman"].value == 5
    # In total 5 of 11 on step 3 and 6 of 11 on step 4.
    assert distribution.n["exit"]["total"].value == 11
    assert values(exit_shares["total"])[2:4] == [5 / 11, 6 / 11]
    assert distribution.n["exit"]["other"].suppressed
    assert all(cell.suppressed for cell in exit_shares["other"])
    # The earlier moments are those of everyone measured, as without completers.
    assert distribution.n["intake"]["total"].value == 32


def test_the_total_hides_what_the_transition_table_hides():
    # On steps 1, 2 and 3 at intake: women 1, 11, 2; men 2, 3, 3; other 0, 1, 2.
    people = (
        observations("woman", [(1, 3)] + [(2, 2)] * 5 + [(2, 3)] * 6 + [(3, 3)] * 2)
        + observations("man", [(1, 3)] * 2 + [(2, 1), (2, 2), (2, 3)] + [(3, 3)] * 3)
        + observations("other", [(2, 3)] + [(3, 3)] * 2)
    )
    # Suppressed alone, the distribution at intake would hide every group's cells and
    # the men's size, but show the total's 15 of 25 on step 2.
    alone = shares_by_group({"woman": [1, 11, 2], "man": [2, 3, 3], "other": [0, 1, 2]},
                            3, threshold=5)
    assert values(alone[-1].shares) == [None, 15 / 25, None]
    # The transition table hides all its cells and margins, the 15 on step 2 at intake
    # among them, and its suppression takes them as unknown to a reader.
    transitions = transition_table(people, [1, 2, 3], threshold=5)
    assert all(cell.suppressed for cell in transitions.intake_totals)
    distribution = step_distribution(people, [1, 2, 3], threshold=5)
    assert all(cell.suppressed for cell in distribution.shares["intake"]["total"])
    assert distribution.n["intake"]["total"].value == 25


def test_the_groups_do_not_give_away_a_total_the_transition_table_hides():
    # Intake step × latest step: step 1 to 1 ×9 (women), 1 to 3 ×5 (men); step 2 (five
    # women, five men) to 1 ×2, to 2 ×3, to 3 ×5; step 3 to 3 ×10 (six women, four men).
    people = (
        observations("woman", [(1, 1)] * 9 + [(2, 1)] * 2 + [(2, 2)] * 3 + [(3, 3)] * 6)
        + observations("man", [(1, 3)] * 5 + [(2, 3)] * 5 + [(3, 3)] * 4)
    )
    # The transition table hides how many were on steps 2 and 3 at intake, 10 each.
    transitions = transition_table(people, [1, 2, 3], threshold=5)
    assert [cell.value for cell in transitions.intake_totals] == [14, None, None]
    # Suppressed alone, the distribution would show the women's 5 of 20 and the men's
    # 5 of 14 on step 2 (it hides only the men's 4 and the cells beside it): 10.
    alone = shares_by_group({"woman": [9, 5, 6], "man": [5, 5, 4]}, 3, threshold=5)
    assert [values(row.shares)[1] for row in alone] == [5 / 20, 5 / 14, 10 / 34]
    distribution = step_distribution(people, [1, 2, 3], threshold=5)
    intake = {group: values(distribution.shares["intake"][group])
              for group in ("woman", "man", "total")}
    # Now the women's 5 on step 2 goes too, and their 6 on step 3 comes back. Shown:
    # women 20 with 6 on step 3, men 14 with 5 on step 2, 14 on step 1 in all. So the
    # women have w on step 1 and 14 − w on step 2, the men 14 − w on step 1 and w − 5
    # on step 3: step 2 holds 19 − w, anything from 5 to 14, as w runs from 5 to 14.
    assert intake == {"woman": [None, None, 6 / 20], "man": [None, 5 / 14, None],
                      "total": [14 / 34, None, None]}


def test_the_transition_table_hides_what_the_distribution_must_hide():
    people = (
        observations("woman", [(1, 1)] + [(1, 2)] * 4 + [(2, 1)] * 2 + [(2, 2)] + [(2, 3)] * 4
                     + [(3, 1)] * 3 + [(3, 2), (3, 3)])
        + observations("man", [(1, 1)] + [(1, 2)] * 4 + [(1, 3), (2, 1)] + [(2, 2)] * 4
                       + [(3, 1), (3, 2)] + [(3, 3)] * 3)
        + observations("other", [(2, 3)])
    )
    # Alone, the transition table would leave its margins known: 11, 13 and 10 at intake.
    alone = transition_table(people, [1, 2, 3], threshold=5)
    assert [cell.value for cell in alone.intake_totals] == [11, 13, 10]
    # The distribution at intake (women 5 7 5, men 6 5 5, other 0 1 0) must hide the
    # totals of steps 1 and 3 to protect the other's 1 and what it takes with it; so the
    # transition table, suppressed again, hides them too.
    tables = step_tables(people, [1, 2, 3], threshold=5)
    assert [cell.value for cell in tables.transitions.intake_totals] == [None, 13, None]
    assert values(tables.distribution.shares["intake"]["total"]) == [None, 13 / 34, None]


people_on_steps = st.lists(
    st.tuples(st.sampled_from(["woman", "man", "other"]), st.integers(1, 4), st.integers(1, 4)),
    min_size=1, max_size=60,
).map(lambda rows: [StepObservation(i, g, intake, latest)
                    for i, (g, intake, latest) in enumerate(rows)])


@settings(max_examples=80, deadline=None)
@given(people=people_on_steps, threshold=st.integers(3, 6))
def test_the_tables_of_the_same_participants_hide_the_same_totals(people, threshold):
    # The completers are the same people: their later step is taken as at exit.
    tables = step_tables(people, [1, 2, 3, 4], threshold, completers=people)
    sizes = tables.distribution.n
    for group in ("woman", "man", "total"):
        hidden = tables.movement.row(group).n.suppressed
        assert sizes["intake"][group].suppressed == sizes["latest"][group].suppressed == hidden
        assert sizes["exit"][group].suppressed == tables.completers.row(group).n.suppressed
    assert tables.transitions.total.suppressed == tables.movement.row("total").n.suppressed
    total = tables.distribution.shares
    for moment, margins in (("intake", tables.transitions.intake_totals),
                            ("latest", tables.transitions.latest_totals)):
        hidden_here = [share.suppressed for share in total[moment]["total"]]
        assert hidden_here == [margin.suppressed for margin in margins], moment


def test_completers_who_alone_would_show_everything_hide_what_the_rest_gives_away():
    # Women completers 6 up, 7 stayed, 5 down; men 8, 6, 7: shown alone, nothing is
    # hidden. Of the other measured, women 9, 8 and 2 down; men 7, 10 and 6.
    completers = (observations("woman", [(2, 3)] * 6 + [(2, 2)] * 7 + [(3, 2)] * 5)
                  + observations("man", [(2, 3)] * 8 + [(2, 2)] * 6 + [(3, 2)] * 7))
    rest = (observations("woman", [(2, 3)] * 9 + [(2, 2)] * 8 + [(3, 2)] * 2, start=100)
            + observations("man", [(2, 3)] * 7 + [(2, 2)] * 10 + [(3, 2)] * 6, start=100))
    alone = movement_table(completers, threshold=5)
    assert not any(cell.suppressed for row in alone.rows for cell in row.shares.values())

    tables = step_tables(completers + rest, [1, 2, 3, 4], threshold=5, completers=completers)
    # Everyone measured is shown in full: women 15 up, 15 stayed, 7 down.
    assert values(tables.movement.row("woman").shares.values()) == [15 / 37, 15 / 37, 7 / 37]
    # The completers' 5 women down would leave 7 − 5 = 2, so it goes; with it the
    # women's smallest other count (6 up) and, for the columns, the men's 8 up and
    # 7 down. The sizes stay: the rest has 19 women and 23 men.
    women, men = tables.completers.row("woman"), tables.completers.row("man")
    assert values(women.shares.values()) == [None, 7 / 18, None]
    assert values(men.shares.values()) == [None, 6 / 21, None]
    assert (women.n.value, men.n.value) == (18, 21)
    # A mean beside hidden counts could give them back (see movement_table).
    assert women.mean.suppressed and men.mean.suppressed


#: From step 2: up to 3, stayed, down to 1.
MOVES = [(2, 3), (2, 2), (2, 1)]
#: How many of a gender moved each way, among the completers or the rest.
move_counts = st.lists(st.integers(0, 25), min_size=3, max_size=3)


@settings(max_examples=100, deadline=None)
@given(completed=st.fixed_dictionaries({g: move_counts for g in ("woman", "man", "other")}),
       left=st.fixed_dictionaries({g: move_counts for g in ("woman", "man", "other")}),
       threshold=st.integers(3, 6))
def test_the_measured_who_have_not_finished_are_no_small_group_either(completed, left,
                                                                      threshold):
    def people(counts, start):
        return [observation
                for gender, by_move in counts.items()
                for k, (move, n) in enumerate(zip(MOVES, by_move, strict=True))
                for observation in observations(gender, [move] * n, start=start + 100 * k)]

    finished = people(completed, 0)
    tables = step_tables(finished + people(left, 1000), [1, 2, 3], threshold,
                         completers=finished)

    def published(movement, group: str) -> list[int | None]:
        """Up, stayed, down and n as a reader has them: a share times its n."""
        row = next((row for row in movement.rows if row.group == group), None)
        if row is None or row.n.suppressed:
            return [None] * 4
        return [None if share.suppressed else round(share.value * row.n.value)
                for share in row.shares.values()] + [row.n.value]

    def on_steps(moment: str, group: str) -> list[int | None]:
        """On steps 1, 2 and 3 and n, at the latest occasion or at exit."""
        distribution = tables.distribution
        n = distribution.n[moment].get(group)
        if n is None or n.suppressed:
            return [None] * 4
        return [None if share.suppressed else round(share.value * n.value)
                for share in distribution.shares[moment][group]] + [n.value]

    # The rest, by hand, with its totals; a row or column of it nobody is in has
    # nobody to protect. On the steps: down to 1, stayed on 2, up to 3.
    rest = {group: [*counts, sum(counts)] for group, counts in left.items()}
    rest["total"] = [sum(rest[g][k] for g in left) for k in range(4)]
    for group, counts in rest.items():
        figures = [(published(tables.movement, group), published(tables.completers, group),
                    counts, rest["total"]),
                   (on_steps("latest", group), on_steps("exit", group),
                    [*counts[2::-1], counts[3]], [*rest["total"][2::-1], rest["total"][3]])]
        for whole, part, by_hand, in_column in figures:
            for k in range(4):
                if whole[k] is None or part[k] is None or not counts[-1] or not in_column[k]:
                    continue
                assert whole[k] - part[k] == by_hand[k]
                assert by_hand[k] >= threshold, (group, k, by_hand[k])


def test_a_size_the_movement_table_hides_is_hidden_in_the_distribution_too():
    # Women 11: 2 moved up, 6 stayed, 3 moved down. Men 5 and one other: all stayed.
    people = (
        observations("woman", [(1, 1)] * 3 + [(1, 2)] + [(2, 1)] * 3 + [(2, 3)] + [(3, 3)] * 3)
        + observations("man", [(1, 1), (2, 2)] + [(3, 3)] * 3)
        + observations("other", [(3, 3)])
    )
    # Alone, the movement table hides the women's 11 to protect the small counts around
    # it, while the distribution at intake, women 4 4 3, men 1 1 3 and other 0 0 1,
    # would show it; a reader would then know the 11 the movement table counted on.
    assert movement_table(people, threshold=5).row("woman").n.suppressed
    alone = shares_by_group({"woman": [4, 4, 3], "man": [1, 1, 3], "other": [0, 0, 1]}, 3,
                            threshold=5)
    assert alone[0].n.value == 11
    tables = step_tables(people, [1, 2, 3], threshold=5)
    assert tables.movement.row("woman").n.suppressed
    assert tables.distribution.n["intake"]["woman"].suppressed
    assert tables.distribution.n["latest"]["woman"].suppressed


def test_a_group_all_on_one_step_is_not_revealed():
    # Telling that every woman is on step 3 would tell it about each of them.
    women = [StepObservation(f"w{i}", "woman", 3, 3) for i in range(12)]
    men = [StepObservation(f"m{i}", "man", 1 + i % 7, 1 + i % 7) for i in range(70)]
    distribution = step_distribution(women + men, STEPS, threshold=5)
    assert all(cell.suppressed for cell in distribution.shares["intake"]["woman"])


def test_a_step_distribution_hides_the_shares_of_a_group_whose_size_is_hidden():
    distribution = step_distribution(COMPLEMENTED, STEPS, threshold=5)
    for moment in ("intake", "latest"):
        if distribution.n[moment]["man"].suppressed:
            assert all(cell.suppressed for cell in distribution.shares[moment]["man"])
    assert distribution.n["intake"]["man"].suppressed  # all 30 start on step 3
    # The one participant of another gender is never a group of their own.
    assert "other" not in distribution.groups
