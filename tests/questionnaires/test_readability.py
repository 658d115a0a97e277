"""LIX and the easy-read limits, against values worked out by hand."""

from __future__ import annotations

import pytest

from questionnaires import parse
from questionnaires import readability as r
from tests.questionnaires.test_loader import REFERENCE


def test_lix_of_two_short_sentences():
    # 8 words in 2 sentences; one long word (varning, 7 letters): 8/2 + 100·1/8 = 16.5
    result = r.measure(["Jag är kvar. Du får en varning först."])
    assert (result.words, result.sentences, result.long_words) == (8, 2, 1)
    assert result.lix == pytest.approx(16.5)


def test_lix_of_official_prose_is_high():
    # 6 words, 1 sentence, 2 long words (Myndigheten, kontrollerar): 6 + 100·2/6 = 39.33
    assert r.measure(["Myndigheten Digg kontrollerar att lagen följs."]).lix == pytest.approx(
        6 + 200 / 6
    )


def test_each_label_is_its_own_sentence():
    # "Mycket bra" and "Okej": 3 words, 2 sentences, no long word: 1.5
    assert r.measure(["Mycket bra", "Okej"]).lix == pytest.approx(1.5)


def test_words_count_letters_not_digits_or_hyphens():
    # e-post is one word of 5 letters; 24 is a word without letters; november is long.
    result = r.measure(["Skicka e-post den 24 november."])
    assert (result.words, result.long_words) == (5, 1)


def test_an_empty_text_has_lix_zero():
    assert r.measure(["", "  "]).lix == 0


def test_a_question_over_ten_words_is_too_long():
    problems = r.question_problems(
        "Hur ofta har du under den senaste månaden känt dig riktigt pigg och glad?", None, ["Ja"]
    )
    assert any("14 words" in problem for problem in problems)


def test_a_sentence_over_fifteen_words_is_too_long():
    hint = ("Tänk på hur du har haft det på jobbet och hemma och med vänner och familj "
            "under de senaste veckorna.")
    problems = r.question_problems("Hur mår du?", hint, ["Bra", "Dåligt"])
    assert any("easy-read: at most 15 a sentence" in problem for problem in problems)


def test_hard_words_push_lix_over_the_limit():
    problems = r.question_problems(
        "Upplever du arbetslivsinriktad rehabilitering meningsfull?", None,
        ["Instämmer fullständigt", "Instämmer delvis", "Instämmer inte"],
    )
    assert any(problem.startswith("LIX is") for problem in problems)


def test_standard_swedish_is_not_held_to_easy_read_limits():
    parse(REFERENCE.replace(
        "sv: Jag känner mig lugn.",
        "sv: Jag upplever generellt ett tillfredsställande känslomässigt lugn i vardagen.",
    ))
