"""The reporting adapter turns stored answers into plain observations for analysis."""

from __future__ import annotations

import dataclasses
import math
import shutil
import warnings
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
import yaml
from flask import Flask, current_app

from analysis.domains import domain_change_table
from questionnaires import Catalogue
from survey_app import create_app
from survey_app.extensions import db
from survey_app.models import (
    ExitOutcome,
    Gender,
    IncomeSource,
    Occasion,
    OccasionKind,
    Occupation,
)
from survey_app.services import (
    clock,
    enrolment,
    organisations,
    report_data,
    reporting,
)
from tests.conftest import app_config, empty_tables, make_participant
from tests.conftest import submit_answers as answer


def test_integer_rows_hand_over_the_rows_a_plain_query_gives(app):
    for i in range(3):
        make_participant(f"P{i}", enrolled_on=clock.today() - timedelta(days=100 * i))
    columns = (Occasion.participant_id, Occasion.sequence,
               report_data.epoch_days(Occasion.due_on))
    value = db.session.execute(sa.select(report_data.integer_rows(*columns))).scalar_one()
    rows = report_data._parse_integer_rows(value, len(columns))
    plain = db.session.execute(sa.select(*columns)).all()
    assert len(plain) >= 3
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, plain))
    # On SQLite each column is its own list; one shorter (a NULL group_concat
    # skipped) would pair values of different rows.
    with pytest.raises(ValueError, match="same number of values"):
        report_data._parse_integer_rows("1,2;3", 2)


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




@pytest.fixture
def reordered_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The shipped questionnaires, and a version 3 asking version 2's items in reverse
    order: its packed answers come in another layout than the earlier versions'."""
    folder = tmp_path / "questionnaires"
    shutil.copytree(Catalogue.default_directory(), folder)
    document = yaml.safe_load((folder / "stegvis" / "v2.yaml").read_text(encoding="utf-8"))
    document["version"] = 3
    document["items"].reverse()
    (folder / "stegvis" / "v3.yaml").write_text(yaml.safe_dump(document, allow_unicode=True),
                                               encoding="utf-8")
    app = create_app(app_config(database_url, QUESTIONNAIRE_DIR=str(folder)))
    with app.app_context():
        yield app
        db.session.remove()
        empty_tables()
        db.engine.dispose()


def test_answers_are_read_into_their_items_whatever_the_version_s_order(reordered_app):
    catalogue = reordered_app.extensions["questionnaires"]
    assert catalogue.latest("stegvis").definition.items[0].id == "comment"
    participant = make_participant(enrolled_on=clock.today() - timedelta(days=100))
    answer(participant, OccasionKind.INTAKE, {"step": "2", "health": "1", "control": "4"})
    answer(participant, OccasionKind.FOLLOWUP, {"step": "4", "health": "dont_know"})
    data = report_data.read(reporting.ReportFilters(organisations.find("MIA")), catalogue)
    intake = dict(zip(data.item_ids, data.intake.values[0].tolist(), strict=True))
    latest = dict(zip(data.item_ids, data.latest.values[0].tolist(), strict=True))
    assert (intake["step"], intake["health"], intake["control"]) == (2, 1, 4)
    assert intake["work_ability"] == 3 and math.isnan(intake["comment"])
    assert latest["step"] == 4 and math.isnan(latest["health"])
    assert latest["closer"] == 3  # asked at follow-ups, not at intake
    assert math.isnan(intake["closer"])


def answer_steps(participant, kind: OccasionKind, sequence: int, step: int,
                 *, send: bool = True) -> None:
    """Answer one planned occasion: ``step`` on the ladder, 3 elsewhere; sent or not."""
    answer(participant, kind, {"step": str(step)}, sequence=sequence, send=send)


def test_the_latest_response_is_the_exit_else_the_last_follow_up_sent(app):
    enrolled = clock.today() - timedelta(days=200)
    unsent = make_participant("A-1", enrolled_on=enrolled)
    answer_steps(unsent, OccasionKind.INTAKE, 0, 1)
    answer_steps(unsent, OccasionKind.FOLLOWUP, 1, 3)
    answer_steps(unsent, OccasionKind.FOLLOWUP, 2, 5, send=False)
    left = make_participant("A-2", enrolled_on=enrolled)
    answer_steps(left, OccasionKind.INTAKE, 0, 2)
    answer_steps(left, OccasionKind.FOLLOWUP, 2, 6)
    enrolment.record_exit(
        left, exited_on=clock.today(), outcome=ExitOutcome.WORK, actor=None,
        today=clock.today(),
        circumstances=enrolment.Circumstances(Occupation.WORK, IncomeSource.SALARY),
    )
    db.session.commit()
    answer_steps(left, OccasionKind.EXIT, 0, 4)
    only_intake = make_participant("A-3", enrolled_on=enrolled)
    answer_steps(only_intake, OccasionKind.INTAKE, 0, 5)

    catalogue = current_app.extensions["questionnaires"]
    data = report_data.read(reporting.ReportFilters(organisations.find("MIA")), catalogue)
    assert report_data.steps(data, data.intake, catalogue).tolist()[:2] == [1, 2]
    latest = report_data.steps(data, data.latest, catalogue)
    assert latest.tolist()[:2] == [3, 4]  # unsent follow-up 2 ignored; exit before follow-up 2
    assert math.isnan(latest[2])
    assert data.latest.present.tolist() == [True, True, False]
    exit_steps = report_data.steps(data, data.exit, catalogue)
    assert math.isnan(exit_steps[0]) and exit_steps[1] == 4
    # Every stored occasion is there for attrition, sent or not.
    assert sorted(data.occasions.row.tolist()) == [0, 0, 0, 1, 1, 1, 2]
    assert data.occasions.started.sum() == 7 and data.occasions.submitted.sum() == 6


