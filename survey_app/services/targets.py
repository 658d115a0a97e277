"""Project targets: stored per organisation, written as YAML, judged on the report.

A report uses the targets of its scope or, failing that, of the nearest
organisation above it that has some; with none anywhere, the defaults are the
MIA application's individual indicators.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
import sqlalchemy as sa
import yaml
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from analysis.targets import TargetResult, target_results
from survey_app.extensions import db
from survey_app.models import ExitOutcome, Organisation, ProjectTarget, TargetRule
from survey_app.models.organisation import PATH_SEPARATOR
from survey_app.services import ServiceError

if TYPE_CHECKING:
    from survey_app.services.report_data import ReportData

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetDefinition(_Strict):
    """One target as written in YAML (and stored)."""

    id: Key
    label: dict[Literal["sv", "en"], Label]
    rule: TargetRule
    goal: float = Field(ge=0, le=1)
    outcomes: list[ExitOutcome] | None = None
    domain: Key | None = None
    item: Key | None = None
    agree_from: int | None = None

    def model_post_init(self, context: Any) -> None:
        needs = {
            TargetRule.EXIT_OUTCOME: ("outcomes",),
            TargetRule.DOMAIN_IMPROVED: ("domain",),
            TargetRule.EXIT_ITEM_AGREES: ("item", "agree_from"),
        }[self.rule]
        missing = [name for name in needs if getattr(self, name) in (None, [])]
        if missing:
            raise ValueError(f"rule {self.rule.value} needs {', '.join(missing)}")
        if "sv" not in self.label:
            raise ValueError("every target needs a Swedish label (label: {sv: …})")

    @property
    def parameters(self) -> dict[str, Any]:
        return self.model_dump(mode="json", include={"outcomes", "domain", "item", "agree_from"},
                               exclude_none=True)

    def label_for(self, language: str) -> str:
        return self.label.get(language) or self.label["sv"]  # type: ignore[index]


class TargetFile(_Strict):
    targets: list[TargetDefinition]

    def model_post_init(self, context: Any) -> None:
        keys = [target.id for target in self.targets]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"target ids must be unique: {', '.join(duplicates)}")


#: The MIA application's individual indicators, each for women and men separately.
DEFAULT_TARGETS = (
    TargetDefinition(
        id="work_preparation", rule=TargetRule.EXIT_OUTCOME, goal=0.40,
        outcomes=[ExitOutcome.PROGRAMME],
        label={"sv": "Går vidare till ordinarie arbetsförberedande insats",
               "en": "Go on to an ordinary work-preparation programme"},
    ),
    TargetDefinition(
        id="work_or_studies", rule=TargetRule.EXIT_OUTCOME, goal=0.30,
        outcomes=[ExitOutcome.WORK, ExitOutcome.STUDIES],
        label={"sv": "Går vidare till arbete eller studier", "en": "Go on to work or studies"},
    ),
    TargetDefinition(
        id="influence", rule=TargetRule.DOMAIN_IMPROVED, goal=0.60, domain="influence",
        label={"sv": "Upplever större inflytande över sin rehabilitering",
               "en": "Report more influence over their rehabilitation"},
    ),
    TargetDefinition(
        id="closer", rule=TargetRule.EXIT_ITEM_AGREES, goal=0.60, item="closer", agree_from=3,
        label={"sv": "Upplever sig närmare arbetsmarknaden",
               "en": "Report being closer to the labour market"},
    ),
)

DENOMINATORS = {
    TargetRule.EXIT_OUTCOME: _l("exited participants"),
    TargetRule.DOMAIN_IMPROVED: _l("participants with both measurements"),
    TargetRule.EXIT_ITEM_AGREES: _l("participants who answered the exit question"),
}


def parse_yaml(text: str) -> list[TargetDefinition]:
    """Targets from YAML, or a ServiceError saying what is wrong and where."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        if mark is None:
            raise ServiceError(_l("The file is not valid YAML.")) from None
        raise ServiceError(
            _l("The file is not valid YAML (line %(line)d).", line=mark.line + 1)
        ) from None
    except RecursionError:
        # PyYAML composes nested lists and mappings recursively: [[[[…]]]] a few
        # thousand deep exhausts the stack, and no targets file nests beyond four.
        raise ServiceError(_l("The file nests lists or mappings too deeply.")) from None
    try:
        return TargetFile.model_validate(data).targets
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'file'}: {problem['msg']}"
            for problem in error.errors()
        )
        raise ServiceError(
            _l("The targets are not valid: %(problems)s", problems=problems)
        ) from None


def to_yaml(definitions: list[TargetDefinition]) -> str:
    data = {"targets": [d.model_dump(mode="json", exclude_none=True) for d in definitions]}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _definition(stored: ProjectTarget) -> TargetDefinition:
    return TargetDefinition(
        id=stored.key, rule=stored.rule, goal=stored.goal,
        label={"sv": stored.label_sv, "en": stored.label_en}, **stored.parameters,
    )


def _stored(organisation: Organisation) -> list[ProjectTarget]:
    return list(db.session.scalars(
        sa.select(ProjectTarget).where(ProjectTarget.organisation_id == organisation.id)
        .order_by(ProjectTarget.position, ProjectTarget.id)
    ))


def own_targets(organisation: Organisation) -> list[TargetDefinition]:
    """The targets set on this organisation itself (none means it inherits)."""
    return [_definition(stored) for stored in _stored(organisation)]


