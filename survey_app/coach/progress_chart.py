"""A participant's progress as a chart and a table, in words they understand."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from analysis.charts import ProgressSeries, progress_svg
from survey_app.models import OccasionKind, Participant
from survey_app.services import progress
from survey_app.services.responses import DEFAULT_QUESTIONNAIRE, text_language
from survey_app.templating import DOMAIN_LABELS, OCCASION_LABELS, decimal_mark, svg_data_url


@dataclass(frozen=True)
class ProgressChart:
    #: The drawing as a ``data:`` address for an ``<img>``.
    src: str
    #: Column headings: one per answered occasion.
    occasions: list[str]
    #: One row per score: its name and a value per occasion.
    rows: list[tuple[str, list[float | None]]]


def _occasion_label(point: progress.ProgressPoint) -> str:
    label = str(OCCASION_LABELS[OccasionKind(point.kind)])
    return f"{label} {point.sequence}" if point.sequence else label


def progress_chart(participant: Participant) -> ProgressChart | None:
    """None until something is answered: an empty chart says nothing."""
    catalogue = current_app.extensions["questionnaires"]
    points = progress.progress(participant, catalogue)
    if not points:
        return None
    ranges = progress.domain_ranges(catalogue, DEFAULT_QUESTIONNAIRE)
    language = text_language(catalogue.latest(DEFAULT_QUESTIONNAIRE), participant)
    # The participant's own words, easy-read where they prefer it: the chart is
    # for looking at together.
    statements = progress.domain_statements(catalogue, DEFAULT_QUESTIONNAIRE, language)
    domains = list(dict.fromkeys(d for point in points for d in point.domains))
    rows: list[tuple[str, list[float | None]]] = [
        (_("Step on the ladder"), [point.step for point in points])
    ]
    rows += [
        (statements.get(domain) or str(DOMAIN_LABELS.get(domain, domain)),
         [point.domains.get(domain) for point in points])
        for domain in domains
    ]
    scales = [progress.ladder_range(catalogue, DEFAULT_QUESTIONNAIRE)]
    # A domain only an older questionnaire version had gets a common 1–5 axis.
    scales += [ranges.get(domain, progress.DomainRange(1, 5)) for domain in domains]
    series = [
        ProgressSeries(title, values, scale.low, scale.high)
        for (title, values), scale in zip(rows, scales, strict=True)
    ]
    occasions = [_occasion_label(point) for point in points]
    src = svg_data_url(progress_svg(occasions, series, decimal_mark()))
    return ProgressChart(src, occasions, rows)
