"""The migrations build the schema the models describe, on both databases."""

from __future__ import annotations

import math

import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from questionnaires import packing
from survey_app.extensions import db
from survey_app.models import OccasionKind, Response
from tests.conftest import make_participant, submit_answers

#: The revision before responses carried their values packed.
BEFORE_PACKING = "1481261e7b81"


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_empty_and_upgrade_again(app):
    flask_migrate.downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    flask_migrate.upgrade()
    assert set(db.metadata.tables) <= set(sa.inspect(db.engine).get_table_names())


def test_responses_submitted_before_packing_are_packed_on_upgrade(app):
    participant = make_participant()
    submit_answers(participant, OccasionKind.INTAKE, {"step": "2", "health": "dont_know"})
    packed = db.session.scalar(sa.select(Response.packed_values))
    definition = app.extensions["questionnaires"].latest("stegvis").definition
    values = dict(zip([item.id for item in definition.items],
                      packing.unpack(definition, [packed])[0].tolist(), strict=True))
    # As submitted: 3 everywhere else; no value for "don't know", free text, or the
    # exit-only questions an intake does not ask.
    assert values["step"] == 2 and values["work_ability"] == 3
    assert all(math.isnan(values[item]) for item in ("health", "comment", "closer"))

    db.session.remove()
    flask_migrate.downgrade(revision=BEFORE_PACKING)
    flask_migrate.upgrade()
    assert db.session.scalar(sa.select(Response.packed_values)) == packed
