"""The report as one stand-alone HTML file: styles and charts inside, nothing fetched."""

from __future__ import annotations

import base64
from importlib.resources import files

from flask import render_template

from analysis.charts import render
from survey_app.evaluator.charts import CHARTS
from survey_app.services.reporting import EvaluatorReport, ReportFilters


def report_html(report: EvaluatorReport, filters: ReportFilters, generated_on: str) -> str:
    charts = {
        name: "data:image/svg+xml;base64,"
        + base64.b64encode(render(draw(report), "svg")).decode("ascii")
        for name, draw in CHARTS.items()
    }
    stylesheet = files("survey_app").joinpath("static/css/stegvis.css").read_text("utf-8")
    return render_template(
        "evaluator/report_export.html", report=report, scope=filters.scope, filters=filters,
        chart_src=charts.__getitem__, chart_download=None, stylesheet=stylesheet,
        generated_on=generated_on,
    )
