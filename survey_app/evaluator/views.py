from __future__ import annotations

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from analysis.charts import DistributionLabels, step_distribution_svg
from survey_app.evaluator import bp
from survey_app.evaluator.forms import ScopeForm
from survey_app.models import Organisation
from survey_app.services import clock, organisations, reporting
from survey_app.templating import GROUP_LABELS


def chosen_scope() -> tuple[ScopeForm, Organisation]:
    """The organisation picked in the filter, defaulting to the evaluator's own."""
    scope = organisations.subtree(current_user.organisation)
    form = ScopeForm(request.args, organisations=scope)
    chosen = current_user.organisation
    if "organisation" in request.args:
        # Anything outside the evaluator's tree is, for them, not there at all.
        if not form.validate():
            abort(404)
        chosen = next(o for o in scope if o.id == form.organisation.data)
    form.organisation.data = chosen.id
    return form, chosen


@bp.get("/")
def report() -> str:
    form, scope = chosen_scope()
    report_data = reporting.evaluator_report(
        scope, current_app.extensions["questionnaires"],
        current_app.config["SUPPRESSION_THRESHOLD"], clock.today(),
    )
    return render_template(
        "evaluator/report.html",
        form=form,
        scope=scope,
        report=report_data,
        table=report_data.movement,
        distribution=report_data.distribution,
        chart_url=url_for(".step_distribution_chart", organisation=scope.id),
    )


@bp.get("/charts/step-distribution.svg")
def step_distribution_chart() -> Response:
    _form, scope = chosen_scope()
    distribution = reporting.step_distribution(
        scope, current_app.extensions["questionnaires"], current_app.config["SUPPRESSION_THRESHOLD"]
    )
    labels = DistributionLabels(
        title_by_group={group: str(GROUP_LABELS[group]) for group in distribution.groups},
        intake=_("At intake"),
        latest=_("Latest occasion"),
        step_axis=_("Step"),
        share_axis=_("Share of participants (%)"),
    )
    return Response(step_distribution_svg(distribution, labels), mimetype="image/svg+xml")
