"""Projections: pure functions from one event's data to the changes it makes to the read model.

Each event type maps to one small function `(data, on) -> list[Change]`; adding an event type is
adding a function and a line in PROJECTIONS. The repository applies the changes (adapters); the
document is then rebuilt from the projection (document.build_document). Every fact keeps its date,
so the statistics can be answered "as of" any day.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

CHINA = timezone(timedelta(hours=8))
# the registration facts the read model keeps (legal_representative_name is deliberately absent)
ORG_FIELDS = ("uscc", "name", "type", "category", "level", "district", "domicile", "registered_funds",
              "business_scope", "supervising_unit", "established_on", "registered_on", "status", "charity",
              "charity_since", "fundraising_qualified_on", "foundation_kind")


@dataclass(frozen=True)
class UpsertOrganization:
    facts: dict[str, Any]


@dataclass(frozen=True)
class AddFormerName:
    uscc: str
    name: str
    until: date


@dataclass(frozen=True)
class EndOrganization:
    uscc: str
    status: str
    on: date


@dataclass(frozen=True)
class SetOrganizationFields:
    uscc: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class OpenListEntry:
    uscc: str
    entry_id: str
    list: str
    on: date
    reason: str | None
    trigger: str | None
    legal_basis: str | None


@dataclass(frozen=True)
class CloseListEntry:
    uscc: str
    entry_id: str
    list: str
    on: date


@dataclass(frozen=True)
class SetListMembership:
    """The credit engine's word on which lists an organization is on from `on`."""

    uscc: str
    lists: tuple[str, ...]
    on: date


@dataclass(frozen=True)
class RecordPenalty:
    uscc: str
    penalty_id: str
    kind: str
    effective_on: date
    legal_basis: str
    decision_number: str | None


@dataclass(frozen=True)
class AwardRating:
    """registry.rating.awarded: the grade as awarded (a later downgrade is a RatingStep)."""

    uscc: str
    grade: str
    awarded_on: date
    expires_on: date


@dataclass(frozen=True)
class ExpireRating:
    """registry.rating.expired: the grade's validity ended on `expired_on` (creates the rating if the
    award has not arrived: the events of one rating may come in any order)."""

    uscc: str
    grade: str
    awarded_on: date
    expired_on: date


@dataclass(frozen=True)
class RatingStep:
    """registry.rating.downgraded: from `on` the rating awarded on `awarded_on` holds `to_grade`
    (None: no grade is left). Steps only lower a grade, so the grade on a day is the lowest of the
    award and the steps taken by then, whatever order the events came in."""

    uscc: str
    awarded_on: date
    expires_on: date
    from_grade: str
    to_grade: str | None
    on: date
    reason: str
    legal_basis: str


@dataclass(frozen=True)
class RecordAnnualReport:
    """One registry.annual_report.* event about one organization's report on one year. The
    repository merges each step's dates into the report's row (earliest first submission, latest
    review), so the row and its state are the same in whatever order the steps arrive."""

    uscc: str
    year: int
    step: str  # submitted | resubmitted | returned | accepted | overdue
    on: date
    first_submitted_on: date | None = None
    deadline: date | None = None
    conclusion: str | None = None


@dataclass(frozen=True)
class SetCreditTimeline:
    """credit.status.changed's optional projected timeline (None: the event carried none)."""

    uscc: str
    changed_on: date
    timeline: tuple[tuple[str, str, str, str], ...] | None  # (on, step, list, legal_basis)


@dataclass(frozen=True)
class InspectionDrawn:
    uscc: str
    key: str  # draw id and USCC: one inspection of one organization
    drawn_on: date
    # R6.2 (L45 art. 5, a yearly share of scheduled sampling): the draw, its plan's kind and year, and the
    # draw a redraw replaces (whose targets then no longer count); None in events older than issue 13
    draw_id: str | None = None
    plan_kind: str | None = None
    plan_year: int | None = None
    redraw_of: str | None = None


