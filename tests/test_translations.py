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


PARTICIPANT_SOURCES = [
    *sorted((ROOT / "survey_app" / "templates" / "participant").glob("*.html")),
    ROOT / "survey_app" / "templates" / "components" / "_question.html",
    ROOT / "survey_app" / "templates" / "components" / "_forms.html",
    ROOT / "survey_app" / "templates" / "base.html",
    ROOT / "survey_app" / "forms.py",
    *sorted((ROOT / "survey_app" / "participant").glob("*.py")),
]


def participant_messages() -> set[str]:
    from babel.messages.extract import extract_from_file

    found = set()
    for path in PARTICIPANT_SOURCES:
        method = "jinja2" if path.suffix == ".html" else "python"
        for _line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, comment_tags=()
        ):
            if message:
                found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_participant_string_is_translated_into_arabic():
    arabic = {m.id: m for m in catalogue("ar") if m.id}
    messages = participant_messages()
    assert len(messages) > 50
    missing = sorted(m for m in messages if m not in arabic or not arabic[m].string
                     or arabic[m].fuzzy)
    assert not missing


def test_every_pictogram_name_has_a_drawing():
    from questionnaires.schema import PICTOGRAMS

    drawings = (ROOT / "survey_app" / "templates" / "components" / "_pictograms.html").read_text(
        encoding="utf-8")
    for name in PICTOGRAMS:
        assert f'"{name}"' in drawings, name
