"""inspection coverage (issue 13 item 7): no schema change

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08

The yearly L45 art. 5 coverage per registration authority (GET /inspection/coverage, domain.coverage) is
read from the tables that exist: plans (year, kind, scope), draws (status, drawn_at, redraw_of),
draw_targets and the directory (level, district, registered_on, ended_on). The revision stays, empty, so
the chain 0006 -> 0007 -> 0008 reserved for issue 13 stays linear.
"""


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
