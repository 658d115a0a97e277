"""Template helpers: formatting of published figures and labels for enums."""

from __future__ import annotations

import base64
from datetime import datetime

from babel.numbers import get_decimal_symbol
from flask import Flask
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    gettext,
    pgettext,
)
from flask_babel import lazy_gettext as _l

from analysis import Cell
from analysis.statistics import Interval, Share, ShareDifference
from analysis.targets import TargetStatus
from questionnaires import Questionnaire
from survey_app.models import (
    ExitOutcome,
    Gender,
    IncomeSource,
    OccasionKind,
    Occupation,
    ResponseMode,
    Role,
)
from survey_app.participant.display import base_language, language_name
from survey_app.services import targets
from survey_app.services.clock import LOCAL_ZONE
from survey_app.services.schedule import OccasionStatus

SUPPRESSED = "–"

GENDER_LABELS = {
    Gender.WOMAN: _l("Woman"),
    Gender.MAN: _l("Man"),
    Gender.OTHER: _l("Other"),
    Gender.NOT_STATED: _l("Not stated"),
}
GROUP_LABELS = {
    "woman": _l("Women"),
    "man": _l("Men"),
    "other": _l("Other"),
    "not_stated": _l("Not stated"),
    "total": _l("Total"),
}
#: When a step distribution was taken (``StepDistribution.moments``).
MOMENT_LABELS = {
    "intake": _l("At intake"),
    "latest": _l("Latest occasion"),
    "exit": _l("At exit"),
}
OCCASION_LABELS = {
    OccasionKind.INTAKE: _l("Intake"),
    OccasionKind.FOLLOWUP: _l("Follow-up"),
    OccasionKind.EXIT: _l("Exit"),
}
STATUS_LABELS = {
    OccasionStatus.SCHEDULED: _l("Scheduled"),
    OccasionStatus.DUE: _l("Due"),
    OccasionStatus.OVERDUE: _l("Overdue"),
    OccasionStatus.IN_PROGRESS: _l("In progress"),
    OccasionStatus.COMPLETED: _l("Completed"),
    OccasionStatus.MISSED: _l("Missed"),
}
#: Names of Stegvis' own domains; another instrument's domains show their ids.
DOMAIN_LABELS = {
    "step": _l("Step on the ladder"),
    "work_ability": _l("Work ability"),
    "readiness": _l("Ready for work or studies"),
    "health": _l("Self-rated health"),
    "influence": _l("Influence over the rehabilitation"),
    "coordination": _l("Someone holds it together"),
    "knowledge": _l("Knows the support and income options"),
    "control": _l("Control over the situation"),
    "progress": _l("Closer to work or studies"),
    "satisfaction": _l("Satisfied with the support"),
    "comment": _l("Anything else to tell"),
}
OCCUPATION_LABELS = {
    Occupation.WORK: _l("In work"),
    Occupation.STUDIES: _l("In studies"),
    Occupation.JOB_SEEKING: _l("Job-seeking"),
    Occupation.LABOUR_MARKET_PROGRAMME: _l("In a labour-market programme"),
    Occupation.SICK_LEAVE: _l("On sick leave"),
    Occupation.NONE: _l("None of these"),
}
INCOME_LABELS = {
    IncomeSource.SALARY: _l("Salary"),
    IncomeSource.STUDENT_AID: _l("Student aid"),
    IncomeSource.UNEMPLOYMENT_BENEFIT: _l("Unemployment benefit"),
    IncomeSource.SICKNESS_COMPENSATION: _l("Sickness or activity compensation"),
    IncomeSource.SOCIAL_ASSISTANCE: _l("Social assistance"),
    IncomeSource.NONE_OR_OTHER: _l("None or other"),
}
OUTCOME_LABELS = {
    ExitOutcome.WORK: _l("Work"),
    ExitOutcome.STUDIES: _l("Studies"),
    ExitOutcome.PROGRAMME: _l(
        "Ordinary work-preparation programme (Public Employment Service or municipality)"
    ),
    ExitOutcome.REHABILITATION: _l("Continued rehabilitation or care"),
    ExitOutcome.OTHER: _l("Moved or other"),
    ExitOutcome.UNKNOWN: _l("Unknown"),
}
MODE_LABELS = {
    ResponseMode.SELF: _l("By themselves, from a link"),
    ResponseMode.ASSISTED: _l("With help from a coach"),
    ResponseMode.KIOSK: _l("On a tablet handed over by a coach"),
    ResponseMode.PAPER: _l("On paper, typed in afterwards"),
}
ROLE_LABELS = {Role.ADMIN: _l("Administrator"), Role.COACH: _l("Coach"),
               Role.EVALUATOR: _l("Evaluator")}


#: A share as "42 %", never broken between the number and its sign.
PERCENT = "#,##0\u00a0%"
#: Negative figures with a true minus sign (U+2212), as Swedish typesetting wants and
#: the share differences already have; Babel's patterns give a hyphen.
ONE_DECIMAL = "#,##0.0;\u2212#,##0.0"
TWO_DECIMALS = "#,##0.00;\u2212#,##0.00"


def questionnaire_language_label(code: str) -> str:
    """A questionnaire language named in the interface's language: "arabiska",
    "svenska, lättläst"."""
    base = base_language(code)
    name = language_name(base, get_locale())
    return name if base == code else gettext("%(language)s, easy-read", language=name)


def questionnaire_title(definition: Questionnaire) -> str:
    """A questionnaire's title in the interface's language, where it has one."""
    return definition.title.get(str(get_locale())) or definition.title[definition.languages[0]]


