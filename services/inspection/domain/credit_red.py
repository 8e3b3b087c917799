"""The red list (守信激励, R8.5.3): a configurable rule set, evaluated on every day a condition can
change. By default an organization is on it while it holds a valid grade of 3A or above, has had no
abnormal- or serious-list entry and no administrative penalty in the last 3 years, and has a good
filing record for each of the last 2 report years whose deadline has passed (R4.1): the report was
submitted by its deadline (R4.5) and - for the years before 年检改年报 (R4.4: the register's first
online-report year, `report_first_year`) - the annual inspection (年检) concluded 合格 (R4.3); from that
year on, an on-time report whose 年检 conclusion, where one is still given (R4.4: non-charity
foundations), is not 不合格. A year with no record (missing, or only filed late) fails the condition.
The facts are the registry.annual_report.submitted/accepted events ("filing" facts). The criteria are
[UNCONFIRMED] in the sources: every number is a setting.

Limitation: the engine does not hold registration dates, so a year an organization did not owe
(R4.2, registered late in the year) counts as missing; R9.2 (2 full years registered before a grade)
makes this rare for a 3A+ holder."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from services.inspection.domain.credit_policy import GRADES, RED, RULES_BY_CODE, CreditPolicy
from services.inspection.domain.rules import years_after


class _Entry(Protocol):
    list: str
    trigger: str
    included_on: date
    removed_on: date | None


class _Fact(Protocol):
    key: str
    on: date
    data: Mapping[str, Any]


@dataclass(frozen=True)
class _Award:
    rating_id: str
    grade: str
    awarded_on: date
    expires_on: date


class Filings:
    """An organization's filing record per report year: filing facts (registry.annual_report.submitted /
    accepted) and the deadlines the report facts carry (R4.1: one month-day per organization type)."""

    def __init__(self, filings: Sequence[_Fact], reports: Sequence[_Fact], first_year: int,
                 corrected: frozenset[int] = frozenset()) -> None:
        self.first_year = first_year
        self.corrected = corrected  # years whose lateness an upheld objection found wrong (R8.4.4)
        self.by_year: dict[int, list[_Fact]] = {}
        self.deadlines: dict[int, date] = {}
        for f in [*filings, *reports]:
            year, deadline = f.data.get("year"), f.data.get("deadline")
            if year is None or deadline is None:
                continue
            self.deadlines.setdefault(int(year), date.fromisoformat(str(deadline)))
        for f in filings:
            self.by_year.setdefault(int(f.data["year"]), []).append(f)
        self.month_day = (None if not self.deadlines else
                          (lambda d: (d.month, d.day))(self.deadlines[max(self.deadlines)]))

    def deadline(self, year: int) -> date | None:
        if year in self.deadlines:
            return self.deadlines[year]
        if self.month_day is None:
            return None
        month, day = self.month_day
        for d in (day, 30, 29, 28):
            try:
                return date(year + 1, month, d)
            except ValueError:
                continue
        return None

    def due_years(self, day: date, count: int) -> list[int]:
        """The last `count` report years whose deadline had passed by `day` (latest first)."""
        if self.month_day is None:
            return []
        year = day.year
        while (deadline := self.deadline(year)) is None or deadline >= day:
            year -= 1
        return list(range(year, year - count, -1))

    def good(self, year: int, day: date) -> bool:
        """R4.5 on time, and R4.3 合格 for a 年检 year (before 年检改年报) / not 不合格 after it."""
        known = [f for f in self.by_year.get(year, []) if f.on <= day]
        if year not in self.corrected and not any(f.data.get("late") is False for f in known):
            return False
        concluded = [f for f in known if f.data.get("event") == "accepted"]
        conclusion = max(concluded, key=lambda f: f.on).data.get("conclusion") if concluded else None
        return conclusion == "qualified" if year < self.first_year else conclusion != "unqualified"

    def change_days(self, start: date, until: date) -> list[date]:
        days = [f.on for fs in self.by_year.values() for f in fs]
        for year in range(start.year - 2, until.year + 1):
            deadline = self.deadline(year)
            if deadline is not None:
                days.append(deadline + timedelta(days=1))
        return days


class Grades:
    """An organization's evaluation grades from registry.rating.* facts (awarded, expired, downgraded)."""

    def __init__(self, facts: Sequence[_Fact]) -> None:
        self.awards: list[_Award] = []
        self.expired: dict[str, date] = {}
        self.downgrades: dict[str, list[tuple[date, str | None, bool]]] = {}
        for f in facts:
            rid, event = str(f.data.get("rating_id")), f.data.get("event")
            if event == "awarded":
                self.awards.append(_Award(rid, str(f.data["grade"]), f.on, date.fromisoformat(str(f.data["expires_on"]))))
            elif event == "expired":
                self.expired[rid] = min(f.on, self.expired.get(rid, f.on))
            elif event in ("downgraded", "restored"):  # restored: a voided penalty's downgrade given back
                self.downgrades.setdefault(rid, []).append((f.on, f.data.get("to_grade"), event == "restored"))

    def on(self, day: date) -> str | None:
        valid = [a for a in self.awards if a.awarded_on <= day < a.expires_on
                 and not (a.rating_id in self.expired and self.expired[a.rating_id] <= day)]
        if not valid:
            return None
        award = max(valid, key=lambda a: (a.awarded_on, a.rating_id))
        lowered = [d for d in self.downgrades.get(award.rating_id, []) if d[0] <= day]
        return max(lowered, key=_latest_change)[1] if lowered else award.grade

    def change_days(self) -> list[date]:
        return ([a.awarded_on for a in self.awards] + [a.expires_on for a in self.awards]
                + list(self.expired.values()) + [d[0] for ds in self.downgrades.values() for d in ds])


