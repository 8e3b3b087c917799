"""Dormancy (R2.4.3): organizations that missed their annual report N consecutive years. Plain Python.

Persistent failure to file is "不按照规定接受监督检查" (SHT art. 30(3), MFQ art. 25(3), JJH art. 42(5));
MCA revoked an organization for missing two consecutive 年检 (MFQ art. 25(3) + L27 art. 10), Fuzhou
revokes after 2+ years, Jinan after 3+: the number of years is a LOCAL setting
(SOCREG_REGISTRY_DORMANCY_MISSED_YEARS). The list only names candidates: revoking stays a registrar's
proposal that an approver approves (issue 12).

A year counts as missed on a date when its report was owed (R4.2, years the register sweeps, R4.4), its
deadline (R4.1) passed before that date and no report had been submitted by then. The run is the
consecutive missed years ending with the latest year due: a report filed since, even late, ends it.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from services.registry.domain.annual_report import ReportPolicy

RULE = "R2.4.3 [LOCAL]: 连续 N 年未报送年度工作报告（不按照规定接受监督检查）"
# the article a revocation for not filing rests on, by organization type (the registrar may edit it)
ARTICLES = {
    "social_group": "《社会团体登记管理条例》第三十条第一款第（三）项",
    "social_service": "《民办非企业单位登记管理暂行条例》第二十五条第（三）项、《民办非企业单位年度检查办法》第十条",
    "foundation": "《基金会管理条例》第四十二条第一款第（五）项",
}


def latest_due_year(org_type: str, on: date, policy: ReportPolicy) -> int:
    """The latest year whose report deadline lies before `on` (R4.1)."""
    previous = on.year - 1
    return previous if policy.deadline(org_type, previous) < on else previous - 1


def due_years(org_type: str, registered_on: date, on: date, policy: ReportPolicy) -> list[int]:
    """Every year whose report the organization owed and whose deadline passed before `on`, oldest first."""
    last = latest_due_year(org_type, on, policy)
    return [y for y in range(policy.first_year, last + 1) if policy.obliged(org_type, registered_on, y)]


def missed_run(due: list[int], submitted_on: Mapping[int, date | None], on: date) -> list[int]:
    """The consecutive years, ending with the latest due, with no report submitted by `on`; oldest first."""
    run: list[int] = []
    for year in reversed(due):
        first = submitted_on.get(year)
        if first is not None and first <= on:
            break
        run.append(year)
    return run[::-1]


def window(org_type: str, on: date, years: int, policy: ReportPolicy) -> tuple[int, int, date] | None:
    """The N latest due years (first, last) and the last registration date that owed the first of them
    (R4.2); None if the register does not sweep that far back (R4.4 first year)."""
    last = latest_due_year(org_type, on, policy)
    first = last - years + 1
    if first < policy.first_year:
        return None
    return first, last, policy.registered_by(org_type, first)


def legal_basis(org_type: str, years: list[int]) -> str:
    """A legal basis a revocation proposal may start from (the registrar edits it as the case needs)."""
    listed = "、".join(str(y) for y in years) if len(years) <= 4 else f"{years[0]}—{years[-1]}"
    return (f"{ARTICLES.get(org_type, ARTICLES['social_group'])}：连续 {len(years)} 年（{listed} 年度）"
            "未按照规定报送年度工作报告，不按照规定接受监督检查（R2.4.3）")
