"""The report as one stand-alone HTML file: styles and charts inside, nothing fetched."""

from __future__ import annotations

from importlib.resources import files

from flask import render_template

from survey_app.evaluator.charts import embedded_charts
from survey_app.services.reporting import EvaluatorReport, ReportFilters


def report_html(
    report: EvaluatorReport, filters: ReportFilters, generated_on: str, chart_processes: int
) -> str:
    charts = embedded_charts(report, chart_processes)
    stylesheet = files("survey_app").joinpath("static/css/stegvis.css").read_text("utf-8")
    return render_template(
        "evaluator/report_export.html", report=report, scope=filters.scope, filters=filters,
        chart_src=charts.__getitem__, chart_download=None, stylesheet=stylesheet,
        generated_on=generated_on,
    )
