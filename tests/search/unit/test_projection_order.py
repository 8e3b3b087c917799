"""The rating, annual-report, inspection-result and credit-timeline projections through the real
repository (SQLite in memory): events of one organization arrive on several topics, so in any order
and, redelivered, more than once; the document built afterwards must be the same."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from services.search.adapters.orm import metadata
from services.search.adapters.repository import SqlProjectionRepository
from services.search.domain import projections as p
from services.search.domain.document import build_document

U = "51350200MJ0000001X"
TODAY = date(2026, 6, 1)
REGISTERED = ("registry.organization.registered", {
    "uscc": U, "name": "厦门市测试协会", "type": "social_group", "category": "other", "level": "city",
    "district": "350203", "domicile": "厦门", "legal_representative_name": "某人", "registered_funds": "30000",
    "business_scope": "测试", "established_on": "2018-03-01", "registered_on": "2018-03-01", "status": "active"})
AWARD = ("registry.rating.awarded", {"uscc": U, "rating_id": 7, "grade": "4A", "score": "86.50",
                                     "awarded_on": "2025-01-10", "expires_on": "2030-01-10",
                                     "evaluating_body": "评估委员会", "awarded_by": "registrar1"})


def down(from_grade: str, to_grade: str | None, on: str) -> tuple[str, dict[str, Any]]:
    return ("registry.rating.downgraded", {
        "uscc": U, "rating_id": 7, "awarded_on": "2025-01-10", "expires_on": "2030-01-10", "from_grade": from_grade,
        "to_grade": to_grade, "on": on, "reason": "受到行政处罚", "legal_basis": "L39 art. 30", "trigger": "penalty"})


def report(kind: str, **data: Any) -> tuple[str, dict[str, Any]]:
    return (f"registry.annual_report.{kind}", {"uscc": U, "year": 2025, **data})


SUBMITTED = report("submitted", submitted_on="2026-05-20", first_submitted_on="2026-05-20", deadline="2026-05-31",
                   late=False, resubmission=False, submitted_by="org")
RETURNED = report("returned", returned_on="2026-05-22", returned_by="r", reasons=["缺页"],
                  first_submitted_on="2026-05-20")
RESUBMITTED = report("submitted", submitted_on="2026-06-03", first_submitted_on="2026-05-20",
                     deadline="2026-05-31", late=False, resubmission=True, submitted_by="org")
ACCEPTED = report("accepted", accepted_on="2026-06-05", accepted_by="r", first_submitted_on="2026-05-20",
                  deadline="2026-05-31", late=False, conclusion="qualified")


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as s:
        yield s


def document_after(session: Session, events: list[tuple[str, dict[str, Any]]], day: date = TODAY) -> dict[str, Any]:
    repo = SqlProjectionRepository(session)
    for event_type, data in events:
        for change in p.project(event_type, data):
            repo.apply(change)
    body = build_document(repo.bundles([U])[U], day).to_dict()
    session.rollback()
    return {k: v for k, v in body.items() if k not in ("version",)}


def test_a_rating_and_its_downgrades_give_one_grade_in_any_order_and_repeated(session: Session) -> None:
    events = [AWARD, down("4A", "3A", "2026-03-01"), down("3A", "2A", "2026-04-01")]
    seen = set()
    for order in itertools.permutations(events):
        body = document_after(session, [REGISTERED, *order, *order[:1]])
        seen.add(str(body["rating"]))
        assert body["rating"] == {"grade": "2A", "awarded_on": "2025-01-10", "expires_on": "2030-01-10",
                                  "awarded_grade": "4A"}
    assert len(seen) == 1
    assert document_after(session, [REGISTERED, *events], date(2026, 3, 15))["rating"]["grade"] == "3A"
    assert document_after(session, [REGISTERED, *events], date(2026, 2, 1))["rating"]["grade"] == "4A"
    gone = [down("1A", None, "2026-05-01"), AWARD]  # below 1A nothing is left, from that day
    assert document_after(session, [*gone, REGISTERED])["rating"] is None
    assert document_after(session, [*gone, REGISTERED], date(2026, 4, 30))["rating"]["grade"] == "4A"


def test_an_expiry_before_its_award_still_ends_the_grade(session: Session) -> None:
    expired = ("registry.rating.expired", {"uscc": U, "rating_id": 7, "grade": "4A", "awarded_on": "2025-01-10",
                                           "expired_on": "2026-01-10"})
    for order in ([expired, AWARD], [AWARD, expired]):
        assert document_after(session, [REGISTERED, *order])["rating"] is None
        assert document_after(session, [REGISTERED, *order], date(2025, 6, 1))["rating"]["grade"] == "4A"


def test_an_annual_report_ends_in_the_same_state_whatever_order_its_steps_arrive(session: Session) -> None:
    bodies = {str(document_after(session, [*order, REGISTERED, order[0]])["annual_reports"])
              for order in itertools.permutations([SUBMITTED, RETURNED, RESUBMITTED, ACCEPTED])}
    assert len(bodies) == 1
    body = document_after(session, [REGISTERED, SUBMITTED, RETURNED, RESUBMITTED, ACCEPTED])
    assert body["annual_reports"] == [{"year": 2025, "state": "accepted", "state_name": "已通过",
                                       "submitted_on": "2026-05-20", "deadline": "2026-05-31", "late": False,
                                       "overdue": False, "conclusion": "qualified", "conclusion_name": "合格"}]
    assert body["annual_reports_filed"] == [2025]
    assert document_after(session, [REGISTERED, SUBMITTED, RETURNED])["annual_reports"][0]["state"] == "returned"
    assert document_after(session, [REGISTERED, RESUBMITTED, RETURNED, SUBMITTED])["annual_reports"][0][
        "state"] == "submitted"


def test_overdue_then_filed_late_is_both_overdue_and_filed(session: Session) -> None:
    overdue = report("overdue", deadline="2026-05-31", detected_on="2026-06-01")
    late = report("submitted", submitted_on="2026-06-10", first_submitted_on="2026-06-10", deadline="2026-05-31",
                  late=True, resubmission=False, submitted_by="org")
    body = document_after(session, [REGISTERED, overdue])
    assert (body["annual_reports_filed"], body["annual_reports_overdue"]) == ([], [2025])
    assert body["annual_reports"][0]["state"] == "overdue"
    for order in ([overdue, late], [late, overdue]):
        body = document_after(session, [REGISTERED, *order])
        assert (body["annual_reports_filed"], body["annual_reports_overdue"]) == ([2025], [2025])
        assert body["annual_reports"][0]["late"] is True and body["annual_reports"][0]["state"] == "submitted"


def test_inspection_results_are_published_with_their_penalty_and_without_people(session: Session) -> None:
    penalty = ("inspection.penalty.imposed", {"uscc": U, "penalty_id": "P1", "kind": "fine", "amount": "5000",
                                              "legal_basis": "条例第三十条", "effective_on": "2026-05-10",
                                              "decision_number": "厦民罚〔2026〕3号"})
    done = ("inspection.task.completed", {
        "uscc": U, "task_id": "T1", "plan_id": "PL1", "draw_id": "D1", "outcome": "penalty",
        "check_items": ["财务"], "failed_items": ["财务"], "completed_on": "2026-05-01", "publish_by": "2026-05-29",
        "penalty_id": "P1"})
    drawn = ("inspection.draw.completed", {"plan_id": "PL1", "draw_id": "D1", "round": 1, "commitment": "c",
                                           "seed": "s", "frame_hash": "h", "frame_size": 10, "public_random": "r",
                                           "target_count": 1, "targets": [U], "algorithm": "a",
                                           "drawn_at": "2026-04-01T02:00:00Z"})
    assert document_after(session, [REGISTERED, drawn])["inspections"] == []  # drawn, not yet done
    for order in itertools.permutations([done, penalty, drawn]):
        [result] = document_after(session, [REGISTERED, *order])["inspections"]
        assert result == {"task_id": "T1", "plan_id": "PL1", "outcome": "penalty", "outcome_name": "依法处罚",
                          "completed_on": "2026-05-01", "check_items": ["财务"], "failed_items": ["财务"],
                          "rectification_id": None,
                          "penalty": {"kind": "fine", "effective_on": "2026-05-10", "legal_basis": "条例第三十条",
                                      "decision_number": "厦民罚〔2026〕3号"}}


def test_the_latest_status_change_decides_the_credit_timeline(session: Session) -> None:
    steps = [{"on": date(2027, 5, 1), "step": "escalate", "list": "serious", "legal_basis": "办法第十九条"}]
    newer = ("credit.status.changed", {"uscc": U, "lists": ["abnormal"], "changed_on": "2026-05-01", "timeline": steps})
    older = ("credit.status.changed", {"uscc": U, "lists": [], "changed_on": "2026-04-01"})
    for order in ([newer, older], [older, newer]):
        assert document_after(session, [REGISTERED, *order])["credit_timeline"] == [
            {"on": "2027-05-01", "step": "escalate", "list": "serious", "legal_basis": "办法第十九条"}]
    later = ("credit.status.changed", {"uscc": U, "lists": [], "changed_on": "2026-06-01"})  # without a timeline
    assert document_after(session, [REGISTERED, newer, later])["credit_timeline"] == []