def monthly_kind_labels() -> dict[str, str]:
    """Headings for the kinds of ``MonthlyTable.counts``: counts of people, so plural
    ("Inskrivna"), unlike a participant's date of enrolment ("Inskriven")."""
    return {"enrolled": pgettext("participants", "Enrolled"),
            "exited": pgettext("participants", "Exited")}


def format_cell(cell: Cell, kind: str = "number") -> str:
    """A published figure, or the suppression mark; never a 0 in place of a hidden value."""
    if cell.suppressed or cell.value is None:
        return SUPPRESSED
    if kind == "percent":
        return format_percent(cell.value, PERCENT)
    if kind == "decimal":
        return format_decimal(cell.value, ONE_DECIMAL)
    return format_decimal(cell.value, "#,##0")


def format_count(value: object) -> str:
    """A whole number as typeset in the locale; anything else (a hidden figure) as "–"."""
    if isinstance(value, int):
        return format_decimal(value, "#,##0")
    return SUPPRESSED


def format_p_value(p_value: float | None) -> str:
    if p_value is None:
        return SUPPRESSED
    if p_value < 0.001:
        return "<\u00a0" + format_decimal(0.001, "0.000")  # no break between sign and number
    return format_decimal(p_value, "0.000")


def format_estimate(value: float | None, interval: Interval | None) -> str:
    """"0,80 (0,52–1,10)": an estimate with its 95 % interval, when there is one."""
    if value is None:
        return SUPPRESSED
    text = format_decimal(value, TWO_DECIMALS)
    if interval is not None:
        low, high = (format_decimal(v, TWO_DECIMALS) for v in (interval.low, interval.high))
        text += f" ({low}–{high})"
    return text


TARGET_STATUS_LABELS = {
    TargetStatus.MET: _l("Met"),
    TargetStatus.NOT_MET: _l("Not met"),
    TargetStatus.TOO_FEW: _l("Too few to tell"),
}


def format_share(value: float) -> str:
    return format_percent(value, PERCENT)


def format_share_estimate(share: Share) -> str:
    """"42 % (31–54 %)": a share with its interval."""
    if share.share is None or share.ci is None:
        return SUPPRESSED
    low, high = (format_decimal(100 * v, "#,##0") for v in (share.ci.low, share.ci.high))
    return f"{format_share(share.share)} ({low}–{high}\u00a0%)"


def format_share_difference(difference: ShareDifference) -> str:
    """"+12 (−3 to +27) percentage points"."""
    if difference.difference is None or difference.ci is None:
        return SUPPRESSED
    low, high, value = (
        format_decimal(100 * v, "+#,##0;\u2212#,##0")
        for v in (difference.ci.low, difference.ci.high, difference.difference)
    )
    return gettext("%(value)s (%(low)s to %(high)s) percentage points", value=value, low=low,
                   high=high)


def format_age_band(band: str) -> str:
    """"25-54" as typeset: "25–54"."""
    return band.replace("-", "–")


def decimal_mark() -> str:
    """The reader's decimal mark, for charts, which matplotlib draws with a point."""
    return get_decimal_symbol(get_locale())


def format_score(value: float | None) -> str:
    """A score on a questionnaire scale: one decimal at most, "–" when not answered."""
    return SUPPRESSED if value is None else format_decimal(value, "#,##0.#")


def format_local_date(moment: datetime) -> str:
    """The Swedish calendar day of a stored UTC moment."""
    return format_date(moment.astimezone(LOCAL_ZONE).date(), "yyyy-MM-dd")


def format_local_time(moment: datetime) -> str:
    """A stored UTC moment as Swedish wall-clock time (Flask-Babel converts the zone)."""
    return format_datetime(moment, "yyyy-MM-dd HH:mm")


def svg_data_url(svg: bytes) -> str:
    """An SVG drawing as a ``data:`` address for an ``<img>``.

    Inline in the page, matplotlib's SVG would be styled by ``style`` attributes,
    which the Content Security Policy (``style-src 'self'``) rightly refuses: every
    shape would be drawn black. As an image it keeps its own styles.
    """
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = format_local_time
    app.jinja_env.filters["score"] = format_score
    app.jinja_env.filters["percent"] = format_share
    app.jinja_env.globals["share_estimate"] = format_share_estimate
    app.jinja_env.globals["share_difference_estimate"] = format_share_difference
    app.jinja_env.globals["target_label"] = targets.current_label
    app.jinja_env.globals["age_band_label"] = format_age_band
    app.jinja_env.filters["localdate"] = format_local_date
    app.jinja_env.filters["cell"] = format_cell
    app.jinja_env.filters["count"] = format_count
    app.jinja_env.filters["p_value"] = format_p_value
    app.jinja_env.globals["estimate"] = format_estimate
    app.jinja_env.globals.update(
        GENDER_LABELS=GENDER_LABELS,
        GROUP_LABELS=GROUP_LABELS,
        MOMENT_LABELS=MOMENT_LABELS,
        monthly_kind_labels=monthly_kind_labels,
        questionnaire_language_label=questionnaire_language_label,
        questionnaire_title=questionnaire_title,
        OCCASION_LABELS=OCCASION_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        OCCUPATION_LABELS=OCCUPATION_LABELS,
        INCOME_LABELS=INCOME_LABELS,
        OUTCOME_LABELS=OUTCOME_LABELS,
        TARGET_STATUS_LABELS=TARGET_STATUS_LABELS,
        TARGET_DENOMINATORS=targets.DENOMINATORS,
        DOMAIN_LABELS=DOMAIN_LABELS,
        get_locale=get_locale,
    )
