"""The report's charts: which figures, in which words. Drawing is in ``analysis.charts``.

Each chart is a ``Drawing``: its words are translated here, in the request, and the
figure is built wherever it is drawn (``analysis.chart_workers``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask_babel import gettext as _

from analysis.chart_workers import render_all
from analysis.charts import (
    Drawing,
    IntervalPoint,
    IntervalRow,
    StackedBar,
    StackLabels,
    interval_chart,
    monthly_chart,
    stacked_distribution,
    transition_heatmap,
)
from survey_app.services import targets
from survey_app.services.reporting import EvaluatorReport
from survey_app.templating import DOMAIN_LABELS, GROUP_LABELS, decimal_mark, svg_data_url

#: Women, men and everyone: where a small group makes women's or men's figure hidden,
#: the total still shows how far the project came (or how far from a target's goal).
CHART_GROUPS = ("woman", "man", "total")


def _group_labels() -> dict[str, str]:
    return {group: str(label) for group, label in GROUP_LABELS.items()}


def steps_chart(report: EvaluatorReport) -> Drawing:
    distribution = report.distribution
    moments = {"intake": _("intake"), "latest": _("latest"), "exit": _("exit")}
    bars = [
        StackedBar(f"{GROUP_LABELS[group]}, {moments[moment]}", distribution.shares[moment][group])
        for group in distribution.groups
        for moment in distribution.moments
    ]
    labels = StackLabels(step=_("Step"), share_axis=_("Share of participants (%)"),
                         hidden=_("Hidden (small groups)"))
    return partial(stacked_distribution, bars, distribution.steps, labels)


def transitions_chart(report: EvaluatorReport) -> Drawing:
    return partial(transition_heatmap, report.transitions.steps, report.transitions.counts,
                   _("Step at intake"), _("Step at the latest occasion"))


def domains_chart(report: EvaluatorReport) -> Drawing:
    rows = []
    for domain in report.domains.domains:
        points = []
        for group in CHART_GROUPS:
            change = report.domains.rows[domain][group].change
            if change is not None and change.mean is not None:
                ci = change.mean_ci
                points.append(IntervalPoint(group, change.mean, ci.low if ci else None,
                                            ci.high if ci else None))
        rows.append(IntervalRow(str(DOMAIN_LABELS.get(domain, domain)), tuple(points)))
    return partial(interval_chart, rows, _group_labels(), _("Mean change in score (95 % CI)"),
                   reference=0.0, decimal_mark=decimal_mark(), groups=CHART_GROUPS,
                   hidden_label=_("Hidden (small groups)"))


def targets_chart(report: EvaluatorReport) -> Drawing:
    rows = []
    for judged in report.targets:
        points = []
        for group in CHART_GROUPS:
            shown = judged.result.group(group)
            if shown.interval is not None and shown.interval.ci is not None:
                ci = shown.interval.ci
                points.append(IntervalPoint(group, 100 * (shown.interval.share or 0),
                                            100 * ci.low, 100 * ci.high))
        rows.append(IntervalRow(targets.current_label(judged.definition), tuple(points),
                                goal=100 * judged.definition.goal))
    return partial(interval_chart, rows, _group_labels(),
                   _("Share reaching the target (%, 95 % CI)"), goal_label=_("Goal"),
                   limits=(0, 100), decimal_mark=decimal_mark(), groups=CHART_GROUPS,
                   hidden_label=_("Hidden (small groups)"))


def monthly(report: EvaluatorReport) -> Drawing:
    titles = {"enrolled": _("Enrolled per month"), "exited": _("Exited per month")}
    return partial(monthly_chart, report.monthly.months, report.monthly.counts, titles,
                   _group_labels(), _("Participants"), hidden_label=_("Hidden (small groups)"))


#: The report's charts, the slowest to draw first: they are drawn side by side in this
#: order, and the monthly chart (two panels of two dozen months) takes twice as long
#: as any other.
CHARTS: dict[str, Callable[[EvaluatorReport], Drawing]] = {
    "monthly": monthly,
    "steps": steps_chart,
    "transitions": transitions_chart,
    "domains": domains_chart,
    "targets": targets_chart,
}


def rendered_charts(report: EvaluatorReport, fmt: str, processes: int) -> dict[str, bytes]:
    """Every chart of the report, drawn in ``processes`` worker processes (see
    ``analysis.chart_workers``; 0 draws them in this one)."""
    return render_all({name: chart(report) for name, chart in CHARTS.items()}, fmt, processes)


def embedded_charts(report: EvaluatorReport, processes: int) -> dict[str, str]:
    """Every chart as an SVG ``data:`` address, drawn from a report already computed:
    the page shows them without five more requests each computing the report anew."""
    return {
        name: svg_data_url(svg) for name, svg in rendered_charts(report, "svg", processes).items()
    }
