"""How figures are typeset on the evaluator's pages, in Swedish first."""

from __future__ import annotations

from flask_babel import force_locale

from analysis.statistics import Interval, Share, ShareDifference
from analysis.suppression import Cell
from survey_app.templating import (
    format_cell,
    format_estimate,
    format_share_difference,
    format_share_estimate,
)

MINUS = "\u2212"
NO_BREAK = "\u00a0"


def test_negative_figures_get_a_minus_sign_not_a_hyphen(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert format_cell(Cell(-0.5), "decimal") == f"{MINUS}0,5"
        assert (format_estimate(-0.16, Interval(-0.3, 0.021, "bootstrap"))
                == f"{MINUS}0,16 ({MINUS}0,30–0,02)")
        assert format_share_difference(ShareDifference(-0.12, Interval(-0.27, 0.03, "N"))) == (
            f"{MINUS}12 ({MINUS}27 till +3) procentenheter")
        with force_locale("en"):
            assert format_estimate(-1.25, None) == f"{MINUS}1.25"


def test_a_percentage_is_never_broken_from_its_sign(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert format_cell(Cell(0.68), "percent") == f"68{NO_BREAK}%"
        share = Share(6, 12, 0.5, Interval(0.2538, 0.7462, "Wilson score"))
        assert format_share_estimate(share) == f"50{NO_BREAK}% (25–75{NO_BREAK}%)"
