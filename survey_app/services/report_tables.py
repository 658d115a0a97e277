"""The evaluator report as plain tables, for the CSV, XLSX and SPSS exports.

Each table has columns with a variable name (valid in SPSS, R and Stata), a label
in the reader's language and a kind, and rows of plain values. A hidden figure is
the ``SUPPRESSED`` marker, never a number: the writers show it as "–" (or, in
SPSS, as a user-missing code). ``None`` means "not applicable" (no test was run).
The tables hold exactly the figures the report page shows, suppressed the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from analysis.movement import (
    MAN,
    TOTAL,
    WOMAN,
    MovementBreakdown,
    MovementStatistics,
    MovementTable,
)
from analysis.statistics import Interval, PairedChange
from analysis.status_report import StatusReport
from analysis.suppression import Cell
from survey_app.models import MissingReason
from survey_app.services import targets
from survey_app.services.report_document import methods
from survey_app.services.reporting import EvaluatorReport, ReportFilters
from survey_app.templating import (
    DOMAIN_LABELS,
    GROUP_LABELS,
    MOMENT_LABELS,
    OCCASION_LABELS,
    OUTCOME_LABELS,
    TARGET_STATUS_LABELS,
    format_age_band,
    monthly_kind_labels,
)


class Suppressed:
    """A figure hidden to protect small groups."""

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED: Final = Suppressed()
#: How a hidden figure is stored in an SPSS file: a user-missing value, labelled.
SPSS_SUPPRESSED: Final = -999
#: How an answer that is not a point on the scale is written in row exports.
MISSING_ANSWER_CODES: Final = {
    MissingReason.DONT_KNOW: -1,
    MissingReason.DECLINED: -2,
    MissingReason.SKIPPED: -3,
}
Value = str | int | float | Suppressed | None


class Kind(StrEnum):
    #: One of a fixed set of codes, shown by label (SPSS: value labels).
    CATEGORY = "category"
    TEXT = "text"
    #: A number of participants: suppressed below the threshold.
    COUNT = "count"
    #: A share, in per cent (0–100).
    PERCENT = "percent"
    NUMBER = "number"
    #: An answer to a question: a point on its scale (value labels), or a negative
    #: code saying why there is none (user-missing in SPSS).
    ANSWER = "answer"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: Kind
    #: For a category: every code it can take, with its label, in order.
    categories: Mapping[str, str] = field(default_factory=dict)
    #: For an answer: its scale's points and the missing codes, with their labels.
    value_labels: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Value, ...]]
    #: Head the columns with their variable names rather than their labels: for data
    #: read into R or SPSS, whose codebook gives the labels.
    header_names: bool = False

    def header(self) -> list[str]:
        return [column.name if self.header_names else column.label for column in self.columns]

    def column(self, name: str) -> list[Value]:
        index = [c.name for c in self.columns].index(name)
        return [row[index] for row in self.rows]


def _figure(cell: Cell, percent: bool = False) -> Value:
    if cell.suppressed or cell.value is None:
        return SUPPRESSED
    return round(100 * cell.value, 1) if percent else cell.value


def _labels(labels: Mapping[str, object], keys: Iterable[str]) -> dict[str, str]:
    return {key: str(labels.get(key, key)) for key in keys}


def _group_column() -> Column:
    return Column("group", gettext("Group"), Kind.CATEGORY, _labels(GROUP_LABELS, GROUP_LABELS))


def _count(name: str, label: object) -> Column:
    return Column(name, str(label), Kind.COUNT)


def _percent(name: str, label: object) -> Column:
    return Column(name, str(label), Kind.PERCENT)


def _number(name: str, label: object) -> Column:
    return Column(name, str(label), Kind.NUMBER)


def _text(name: str, label: object) -> Column:
    return Column(name, str(label), Kind.TEXT)


def _bounds(interval: Interval | None, percent: bool = False) -> tuple[Value, Value]:
    if interval is None:
        return None, None
    scale = 100 if percent else 1
    return scale * interval.low, scale * interval.high


def _movement(name: str, title: str, table: MovementTable) -> Table:
    columns = (
        _group_column(), _count("n", _l("Number")),
        _number("mean_movement", _l("Mean movement")),
        _number("median_movement", _l("Median movement")),
        _percent("moved_up_pct", _l("Moved up at least one step (%)")),
        _percent("unchanged_pct", _l("Unchanged (%)")),
        _percent("moved_down_pct", _l("Moved down (%)")),
    )
    rows = [
        (row.group, _figure(row.n), _figure(row.mean), _figure(row.median),
         _figure(row.improved, True), _figure(row.unchanged, True), _figure(row.worse, True))
        for row in table.rows
    ]
    return Table(name, title, columns, rows)


def _change_columns() -> tuple[Column, ...]:
    return (
        _number("mean", _l("Mean")),
        _number("mean_ci_low", _l("Mean, 95 % CI low")),
        _number("mean_ci_high", _l("Mean, 95 % CI high")),
        _number("median", _l("Median")),
        _number("median_ci_low", _l("Median, 95 % CI low")),
        _number("median_ci_high", _l("Median, 95 % CI high")),
        _number("wilcoxon_p", _l("Wilcoxon p")),
        _text("wilcoxon_method", _l("Wilcoxon method")),
        _number("rank_biserial", _l("Effect size r (rank-biserial)")),
        _number("sign_test_p", _l("Sign test p")),
        _text("note", _l("Note")),
    )


def _change_values(change: PairedChange | None, hidden: bool) -> tuple[Value, ...]:
    if hidden or (change is not None and change.suppressed):
        reason = (gettext("Not shown: the group's size is suppressed.") if hidden
                  else gettext("Not shown: it would reveal counts that are suppressed."))
        return (SUPPRESSED,) * 7 + (None, SUPPRESSED, SUPPRESSED, reason)
    if change is None:
        return (None,) * 11
    return (
        change.mean, *_bounds(change.mean_ci), change.median, *_bounds(change.median_ci),
        change.wilcoxon.p_value if change.wilcoxon else None,
        change.wilcoxon.method if change.wilcoxon else None,
        change.rank_biserial,
        change.sign_test.p_value if change.sign_test else None,
        change.note,
    )


def _movement_tests(table: MovementTable, statistics: MovementStatistics) -> Table:
    columns = (_group_column(), _count("n", _l("Number")), *_change_columns())
    rows = []
    for row in table.rows:
        change = statistics.groups.get(row.group)
        rows.append((row.group, _figure(row.n), *_change_values(change, change is None)))
    return Table("step_change_tests", gettext("Change in steps: tests and 95 % CI"),
                 columns, rows)


def _breakdown(name: str, title: str, key_label: object, breakdown: MovementBreakdown,
               key_text=str) -> Table:  # noqa: ANN001 - a label function
    columns = (
        _text("part", key_label), _count("n", _l("Number")),
        *(_percent(f"moved_up_{group}_pct",
                   gettext("%(group)s: moved up (%%)", group=GROUP_LABELS[group]))
          for group in breakdown.groups),
    )
    rows = [
        (key_text(row.key), _figure(row.n),
         *(_figure(row.improved[group], True) for group in breakdown.groups))
        for row in breakdown.rows
    ]
    return Table(name, title, columns, rows)


def _domains(report: EvaluatorReport) -> Table:
    table = report.domains
    columns = (
        Column("domain", gettext("Area"), Kind.CATEGORY, _labels(DOMAIN_LABELS, table.domains)),
        _group_column(), _count("n", _l("Number")), *_change_columns(),
        _number("p_holm", _l("p (Holm)")),
    )
    rows = []
    for domain in table.domains:
        for group in table.groups:
            cell = table.rows[domain][group]
            hidden = cell.n.suppressed
            withheld = hidden or (cell.change is not None and cell.change.suppressed)
            rows.append((domain, group, _figure(cell.n), *_change_values(cell.change, hidden),
                         SUPPRESSED if withheld else cell.adjusted_p))
    return Table("domain_change", gettext("Change in domain scores from intake to the "
                                          "latest occasion"), columns, rows)


def _reliable_change(report: EvaluatorReport) -> Table:
    scales = {t.scale: str(DOMAIN_LABELS.get(t.scale, t.scale)) for t in report.reliable_change}
    scales["overall"] = gettext("The whole self-assessment")
    columns = (
        Column("scale", gettext("Scale"), Kind.CATEGORY, scales),
        _number("alpha", _l("Cronbach's alpha")),
        _count("alpha_n", _l("Complete intake answers")),
        _group_column(), _count("n", _l("Number")),
        _percent("reliably_better_pct", _l("Reliably better (%)")),
        _percent("no_reliable_change_pct", _l("No reliable change (%)")),
        _percent("reliably_worse_pct", _l("Reliably worse (%)")),
    )
    rows = []
    for table in report.reliable_change:
        for group in table.groups or ():
            rows.append((table.scale, table.alpha, table.alpha_n, group.group,
                         _figure(group.n), *(_figure(share, True) for share in group.shares)))
    return Table("reliable_change", gettext("Reliable change"), columns, rows)


def _targets(report: EvaluatorReport) -> Table:
    columns = (
        _text("target", _l("Target")), _percent("goal_pct", _l("Goal (%)")),
        _text("denominator", _l("Denominator")), _group_column(), _count("n", _l("Number")),
        _percent("share_pct", _l("Share (%)")),
        _percent("share_ci_low_pct", _l("Share, 95 % CI low (%)")),
        _percent("share_ci_high_pct", _l("Share, 95 % CI high (%)")),
        Column("result", gettext("Result"), Kind.CATEGORY,
               _labels(TARGET_STATUS_LABELS, TARGET_STATUS_LABELS)),
    )
    rows = []
    for judged in report.targets:
        definition = judged.definition
        for group in judged.result.groups:
            interval = group.interval.ci if group.interval else None
            low, high = _bounds(interval, percent=True) if not group.share.suppressed else (
                SUPPRESSED, SUPPRESSED)
            rows.append((
                targets.current_label(definition), round(100 * definition.goal, 1),
                str(targets.DENOMINATORS[definition.rule]), group.group, _figure(group.n),
                _figure(group.share, True), low, high,
                group.status.value if group.status else None,
            ))
    return Table("targets", gettext("Share reaching each target"), columns, rows)


ATTRITION_STAGES = {
    "enrolled": _l("Enrolled participants"),
    "intake": _l("Answered at intake"),
    "followup": _l("Answered at least one follow-up"),
    "exit": _l("Answered at exit"),
}


def _attrition(report: EvaluatorReport) -> list[Table]:
    attrition = report.attrition
    group_columns = [(group, str(GROUP_LABELS[group])) for group in attrition.groups]
    stages = Column("stage", gettext("Participants"), Kind.CATEGORY,
                    _labels(ATTRITION_STAGES, ATTRITION_STAGES))
    kinds = Column("occasion", gettext("Occasion"), Kind.CATEGORY,
                   _labels(OCCASION_LABELS, attrition.response_rates))
    return [
        Table("attrition", gettext("Participation by gender"),
              (stages, *(_count(name, label) for name, label in group_columns)),
              [(stage, *(_figure(attrition.counts[stage][g]) for g in attrition.groups))
               for stage in ATTRITION_STAGES]),
        Table("response_rates", gettext("Response rate by occasion and gender (%)"),
              (kinds, *(_percent(f"{name}_pct", label) for name, label in group_columns)),
              [(kind, *(_figure(rates[g], True) for g in attrition.groups))
               for kind, rates in attrition.response_rates.items()]),
    ]


def _distribution(report: EvaluatorReport) -> Table:
    distribution = report.distribution
    columns = (
        _group_column(),
        Column("moment", gettext("When"), Kind.CATEGORY, _labels(MOMENT_LABELS, MOMENT_LABELS)),
        *(_percent(f"step_{step}_pct", gettext("Step %(n)s", n=step) + " (%)")
          for step in distribution.steps),
        _count("n", _l("Number")),
    )
    rows = [
        (group, moment, *(_figure(cell, True) for cell in distribution.shares[moment][group]),
         _figure(distribution.n[moment][group]))
        for group in distribution.groups
        for moment in distribution.moments
    ]
    return Table("step_distribution", gettext("Share on each step"), columns, rows)


def _transitions(report: EvaluatorReport) -> Table:
    steps = report.transitions.steps
    columns = (
        _number("intake_step", _l("At intake")),
        *(_count(f"latest_step_{step}", gettext("Step %(n)s", n=step)) for step in steps),
    )
    rows = [(step, *(_figure(cell) for cell in row))
            for step, row in zip(steps, report.transitions.counts, strict=True)]
    return Table("transitions", gettext("Participants by step at intake (rows) and at the "
                                        "latest occasion (columns)"), columns, rows)


def _monthly(report: EvaluatorReport) -> Table:
    kinds = monthly_kind_labels()
    groups = report.monthly.groups
    columns = (
        _text("month", _l("Month")),
        *(_count(f"{kind}_{group}", f"{label}: {str(GROUP_LABELS[group]).lower()}")
          for kind, label in kinds.items() for group in groups),
    )
    counts = report.monthly.counts
    rows = [(month, *(_figure(counts[kind][month][group]) for kind in kinds for group in groups))
            for month in report.monthly.months]
    return Table("monthly", gettext("Participants enrolled and exited per month"), columns, rows)


def report_tables(report: EvaluatorReport) -> list[Table]:
    """Every table of the report page, in page order."""
    return [
        _movement("step_movement", gettext("Step movement by gender"), report.movement),
        _movement("step_movement_completers",
                  gettext("Step movement from intake to exit, only for those who answered "
                          "both"), report.completers),
        _breakdown("by_age_band", gettext("Share moved up by age at enrolment"), _l("Age"),
                   report.by_age_band, format_age_band),
        _breakdown("by_enrolment_year", gettext("Share moved up by year of enrolment"),
                   _l("Year"), report.by_enrolment_year),
        _breakdown("by_part", gettext("Share moved up by part of the organisation"),
                   _l("Part"), report.by_organisation),
        _movement_tests(report.movement, report.statistics),
        _domains(report),
        _reliable_change(report),
        _targets(report),
        *_attrition(report),
        _distribution(report),
        _transitions(report),
        _monthly(report),
    ]


def _suppression_note(threshold: int) -> tuple[str, str]:
    return (gettext("Suppression"), gettext(
        "Figures describing fewer than %(n)d participants are shown as –, and so are "
        "figures that would let them be worked out. In SPSS files they are the "
        "user-missing value %(code)d.", n=threshold, code=SPSS_SUPPRESSED))


def filter_notes(filters: ReportFilters) -> list[tuple[str, str]]:
    """Who a file covers, in words: the organisation, enrolment period, age, version."""
    def period() -> str:
        if not (filters.enrolled_from or filters.enrolled_to):
            return gettext("Everyone")
        start = filters.enrolled_from.isoformat() if filters.enrolled_from else "…"
        end = filters.enrolled_to.isoformat() if filters.enrolled_to else "…"
        return f"{start} – {end}"

    return [
        (gettext("Organisation"), filters.scope.path),
        (gettext("Enrolled"), period()),
        (gettext("Age"), format_age_band(filters.age_band) if filters.age_band
         else gettext("All ages")),
        (gettext("Questionnaire version"), str(filters.questionnaire_version)
         if filters.questionnaire_version else gettext("All versions")),
    ]


def about(
    report: EvaluatorReport, filters: ReportFilters, generated_on: date
) -> list[tuple[str, str]]:
    """What the figures cover and how they were made: the first sheet of a workbook."""
    rows = [
        (gettext("Report"), gettext("Stegvis evaluator report")),
        *filter_notes(filters),
        (gettext("Made on"), generated_on.isoformat()),
        _suppression_note(report.threshold),
        (gettext("Shares"), gettext("In per cent (0–100).")),
    ]
    rows += [(gettext("Method: %(topic)s", topic=topic.replace("_", " ")), text)
             for topic, text in methods(report.min_n).items()]
    return rows


STATUS_LINES = {
    "enrolled_in_month": _l("Enrolled during the month"),
    "enrolled_total": _l("Enrolled in total by the end of the month"),
    "active_at_month_end": _l("Taking part at the end of the month"),
    "exited": _l("Left during the month"),
    **{f"exited_{outcome.value}": label for outcome, label in OUTCOME_LABELS.items()},
    "occasions_due": _l("Occasions due during the month"),
    "occasions_completed": _l("Occasions answered"),
    "occasions_missed": _l("Occasions missed"),
    "occasions_open": _l("Occasions still open"),
}
#: Lines shown indented under the line before them: parts of its total.
STATUS_PARTS = {key for key in STATUS_LINES
                if key.startswith("exited_") or key in ("occasions_completed", "occasions_missed",
                                                        "occasions_open")}


def status_table(report: StatusReport) -> Table:
    """The monthly status report: one line per figure, women, men and total."""
    labels = {key: (gettext("Left: %(outcome)s", outcome=label) if key.startswith("exited_")
                    else str(label)) for key, label in STATUS_LINES.items()}
    columns = (
        Column("figure", gettext("Figure"), Kind.CATEGORY, labels),
        *(_count(group, GROUP_LABELS[group]) for group in (WOMAN, MAN, TOTAL)),
    )
    rows = [(key, *(_figure(report.lines[key][group]) for group in (WOMAN, MAN, TOTAL)))
            for key in STATUS_LINES]
    return Table("monthly_status", gettext("Status for %(month)s", month=report.month),
                 columns, rows)


def status_about(report: StatusReport, scope_path: str,
                 generated_on: date) -> list[tuple[str, str]]:
    """What the monthly status covers and how its figures are defined."""
    return [
        (gettext("Report"), gettext("Stegvis monthly status")),
        (gettext("Organisation"), scope_path),
        (gettext("Month"), report.month),
        (gettext("Made on"), generated_on.isoformat()),
        _suppression_note(report.threshold),
        (gettext("Taking part"), gettext(
            "Enrolled by the end of the month and not left by then.")),
        (gettext("Occasions"), gettext(
            "Intake, follow-ups and exit whose due date falls in the month, as things stand "
            "on the day the report is made: answered, missed (the time to answer is over) "
            "or still open.")),
        (gettext("Gender"), gettext(
            "Women and men are shown apart; other and not stated count in the total only.")),
    ]
