"""The inspection service's tables, mapped imperatively onto the plain domain classes (the domain
stays free of SQLAlchemy). The outbox/consumer tables come from shared.events.outbox and the
scheduler's from shared.scheduler (see migrations/env.py)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, Dialect, ForeignKey, Index, Integer, MetaData,
                        Numeric, String, Table, Text, TypeDecorator, UniqueConstraint)
from sqlalchemy.orm import registry

from services.inspection.domain.model import (Conflict, DirectoryEntry, Draw, Inspector, Penalty, Plan,
                                              Rectification, Task)
from shared.decision_store import proposals_table
from shared.types import UtcDateTime

metadata = MetaData()
mapper_registry = registry(metadata=metadata)
_id = BigInteger().with_variant(Integer(), "sqlite")


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal kept as text (a ratio feeds the draw's arithmetic: no float may touch it)."""

    impl = String(24)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else format(Decimal(value).normalize(), "f")

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


directory = Table(
    "directory", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("type", String(20), nullable=False),
    Column("category", String(30), nullable=False),
    Column("level", String(10), nullable=False),
    Column("district", String(6), nullable=False),
    Column("domicile", String(500), nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("charity", Boolean, nullable=False, default=False),
    Column("fundraising_qualified", Boolean, nullable=False, default=False),
    Column("ended_on", Date),
    Column("credit_lists", String(100), nullable=False, default=""),
    Column("risk_signals", String(200), nullable=False, default=""),
    Column("rating", String(4)),
)

inspectors = Table(
    "inspectors", metadata,
    Column("id", String(24), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("department", String(200), nullable=False),
    Column("qualifications", JSON, nullable=False),
    Column("active", Boolean, nullable=False, index=True),
    Column("username", String(100), unique=True),
    Column("badge_number", String(50)),
    Column("created_on", Date),
)

inspector_conflicts = Table(
    "inspector_conflicts", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("inspector_id", String(24), ForeignKey("inspectors.id"), nullable=False, index=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("declared_at", UtcDateTime(), nullable=False),
    Column("ended_on", Date),
    Column("note", Text),
)

plans = Table(
    "plans", metadata,
    Column("id", String(24), primary_key=True),
    Column("year", Integer, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("title", String(200), nullable=False),
    Column("scope", JSON, nullable=False),
    Column("ratio", DecimalText),
    Column("count", Integer),
    Column("inspectors_per_task", Integer, nullable=False),
    Column("check_items", JSON, nullable=False),
    Column("method", String(20), nullable=False),
    Column("rounds", Integer, nullable=False),
    Column("draw_dates", JSON, nullable=False),
    Column("created_on", Date, nullable=False),
    Column("created_by", String(100), nullable=False),
)

draws = Table(
    "draws", metadata,
    Column("id", String(24), primary_key=True),
    Column("plan_id", String(24), ForeignKey("plans.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("commitment", String(64), nullable=False),
    Column("seed", String(64), nullable=False),
    Column("committed_at", UtcDateTime(), nullable=False),
    Column("algorithm", String(40), nullable=False),
    Column("draw_on", Date, index=True),
    Column("status", String(20), nullable=False, index=True),
    Column("drawn_at", UtcDateTime(), index=True),
    Column("frame_hash", String(64)),
    Column("frame_size", Integer),
    Column("public_random", Text),
    Column("target_count", Integer),
    Column("already_drawn", Integer),
    Column("inspectors_per_task", Integer),
    Column("inspector_pool", JSON, nullable=False),
    Column("drawn_by", String(100)),
    Column("version", Integer, nullable=False),
    Column("attempt", Integer, nullable=False, server_default="1"),  # a redraw is the next attempt (issue 12)
    UniqueConstraint("plan_id", "round", "attempt", name="uq_draws_plan_round_attempt"),
)

draw_frames = Table(
    "draw_frames", metadata,
    Column("draw_id", String(24), ForeignKey("draws.id"), primary_key=True),
    Column("usccs", Text, nullable=False),  # the frozen frame: sorted USCCs joined by "\n"
)

draw_targets = Table(
    "draw_targets", metadata,
    Column("draw_id", String(24), ForeignKey("draws.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("inspectors", Text, nullable=False),  # inspector ids, comma-separated, in draw order
    Column("withdrawn", Text, nullable=False),  # inspector ids withdrawn for a conflict (回避)
)

tasks = Table(
    "tasks", metadata,
    Column("id", String(24), primary_key=True),
    Column("draw_id", String(24), ForeignKey("draws.id"), nullable=False),
    Column("plan_id", String(24), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("uscc", String(18), nullable=False, index=True),
    Column("org_name", String(200), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("notified_on", Date),
    Column("notice_method", String(20)),
    Column("notice_requirements", Text),
    Column("outcome", String(20)),
    Column("findings", JSON, nullable=False),
    Column("completed_on", Date),
    Column("recorded_by", String(100)),
    Column("publish_by", Date, index=True),
    Column("published_on", Date, index=True),
    Column("rectification_id", String(24)),
    Column("penalty_id", String(24)),
    Column("version", Integer, nullable=False),
    UniqueConstraint("draw_id", "position", name="uq_tasks_draw_position"),
)

rectifications = Table(
    "rectifications", metadata,
    Column("id", String(24), primary_key=True),
    Column("number", String(60), nullable=False, unique=True),
    Column("task_id", String(24), ForeignKey("tasks.id"), nullable=False, index=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("org_name", String(200), nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("problems", JSON, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("deadline", Date, nullable=False, index=True),
    Column("issued_by", String(100), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("response", Text),
    Column("responded_on", Date),
    Column("review_note", Text),
    Column("reviewed_on", Date),
    Column("reviewed_by", String(100)),
    Column("accepted_on", Date),
    Column("version", Integer, nullable=False),
)

# one row per notice reported overdue: the unique key makes the overdue event once-only
rectification_overdue = Table(
    "rectification_overdue", metadata,
    Column("rectification_id", String(24), ForeignKey("rectifications.id"), primary_key=True),
    Column("detected_on", Date, nullable=False),
)

penalties = Table(
    "penalties", metadata,
    Column("id", String(24), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("org_name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("decided_by", String(100), nullable=False),
    Column("facts", Text, nullable=False),
    Column("decision_number", String(100)),
    Column("amount", Numeric(18, 2)),
    Column("period_days", Integer),
    Column("suspension_ends_on", Date),
    Column("task_id", String(24)),
    Column("approved_by", String(100)),  # issue 12: the approver of the two-person decision
    Column("recorded_at", UtcDateTime),
    Column("measures", JSON, nullable=False, default=list),  # issue 13: the decision's measures
    Column("annulled_on", Date),  # issue 13: voided as an error by an upheld objection (R8.4.4)
    Column("annulment_reason", Text),
)

# ---- two-person sanctions (issue 12): proposals of penalties, list inclusions and removals, approvals of
# applications; the act happens only when an approver who is not the proposer approves
sanction_proposals = proposals_table(metadata)

# ---- credit lists (issue 5). Facts and the audit log are append-only; an entry row is written when the
# organization is listed and completed (removed_on ...) or voided (an upheld objection, a correction)
# later - never deleted. Entries are derived (domain.credit), so they are plain rows, not mapped classes.
credit_facts = Table(
    "credit_facts", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("key", String(120), nullable=False),
    Column("on", Date, nullable=False),
    Column("data", JSON, nullable=False),
    Column("source_event_id", String(64)),
    Column("by", String(100)),
    Column("recorded_at", UtcDateTime(), nullable=False),
    UniqueConstraint("source_event_id", "kind", "key", name="uq_credit_facts_source"),
)

credit_entries = Table(
    "credit_entries", metadata,
    Column("id", String(24), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("list", String(10), nullable=False),
    Column("trigger", String(40), nullable=False),
    Column("trigger_key", String(120), nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("reason", Text),
    Column("source_event_id", String(64)),
    Column("included_on", Date, nullable=False),
    Column("decided_by", String(100), nullable=False),
    Column("duty", String(20), nullable=False),
    Column("duty_done_on", Date),
    Column("removed_on", Date),
    Column("removal_reason", Text),
    Column("removal_basis", Text),
    Column("removed_by", String(100)),
    Column("underlying", JSON, nullable=False),
    Column("policy_version", String(40), nullable=False),
    Column("voided_on", Date),
    Column("void_reason", Text),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("verified_on", Date),  # issue 13: 查实, from which R8.4.2's 6 months run
    Index("ix_credit_entries_list_included", "list", "included_on"),
)

credit_log = Table(
    "credit_log", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("entry_id", String(24), nullable=False, index=True),
    Column("uscc", String(18), nullable=False),
    Column("action", String(20), nullable=False),  # added | escalated | removed | voided | corrected | restored
    Column("on", Date, nullable=False),
    Column("by", String(100), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)

credit_status = Table(
    "credit_status", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("lists", String(40), nullable=False),
    Column("changed_on", Date),
    Column("next_due", Date, index=True),
    Column("serious_eligible_on", Date),
    Column("timeline", JSON, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

credit_applications = Table(
    "credit_applications", metadata,
    Column("id", String(24), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("kind", String(12), nullable=False),  # removal (信用修复) | objection (异议)
    Column("list", String(10), nullable=False),
    Column("entry_ids", JSON, nullable=False),
    Column("state", String(12), nullable=False, index=True),  # submitted -> approved | rejected
    Column("statement", Text, nullable=False),
    Column("submitted_on", Date, nullable=False),
    Column("submitted_by", String(100), nullable=False),
    Column("decide_by", Date, nullable=False),
    Column("decided_on", Date),
    Column("decided_by", String(100)),
    Column("decision_reason", Text),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("target", String(120)),  # issue 13: the information an objection disputes (list "info")
)

number_sequences = Table(
    "number_sequences", metadata,
    Column("name", String(40), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("next_value", Integer, nullable=False),
)

_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(DirectoryEntry, directory)
    mapper_registry.map_imperatively(Inspector, inspectors)
    mapper_registry.map_imperatively(Conflict, inspector_conflicts)
    mapper_registry.map_imperatively(Plan, plans)
    mapper_registry.map_imperatively(Draw, draws, version_id_col=draws.c.version)
    mapper_registry.map_imperatively(Task, tasks, version_id_col=tasks.c.version)
    mapper_registry.map_imperatively(Rectification, rectifications, version_id_col=rectifications.c.version)
    mapper_registry.map_imperatively(Penalty, penalties)
    _mapped = True


# ---- draws that bind (issue 12, migration 0005): the reason of an unscheduled plan; a draw's external public
# random value (source and announcement day fixed before the commitment, the value entered once announced) and
# its redraws; the substitutes picked by the draw's next step; the change log of the pool, plans and draws
# (who changed what, when: the domain's record, read by inspectors; the audit log captures the requests).
plans.append_column(Column("reason", Text))
for _column in (Column("redraw_of", String(24), ForeignKey("draws.id")), Column("redraw_reason", Text),
                Column("redraw_by", String(100)), Column("random_source", Text), Column("random_announced_on", Date),
                Column("public_random_entered_by", String(100)), Column("public_random_entered_at", UtcDateTime())):
    draws.append_column(_column)

task_substitutions = Table(
    "task_substitutions", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("task_id", String(24), ForeignKey("tasks.id"), nullable=False, index=True),
    Column("draw_id", String(24), ForeignKey("draws.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("replaced", String(24), nullable=False, index=True),
    Column("substitute", String(24), nullable=False, index=True),
    Column("skipped", Text, nullable=False),  # ids passed over in the draw's sequence, comma-separated
    Column("sequence_index", Integer, nullable=False),  # the substitute's place in the sequence (step 8)
    Column("reason", Text, nullable=False),
    Column("by", String(100), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
)

supervision_changes = Table(
    "supervision_changes", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False, index=True),
    Column("actor", String(100), nullable=False, index=True),
    Column("action", String(40), nullable=False),
    Column("subject", String(24), nullable=False, index=True),  # the inspector, plan, draw or task id
    Column("detail", JSON, nullable=False),
)
