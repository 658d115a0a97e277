"""Load questionnaire definitions from YAML and validate them.

Every problem is reported as ``file:line: where: what``, so the person editing
the YAML can go straight to it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from questionnaires.schema import Questionnaire, reference_problems

DEFINITIONS_DIR = Path(__file__).parent
FILE_NAME = re.compile(r"^v(?P<version>[1-9][0-9]*)\.yaml$")
AUDIO_FOLDER = "audio"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{self.file}:{self.line}:{where} {self.message}"


class QuestionnaireError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class LoadedQuestionnaire:
    definition: Questionnaire
    #: SHA-256 of the file's bytes: what a response records as "the wording I answered".
    content_hash: str
    source: str

    @property
    def reference(self) -> str:
        """"stegvis@2": how people name a version, on the command line and in forms."""
        return f"{self.definition.slug}@{self.definition.version}"

    @property
    def audio_directory(self) -> Path:
        """Where this version's recordings are: ``<slug>/audio/`` beside the file."""
        return Path(self.source).parent / AUDIO_FOLDER


class _Node:
    """A parsed YAML value together with the line each part of it stood on."""

    def __init__(self, node: yaml.Node) -> None:
        self.node = node

    def line_of(self, path: Iterable[str | int]) -> int:
        node = self.node
        for key in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if k.value == str(key)), None)
                if child is None:
                    # An unknown or misspelt key: point at the mapping that holds it.
                    child = next((k for k, _ in node.value if k.value == str(key)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if 0 <= key < len(node.value):
                    child = node.value[key]
            if child is None:
                break
            node = child
        return node.start_mark.line + 1


def _format_path(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse(text: str, source: str = "<string>") -> LoadedQuestionnaire:
    """Parse and validate one definition; raise ``QuestionnaireError`` listing every problem."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise QuestionnaireError([Problem(source, line, "", f"not valid YAML: {error}")]) from None
    if node is None or not isinstance(data, dict):
        raise QuestionnaireError([Problem(source, 1, "", "expected a mapping at the top level")])
    lines = _Node(node)

    try:
        definition = Questionnaire.model_validate(data)
    except ValidationError as error:
        problems = [
            Problem(
                source,
                lines.line_of(detail["loc"]),
                _format_path(detail["loc"]),
                _pydantic_message(detail),
            )
            for detail in error.errors()
        ]
        raise QuestionnaireError(problems) from None

    problems = [
        Problem(source, lines.line_of(path), _format_path(path), message)
        for path, message in reference_problems(definition)
    ]
    if problems:
        raise QuestionnaireError(problems)
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedQuestionnaire(definition, content_hash, source)


def _pydantic_message(detail: Any) -> str:
    if detail["type"] == "extra_forbidden":
        return "unknown key"
    if detail["type"] == "missing":
        return "required key is missing"
    return str(detail["msg"])


def load_file(path: Path) -> LoadedQuestionnaire:
    loaded = parse(path.read_text(encoding="utf-8"), source=str(path))
    problems = []
    match = FILE_NAME.match(path.name)
    if match is None:
        problems.append(Problem(str(path), 1, "", "file name must be v<version>.yaml"))
    elif int(match["version"]) != loaded.definition.version:
        problems.append(
            Problem(str(path), 1, "version", f"file name says version {match['version']}")
        )
    if path.parent.name != loaded.definition.slug:
        problems.append(
            Problem(str(path), 1, "slug", f"folder is {path.parent.name!r}, slug must match it")
        )
    for index, item in enumerate(loaded.definition.items):
        for language, name in (item.audio or {}).items():
            if not (loaded.audio_directory / name).is_file():
                problems.append(Problem(
                    str(path), _line_of(loaded, ("items", index, "audio", language)),
                    f"items[{index}].audio.{language}",
                    f"no recording {AUDIO_FOLDER}/{name} beside this file",
                ))
    if problems:
        raise QuestionnaireError(problems)
    return loaded


def _line_of(loaded: LoadedQuestionnaire, path: tuple[str | int, ...]) -> int:
    text = Path(loaded.source).read_text(encoding="utf-8")
    return _Node(yaml.compose(text, Loader=yaml.SafeLoader)).line_of(path)


class Catalogue:
    """All questionnaire versions found under one directory, validated together."""

    def __init__(self, loaded: Iterable[LoadedQuestionnaire]) -> None:
        self._versions: dict[tuple[str, int], LoadedQuestionnaire] = {}
        for questionnaire in loaded:
            key = (questionnaire.definition.slug, questionnaire.definition.version)
            self._versions[key] = questionnaire

    @staticmethod
    def default_directory() -> Path:
        return DEFINITIONS_DIR

    @classmethod
    def from_directory(cls, directory: Path | str = DEFINITIONS_DIR) -> Catalogue:
        directory = Path(directory)
        problems: list[Problem] = []
        loaded = []
        for path in sorted(directory.glob("*/v*.yaml")):
            try:
                loaded.append(load_file(path))
            except QuestionnaireError as error:
                problems.extend(error.problems)
        if problems:
            raise QuestionnaireError(problems)
        return cls(loaded)

    def get(self, slug: str, version: int) -> LoadedQuestionnaire:
        return self._versions[(slug, version)]

    def by_reference(self, reference: str) -> LoadedQuestionnaire:
        """The version named like "stegvis@2"; KeyError when there is none."""
        slug, _, version = reference.partition("@")
        if not version.isdigit():
            raise KeyError(reference)
        return self.get(slug, int(version))

    def versions(self, slug: str) -> list[int]:
        """The versions of ``slug`` there are, oldest first."""
        return sorted(version for key, version in self._versions if key == slug)

    def latest(self, slug: str) -> LoadedQuestionnaire:
        versions = [key for key in self._versions if key[0] == slug]
        if not versions:
            raise KeyError(slug)
        return self._versions[max(versions)]

    def __iter__(self) -> Iterator[LoadedQuestionnaire]:
        return iter(self._versions.values())

    def __len__(self) -> int:
        return len(self._versions)
