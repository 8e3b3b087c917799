"""corrections and deadlines (issue 13 items 3 and 4)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08

An upheld objection (异议, R8.4.4) may void the credit information itself: a penalty decision is marked
annulled (with the day and the reason) and an objection names the information it disputes (`target`).
A list entry records the day its cause was established (查实, `verified_on`), from which an entry with
nothing to rectify waits 6 months before it leaves the abnormal list (R8.4.2).
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('annulled_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('annulment_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('credit_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target', sa.String(length=120), nullable=True))
    with op.batch_alter_table('credit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('credit_entries', schema=None) as batch_op:
        batch_op.drop_column('verified_on')
    with op.batch_alter_table('credit_applications', schema=None) as batch_op:
        batch_op.drop_column('target')
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.drop_column('annulment_reason')
        batch_op.drop_column('annulled_on')
