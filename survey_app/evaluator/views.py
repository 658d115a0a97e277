from __future__ import annotations

from datetime import timedelta
from typing import TypeVar

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from analysis.charts import FORMATS, render
from survey_app.evaluator import bp
from survey_app.evaluator.charts import CHARTS, embedded_charts
from survey_app.evaluator.forms import (
    ROW_EXPORT_FILES,
    MonthlyStatusForm,
    ReportFilterForm,
    RowExportForm,
)
from survey_app.extensions import db
from survey_app.i18n import current_language
from survey_app.models import Organisation
from survey_app.services import clock, organisations, reporting, row_export
from survey_app.services.monthly_status import monthly_status
from survey_app.services.report_tables import STATUS_PARTS, report_tables, status_table
from survey_app.services.responses import DEFAULT_QUESTIONNAIRE
from survey_app.services.table_files import ExportFile, FileFormat, report_file, status_file

FilterForm = TypeVar("FilterForm", bound=ReportFilterForm)


def _chosen_organisation(form: ReportFilterForm | MonthlyStatusForm,
                         scope: list[Organisation]) -> Organisation:
    """The organisation picked in ``form`` (already validated); the evaluator's own by
    default. Anything outside the evaluator's tree is, for them, not there at all."""
    chosen = current_user.organisation
    if "organisation" in request.args:
        if form.organisation.errors:
            abort(404)
        chosen = next(o for o in scope if o.id == form.organisation.data)
    else:
        form.organisation.errors = []  # none chosen is no mistake: the evaluator's own
    form.organisation.data = chosen.id
    return chosen


def chosen_filters(form_class: type[FilterForm]) -> tuple[FilterForm, reporting.ReportFilters]:
    """The filters picked on the page; the evaluator's whole tree by default."""
    scope = organisations.subtree(current_user.organisation)
    catalogue = current_app.extensions["questionnaires"]
    versions = catalogue.versions(DEFAULT_QUESTIONNAIRE)
    form = form_class(request.args, organisations=scope, versions=versions)
    form.validate()
    chosen = _chosen_organisation(form, scope)
    # A date that did not parse is shown as an error and left out of the filter.
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


def _filter_arguments(filters: reporting.ReportFilters) -> dict[str, object]:
    return {"organisation": filters.scope.id, **filters.narrowing()}


def _chosen_report() -> tuple[ReportFilterForm, reporting.ReportFilters,
                                reporting.EvaluatorReport]:
    form, filters = chosen_filters(ReportFilterForm)
    report_data = reporting.evaluator_report(
        filters, current_app.extensions["questionnaires"],
        current_app.config["SUPPRESSION_THRESHOLD"], clock.today(),
    )
    return form, filters, report_data


@bp.get("/")
def report() -> str:
    form, filters, report_data = _chosen_report()
    return render_template(
        "evaluator/report.html",
        form=form,
        scope=filters.scope,
        report=report_data,
        filters=filters,
        chart_src=embedded_charts(report_data).__getitem__,
        chart_download=lambda name, fmt: url_for(
            ".chart", name=name, fmt=fmt, download=1, **_filter_arguments(filters)
        ),
        export_url=lambda fmt, **options: url_for(
            ".export", fmt=fmt, **options, **_filter_arguments(filters)
        ),
        tables=report_tables(report_data),
    )


@bp.get("/export/<name>.<fmt>")
def export(name: str, fmt: str) -> Response:
    """The report's tables as a file: ``report`` for all of them (an XLSX workbook, or a
    ZIP of CSV or SPSS files), or one table by name. ``?excel=sv`` writes CSV for Excel
    set to Swedish."""
    if fmt not in {f.value for f in FileFormat}:
        abort(404)
    _form, filters, report_data = _chosen_report()
    exported = report_file(
        report_data, filters, current_app.config["SUPPRESSION_THRESHOLD"], clock.today(),
        FileFormat(fmt), None if name == "report" else name,
        swedish_excel=_for_swedish_excel(),
    )
    if exported is None:
        abort(404)
    return _attachment(exported)


