"""What an evaluator asked to see, read from the query string: the same rules for the
pages and the API. Anything outside the evaluator's tree is, for them, not there."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from flask import abort, current_app
from werkzeug.datastructures import MultiDict

from survey_app.evaluator.forms import MonthlyStatusForm, ReportFilterForm
from survey_app.models import Organisation, User
from survey_app.services import clock, organisations, reporting
from survey_app.services.responses import DEFAULT_QUESTIONNAIRE

FilterForm = TypeVar("FilterForm", bound=ReportFilterForm)


def _chosen_organisation(form: ReportFilterForm | MonthlyStatusForm, user: User,
                         arguments: MultiDict[str, str], scope: list[Organisation]
                         ) -> Organisation:
    """The organisation picked in ``form`` (already validated); the user's own by default."""
    chosen = user.organisation
    if "organisation" in arguments:
        if form.organisation.errors:
            abort(404)
        chosen = next(o for o in scope if o.id == form.organisation.data)
    else:
        form.organisation.errors = []  # none chosen is no mistake: the evaluator's own
    form.organisation.data = chosen.id
    return chosen


def chosen_filters(form_class: type[FilterForm], user: User, arguments: MultiDict[str, str]
                   ) -> tuple[FilterForm, reporting.ReportFilters]:
    """The report filters asked for; the user's whole tree by default. A value that is
    not valid is left out of the filters and reported on the form."""
    scope = organisations.subtree(user.organisation)
    versions = current_app.extensions["questionnaires"].versions(DEFAULT_QUESTIONNAIRE)
    form = form_class(arguments, organisations=scope, versions=versions)
    form.validate()
    chosen = _chosen_organisation(form, user, arguments, scope)
    period_ok = not (form.enrolled_from.errors or form.enrolled_to.errors)
    version = form.questionnaire_version.data
    filters = reporting.ReportFilters(
        chosen,
        form.enrolled_from.data if period_ok else None,
        form.enrolled_to.data if period_ok else None,
        age_band=(form.age_band.data or None) if not form.age_band.errors else None,
        questionnaire_version=(
            int(version) if version and not form.questionnaire_version.errors else None
        ),
    )
    return form, filters


def last_month() -> str:
    first_of_this_month = clock.today().replace(day=1)
    return (first_of_this_month - timedelta(days=1)).strftime("%Y-%m")


def chosen_month(user: User, arguments: MultiDict[str, str]
                 ) -> tuple[MonthlyStatusForm, Organisation, str | None]:
    """The monthly status's organisation and month; last month when none is asked for.
    The month is None when what was typed is not a month (the form says so)."""
    scope = organisations.subtree(user.organisation)
    arguments = arguments.copy()
    arguments.setdefault("month", last_month())
    form = MonthlyStatusForm(arguments, organisations=scope)
    form.validate()
    chosen = _chosen_organisation(form, user, arguments, scope)
    month = None if form.month.errors else form.month.data.strftime("%Y-%m")
    return form, chosen, month
