"""ratings' downgrades, annual reports' dated steps, inspection results, credit timelines; which
related tables hold an organization's rows

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 00:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_REPORT_DATES = ("first_submitted_on", "submitted_on", "resubmitted_on", "returned_on", "accepted_on", "overdue_on",
                 "deadline")
_RESULTS = (("task_id", sa.String(64)), ("plan_id", sa.String(64)), ("outcome", sa.String(20)),
            ("check_items", sa.Text()), ("failed_items", sa.Text()), ("publish_by", sa.Date()),
            ("penalty_id", sa.String(64)), ("rectification_id", sa.String(64)))


def upgrade() -> None:
    op.add_column('search_organizations', sa.Column('related', sa.Integer(), server_default='255', nullable=False))
    for name in _REPORT_DATES:
        op.add_column('search_annual_reports', sa.Column(name, sa.Date(), nullable=True))
    op.add_column('search_annual_reports', sa.Column('conclusion', sa.String(30), nullable=True))
    for name, type_ in _RESULTS:
        op.add_column('search_inspections', sa.Column(name, type_, nullable=True))
    op.create_table('search_rating_steps',
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('from_grade', sa.String(length=2), nullable=False),
    sa.Column('to_grade', sa.String(length=2), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('uscc', 'awarded_on', 'on', 'from_grade')
    )
    op.create_table('search_credit_timelines',
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('timeline', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('uscc')
    )


def downgrade() -> None:
    with op.batch_alter_table('search_organizations', schema=None) as batch_op:
        batch_op.drop_column('related')
    op.drop_table('search_credit_timelines')
    op.drop_table('search_rating_steps')
    with op.batch_alter_table('search_inspections', schema=None) as batch_op:
        for name, _type in _RESULTS:
            batch_op.drop_column(name)
    with op.batch_alter_table('search_annual_reports', schema=None) as batch_op:
        for name in (*_REPORT_DATES, 'conclusion'):
            batch_op.drop_column(name)
