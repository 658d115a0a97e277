"""The loader accepts the shipped instruments and names every problem's file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from questionnaires import Catalogue, QuestionnaireError, load_file, parse

DEFINITIONS = Path(__file__).parent / "definitions"
REFERENCE = (DEFINITIONS / "reference" / "v1.yaml").read_text(encoding="utf-8")


def test_the_shipped_instruments_load():
    catalogue = Catalogue.from_directory()
    stegvis = catalogue.latest("stegvis").definition
    assert stegvis.languages == ["sv", "sv-easy", "en"]
    assert stegvis.occasions == ["intake", "followup", "exit"]
    assert stegvis.ladder_item is not None and stegvis.ladder_item.id == "step"
    intake = [item.id for item in stegvis.items_for("intake")]
    followup = [item.id for item in stegvis.items_for("followup")]
    assert "closer" not in intake and "satisfaction" not in intake
    assert {"closer", "satisfaction"} <= set(followup)
    expected_domains = {
        "step", "work_ability", "readiness", "health", "influence", "coordination",
        "knowledge", "control", "progress", "satisfaction",
    }
    assert expected_domains <= set(stegvis.domains)


def test_the_reference_questionnaire_loads_with_a_stable_hash():
    first = load_file(DEFINITIONS / "reference" / "v1.yaml")
    second = parse(REFERENCE, "again.yaml")
    assert first.content_hash == second.content_hash
    assert len(first.content_hash) == 64
    assert parse(REFERENCE + "\n# edited\n").content_hash != first.content_hash


def problems_of(text: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as raised:
        parse(text, "broken.yaml")
    return [str(problem) for problem in raised.value.problems]


def line_of(text: str, fragment: str) -> int:
    """The last line holding ``fragment``: a duplicate is reported where it repeats."""
    return [n for n, line in enumerate(text.splitlines(), 1) if fragment in line][-1]


@dataclass(frozen=True)
class Breakage:
    """Replace ``old`` by ``new`` in the reference file; expect ``message`` on ``anchor``'s line."""

    old: str
    new: str
    anchor: str
    message: str


BREAKAGES = {
    "unknown key": Breakage(
        "    reverse: true\n", "    reverse: true\n    colour: red\n",
        "colour: red", "items[2].colour: unknown key",
    ),
    "missing translation": Breakage(
        "sv-easy: Jag är lugn., ", "", "text: {sv: Jag känner mig lugn.",
        "items[1].text: missing translation for sv-easy",
    ),
    "broken scale reference": Breakage(
        "    scale: agreement\n    domain: wellbeing\n    text: {sv: Jag känner mig lugn.",
        "    scale: agrement\n    domain: wellbeing\n    text: {sv: Jag känner mig lugn.",
        "scale: agrement", "items[1].scale: unknown scale 'agrement'",
    ),
    "duplicate item id": Breakage(
        "  - id: worried", "  - id: calm", "  - id: calm", "duplicate item id 'calm'"
    ),
    "unknown type": Breakage(
        "    type: choice", "    type: slider", "type: slider", "items[3].type: unknown type"
    ),
    "duplicate scale value": Breakage(
        "{value: 2, label: {sv: Delvis", "{value: 1, label: {sv: Delvis",
        "{value: 1, label: {sv: Delvis", "value 1 appears twice",
    ),
    "unknown occasion kind": Breakage(
        "occasions: [exit]", "occasions: [exit, weekly]", "occasions: [exit, weekly]",
        "items[4].occasions[1]",
    ),
    "wrong value type": Breakage(
        "version: 1", "version: one", "version: one", "version: Input should be a valid integer"
    ),
}


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_each_kind_of_broken_file_names_file_line_and_problem(breakage: Breakage):
    assert breakage.old in REFERENCE
    text = REFERENCE.replace(breakage.old, breakage.new, 1)
    problems = problems_of(text)
    matching = [p for p in problems if breakage.message in p]
    assert matching, problems
    line = line_of(text, breakage.anchor)
    assert any(p.startswith(f"broken.yaml:{line}:") for p in matching), (line, problems)


def test_a_missing_required_key_is_reported():
    problems = problems_of(REFERENCE.replace("slug: reference\n", ""))
    assert any("slug: required key is missing" in p for p in problems)


def test_a_ladder_needs_a_scale_and_text_takes_none():
    text = REFERENCE.replace("    type: ladder\n    scale: ladder\n", "    type: ladder\n")
    text = text.replace("    type: text\n", "    type: text\n    scale: agreement\n")
    problems = problems_of(text)
    assert any("an item of type 'ladder' needs a 'scale'" in p for p in problems)
    assert any("an item of type 'text' takes no scale" in p for p in problems)


def test_invalid_yaml_names_the_line():
    problems = problems_of("schema: 1\nslug: [unclosed\nversion: 1\n")
    assert problems[0].startswith("broken.yaml:")
    assert "not valid YAML" in problems[0]


def test_file_name_and_folder_must_match_version_and_slug(tmp_path):
    folder = tmp_path / "other"
    folder.mkdir()
    (folder / "v2.yaml").write_text(REFERENCE, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as raised:
        load_file(folder / "v2.yaml")
    message = str(raised.value)
    assert "file name says version 2" in message
    assert "folder is 'other', slug must match it" in message


def test_a_catalogue_reports_problems_from_every_file(tmp_path):
    for slug in ("first", "second"):
        (tmp_path / slug).mkdir()
        broken = REFERENCE.replace("slug: reference", f"slug: {slug}")
        broken = broken.replace("version: 1", "version: 0")
        (tmp_path / slug / "v1.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as raised:
        Catalogue.from_directory(tmp_path)
    files = {Path(problem.file).parent.name for problem in raised.value.problems}
    assert files == {"first", "second"}
