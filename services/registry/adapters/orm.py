"""The registry's tables, mapped imperatively onto the plain domain classes (the domain stays
free of SQLAlchemy). The outbox and consumer tables come from shared.events.outbox."""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, Date, ForeignKey, ForeignKeyConstraint, Index, Integer,
                        MetaData, Numeric, String, Table, Text, UniqueConstraint)
from sqlalchemy.orm import registry

from shared.decision_store import proposals_table
from shared.types import UtcDateTime

from services.registry.adapters.json_text import JsonText
from services.registry.domain.audits import FinancialAudit
from services.registry.domain.investigation import Investigation
from services.registry.domain.model import ChangeRecord, KnownPenalty, Organization, User
from services.registry.domain.signin import Throttle, UserSession
from services.registry.domain.rating import Rating, RatingChange

metadata = MetaData()
mapper_registry = registry(metadata=metadata)
_id = BigInteger().with_variant(Integer(), "sqlite")

organizations = Table(
    "organizations", metadata,
    Column("uscc", String(18), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("type", String(20), nullable=False, index=True),
    Column("category", String(30), nullable=False),
    Column("level", String(10), nullable=False),
    Column("district", String(6), nullable=False),
    Column("domicile", String(500), nullable=False),
    Column("lr_name", String(100), nullable=False),
    Column("lr_id_number", String(32), nullable=False, index=True),
    Column("lr_phone", String(32), nullable=False),
    Column("registered_funds", Numeric(18, 2), nullable=False),
    Column("business_scope", Text, nullable=False),
    Column("established_on", Date, nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("supervising_unit", String(200)),
    Column("members_individual", Integer),
    Column("members_unit", Integer),
    Column("foundation_kind", String(20)),
    Column("status", String(20), nullable=False, index=True),
    Column("charity", Boolean, nullable=False, default=False),
    Column("charity_since", Date),
    Column("fundraising_qualified_on", Date),
    Column("ended_on", Date),
    Column("end_reason", Text),
    Column("credit_lists", String(100), nullable=False, default=""),
    Column("version", Integer, nullable=False),
)

organization_changes = Table(
    "organization_changes", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("uscc", String(18), ForeignKey("organizations.uscc"), nullable=False, index=True),
    Column("action", String(40), nullable=False),
    Column("field", String(60)),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("changed_by", String(100), nullable=False),
    Column("changed_at", UtcDateTime(), nullable=False),
    Column("legal_basis", Text),
    # issue 13 (0009): a legal deadline's dates and whether it was missed (R2.2.1; CSF23 arts 10, 22)
    Column("sponsor_approved_on", Date),
    Column("applied_on", Date),
    Column("due_on", Date),
    Column("late", Boolean),
)

known_penalties = Table(
    "known_penalties", metadata,
    Column("penalty_id", String(64), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("amount", Numeric(18, 2)),
    Column("annulled_on", Date),  # issue 13 (0009): voided by an upheld objection, counts for nothing
    Column("annulment_reason", Text),
)

uscc_sequences = Table(
    "uscc_sequences", metadata,
    Column("prefix", String(8), primary_key=True),
    Column("next_value", BigInteger, nullable=False),
)

users = Table(
    "users", metadata,
    Column("username", String(100), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("uscc", String(18)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime()),
    Column("token_version", Integer, nullable=False, default=0, server_default="0"),
    Column("totp_secret", String(64)),
    Column("totp_last_step", BigInteger),
)

# sign-in (issue 12 part 5): one row per signed-in session (the token's sid; every service reads it through
# shared/accounts.py), and the throttling counts per account and per client address, shared by every process
user_sessions = Table(
    "user_sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("username", String(100), ForeignKey("users.username"), nullable=False, index=True),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("address", String(64)),
    Column("revoked_at", UtcDateTime()),
)

signin_throttles = Table(
    "signin_throttles", metadata,
    Column("key", String(160), primary_key=True),  # account:<username> | address:<client address>
    Column("failures", Integer, nullable=False),
    Column("window_start", UtcDateTime()),
    Column("last_attempt_at", UtcDateTime(), index=True),
    Column("locked_until", UtcDateTime()),
)

# annual reports (issue 3): one per organization and year; every transition; the overdue facts.
# Reports are read and written with Core by their repository (plain rows <-> AnnualReport): the
# filing path is the hot one (a season of filings), and one query serves a report and its priors.
annual_reports = Table(
    "annual_reports", metadata,
    Column("uscc", String(18), ForeignKey("organizations.uscc"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("state", String(12), nullable=False),
    Column("content", JsonText(), nullable=False),
    Column("findings", JsonText(), nullable=False),
    Column("return_reasons", JsonText(), nullable=False),
    Column("conclusion", String(24)),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_by", String(100)),
    Column("updated_at", UtcDateTime()),
    Column("first_submitted_at", UtcDateTime()),
    Column("first_submitted_on", Date),
    Column("submitted_by", String(100)),
    Column("submitted_at", UtcDateTime()),
    Column("reviewed_by", String(100)),
    Column("reviewed_at", UtcDateTime()),
    Column("submissions", Integer, nullable=False),
    Column("returns", Integer, nullable=False),
    Column("income_total", Numeric(18, 2)),
    Column("net_assets_total", Numeric(18, 2)),
    Column("version", Integer, nullable=False),
    Column("income_adjusted", Numeric(18, 2)),  # N189 art. 10 上年总收入 (0003)
    Column("returns_unlocked", Integer, nullable=False, server_default="0"),  # R4.4 lock (0003)
    Index("ix_annual_reports_year_state", "year", "state"),
)

annual_report_transitions = Table(
    "annual_report_transitions", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("uscc", String(18), nullable=False),
    Column("year", Integer, nullable=False),
    Column("action", String(20), nullable=False),
    Column("from_state", String(12)),
    Column("to_state", String(12), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("note", Text),
    ForeignKeyConstraint(["uscc", "year"], ["annual_reports.uscc", "annual_reports.year"]),
    Index("ix_annual_report_transitions_report", "uscc", "year"),
)

annual_report_overdue = Table(
    "annual_report_overdue", metadata,
    Column("uscc", String(18), primary_key=True),  # one overdue fact per organization and year
    Column("year", Integer, primary_key=True),
    Column("deadline", Date, nullable=False),
    Column("detected_on", Date, nullable=False),
    Column("submitted_on", Date),  # filed, but after the deadline
    Column("sweep_id", String(36), nullable=False, index=True),
)

ratings = Table(
    "ratings", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("uscc", String(18), ForeignKey("organizations.uscc"), nullable=False, index=True),
    Column("grade", String(2), nullable=False),
    Column("original_grade", String(2), nullable=False),
    Column("score", Numeric(7, 2), nullable=False),
    Column("awarded_on", Date, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("evaluating_body", String(200), nullable=False),
    Column("awarded_by", String(100), nullable=False),
    Column("awarded_at", UtcDateTime(), nullable=False),
    Column("status", String(12), nullable=False),
    Column("ended_on", Date),
    Column("version", Integer, nullable=False),
    Index("ix_ratings_status_expires_on", "status", "expires_on"),
)

rating_changes = Table(
    "rating_changes", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("rating_id", _id, ForeignKey("ratings.id"), nullable=False),
    Column("uscc", String(18), nullable=False, index=True),
    Column("changed_on", Date, nullable=False),
    Column("from_grade", String(2), nullable=False),
    Column("to_grade", String(2)),
    Column("reason", Text, nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("cause", String(120), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    UniqueConstraint("rating_id", "cause", name="uq_rating_changes_cause"),  # one downgrade per cause
)

# 评估等级证书和牌匾 (R9.1, R9.6): one numbered set per 3A+ grade, recalled on a downgrade or cancellation,
# returned within 15 days or publicly declared void (0008); SQLAlchemy Core (adapters/certificate_repository.py)
rating_certificates = Table(
    "rating_certificates", metadata,
    Column("number", String(30), primary_key=True),
    Column("rating_id", _id, ForeignKey("ratings.id"), nullable=False, index=True),
    Column("uscc", String(18), ForeignKey("organizations.uscc"), nullable=False, index=True),
    Column("grade", String(2), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("issued_by", String(100), nullable=False),
    Column("issued_at", UtcDateTime(), nullable=False),
    Column("state", String(12), nullable=False),  # issued -> return_due -> returned | voided
    Column("replaces", String(30)),
    Column("recalled_on", Date),
    Column("recall_reason", Text),
    Column("return_due_on", Date),
    Column("returned_on", Date),
    Column("returned_by", String(100)),
    Column("returned_at", UtcDateTime()),
    Column("voided_on", Date),
    Column("void_notice", Text),
    Column("voided_by", String(100)),
    Column("voided_at", UtcDateTime()),
    Column("version", Integer, nullable=False),
    Index("ix_rating_certificates_state_due", "state", "return_due_on"),
)

# 立案调查 recorded by the registrar (R9.3, L39 art. 7(4)); no event carries them (0003)
investigations = Table(
    "investigations", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("uscc", String(18), ForeignKey("organizations.uscc"), nullable=False, index=True),
    Column("opened_on", Date, nullable=False),
    Column("authority", String(200), nullable=False),
    Column("case_number", String(200), nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("closed_on", Date),
    Column("outcome", Text),
    Column("closed_by", String(100)),
    Column("closed_at", UtcDateTime()),
    Column("version", Integer, nullable=False),
    UniqueConstraint("uscc", "authority", "case_number", name="uq_investigations_case"),
)

_mapped = False


# ---- two-person sanctions (issue 12): a revocation is proposed by a registrar and takes effect when an
# approver who is not the proposer approves it; an inspection's request for one waits in its own queue
sanction_proposals = proposals_table(metadata)

revocation_requests = Table(
    "revocation_requests", metadata,
    Column("id", String(24), primary_key=True),  # the inspection service's request id
    Column("uscc", String(18), nullable=False, index=True),
    Column("legal_basis", Text, nullable=False),
    Column("facts", Text, nullable=False),
    Column("found_on", Date, nullable=False),
    Column("requested_on", Date, nullable=False),
    Column("task_id", String(24)),
    Column("source_event_id", String(64), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("state", String(12), nullable=False),  # open -> proposed -> revoked | declined (open again)
    Column("proposal_id", String(24)),
)


# ---- governance (issue 13 items 5-6): a foundation's board as registered or last changed (R2.1.4, JJH arts 20-24),
# and the financial audits a 换届 or a change of legal representative needs first (R5.1) (0007)
foundation_governance = Table(
    "foundation_governance", metadata,
    Column("uscc", String(18), ForeignKey("organizations.uscc"), primary_key=True),
    Column("content", JsonText(), nullable=False),
    Column("term_years", Integer, nullable=False),
    Column("term_started_on", Date, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

financial_audits = Table(
    "financial_audits", metadata,
    Column("id", _id, primary_key=True, autoincrement=True),
    Column("uscc", String(18), ForeignKey("organizations.uscc"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("firm", String(200), nullable=False),
    Column("report_number", String(200), nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("used_on", Date),
    Column("used_for", String(30)),
    UniqueConstraint("uscc", "firm", "report_number", name="uq_financial_audits_report"),
)


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Organization, organizations, version_id_col=organizations.c.version)
    mapper_registry.map_imperatively(ChangeRecord, organization_changes)
    mapper_registry.map_imperatively(KnownPenalty, known_penalties)
    mapper_registry.map_imperatively(User, users)
    mapper_registry.map_imperatively(UserSession, user_sessions)
    mapper_registry.map_imperatively(Throttle, signin_throttles)
    mapper_registry.map_imperatively(Rating, ratings, version_id_col=ratings.c.version)
    mapper_registry.map_imperatively(RatingChange, rating_changes)
    mapper_registry.map_imperatively(Investigation, investigations, version_id_col=investigations.c.version)
    mapper_registry.map_imperatively(FinancialAudit, financial_audits)
    _mapped = True
