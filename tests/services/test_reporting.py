"""The reporting adapter turns stored answers into plain observations for analysis."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app

from survey_app.models import Gender, OccasionKind
from survey_app.services import clock, organisations, report_data, reporting
from tests.conftest import make_participant
from tests.conftest import submit_answers as answer


def test_domain_scores_follow_the_definition(app):
    participant = make_participant(enrolled_on=clock.today() - timedelta(days=100))
    # Intake: health 2, influence "don't know" (missing), everything else 3.
    answer(participant, OccasionKind.INTAKE, {"health": "2", "influence": "dont_know"})
    # Follow-up 1: health 4, influence 4.
    answer(participant, OccasionKind.FOLLOWUP, {"health": "4", "influence": "4"})
    scope = organisations.find("MIA")
    catalogue = current_app.extensions["questionnaires"]
    data = report_data.read(reporting.ReportFilters(scope), catalogue)
    scores = reporting.domain_change_scores(
        data, reporting.ScoredAnswers.of(data, catalogue), catalogue
    )
    before = dict(zip(scores.domains, scores.before[0].tolist(), strict=True))
    after = dict(zip(scores.domains, scores.after[0].tolist(), strict=True))
    assert (before["health"], after["health"]) == (2, 4)
    # One item in the domain, unanswered: no score, so no change.
    assert math.isnan(before["influence"]) and after["influence"] == 4
    assert before["work_ability"] == after["work_ability"]
    assert "step" not in scores.domains  # the ladder is reported as step movement
    # Asked only at follow-up and exit: no intake score, so no change to report.
    assert math.isnan(before["progress"])
    assert scores.gender.tolist() == [Gender.WOMAN.value]
    assert scores.domains[:3] == ("work_ability", "readiness", "health")


