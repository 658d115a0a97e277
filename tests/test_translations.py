"""Swedish first: every interface string in the sources has a Swedish translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[1]
CATALOGUES = ROOT / "survey_app" / "translations"
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None}


def source_messages() -> set[str]:
    found = extract_from_dir(
        str(ROOT / "survey_app"), METHODS, keywords=KEYWORDS, comment_tags=()
    )
    return {message for _file, _line, message, _comments, _context in found if message}


def catalogue(locale: str):
    with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def test_every_source_string_is_in_the_catalogues():
    for locale in ("sv", "en"):
        ids = {message.id for message in catalogue(locale) if message.id}
        missing = source_messages() - ids
        assert not missing, f"{locale}: run pybabel extract/update (README): {sorted(missing)}"


def test_every_swedish_entry_is_translated_and_not_fuzzy():
    untranslated = [m.id for m in catalogue("sv") if m.id and (not m.string or m.fuzzy)]
    assert not untranslated


def test_format_arguments_survive_translation():
    for message in catalogue("sv"):
        if message.id and message.python_format:
            assert message.check() == [], message.id
