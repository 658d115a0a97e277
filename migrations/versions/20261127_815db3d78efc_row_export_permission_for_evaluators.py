"""Row export permission for evaluators

An administrator may let an evaluator download pseudonymised answers.

Revision ID: 815db3d78efc
Revises: 8badbf6d7edb
Create Date: 2026-11-27 12:02:20.558510

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '815db3d78efc'
down_revision = '8badbf6d7edb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('may_export_rows', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('may_export_rows')
