"""The search service's read model: dated facts per organization, and the index queue.

Every fact keeps its dates (registration, end, rating award and expiry, list entry and removal,
annual-report filing, inspection draw and completion), so the statistics answer "as of" a day.
The embedded index's own tables live in a separate SQLite file (adapters/index_sqlite.py).
"""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

organizations = Table(
    "search_organizations", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("type", String(20), nullable=False),
    Column("category", String(30), nullable=False),
    Column("level", String(10), nullable=False),
    Column("district", String(6), nullable=False),
    Column("domicile", String(500), nullable=False),
    Column("registered_funds", String(24), nullable=False),
    Column("business_scope", Text, nullable=False),
    Column("supervising_unit", String(200)),
    Column("foundation_kind", String(20)),
    Column("established_on", Date, nullable=False),
    Column("registered_on", Date, nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("ended_on", Date),
    Column("charity", Boolean, nullable=False),
    Column("charity_since", Date),
    Column("fundraising_qualified_on", Date),
    Column("version", Integer, nullable=False),
    # which related tables hold rows of this organization (bits: repository.BITS), so building its
    # document reads only those; all bits set is always safe (it reads every table)
    Column("related", Integer, nullable=False, server_default="255"),
)

former_names = Table(
    "search_former_names", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("name", String(200), primary_key=True),
    Column("until", Date, primary_key=True),
)

list_entries = Table(
    "search_list_entries", metadata,
    Column("entry_id", String(100), primary_key=True),
    Column("list", String(20), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("source", String(10), nullable=False),  # "entry" (credit.entry.*) or "status" (credit.status.changed)
    Column("reason", Text),
    Column("trigger", String(200)),
    Column("legal_basis", Text),
    Column("added_on", Date, nullable=False),
    Column("removed_on", Date),
)

penalties = Table(
    "search_penalties", metadata,
    Column("penalty_id", String(64), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("decision_number", String(100)),
)

ratings = Table(
    "search_ratings", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("awarded_on", Date, primary_key=True),
    Column("grade", String(2), nullable=False),
    Column("expires_on", Date, nullable=False, index=True),
    Column("cancelled_on", Date),
)

# one report per organization and year; `state` and `on` are derived from the dated columns (the
# repository merges every step into them, so the row does not depend on the order of the events)
annual_reports = Table(
    "search_annual_reports", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("state", String(20), nullable=False),  # submitted | returned | accepted | overdue
    Column("on", Date, nullable=False),
    Column("first_submitted_on", Date),  # filed (R4: a submission reached the registrar) from this day
    Column("submitted_on", Date),  # the latest submission
    Column("resubmitted_on", Date),
    Column("returned_on", Date),
    Column("accepted_on", Date),
    Column("overdue_on", Date),  # the day the overdue fact was detected (R4.5)
    Column("deadline", Date),
    Column("conclusion", String(30)),
)

# registry.rating.downgraded: from `on` the rating holds `to_grade` (NULL: no grade is left)
rating_steps = Table(
    "search_rating_steps", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("awarded_on", Date, primary_key=True),
    Column("on", Date, primary_key=True),
    Column("from_grade", String(2), primary_key=True),
    Column("to_grade", String(2)),
    Column("reason", Text, nullable=False),
    Column("legal_basis", Text, nullable=False),
)

# credit.status.changed's projected timeline, the latest one per organization (JSON list)
credit_timelines = Table(
    "search_credit_timelines", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("changed_on", Date, nullable=False),
    Column("timeline", Text),
)

inspections = Table(
    "search_inspections", metadata,
    Column("key", String(120), primary_key=True),  # draw id : USCC
    Column("uscc", String(18), nullable=False, index=True),
    Column("drawn_on", Date),  # null while only the completion has arrived (events of two keys)
    Column("completed_on", Date),
    Column("task_id", String(64)),
    Column("plan_id", String(64)),
    Column("outcome", String(20)),
    Column("check_items", Text),  # JSON lists
    Column("failed_items", Text),
    Column("publish_by", Date),
    Column("penalty_id", String(64)),
    Column("rectification_id", String(64)),
    # R6.2 (L45 art. 5): the yearly share counts the targets of scheduled draws, a redrawn draw's left out
    Column("draw_id", String(64)),
    Column("plan_kind", String(20)),
    Column("plan_year", Integer),
    Column("redraw_of", String(64)),
)

index_queue = Table(
    "search_index_queue", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("mark", Integer, nullable=False),
)

Index("ix_search_organizations_level_status", organizations.c.level, organizations.c.status)
# the statistics read annual reports grouped by these (adapters/views.read_facts): an index-only scan
Index("ix_search_annual_reports_statistics", annual_reports.c.year, annual_reports.c.first_submitted_on,
      annual_reports.c.deadline, annual_reports.c.overdue_on)
