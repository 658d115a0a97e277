"""The loader accepts the shipped instruments and names every problem's file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from questionnaires import Catalogue, QuestionnaireError, load_file, parse

DEFINITIONS = Path(__file__).parent / "definitions"
REFERENCE = (DEFINITIONS / "reference" / "v1.yaml").read_text(encoding="utf-8")


def test_version_2_only_adds_arabic_to_version_1():
    """A published version is never edited; v2 must keep every v1 wording as it was."""
    catalogue = Catalogue.from_directory()
    v1, v2 = (catalogue.get("stegvis", version).definition for version in (1, 2))
    dump = v2.model_dump(by_alias=True)

    def without_arabic(value):
        if isinstance(value, dict):
            return {key: without_arabic(inner) for key, inner in value.items() if key != "ar"}
        if isinstance(value, list):
            return [without_arabic(inner) for inner in value]
        return value

    stripped = without_arabic(dump) | {"version": 1, "languages": v1.languages}
    assert stripped == v1.model_dump(by_alias=True)


def test_the_shipped_instruments_load():
    catalogue = Catalogue.from_directory()
    stegvis = catalogue.latest("stegvis").definition
    assert stegvis.languages == ["sv", "sv-easy", "en", "ar"]
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
    "value too large to store": Breakage(
        "{value: 3, label: {sv: Framme", "{value: 99999999, label: {sv: Framme",
        "value: 99999999", "value: Input should be less than or equal to 16777216",
    ),
    "unknown pictogram": Breakage(
        '{value: 1, label: {sv: Nej, sv-easy: Nej, en: "No"}}',
        '{value: 1, pictogram: face-angry, label: {sv: Nej, sv-easy: Nej, en: "No"}}',
        "face-angry", "scales.agreement.points[0].pictogram: unknown pictogram 'face-angry'",
    ),
    "hard easy-read wording": Breakage(
        "sv-easy: Jag är lugn.",
        "sv-easy: Jag upplever generellt ett tillfredsställande känslomässigt lugn.",
        "tillfredsställande", "items[1].text.sv-easy: LIX is",
    ),
    "recording outside its folder": Breakage(
        "text: {sv: Jag känner mig lugn.",
        "audio: {sv: ../../secret.mp3}\n    text: {sv: Jag känner mig lugn.",
        "secret.mp3", "items[1].audio.sv",
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


def with_recording(audio: str) -> str:
    """The reference questionnaire with ``audio: …`` on its second item."""
    anchor = "text: {sv: Jag känner mig lugn."
    return REFERENCE.replace(anchor, f"audio: {audio}\n    {anchor}")


def test_a_recording_must_exist_beside_the_file(tmp_path):
    folder = tmp_path / "reference"
    folder.mkdir()
    with_audio = with_recording("{sv-easy: calm.mp3}")
    (folder / "v1.yaml").write_text(with_audio, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as raised:
        load_file(folder / "v1.yaml")
    assert [str(p) for p in raised.value.problems] == [
        f"{folder / 'v1.yaml'}:{line_of(with_audio, 'calm.mp3')}: items[1].audio.sv-easy: "
        "no recording audio/calm.mp3 beside this file"
    ]
    (folder / "audio").mkdir()
    (folder / "audio" / "calm.mp3").write_bytes(b"ID3")
    assert load_file(folder / "v1.yaml").definition.items[1].audio == {"sv-easy": "calm.mp3"}

