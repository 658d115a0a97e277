"""The reporting adapter turns stored answers into plain observations for analysis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app

from survey_app.extensions import db
from survey_app.models import Gender, OccasionKind, ResponseMode
from survey_app.services import clock, organisations, reporting, responses, schedule
from tests.conftest import make_participant


def answer(participant, kind: OccasionKind, values: dict[str, str]) -> None:
    loaded = current_app.extensions["questionnaires"].latest("stegvis")
    planned = next(p for p in schedule.plan(participant, clock.today()) if p.kind == kind)
    occasion = schedule.ensure_stored(participant, planned)
    moment = datetime.combine(planned.due_on, datetime.min.time(), tzinfo=UTC)
    response = responses.get_or_start(occasion, loaded, "sv", ResponseMode.SELF, moment)
    items = responses.items_for(occasion, loaded)
    for item in items:
        default = "" if item.type == "text" else "3"
        responses.save_answer(response, loaded, item, values.get(item.id, default), moment)
    responses.submit(response, items, moment)
    db.session.commit()


def test_domain_scores_follow_the_definition(app):
    participant = make_participant(enrolled_on=clock.today() - timedelta(days=100))
    # Intake: health 2, influence "don't know" (missing), everything else 3.
    answer(participant, OccasionKind.INTAKE, {"health": "2", "influence": "dont_know"})
    # Follow-up 1: health 4, influence 4.
    answer(participant, OccasionKind.FOLLOWUP, {"health": "4", "influence": "4"})
    scope = organisations.find("MIA")
    observed = {o.domain: o for o in reporting.domain_observations(
        reporting.ReportFilters(scope), current_app.extensions["questionnaires"])}
    assert (observed["health"].before, observed["health"].after) == (2, 4)
    # One item in the domain, unanswered: no score, so no change.
    assert observed["influence"].before is None and observed["influence"].change is None
    assert observed["work_ability"].change == 0
    assert "step" not in observed  # the ladder is reported as step movement
    assert "progress" not in observed  # asked only at follow-up and exit
    assert observed["health"].gender == Gender.WOMAN.value
    assert list(observed)[:3] == ["work_ability", "readiness", "health"]


