from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from analysis.charts import FORMATS, render
from survey_app.evaluator import bp
from survey_app.evaluator.charts import CHARTS, embedded_charts
from survey_app.evaluator.forms import ReportFilterForm
from survey_app.services import clock, organisations, reporting
from survey_app.services.report_tables import report_tables
from survey_app.services.responses import DEFAULT_QUESTIONNAIRE
from survey_app.services.table_files import FileFormat, report_file


def chosen_filters() -> tuple[ReportFilterForm, reporting.ReportFilters]:
    """The filters picked on the page; the evaluator's whole tree by default."""
    scope = organisations.subtree(current_user.organisation)
    catalogue = current_app.extensions["questionnaires"]
    versions = catalogue.versions(DEFAULT_QUESTIONNAIRE)
    form = ReportFilterForm(request.args, organisations=scope, versions=versions)
    chosen = current_user.organisation
    form.validate()
    if "organisation" in request.args:
        # Anything outside the evaluator's tree is, for them, not there at all.
        if form.organisation.errors:
            abort(404)
        chosen = next(o for o in scope if o.id == form.organisation.data)
    form.organisation.data = chosen.id
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
    arguments: dict[str, object] = {"organisation": filters.scope.id}
    if filters.enrolled_from:
        arguments["enrolled_from"] = filters.enrolled_from.isoformat()
    if filters.enrolled_to:
        arguments["enrolled_to"] = filters.enrolled_to.isoformat()
    if filters.age_band:
        arguments["age_band"] = filters.age_band
    if filters.questionnaire_version:
        arguments["questionnaire_version"] = filters.questionnaire_version
    return arguments


def _chosen_report() -> tuple[ReportFilterForm, reporting.ReportFilters,
                                reporting.EvaluatorReport]:
    form, filters = chosen_filters()
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
        swedish_excel=request.args.get("excel") == "sv",
    )
    if exported is None:
        abort(404)
    response = Response(exported.content, mimetype=exported.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


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
