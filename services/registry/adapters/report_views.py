"""Read queries of annual reports and ratings (CQRS-lite: reads skip the domain)."""
from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.adapters.orm import (annual_report_transitions, annual_reports, investigations, organizations,
                                            rating_changes, ratings)
from services.registry.domain.annual_report import STATES, AnnualReport, ReportPolicy
from services.registry.domain.rating import STATUSES, Rating

NOT_FILED = {"state": "not_filed", "state_name": "未报送"}


def organization_facts(session: Session, uscc: str) -> Any:
    query = select(organizations.c.uscc, organizations.c.type, organizations.c.registered_on).where(
        organizations.c.uscc == uscc)
    return session.execute(query).first()


def present_report(report: AnnualReport | dict[str, Any], policy: ReportPolicy, org_type: str, registered_on: date,
                   today: date, transitions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    r = report if isinstance(report, dict) else {f.name: getattr(report, f.name) for f in fields(report)}
    return {**_year(r["year"], policy, org_type, registered_on, today, r.get("first_submitted_on")),
            **{k: r[k] for k in ("uscc", "state", "first_submitted_on", "submitted_at", "submitted_by", "reviewed_at",
                                 "reviewed_by", "conclusion", "return_reasons", "submissions", "returns", "content",
                                 "findings")},
            "state_name": STATES[r["state"]], "transitions": transitions,
            "locked": policy.max_returns > 0 and r["returns"] - (r.get("returns_unlocked") or 0) > policy.max_returns}


def _year(year: int, policy: ReportPolicy, org_type: str, registered_on: date, today: date,
          first_submitted_on: date | None) -> dict[str, Any]:
    deadline = policy.deadline(org_type, year)
    required = policy.obliged(org_type, registered_on, year)
    late = first_submitted_on is not None and first_submitted_on > deadline
    missing = first_submitted_on is None and deadline < today
    return {"year": year, "deadline": deadline, "required": required, "late": late,
            "overdue": required and (late or missing)}


def annual_reports_of(session: Session, uscc: str, org_type: str, registered_on: date, policy: ReportPolicy,
                      today: date) -> list[dict[str, Any]]:
    """Every year from the first the register holds (or registration) to last year, newest first:
    the report and its transitions where there is one, 'not_filed' where there is none."""
    rows = {r["year"]: dict(r) for r in session.execute(
        select(annual_reports).where(annual_reports.c.uscc == uscc)).mappings()}
    history: dict[int, list[dict[str, Any]]] = {}
    query = select(annual_report_transitions).where(annual_report_transitions.c.uscc == uscc).order_by(
        annual_report_transitions.c.id)
    for t in session.execute(query).mappings():
        history.setdefault(t["year"], []).append(_transition(t))
    years = set(range(max(policy.first_year, registered_on.year), today.year)) | set(rows)
    out = []
    for year in sorted(years, reverse=True):
        if year in rows:
            out.append(present_report(rows[year], policy, org_type, registered_on, today, history.get(year, [])))
        else:
            out.append({"uscc": uscc, **NOT_FILED, **_year(year, policy, org_type, registered_on, today, None)})
    return out


def _transition(t: Any) -> dict[str, Any]:
    return {"action": t["action"], "from_state": t["from_state"], "to_state": t["to_state"], "by": t["actor"],
            "at": t["at"], "note": t["note"]}


def ratings_of(session: Session, uscc: str, today: date) -> dict[str, Any]:
    changes: dict[int, list[dict[str, Any]]] = {}
    for c in session.execute(select(rating_changes).where(rating_changes.c.uscc == uscc).order_by(
            rating_changes.c.id)).mappings():
        changes.setdefault(c["rating_id"], []).append({
            "on": c["changed_on"], "from_grade": c["from_grade"], "to_grade": c["to_grade"], "reason": c["reason"],
            "legal_basis": c["legal_basis"], "trigger": c["cause"]})
    query = select(ratings).where(ratings.c.uscc == uscc).order_by(ratings.c.awarded_on.desc(), ratings.c.id.desc())
    items = [present_rating(dict(r), today, changes.get(r["id"], [])) for r in session.execute(query).mappings()]
    current = next((i for i in items if i["valid_today"]), None)
    return {"uscc": uscc, "current": current, "items": items}


def present_rating(r: Rating | dict[str, Any], today: date, changes: list[dict[str, Any]]) -> dict[str, Any]:
    row = r if isinstance(r, dict) else {f.name: getattr(r, f.name) for f in fields(r)}
    rating = Rating(**{f.name: row[f.name] for f in fields(Rating)})
    return {**{k: row[k] for k in ("id", "uscc", "grade", "original_grade", "awarded_on", "expires_on",
                                   "evaluating_body", "awarded_by", "status", "ended_on")},
            "score": f"{row['score']:.2f}", "status_name": STATUSES[row["status"]],
            "valid_today": rating.status == "valid" and rating.valid_on(today), "changes": changes}


def investigations_of(session: Session, uscc: str) -> list[Any]:
    query = select(investigations).where(investigations.c.uscc == uscc).order_by(investigations.c.opened_on,
                                                                                 investigations.c.id)
    return list(session.execute(query).all())
