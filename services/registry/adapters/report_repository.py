"""The SQL of annual reports and ratings (issue 3). The session is handed in; nothing here commits.

The overdue sweep is set-based: one INSERT ... SELECT per report year and deadline finds every
active organization owing a report it did not submit in time, and inserts its overdue fact unless
one exists (the primary key (uscc, year) makes a second insert a no-op, even from a concurrent
sweep). The rows a sweep inserted carry its sweep id, so it announces exactly those.
"""
from __future__ import annotations

import zlib
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Integer, String, and_, bindparam, exists, insert, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.registry.adapters.bulk import bulk_insert
from services.registry.adapters.overdue_outbox import write_overdue_events
from services.registry.adapters.orm import (annual_report_overdue, annual_report_transitions, annual_reports,
                                            investigations, known_penalties, organizations, rating_changes, ratings)
from services.registry.domain.annual_report import FILED, AnnualReport, FilingOrganization, Transition
from services.registry.domain.investigation import Investigation
from services.registry.domain.rating import Rating, RatingChange, ReportStanding
from shared.errors import Conflict

_TRANSITION_COLUMNS = [c.name for c in annual_report_transitions.columns if c.name != "id"]
_REPORT_COLUMNS = [c.name for c in annual_reports.columns]
# statements built once: building them costs more than running them
_ORGANIZATIONS = select(*(organizations.c[f.name] for f in fields(FilingOrganization)))
_ORGANIZATION = _ORGANIZATIONS.where(organizations.c.uscc == bindparam("uscc"))
_FILING = select(annual_reports).where(annual_reports.c.uscc == bindparam("uscc"),
                                       annual_reports.c.year.between(bindparam("low"), bindparam("year")))
_FILING_FOR_UPDATE = _FILING.with_for_update()
_UPDATE = update(annual_reports).where(
    annual_reports.c.uscc == bindparam("k_uscc"), annual_reports.c.year == bindparam("k_year"),
    annual_reports.c.version == bindparam("k_version")).values(
    {c: bindparam(f"v_{c}") for c in _REPORT_COLUMNS if c not in ("uscc", "year")})


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _report_row(report: AnnualReport) -> dict[str, Any]:
    return dict(report.__dict__)  # a plain dataclass: its fields are the table's columns


