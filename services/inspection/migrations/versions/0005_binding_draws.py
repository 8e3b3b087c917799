"""draws that bind: inspector accounts, substitutes, redraws, public random values

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

Issue 12 (domain-rules.md §6): an unscheduled plan's reason; a draw's external public random value (source
and announcement day fixed before the commitment, the value entered once announced) and its redraws (the
next attempt at the same round, so the unique key becomes plan, round, attempt); the substitutes a task's
team gets from the draw's next step; the change log of the pool, plans and draws.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
    with op.batch_alter_table('draws', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('redraw_of', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('redraw_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('redraw_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('random_source', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('random_announced_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('public_random_entered_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('public_random_entered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint('uq_draws_plan_round', type_='unique')
        batch_op.create_unique_constraint('uq_draws_plan_round_attempt', ['plan_id', 'round', 'attempt'])
        batch_op.create_foreign_key('fk_draws_redraw_of', 'draws', ['redraw_of'], ['id'])

    op.create_table('task_substitutions',
    sa.Column('id', _id, autoincrement=True, nullable=False),
    sa.Column('task_id', sa.String(length=24), nullable=False),
    sa.Column('draw_id', sa.String(length=24), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('replaced', sa.String(length=24), nullable=False),
    sa.Column('substitute', sa.String(length=24), nullable=False),
    sa.Column('skipped', sa.Text(), nullable=False),
    sa.Column('sequence_index', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['draw_id'], ['draws.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('task_substitutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_substitutions_draw_id'), ['draw_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_substitutions_replaced'), ['replaced'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_substitutions_substitute'), ['substitute'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_substitutions_task_id'), ['task_id'], unique=False)

    op.create_table('supervision_changes',
    sa.Column('id', _id, autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=24), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('supervision_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_changes_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_changes_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_changes_subject'), ['subject'], unique=False)


def downgrade() -> None:
    op.drop_table('supervision_changes')
    op.drop_table('task_substitutions')
    with op.batch_alter_table('draws', schema=None) as batch_op:
        batch_op.drop_constraint('fk_draws_redraw_of', type_='foreignkey')
        batch_op.drop_constraint('uq_draws_plan_round_attempt', type_='unique')
        batch_op.create_unique_constraint('uq_draws_plan_round', ['plan_id', 'round'])
        for column in ('public_random_entered_at', 'public_random_entered_by', 'random_announced_on',
                       'random_source', 'redraw_by', 'redraw_reason', 'redraw_of', 'attempt'):
            batch_op.drop_column(column)
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('reason')
