"""deadlines and annulled penalties (issue 13 items 3 and 4)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08

A change record keeps the dates a legal deadline runs between and whether it was missed: the sponsor's
approval of a change (30 days, R2.2.1: SHT art. 18, MFQ art. 15) and the acceptance of a charity
recognition or public-fundraising application with its 20-day decision date (CSF23 arts 10, 22). A known
penalty voided as an error by an upheld objection (R8.4.4) is marked annulled and counts for nothing.
Charity status is dated from recognition and never before the Charity Law took effect (2016-09-01,
R10.1/R10.2.1): an earlier charity_since on record moves to that day.
"""
from datetime import date

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

CHARITY_LAW = date(2016, 9, 1)  # 《慈善法》 in force


def upgrade() -> None:
    with op.batch_alter_table('organization_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sponsor_approved_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('applied_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('late', sa.Boolean(), nullable=True))
    with op.batch_alter_table('known_penalties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('annulled_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('annulment_reason', sa.Text(), nullable=True))
    organizations = sa.table('organizations', sa.column('charity_since', sa.Date))
    op.execute(organizations.update().where(organizations.c.charity_since < CHARITY_LAW)
               .values(charity_since=CHARITY_LAW))


def downgrade() -> None:
    with op.batch_alter_table('known_penalties', schema=None) as batch_op:
        batch_op.drop_column('annulment_reason')
        batch_op.drop_column('annulled_on')
    with op.batch_alter_table('organization_changes', schema=None) as batch_op:
        batch_op.drop_column('late')
        batch_op.drop_column('due_on')
        batch_op.drop_column('applied_on')
        batch_op.drop_column('sponsor_approved_on')