def _for_swedish_excel() -> bool:
    return request.args.get("excel") == "sv"


def _attachment(exported: ExportFile) -> Response:
    response = Response(exported.content, mimetype=exported.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


def _last_month() -> str:
    first_of_this_month = clock.today().replace(day=1)
    return (first_of_this_month - timedelta(days=1)).strftime("%Y-%m")


def _chosen_month() -> tuple[MonthlyStatusForm, Organisation, str | None]:
    """The monthly status's organisation and month; last month when none is asked for.
    The month is None when what was typed is not a month (the form says so)."""
    scope = organisations.subtree(current_user.organisation)
    arguments = request.args.copy()
    arguments.setdefault("month", _last_month())
    form = MonthlyStatusForm(arguments, organisations=scope)
    form.validate()
    chosen = _chosen_organisation(form, scope)
    month = None if form.month.errors else form.month.data.strftime("%Y-%m")
    return form, chosen, month


@bp.get("/monthly")
def monthly() -> tuple[str, int] | str:
    """The gender-disaggregated status an ESF project attaches to its progress report."""
    form, chosen, month = _chosen_month()
    table = None
    if month is not None:
        report = monthly_status(chosen, month, clock.today(),
                                current_app.config["SUPPRESSION_THRESHOLD"])
        table = status_table(report)
    page = render_template("evaluator/monthly.html", form=form, scope=chosen, month=month,
                           table=table, parts=STATUS_PARTS)
    return (page, 400) if form.errors else page


@bp.get("/monthly.<fmt>")
def monthly_export(fmt: str) -> Response:
    """The monthly status as a file (CSV, XLSX or SPSS); ``?excel=sv`` as for the report."""
    if fmt not in {f.value for f in FileFormat}:
        abort(404)
    _form, chosen, month = _chosen_month()
    if month is None:
        abort(404)
    threshold = current_app.config["SUPPRESSION_THRESHOLD"]
    report = monthly_status(chosen, month, clock.today(), threshold)
    return _attachment(status_file(report, chosen.path, threshold, clock.today(),
                                   FileFormat(fmt), swedish_excel=_for_swedish_excel()))


@bp.get("/charts/<name>.<fmt>")
def chart(name: str, fmt: str) -> Response:
    """One chart of the report, as SVG (shown on the page) or PNG; ``?download`` saves it."""
    if name not in CHARTS or fmt not in FORMATS:
        abort(404)
    _form, _filters, report_data = _chosen_report()
    response = Response(render(CHARTS[name](report_data), fmt), mimetype=FORMATS[fmt])
    if "download" in request.args:
        response.headers["Content-Disposition"] = f'attachment; filename="stegvis-{name}.{fmt}"'
    return response


def _require_row_export() -> None:
    if not current_user.may_export_rows:
        abort(403)


@bp.get("/answers")
def answers() -> str:
    """Choose whose pseudonymised answers to download (evaluators with the permission)."""
    _require_row_export()
    form, _filters = chosen_filters(RowExportForm)
    return render_template("evaluator/answers.html", form=form)


@bp.get("/answers/download")
def answers_download() -> Response | tuple[str, int]:
    """The pseudonymised answers as a file; every download is audited."""
    _require_row_export()
    form, filters = chosen_filters(RowExportForm)
    if form.errors:
        return render_template("evaluator/answers.html", form=form), 400
    file_format, swedish_excel = ROW_EXPORT_FILES[form.file.data]
    exported = row_export.download(
        current_user, filters, current_app.extensions["questionnaires"], current_language(),
        clock.today(), FileFormat(file_format), include_text=bool(form.include_text.data),
        swedish_excel=swedish_excel,
    )
    db.session.commit()
    return _attachment(exported)