def assert_same_columns(one: object, other: object) -> None:
    """Two dataclasses of numpy columns (and of such dataclasses) hold the same values."""
    for field in dataclasses.fields(one):
        mine, theirs = getattr(one, field.name), getattr(other, field.name)
        if dataclasses.is_dataclass(mine):
            assert_same_columns(mine, theirs)
        else:
            np.testing.assert_array_equal(mine, theirs, err_msg=field.name)


def test_a_read_in_parts_on_connections_of_their_own_reads_the_same(app, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL splits a query among workers of its own")
    enrolled = clock.today() - timedelta(days=200)
    for number in range(10):
        gender = Gender.WOMAN if number % 2 else Gender.MAN
        participant = make_participant(f"HAN-{number:04}", gender=gender, enrolled_on=enrolled)
        answer(participant, OccasionKind.INTAKE, {"step": str(1 + number % 5)},
               version=1 + number % 2)
        if number % 3:
            answer_steps(participant, OccasionKind.FOLLOWUP, 1, 1 + number % 4)
        if number % 4 == 0:
            answer_steps(participant, OccasionKind.FOLLOWUP, 2, 6, send=False)
    catalogue = current_app.extensions["questionnaires"]
    filters = reporting.ReportFilters(organisations.find("MIA"))

    monkeypatch.setattr(report_data, "WORKERS", 1)
    whole = report_data.read(filters, catalogue)
    monkeypatch.setattr(report_data, "WORKERS", 3)
    monkeypatch.setattr(report_data, "ROWS_PER_PART", 1)  # a small project is read whole
    in_parts = report_data.read(filters, catalogue)

    assert len(whole) == 10 and whole.intake.versions == (("stegvis", 1), ("stegvis", 2))
    assert whole.latest.present.sum() == 6 and whole.occasions.started.sum() == 19
    assert_same_columns(in_parts, whole)


def test_the_report_read_leaves_the_planner_settings_as_it_found_them(app):
    def parallel_tuple_cost() -> str:
        return db.session.execute(
            sa.text("SELECT current_setting('parallel_tuple_cost')")).scalar_one()

    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    participant = make_participant(enrolled_on=clock.today() - timedelta(days=100))
    answer(participant, OccasionKind.INTAKE, {})
    before = parallel_tuple_cost()
    catalogue = current_app.extensions["questionnaires"]
    data = report_data.read(reporting.ReportFilters(organisations.find("MIA")), catalogue)
    assert data.intake.present.tolist() == [True]
    # Still inside the same transaction, where the read changed it for its joins.
    assert parallel_tuple_cost() == before


def test_the_report_computed_in_threads_equals_its_parts_and_leaves_warnings_alone(app):
    # Twelve women and twelve men whose health moves by a step or two: enough for
    # the bootstrap intervals that the report computes in several threads at once.
    for number in range(24):
        gender = Gender.WOMAN if number % 2 else Gender.MAN
        participant = make_participant(code=f"HAN-{number:04}", gender=gender,
                                       enrolled_on=clock.today() - timedelta(days=100))
        answer(participant, OccasionKind.INTAKE, {"health": "1"})
        answer(participant, OccasionKind.FOLLOWUP, {"health": str(2 + number % 3)})
    catalogue = current_app.extensions["questionnaires"]
    filters = reporting.ReportFilters(organisations.find("MIA"))
    filters_before = list(warnings.filters)

    report = reporting.evaluator_report(filters, catalogue, 5, clock.today())

    # The warning filters the threads swapped are the caller's again.
    assert warnings.filters == filters_before
    data = report_data.read(filters, catalogue)
    scores = reporting.domain_change_scores(
        data, reporting.ScoredAnswers.of(data, catalogue), catalogue)
    assert report.domains == domain_change_table(scores, 5)
    health = report.domains.rows["health"]["total"].change
    assert health.n == 24 and health.mean == pytest.approx(2)  # 1, 2 and 3 steps up
    assert health.mean_ci is not None