def _latest_change(change: tuple[date, str | None, bool]) -> tuple[date, bool, int]:
    """The grade change in force: the latest day; on one day a restoration after the downgrades, the lowest
    downgrade, the highest restoration (whatever order the facts came in)."""
    on, grade, restored = change
    rank = -1 if grade is None else GRADES.index(grade)
    return on, restored, rank if restored else -rank


def failing(day: date, grades: Grades, entries: Sequence[_Entry], penalties: Sequence[date], closed_on: date | None,
            policy: CreditPolicy, filings: Filings | None = None) -> str | None:
    """Why the organization is not on the red list on `day` (None: it is)."""
    if day < policy.engine_start:
        return "信用管理办法施行前"
    if closed_on is not None and day >= closed_on:
        return "组织已终止"
    grade = grades.on(day)
    if grade is None or GRADES.index(grade) < GRADES.index(policy.red_min_grade):
        return f"无有效的{policy.red_min_grade}以上评估等级"
    for e in entries:
        if e.list != RED and e.included_on <= day and (
                e.removed_on is None or years_after(e.removed_on, policy.red_clean_years) > day):
            return f"近{policy.red_clean_years}年内曾列入名录"
    if any(p <= day < years_after(p, policy.red_clean_years) for p in penalties):
        return f"近{policy.red_clean_years}年内受过行政处罚"
    if policy.red_report_years > 0:
        filings = filings or Filings((), (), policy.report_first_year)
        years = filings.due_years(day, policy.red_report_years)
        if not years:
            return "无年度工作报告（年检）记录"
        for year in years:
            if not filings.good(year, day):
                what = ("未按时参加年度检查或年检结论不是合格" if year < policy.report_first_year
                        else "年度工作报告未按时报送")
                return f"{year}年度{what}（近{policy.red_report_years}个已到期的报告年度）"
    return None


def filing_record(filings: Filings, day: date, policy: CreditPolicy) -> str:
    years = sorted(filings.due_years(day, policy.red_report_years))
    if not years:
        return ""
    parts = [f"{y}年度" + ("年检合格且按时报送" if y < policy.report_first_year else "年度工作报告按时报送") for y in years]
    return "；" + "、".join(parts)


def red_spells(uscc: str, entries: Sequence[Any], penalties: Sequence[date], ratings: Sequence[_Fact],
               closed_on: date | None, policy: CreditPolicy, until: date,
               filings: Filings | None = None) -> list[Any]:
    """The red-list entries up to `until`: one per spell of days on which no condition fails."""
    from services.inspection.domain.credit import Entry, entry_id

    grades = Grades(ratings)
    if not grades.awards:
        return []
    filings = filings or Filings((), (), policy.report_first_year)
    listed = [e for e in entries if e.list != RED]
    days = {policy.engine_start, *grades.change_days(), *penalties,
            *(years_after(p, policy.red_clean_years) for p in penalties)}
    if policy.red_report_years > 0:
        days.update(filings.change_days(policy.engine_start, until))
    for e in listed:
        days.add(e.included_on)
        if e.removed_on is not None:
            days.add(years_after(e.removed_on, policy.red_clean_years))
    if closed_on is not None:
        days.add(closed_on)
    rule, spells, current = RULES_BY_CODE["good_credit"], [], None
    for day in sorted(d for d in days if policy.engine_start <= d <= until):
        why = failing(day, grades, listed, penalties, closed_on, policy, filings)
        if why is None and current is None:
            key = f"red:{day.isoformat()}"
            current = Entry(entry_id(uscc, RED, key), uscc, RED, rule.code, key, rule.legal_basis,
                            f"有效评估等级{grades.on(day)}；近{policy.red_clean_years}年无列入名录和行政处罚"
                            f"{filing_record(filings, day, policy)}", None, day, "system",
                            policy_version=policy.version)
            spells.append(current)
        elif why is not None and current is not None:
            current.removed_on, current.removal_reason = day, why
            current.removal_basis, current.removed_by = rule.article, "system"
            current = None
    return spells
