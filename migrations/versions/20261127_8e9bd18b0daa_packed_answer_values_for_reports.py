"""Packed answer values for reports

Each submitted response gets its answers' values in one packed column, so that a
report reads one row per response instead of one per answer. Responses submitted
before this revision are packed here, by the questionnaire versions the app loads.

Revision ID: 8e9bd18b0daa
Revises: 1481261e7b81
Create Date: 2026-11-27 14:56:41.941110

"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op
from flask import current_app

from questionnaires import packing

# revision identifiers, used by Alembic.
revision = '8e9bd18b0daa'
down_revision = '1481261e7b81'
branch_labels = None
depends_on = None

responses = sa.table(
    'responses',
    sa.column('id', sa.Integer), sa.column('questionnaire_slug', sa.String),
    sa.column('questionnaire_version', sa.Integer), sa.column('submitted_at', sa.DateTime),
    sa.column('packed_values', sa.LargeBinary),
)
answers = sa.table(
    'answers',
    sa.column('response_id', sa.Integer), sa.column('item_id', sa.String),
    sa.column('value', sa.Integer),
)
#: Responses packed per round trip.
CHUNK = 2000


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('packed_values', sa.LargeBinary(), nullable=True))
    pack_submitted_responses()


def pack_submitted_responses():
    """What ``responses.submit`` now does on submission, for earlier responses.

    A response whose questionnaire version the app does not load stops the upgrade:
    its answers could not be reported on either.
    """
    connection = op.get_bind()
    catalogue = current_app.extensions['questionnaires']
    submitted = connection.execute(
        sa.select(responses.c.id, responses.c.questionnaire_slug,
                  responses.c.questionnaire_version)
        .where(responses.c.submitted_at.is_not(None))
        .order_by(responses.c.id)
    ).all()
    for start in range(0, len(submitted), CHUNK):
        chunk = submitted[start:start + CHUNK]
        values = defaultdict(dict)
        for response_id, item_id, value in connection.execute(
            sa.select(answers.c.response_id, answers.c.item_id, answers.c.value)
            .where(answers.c.response_id.in_([row.id for row in chunk]))
        ):
            values[response_id][item_id] = value
        connection.execute(
            responses.update()
            .where(responses.c.id == sa.bindparam('response_id'))
            .values(packed_values=sa.bindparam('packed')),
            [
                {'response_id': response_id,
                 'packed': packing.pack(catalogue.get(slug, version).definition,
                                        values[response_id])}
                for response_id, slug, version in chunk
            ],
        )


def downgrade():
    # Not in batch mode: SQLite (3.35 and later) drops a column in place, where a
    # batch would copy the table, which the answers' foreign keys refuse.
    op.drop_column('responses', 'packed_values')
