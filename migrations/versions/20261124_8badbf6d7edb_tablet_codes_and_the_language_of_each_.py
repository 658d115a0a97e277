"""Tablet codes and the language of each answer

A coach can give a participant a short one-time code to open their questionnaire
on a shared tablet; each answer records the wording (language) it was given in.

Revision ID: 8badbf6d7edb
Revises: 766621cda433
Create Date: 2026-11-24 10:42:00.712547

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8badbf6d7edb'
down_revision = '766621cda433'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))

    with op.batch_alter_table('occasions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tablet_code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('tablet_code_expires_at', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_occasions_tablet_code_hash'), ['tablet_code_hash'])
        batch_op.create_check_constraint(
            'tablet_code_has_expiry',
            '(tablet_code_hash IS NULL) = (tablet_code_expires_at IS NULL)',
        )


def downgrade():
    with op.batch_alter_table('occasions', schema=None) as batch_op:
        batch_op.drop_constraint('tablet_code_has_expiry', type_='check')  # named by the convention
        batch_op.drop_constraint(batch_op.f('uq_occasions_tablet_code_hash'), type_='unique')
        batch_op.drop_column('tablet_code_expires_at')
        batch_op.drop_column('tablet_code_hash')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('language')
