"""The reporting adapter turns stored answers into plain observations for analysis."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from survey_app.models import Gender, OccasionKind
from survey_app.services import clock, organisations, reporting
from tests.conftest import make_participant
from tests.conftest import submit_answers as answer


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


