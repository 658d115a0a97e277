from __future__ import annotations

from importlib import resources
from typing import Any

import yaml
from flask import Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from survey_app.api import bp
from survey_app.api.problems import json_error
from survey_app.evaluator.choices import chosen_filters, chosen_month
from survey_app.evaluator.forms import ReportFilterForm, RowExportForm
from survey_app.extensions import db
from survey_app.i18n import current_language
from survey_app.services import clock, monthly_status, reporting, row_export
from survey_app.services.monthly_status import status_for
from survey_app.services.report_document import report_document, status_document
from survey_app.services.report_tables import Table

#: The OpenAPI document, read when the application starts: a broken one fails at once.
DESCRIPTION: dict[str, Any] = yaml.safe_load(
    resources.files("survey_app.api").joinpath("openapi.yaml").read_text("utf-8"))
#: Parameters an endpoint reads; any other is a mistake worth saying so.
REPORT_PARAMETERS = {"organisation", "enrolled_from", "enrolled_to", "age_band",
                     "questionnaire_version"}


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(DESCRIPTION)


def _refusal(form: FlaskForm, allowed: set[str]) -> Response | None:
    """A 400 naming every unknown parameter and every value that is not valid."""
    fields: dict[str, list[str]] = {
        name: [_("Unknown parameter.")] for name in request.args if name not in allowed
    }
    fields |= {name: list(errors) for name, errors in form.errors.items() if name in allowed}
    if fields:
        return json_error(400, _("Some parameters are not valid."), fields)
    return None


@bp.get("/report")
def report() -> Response:
    """The evaluator report: the same figures, filters, scope and suppression as the page."""
    form, filters = chosen_filters(ReportFilterForm, g.api_token.user, request.args)
    if (refusal := _refusal(form, REPORT_PARAMETERS)) is not None:
        return refusal
    document = report_document(reporting.report_for(filters), filters)
    reporting.record_viewed(g.api_token.user, filters, "api")
    db.session.commit()
    return jsonify(document)


@bp.get("/monthly")
def monthly() -> Response:
    """The monthly status (ESF lägesrapport) for a month, last month by default."""
    form, chosen, month = chosen_month(g.api_token.user, request.args)
    refusal = _refusal(form, {"organisation", "month"})
    if refusal is not None or month is None:
        return refusal or json_error(400, _("Enter a month like 2026-03."))
    document = status_document(status_for(chosen, month), chosen.path)
    monthly_status.record_viewed(g.api_token.user, chosen, month, "api")
    db.session.commit()
    return jsonify(document)


def _rows(table: Table) -> list[dict[str, object]]:
    names = [column.name for column in table.columns]
    return [dict(zip(names, row, strict=True)) for row in table.rows]


@bp.get("/answers")
def answers() -> Response:
    """Pseudonymised answers, for evaluators with the row export permission. For anyone
    else there is no such endpoint. Every call is audited like a download."""
    user = g.api_token.user
    if not user.may_export_rows:
        return json_error(404, _("There is no such endpoint for you."))
    form, filters = chosen_filters(RowExportForm, user, request.args)
    if (refusal := _refusal(form, REPORT_PARAMETERS | {"include_text"})) is not None:
        return refusal
    export = row_export.row_export(
        filters, current_app.extensions["questionnaires"], current_language(), clock.today(),
        include_text=bool(form.include_text.data))
    row_export.record(user, filters, export, "json")
    db.session.commit()
    return jsonify(
        about=[{"heading": heading, "text": text} for heading, text in export.about],
        variables=[{"name": c.name, "label": c.label, "kind": c.kind.value,
                    "categories": dict(c.categories) or None,
                    "value_labels": {str(k): v for k, v in c.value_labels.items()} or None}
                   for c in export.answers.columns],
        rows=_rows(export.answers),
        codebook=_rows(export.codebook),
    )
