"""penalty decisions: the measures of a decision (issue 13 item 1)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

A penalty is a decision (行政处罚决定书) that may combine measures; a penalty recorded before keeps its one
measure, written out from its kind, amount and period.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measures', sa.JSON(), nullable=True))
    penalties = sa.table('penalties', sa.column('id', sa.String), sa.column('kind', sa.String),
                         sa.column('amount', sa.Numeric(18, 2)), sa.column('period_days', sa.Integer),
                         sa.column('measures', sa.JSON))
    bind = op.get_bind()
    for row in bind.execute(sa.select(penalties.c.id, penalties.c.kind, penalties.c.amount,
                                      penalties.c.period_days)).all():
        measure = {"kind": row.kind, "amount": None if row.amount is None else format(row.amount, "f"),
                   "period_days": row.period_days, "fine_basis": None, "basis_amount": None}
        bind.execute(penalties.update().where(penalties.c.id == row.id).values(measures=[measure]))
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.alter_column('measures', existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('penalties', schema=None) as batch_op:
        batch_op.drop_column('measures')