@dataclass(frozen=True)
class InspectionCompleted:
    """inspection.task.completed: the result is public (双随机、一公开); inspectors are not named."""

    uscc: str
    key: str
    completed_on: date
    task_id: str | None = None
    plan_id: str | None = None
    outcome: str | None = None
    check_items: tuple[str, ...] = ()
    failed_items: tuple[str, ...] = ()
    publish_by: date | None = None
    penalty_id: str | None = None
    rectification_id: str | None = None


Change = (UpsertOrganization | AddFormerName | EndOrganization | SetOrganizationFields | OpenListEntry
          | CloseListEntry | SetListMembership | RecordPenalty | AwardRating | ExpireRating | RatingStep
          | RecordAnnualReport | SetCreditTimeline | InspectionDrawn | InspectionCompleted)


def _d(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _od(value: Any) -> date | None:
    return None if value is None else _d(value)


def _facts(data: dict[str, Any]) -> dict[str, Any]:
    facts = {k: data.get(k) for k in ORG_FIELDS}
    for key in ("established_on", "registered_on", "charity_since", "fundraising_qualified_on"):
        facts[key] = None if facts[key] is None else _d(facts[key])
    facts["registered_funds"] = str(facts["registered_funds"])
    facts["charity"] = bool(facts["charity"])
    return facts


def organization_registered(data: dict[str, Any]) -> list[Change]:
    return [UpsertOrganization(_facts(data))]


def organization_changed(data: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    for change in data["changes"]:
        if change["field"] == "name" and change.get("old"):
            changes.append(AddFormerName(data["uscc"], change["old"], _d(data["changed_on"])))
    return [*changes, UpsertOrganization(_facts(data["organization"]))]


def organization_deregistered(data: dict[str, Any]) -> list[Change]:
    return [EndOrganization(data["uscc"], "deregistered", _d(data["deregistered_on"]))]


def organization_revoked(data: dict[str, Any]) -> list[Change]:
    return [EndOrganization(data["uscc"], "revoked", _d(data["revoked_on"]))]


def charity_recognized(data: dict[str, Any]) -> list[Change]:
    return [SetOrganizationFields(data["uscc"], {"charity": True, "charity_since": _d(data["recognized_on"])})]


def fundraising_qualified(data: dict[str, Any]) -> list[Change]:
    return [SetOrganizationFields(data["uscc"], {"fundraising_qualified_on": _d(data["qualified_on"])})]


def credit_status_changed(data: dict[str, Any]) -> list[Change]:
    on = _d(data["changed_on"])
    timeline = data.get("timeline")  # optional (added to the contract later): tolerated when absent
    steps = None if timeline is None else tuple(
        (_d(s["on"]).isoformat(), str(s["step"]), str(s["list"]), str(s["legal_basis"])) for s in timeline)
    return [SetListMembership(data["uscc"], tuple(sorted(set(data["lists"]))), on),
            SetCreditTimeline(data["uscc"], on, steps)]


def credit_entry_added(data: dict[str, Any]) -> list[Change]:
    return [OpenListEntry(data["uscc"], data["entry_id"], data["list"], _d(data["on"]), data.get("reason"),
                          data.get("trigger"), data.get("legal_basis"))]


def credit_entry_removed(data: dict[str, Any]) -> list[Change]:
    return [CloseListEntry(data["uscc"], data["entry_id"], data["list"], _d(data["on"]))]


def credit_entry_escalated(data: dict[str, Any]) -> list[Change]:
    """Abnormal -> serious (R8): the abnormal entries end that day, the serious entry begins."""
    on = _d(data["on"])
    return [SetListMembership(data["uscc"], ("serious",), on), *credit_entry_added(data)]


def penalty_imposed(data: dict[str, Any]) -> list[Change]:
    return [RecordPenalty(data["uscc"], data["penalty_id"], data["kind"], _d(data["effective_on"]),
                          data["legal_basis"], data.get("decision_number"))]


def draw_completed(data: dict[str, Any]) -> list[Change]:
    drawn_at = datetime.fromisoformat(str(data["drawn_at"]).replace("Z", "+00:00"))
    drawn_on = (drawn_at.astimezone(CHINA) if drawn_at.tzinfo else drawn_at).date()
    kind, year, replaced = data.get("plan_kind"), data.get("plan_year"), data.get("redraw_of")
    return [InspectionDrawn(uscc, f"{data['draw_id']}:{uscc}", drawn_on, data["draw_id"], kind,
                            None if year is None else int(year), replaced) for uscc in data["targets"]]


def task_completed(data: dict[str, Any]) -> list[Change]:
    return [InspectionCompleted(data["uscc"], f"{data['draw_id']}:{data['uscc']}", _d(data["completed_on"]),
                                data.get("task_id"), data.get("plan_id"), data.get("outcome"),
                                tuple(data.get("check_items") or ()), tuple(data.get("failed_items") or ()),
                                _od(data.get("publish_by")), data.get("penalty_id"), data.get("rectification_id"))]


def rating_awarded(data: dict[str, Any]) -> list[Change]:
    return [AwardRating(data["uscc"], data["grade"], _d(data["awarded_on"]), _d(data["expires_on"]))]


def rating_expired(data: dict[str, Any]) -> list[Change]:
    return [ExpireRating(data["uscc"], data["grade"], _d(data["awarded_on"]), _d(data["expired_on"]))]


def rating_downgraded(data: dict[str, Any]) -> list[Change]:
    return [RatingStep(data["uscc"], _d(data["awarded_on"]), _d(data["expires_on"]), data["from_grade"],
                       data.get("to_grade"), _d(data["on"]), data["reason"], data["legal_basis"])]


def report_submitted(data: dict[str, Any]) -> list[Change]:
    return [RecordAnnualReport(data["uscc"], int(data["year"]), "resubmitted" if data.get("resubmission")
                               else "submitted", _d(data["submitted_on"]), _d(data["first_submitted_on"]),
                               _od(data.get("deadline")))]


def report_accepted(data: dict[str, Any]) -> list[Change]:
    return [RecordAnnualReport(data["uscc"], int(data["year"]), "accepted", _d(data["accepted_on"]),
                               _d(data["first_submitted_on"]), _od(data.get("deadline")), data.get("conclusion"))]


def report_returned(data: dict[str, Any]) -> list[Change]:
    return [RecordAnnualReport(data["uscc"], int(data["year"]), "returned", _d(data["returned_on"]),
                               _d(data["first_submitted_on"]))]


def report_overdue(data: dict[str, Any]) -> list[Change]:
    return [RecordAnnualReport(data["uscc"], int(data["year"]), "overdue", _d(data["detected_on"]),
                               _od(data.get("submitted_on")), _d(data["deadline"]))]


Projection = Callable[[dict[str, Any]], list[Change]]

PROJECTIONS: dict[str, Projection] = {
    "registry.organization.registered": organization_registered,
    "registry.organization.changed": organization_changed,
    "registry.organization.deregistered": organization_deregistered,
    "registry.organization.revoked": organization_revoked,
    "registry.organization.charity_recognized": charity_recognized,
    "registry.organization.fundraising_qualified": fundraising_qualified,
    "credit.status.changed": credit_status_changed,
    "credit.entry.added": credit_entry_added,
    "credit.entry.removed": credit_entry_removed,
    "credit.entry.escalated": credit_entry_escalated,
    "inspection.penalty.imposed": penalty_imposed,
    "inspection.draw.completed": draw_completed,
    "inspection.task.completed": task_completed,
    "registry.rating.awarded": rating_awarded,
    "registry.rating.expired": rating_expired,
    "registry.rating.downgraded": rating_downgraded,
    "registry.annual_report.submitted": report_submitted,
    "registry.annual_report.accepted": report_accepted,
    "registry.annual_report.returned": report_returned,
    "registry.annual_report.overdue": report_overdue,
}


def changes_document(change: Change) -> bool:
    """Whether a change shows in the organization's document (a draw only feeds statistics; the
    result of an inspection is published on the profile)."""
    return not isinstance(change, InspectionDrawn)


def project(event_type: str, data: dict[str, Any]) -> list[Change]:
    """The changes an event makes; an event type the read model does not use changes nothing."""
    projection = PROJECTIONS.get(event_type)
    return [] if projection is None else projection(data)
