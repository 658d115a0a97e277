"""Readability of easy-read (lättläst) text: the LIX index and the limits Stegvis keeps.

LIX = words / sentences + 100 × long words / words, where a long word has more than
six letters (Björnsson 1968). Below 25 is very easy text (children's books); 30–40
is ordinary fiction; official prose is 50 and up.

Each separate text on a page (a question, its hint, each answer label, a heading,
a button) is its own sentence even without a full stop, as readers meet it: the
label "Mycket bra" is read as a unit, not run on into the next label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: A question with its hint and answer options.
QUESTION_LIX_LIMIT = 25
#: An information or consent page.
PAGE_LIX_LIMIT = 30
QUESTION_WORD_LIMIT = 10
SENTENCE_WORD_LIMIT = 15
LONG_WORD_LETTERS = 6

_SENTENCE_END = re.compile(r"[.!?:;]+(?=\s|$)|\n+")
# Letters and digits; a hyphen or apostrophe inside a word keeps it one word.
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``; a fragment without a full stop is one too."""
    return [part.strip() for part in _SENTENCE_END.split(text) if _WORD.search(part)]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _letters(word: str) -> int:
    return sum(character.isalpha() for character in word)


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float:
        if not self.words:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words


def measure(texts: Iterable[str]) -> Readability:
    """Readability of several texts read together, each at least one sentence."""
    word_count = sentence_count = long_count = 0
    for text in texts:
        for sentence in sentences(text):
            found = words(sentence)
            sentence_count += 1
            word_count += len(found)
            long_count += sum(_letters(word) > LONG_WORD_LETTERS for word in found)
    return Readability(word_count, sentence_count, long_count)


def long_sentences(texts: Iterable[str], limit: int = SENTENCE_WORD_LIMIT) -> list[str]:
    """The sentences of ``texts`` that have more than ``limit`` words."""
    return [s for text in texts for s in sentences(text) if len(words(s)) > limit]


def question_problems(question: str, hint: str | None, options: Iterable[str]) -> list[str]:
    """Why an easy-read question page (question, hint, answer labels) is too hard, if it is."""
    problems = []
    if (count := len(words(question))) > QUESTION_WORD_LIMIT:
        problems.append(
            f"the question has {count} words (easy-read: at most {QUESTION_WORD_LIMIT})"
        )
    texts = [question, *([hint] if hint else []), *options]
    for sentence in long_sentences(texts):
        problems.append(
            f"{sentence!r} has {len(words(sentence))} words"
            f" (easy-read: at most {SENTENCE_WORD_LIMIT} a sentence)"
        )
    if (lix := measure(texts).lix) > QUESTION_LIX_LIMIT:
        problems.append(f"LIX is {lix:.0f} (easy-read: at most {QUESTION_LIX_LIMIT})")
    return problems
