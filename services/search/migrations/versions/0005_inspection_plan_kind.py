"""the draw, plan kind, plan year and replaced draw of each drawn inspection (issue 13 item 7)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10

R6.2 (L45 art. 5) is a yearly share of scheduled sampling per registration authority: the statistics
count the city-level targets of scheduled draws of a year over the city-level register, leaving out a
draw replaced by a redraw. Rows drawn before this revision keep nulls (counted by their draw day's year
as before; their kind unknown, so not in the share).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_COLUMNS = (('draw_id', sa.String(64)), ('plan_kind', sa.String(20)), ('plan_year', sa.Integer()),
            ('redraw_of', sa.String(64)))


def upgrade() -> None:
    with op.batch_alter_table('search_inspections', schema=None) as batch_op:
        for name, type_ in _COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('search_inspections', schema=None) as batch_op:
        for name, _type in reversed(_COLUMNS):
            batch_op.drop_column(name)
