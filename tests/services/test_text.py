"""Which characters text from users may hold."""

from __future__ import annotations

import pytest

from survey_app.services.text import has_invisible_controls


@pytest.mark.parametrize("text", ["", "Bra stöd", "Två\r\nrader\tmed tabb", "٣ صعب", "🙂",
                                  "\u200b"])  # zero-width space: a format character, storable
def test_ordinary_text_line_breaks_and_tabs_pass(text):
    assert not has_invisible_controls(text)


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\x1b[31m", "\x0b", "\x7f", "\x85", "\x9f"])
def test_nul_and_the_other_control_characters_are_found(text):
    assert has_invisible_controls(text)


def test_line_breaks_and_tabs_can_be_refused_too():
    assert has_invisible_controls("Han\tinge", allowed=frozenset())
    assert has_invisible_controls("Han\ninge", allowed=frozenset("\t"))
