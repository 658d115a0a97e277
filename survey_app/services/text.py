"""Which characters text from users may hold."""

from __future__ import annotations

import unicodedata

LINE_BREAKS_AND_TABS = frozenset("\t\n\r")


def has_invisible_controls(text: str, allowed: frozenset[str] = LINE_BREAKS_AND_TABS) -> bool:
    """Whether ``text`` holds a control character (Unicode category Cc) not in ``allowed``.

    No one types these on purpose; they come with pasted text or crafted requests.
    PostgreSQL refuses NUL in text, even as a query's parameter, and XML (so XLSX
    and SVG) refuses the other C0 controls.
    """
    return any(unicodedata.category(character) == "Cc" and character not in allowed
               for character in text)
