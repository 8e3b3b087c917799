"""Reads shared by the organization's and the registrar's pages: the record, its history and its
reports (the JSON API's own read queries), and what a report page shows around the content."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request

from services.registry.adapters import report_views, views
from services.registry.domain import uscc as uscc_rules
from services.registry.domain.annual_report import CONCLUSIONS, Filer, FilingOrganization
from services.registry.entrypoints.api import personal_data
from services.registry.entrypoints.api.deps import Container
from services.registry.entrypoints.web import report_errors, report_form
from services.registry.entrypoints.web.pages import pages
from shared.errors import NotFound

YearPath = Annotated[int, Path(ge=1949, le=9999, description="the year the report covers")]


def load_record(c: Container, uscc: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The organization's record, its change history (newest first) and its reports by year, the
    legal representative's ID number and phone masked (pages never show them)."""
    code = uscc_rules.normalize(uscc)
    with c.db.read_session() as session:
        record = views.organization_record(session, code)
        if record is None:
            raise NotFound(f"no organization with USCC {uscc}")
        history = views.organization_history(session, code)
        items = report_views.annual_reports_of(session, code, record["type"], record["registered_on"],
                                               c.report_policy, c.clock.today())
    # pages show the legal representative's name only: ID numbers and phones stay masked, even in the history
    return (personal_data.masked_record(record), personal_data.masked_history(list(reversed(history))),
            [{**_NOT_FILED, **item} for item in items])


# what a year without a saved report shows (the API's list leaves these out)
_NOT_FILED: dict[str, Any] = {"first_submitted_on": None, "submitted_at": None, "submitted_by": None,
                              "reviewed_at": None, "reviewed_by": None, "conclusion": None, "return_reasons": [],
                              "submissions": 0, "returns": 0, "locked": False, "content": None, "findings": [],
                              "transitions": []}


def load_report(c: Container, uscc: str, year: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record and the report on `year` (state not_filed where none is saved yet)."""
    record, _, items = load_record(c, uscc)
    report = next((i for i in items if i["year"] == year), None)
    if report is None:
        raise NotFound(f"{record['uscc']} has no annual report on {year} to file or show")
    return record, report


def audit_required(c: Container, record: dict[str, Any], year: int) -> bool:
    """R5.1: foundations and public-fundraising charities file an audit report with the year's report."""
    return c.report_policy.audit_required(Filer.of(_filing(record), year))


def _filing(record: dict[str, Any]) -> FilingOrganization:
    return FilingOrganization(record["uscc"], record["type"], record["status"], record["registered_on"],
                              record["charity"], record["charity_since"], record["fundraising_qualified_on"],
                              record["foundation_kind"])


def report_page_context(request: Request, c: Container, record: dict[str, Any],
                        report: dict[str, Any]) -> dict[str, Any]:
    def t(key: str, **params: Any) -> str:
        return pages.t(request, key, **params)

    return {"record": record, "report": report, "layout": report_form.LAYOUT, "groups": report_form.GROUP_BY_PATH,
            "kinds": report_form.SCALARS, "choices": report_form.choices,
            "audit_required": audit_required(c, record, report["year"]),
            "required": report_form.required_fields(audit_required(c, record, report["year"])),
            "findings": report_errors.findings(t, report.get("findings") or []),
            "conclusions": CONCLUSIONS, "transitions": list(reversed(report.get("transitions") or []))}