def advisory_lock(session: Session, name: str) -> None:
    """Serialize one kind of sweep across processes. PostgreSQL: a transaction-scoped advisory lock;
    SQLite: its writers are serialized already (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(name.encode())})


class SqlReportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def organization(self, uscc: str) -> FilingOrganization | None:
        """The organization as plain data (read, not tracked: filing changes only the report)."""
        row = self.session.connection().execute(_ORGANIZATION, {"uscc": uscc}).first()
        return None if row is None else FilingOrganization(*row)

    def organizations_of(self, usccs: list[str]) -> dict[str, FilingOrganization]:
        found: dict[str, FilingOrganization] = {}
        for chunk in _chunks(usccs):
            query = _ORGANIZATIONS.where(organizations.c.uscc.in_(chunk))
            found.update((row[0], FilingOrganization(*row)) for row in self.session.connection().execute(query))
        return found

    def standings_for(self, usccs: list[str]) -> dict[str, dict[int, ReportStanding]]:
        r, found = annual_reports, {}  # type: ignore[var-annotated]
        for chunk in _chunks(usccs):
            query = select(r.c.uscc, r.c.year, r.c.state, r.c.conclusion, r.c.first_submitted_on).where(
                r.c.uscc.in_(chunk))
            for row in self.session.connection().execute(query):
                found.setdefault(row.uscc, {})[row.year] = ReportStanding(row.year, row.state, row.conclusion,
                                                                          row.first_submitted_on)
        return found

    def filing(self, uscc: str, year: int, *, for_update: bool = True
               ) -> tuple[AnnualReport | None, dict[int, tuple[Decimal | None, Decimal | None, Decimal | None]]]:
        """One query: the report on `year` (locked for the transaction on PostgreSQL) and the total
        income, year-end net assets and N189 adjusted income of the submitted reports of the 3 years before."""
        query = _FILING_FOR_UPDATE if for_update and self._postgresql() else _FILING
        rows = self.session.connection().execute(query, {"uscc": uscc, "low": year - 3, "year": year}).mappings()
        report, prior = None, {}
        for row in rows:
            if row["year"] == year:
                report = AnnualReport(**row)
            elif row["state"] in FILED:
                prior[row["year"]] = (row["income_total"], row["net_assets_total"], row["income_adjusted"])
        return report, prior

    def add(self, report: AnnualReport) -> None:
        self.session.connection().execute(insert(annual_reports), [_report_row(report)])

    def update(self, report: AnnualReport) -> None:
        """Optimistic: the row must still carry the version read (else a concurrent change won: 409)."""
        row = {f"v_{c}": v for c, v in _report_row(report).items()}
        row.update(k_uscc=report.uscc, k_year=report.year, k_version=report.version, v_version=report.version + 1)
        result = self.session.connection().execute(_UPDATE, row)
        if result.rowcount != 1:
            raise Conflict(f"the {report.year} report of {report.uscc} was changed by a concurrent request",
                           rule="concurrency")
        report.version += 1

    def add_transitions(self, transitions: list[Transition]) -> None:
        rows = [{c: getattr(t, c) for c in _TRANSITION_COLUMNS} for t in transitions]
        if rows:
            self.session.connection().execute(insert(annual_report_transitions), rows)

    def _postgresql(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def standing(self, uscc: str, years: list[int]) -> dict[int, ReportStanding]:
        r = annual_reports
        query = select(r.c.year, r.c.state, r.c.conclusion, r.c.first_submitted_on).where(
            r.c.uscc == uscc, r.c.year.in_(years))
        return {row.year: ReportStanding(row.year, row.state, row.conclusion, row.first_submitted_on)
                for row in self.session.execute(query)}

    def import_many(self, reports: list[AnnualReport], transitions: list[Transition]) -> None:
        """Reports of the past, inserted in bulk."""
        connection = self.session.connection()
        bulk_insert(connection, annual_reports, [_report_row(r) for r in reports])
        bulk_insert(connection, annual_report_transitions,
                    [{k: v for k, v in t.__dict__.items() if k != "id"} for t in transitions])

    def lock_overdue_sweep(self) -> None:
        advisory_lock(self.session, "registry.annual_report_overdue")

    def mark_overdue(self, year: int, deadline: date, obliged: list[tuple[str, date]], today: date,
                     sweep_id: str) -> int:
        """Insert the overdue fact of every active organization of the given types (registered by
        their exemption cut-off, R4.2) that did not submit its `year` report by `deadline` (R4.5)."""
        o, r, d = organizations, annual_reports, annual_report_overdue
        owes = or_(*[and_(o.c.type == org_type, o.c.registered_on <= cutoff) for org_type, cutoff in obliged])
        already = exists().where(d.c.uscc == o.c.uscc, d.c.year == year)
        found = (
            select(o.c.uscc, literal(year, Integer), literal(deadline, Date), literal(today, Date),
                   r.c.first_submitted_on, literal(sweep_id, String))
            .select_from(o.outerjoin(r, and_(r.c.uscc == o.c.uscc, r.c.year == year)))
            .where(o.c.status == "active", owes, or_(r.c.first_submitted_on.is_(None),
                                                     r.c.first_submitted_on > deadline), ~already))
        columns = ["uscc", "year", "deadline", "detected_on", "submitted_on", "sweep_id"]
        dialect = self.session.get_bind().dialect.name
        statement = (pg_insert(d) if dialect == "postgresql" else sqlite_insert(d)).from_select(columns, found)
        result = self.session.execute(statement.on_conflict_do_nothing(index_elements=["uscc", "year"]))
        return int(result.rowcount or 0)

    def announce_overdue(self, sweep_id: str, source: str, now: datetime) -> int:
        """registry.annual_report.overdue for each fact this sweep inserted, in its transaction."""
        return write_overdue_events(self.session, sweep_id, source, now)


class SqlRatingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_organization(self, uscc: str) -> None:
        """Two awards for one organization at once: the second waits and then sees the first."""
        advisory_lock(self.session, f"registry.rating:{uscc}")

    def history(self, uscc: str, *, for_update: bool = False) -> list[Rating]:
        query = select(Rating).where(ratings.c.uscc == uscc).order_by(ratings.c.awarded_on, ratings.c.id)
        return list(self.session.scalars(query.with_for_update() if for_update else query))

    def add(self, rating: Rating) -> None:
        self.session.add(rating)
        self.session.flush()  # the id the events and changes refer to

    def add_change(self, change: RatingChange) -> None:
        self.session.add(change)

    def has_change(self, rating_id: int, cause: str) -> bool:
        query = select(rating_changes.c.id).where(rating_changes.c.rating_id == rating_id,
                                                  rating_changes.c.cause == cause)
        return self.session.execute(query).first() is not None

    def lock_expiry_sweep(self) -> None:
        advisory_lock(self.session, "registry.rating_expiry")

    def due_to_expire(self, today: date) -> list[Rating]:
        query = select(Rating).where(ratings.c.status == "valid", ratings.c.expires_on <= today).order_by(
            ratings.c.id)
        return list(self.session.scalars(query.with_for_update()))

    def import_many(self, rows: list[Rating]) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def histories_for(self, usccs: list[str]) -> dict[str, list[Rating]]:
        found: dict[str, list[Rating]] = {}
        for chunk in _chunks(usccs):
            query = select(Rating).where(ratings.c.uscc.in_(chunk)).order_by(ratings.c.awarded_on, ratings.c.id)
            for rating in self.session.scalars(query):
                found.setdefault(rating.uscc, []).append(rating)
        return found

    def rated_in_overdue_sweep(self, sweep_id: str) -> list[tuple[str, int, date]]:
        """(uscc, year, deadline) of the overdue facts a sweep inserted whose organization holds a
        grade not ended: few (the rated ones), found by one join."""
        d = annual_report_overdue
        query = (select(d.c.uscc, d.c.year, d.c.deadline).where(d.c.sweep_id == sweep_id, exists().where(
            ratings.c.uscc == d.c.uscc, ratings.c.status == "valid")).order_by(d.c.uscc, d.c.year))
        return [(row.uscc, row.year, row.deadline) for row in self.session.execute(query)]

    def rated_absent(self, year: int, closed_on: date) -> list[tuple[str, int, date]]:
        """(uscc, year, deadline) of the organizations found overdue with their `year` report that had
        submitted none by `closed_on`, hold a grade awarded by the deadline and not ended, and whose grade
        that year has not lowered yet (R9.6 未参加年度检查): few, found by one query."""
        d, r, c = annual_report_overdue, annual_reports, rating_changes
        filed = exists().where(r.c.uscc == d.c.uscc, r.c.year == year, r.c.first_submitted_on <= closed_on)
        rated = exists().where(ratings.c.uscc == d.c.uscc, ratings.c.status == "valid",
                               ratings.c.awarded_on <= d.c.deadline)
        lowered = exists().where(c.c.uscc == d.c.uscc, c.c.cause == f"annual report {year} overdue")
        query = select(d.c.uscc, d.c.year, d.c.deadline).where(d.c.year == year, rated, ~filed, ~lowered)
        return [(row.uscc, row.year, row.deadline) for row in self.session.execute(query.order_by(d.c.uscc))]

    def penalty_dates_for(self, usccs: list[str]) -> dict[str, list[date]]:
        found: dict[str, list[date]] = {}
        for chunk in _chunks(usccs):
            query = select(known_penalties.c.uscc, known_penalties.c.effective_on).where(
                known_penalties.c.uscc.in_(chunk), known_penalties.c.annulled_on.is_(None))  # annulled: none
            for uscc, on in self.session.execute(query):
                found.setdefault(uscc, []).append(on)
        return found


class SqlInvestigationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, uscc: str) -> list[Investigation]:
        query = select(Investigation).where(investigations.c.uscc == uscc).order_by(investigations.c.opened_on,
                                                                                 investigations.c.id)
        return list(self.session.scalars(query))

    def of_many(self, usccs: list[str]) -> dict[str, list[Investigation]]:
        found: dict[str, list[Investigation]] = {}
        for chunk in _chunks(usccs):
            for case in self.session.scalars(select(Investigation).where(investigations.c.uscc.in_(chunk))):
                found.setdefault(case.uscc, []).append(case)
        return found

    def get(self, uscc: str, investigation_id: int) -> Investigation | None:
        case = self.session.get(Investigation, investigation_id)
        return case if case is not None and case.uscc == uscc else None

    def add(self, case: Investigation) -> None:
        clash = select(investigations.c.id).where(investigations.c.uscc == case.uscc,
                                                  investigations.c.authority == case.authority,
                                                  investigations.c.case_number == case.case_number)
        if self.session.execute(clash).first() is not None:
            raise Conflict(f"case {case.case_number} of {case.authority} is already recorded for {case.uscc}",
                           rule="R9.3 one record per case")
        self.session.add(case)
        self.session.flush()