def targets_for(scope: Organisation) -> tuple[list[TargetDefinition], Organisation | None]:
    """The targets that apply to ``scope`` and where they were set (None: the defaults)."""
    names = scope.path.split(PATH_SEPARATOR)
    for depth in range(len(names), 0, -1):
        path = PATH_SEPARATOR.join(names[:depth])
        node = scope if depth == len(names) else db.session.scalar(
            sa.select(Organisation).where(Organisation.path == path))
        if node is not None and (definitions := own_targets(node)):
            return definitions, node
    return list(DEFAULT_TARGETS), None


def set_targets(organisation: Organisation, definitions: list[TargetDefinition]) -> None:
    """Replace the organisation's targets; an empty list makes it inherit again."""
    for stored in _stored(organisation):
        db.session.delete(stored)
    db.session.flush()
    for position, definition in enumerate(definitions):
        db.session.add(ProjectTarget(
            organisation=organisation, key=definition.id, position=position,
            label_sv=definition.label["sv"],
            label_en=definition.label.get("en") or definition.label["sv"],
            rule=definition.rule, goal=definition.goal, parameters=definition.parameters,
        ))
    db.session.flush()


def current_label(definition: TargetDefinition) -> str:
    return definition.label_for(str(get_locale() or "sv"))


def judged(
    definitions: Sequence[TargetDefinition], observed: Sequence[tuple[np.ndarray, np.ndarray]],
    gender: np.ndarray, threshold: int, min_n: int,
    shared_sizes: Sequence[tuple[np.ndarray, Collection[str]]] = (),
) -> list[TargetResult]:
    """Each target's result, in order, from who it counts and who reached it
    (``counted_and_reached``) and everyone's gender.

    Targets that count the same participants (every exit-outcome target counts the
    exited) are suppressed together: side by side they would give away what each
    hides alone (``analysis.targets.target_results``). ``shared_sizes`` gives other
    tables as who each counts (in ``data``'s order) and the group sizes it hides
    (genders and ``TOTAL``): targets counting the same people hide those too.
    """
    sharing: dict[bytes, list[int]] = defaultdict(list)
    for index, (counted, _) in enumerate(observed):
        sharing[np.packbits(counted).tobytes()].append(index)
    results: dict[int, TargetResult] = {}
    for indices in sharing.values():
        counted = observed[indices[0]][0]
        reached = np.column_stack([observed[i][1][counted] for i in indices])
        sharing_definitions = [definitions[i] for i in indices]
        hidden = set().union(*(sizes for people, sizes in shared_sizes
                               if np.array_equal(people, counted)))
        together = target_results(
            gender[counted], reached, [d.goal for d in sharing_definitions], threshold,
            min_n, possible=possible_combinations(sharing_definitions), hidden_sizes=hidden,
        )
        for index, result in zip(indices, together, strict=True):
            results[index] = result
    return [results[index] for index in range(len(definitions))]


def possible_combinations(definitions: Sequence[TargetDefinition]) -> set[tuple[bool, ...]]:
    """Which targets one participant can reach together, as anyone who knows the
    targets can tell: those on the same thing (the exit outcome, one domain, one
    exit item) follow from its one value, those on different things are independent.
    One reached or not per target, in order."""
    by_subject: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, definition in enumerate(definitions):
        subject = definition.domain if definition.rule == TargetRule.DOMAIN_IMPROVED else (
            definition.item if definition.rule == TargetRule.EXIT_ITEM_AGREES else "")
        by_subject[(definition.rule, subject or "")].append(index)
    each_subject = []
    for (rule, _), indices in by_subject.items():
        chosen = [definitions[i] for i in indices]
        if rule == TargetRule.EXIT_OUTCOME:
            values: list[Any] = list(ExitOutcome)
            reaches = [lambda value, d=d: value in (d.outcomes or []) for d in chosen]
        elif rule == TargetRule.DOMAIN_IMPROVED:
            values = [True, False]
            reaches = [lambda value: value for _ in chosen]
        else:  # an answer below every threshold, or at each of them
            thresholds = sorted({d.agree_from or 0 for d in chosen})
            values = [thresholds[0] - 1, *thresholds]
            reaches = [lambda value, d=d: value >= (d.agree_from or 0) for d in chosen]
        each_subject.append((indices, {tuple(reach(value) for reach in reaches)
                                       for value in values}))
    combinations = set()
    for signatures in itertools.product(*(found for _, found in each_subject)):
        combination = [False] * len(definitions)
        for (indices, _), signature in zip(each_subject, signatures, strict=True):
            for index, reached in zip(indices, signature, strict=True):
                combination[index] = reached
        combinations.add(tuple(combination))
    return combinations


def counted_and_reached(
    definition: TargetDefinition, data: ReportData, domain_changes: Mapping[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Who is in the target's denominator, and who reached it, in ``data``'s order.

    ``domain_changes`` maps a domain to each participant's change in its score
    (NaN where either score is missing), in ``data``'s order.
    """
    nothing = np.full(len(data), np.nan)
    if definition.rule == TargetRule.EXIT_OUTCOME:
        counted = data.exit_outcome != ""
        reached = np.isin(data.exit_outcome, list(definition.outcomes or []))
    elif definition.rule == TargetRule.DOMAIN_IMPROVED:
        change = domain_changes.get(definition.domain or "", nothing)
        counted = ~np.isnan(change)
        reached = np.greater(change, 0, where=counted, out=np.zeros(len(data), dtype=bool))
    else:
        item = definition.item or ""
        answer = data.exit.values[:, data.column(item)] if item in data.item_ids else nothing
        counted = ~np.isnan(answer)
        reached = np.greater_equal(answer, definition.agree_from or 0, where=counted,
                                   out=np.zeros(len(data), dtype=bool))
    return counted, reached
