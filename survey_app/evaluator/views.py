from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from analysis.chart_workers import render_drawing
from analysis.charts import FORMATS
from survey_app.access import get_api_token_or_404
from survey_app.evaluator import bp
from survey_app.evaluator.charts import CHARTS, embedded_charts
from survey_app.evaluator.choices import chosen_filters, chosen_month
from survey_app.evaluator.forms import (
    ROW_EXPORT_FILES,
    ApiTokenForm,
    ReportFilterForm,
    RowExportForm,
)
from survey_app.extensions import db
from survey_app.form_actions import REFUSED, carry_out
from survey_app.forms import ActionForm
from survey_app.i18n import current_language
from survey_app.models import Organisation
from survey_app.services import api_tokens, clock, monthly_status, reporting, row_export
from survey_app.services.monthly_status import status_for
from survey_app.services.report_tables import STATUS_PARTS, report_tables, status_table
from survey_app.services.table_files import ExportFile, FileFormat, report_file, status_file


def _filter_arguments(filters: reporting.ReportFilters) -> dict[str, object]:
    return {"organisation": filters.scope.id, **filters.narrowing()}


def _chosen_report() -> tuple[ReportFilterForm, reporting.ReportFilters,
                                reporting.EvaluatorReport]:
    form, filters = chosen_filters(ReportFilterForm, current_user, request.args)
    return form, filters, reporting.report_for(filters)


def _report_given(filters: reporting.ReportFilters, via: str, **details: str) -> None:
    """Put the report just made in the audit trail: ``via`` the page, a file or a chart
    (``details`` say which)."""
    reporting.record_viewed(current_user, filters, via, **details)
    db.session.commit()


def _status_given(scope: Organisation, month: str, via: str, **details: str) -> None:
    """Put the monthly status just made in the audit trail, as ``_report_given``."""
    monthly_status.record_viewed(current_user, scope, month, via, **details)
    db.session.commit()


@bp.get("/")
def report() -> str:
    form, filters, report_data = _chosen_report()
    page = render_template(
        "evaluator/report.html",
        form=form,
        scope=filters.scope,
        report=report_data,
        filters=filters,
        chart_src=embedded_charts(report_data, current_app.config["CHART_PROCESSES"]).__getitem__,
        chart_download=lambda name, fmt: url_for(
            ".chart", name=name, fmt=fmt, download=1, **_filter_arguments(filters)
        ),
        export_url=lambda fmt, **options: url_for(
            ".export", fmt=fmt, **options, **_filter_arguments(filters)
        ),
        tables=report_tables(report_data),
        generated_on=clock.today().isoformat(),
    )
    _report_given(filters, "page")
    return page


@bp.get("/export/<name>.<fmt>")
def export(name: str, fmt: str) -> Response:
    """The report's tables as a file: ``report`` for all of them (an XLSX workbook, or a
    ZIP of CSV or SPSS files), or one table by name. ``?excel=sv`` writes CSV for Excel
    set to Swedish."""
    if fmt not in {f.value for f in FileFormat}:
        abort(404)
    _form, filters, report_data = _chosen_report()
    exported = report_file(
        report_data, filters, clock.today(), FileFormat(fmt), None if name == "report" else name,
        swedish_excel=_for_swedish_excel(),
    )
    if exported is None:
        abort(404)
    _report_given(filters, "file", table=name, format=fmt)
    return _attachment(exported)


def _for_swedish_excel() -> bool:
    return request.args.get("excel") == "sv"


def _attachment(exported: ExportFile) -> Response:
    response = Response(exported.content, mimetype=exported.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


@bp.get("/monthly")
def monthly() -> tuple[str, int] | str:
    """The gender-disaggregated status an ESF project attaches to its progress report."""
    form, chosen, month = chosen_month(current_user, request.args)
    table = None
    if month is not None:
        table = status_table(status_for(chosen, month))
        _status_given(chosen, month, "page")
    page = render_template("evaluator/monthly.html", form=form, scope=chosen, month=month,
                           table=table, parts=STATUS_PARTS)
    return (page, 400) if form.errors else page


@bp.get("/monthly.<fmt>")
def monthly_export(fmt: str) -> Response:
    """The monthly status as a file (CSV, XLSX or SPSS); ``?excel=sv`` as for the report."""
    if fmt not in {f.value for f in FileFormat}:
        abort(404)
    _form, chosen, month = chosen_month(current_user, request.args)
    if month is None:
        abort(404)
    exported = status_file(status_for(chosen, month), chosen.path, clock.today(),
                           FileFormat(fmt), swedish_excel=_for_swedish_excel())
    _status_given(chosen, month, "file", format=fmt)
    return _attachment(exported)


@bp.get("/charts/<name>.<fmt>")
def chart(name: str, fmt: str) -> Response:
    """One chart of the report, as SVG (shown on the page) or PNG; ``?download`` saves it."""
    if name not in CHARTS or fmt not in FORMATS:
        abort(404)
    _form, filters, report_data = _chosen_report()
    response = Response(render_drawing(CHARTS[name](report_data), fmt), mimetype=FORMATS[fmt])
    _report_given(filters, "chart", chart=name, format=fmt)
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
    form, _filters = chosen_filters(RowExportForm, current_user, request.args)
    return render_template("evaluator/answers.html", form=form)


@bp.get("/answers/download")
def answers_download() -> Response | tuple[str, int]:
    """The pseudonymised answers as a file; every download is audited."""
    _require_row_export()
    form, filters = chosen_filters(RowExportForm, current_user, request.args)
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


@bp.route("/tokens", methods=["GET", "POST"])
def api_tokens_page() -> str:
    """The evaluator's keys to the read-only API: make one (shown once), see, revoke."""
    form = ApiTokenForm()
    secret = None
    if form.validate_on_submit():
        def create() -> str:
            _token, secret = api_tokens.create(current_user, form.name.data or "",
                                               int(form.lifetime.data), clock.now())
            return secret

        created = carry_out(form, create, default_field="name")
        if created is not REFUSED:
            secret, form = created, ApiTokenForm(formdata=None)
    return render_template("evaluator/tokens.html", form=form, secret=secret,
                           tokens=api_tokens.active(current_user, clock.now()),
                           revoke_form=ActionForm(),
                           revoke_url=lambda token: url_for(".revoke_api_token",
                                                            token_id=token.id))


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_api_token(token_id: int) -> WerkzeugResponse:
    token = get_api_token_or_404(token_id, current_user)
    if ActionForm().validate_on_submit():
        api_tokens.revoke(token, current_user, clock.now())
        db.session.commit()
        flash(_("The token %(name)s is revoked. It no longer works.", name=token.name))
    return redirect(url_for(".api_tokens_page"))
