"""The demo register's history (issue 3): annual reports 2020-2025, the last two annual inspections
(年检) before 年检改年报 (2018 and 2019) and evaluation ratings 2011-2025.

Synthetic and deterministic (a seed). Reports: most organizations file on time and are accepted;
a realistic share files late (a little after the deadline, or - those who missed the filing season -
1-9 months after it), is returned (and mostly corrects and resubmits); very few never file, mostly
dormant organizations (僵尸型), which the registrar ends after their second missed year in a row
(R2.4.3: deregistered after liquidating, or revoked - generate_history's closures, applied by
entrypoints.demo.load_history through the registry's handlers on their days). The same organizations
tend to be the careless ones, and filing improves year by year. The 2025 reports are partly still
under review, and partly not yet filed. Ratings: the share of city-level organizations holding a
valid 3A+ grade at the end of each year follows TARGET_3A (about 19% at the end of 2020, rising to
25% by 2025: the city plan's baseline and goal); grades last 5 years, organizations re-apply after
expiry, and each award passes the registry's own rules (eligibility, exclusions).

The 2018 and 2019 年检 (R4.3/R4.4: before the online annual report every organization's inspection
ended in a conclusion, 合格 / 基本合格 / 不合格) come from a random sequence of their own, after the
rest, so the 2020-2025 reports and the ratings are what they were: on paper, with a deadline widely
missed (about a quarter filed after 31 May / 31 March, about one in ten not at all), and conclusions
about 2/3 合格. An organization rated in 2019 or 2020 passed the R9.3 exclusions on its last 年检
(filed by the award day, 合格). They are imported like the later reports (the registry's bulk import,
which announces registry.annual_report.accepted with the conclusion); with the credit engine's red-list
rule (R8.5.3: a valid 3A+ grade, a clean record, and a good filing record for the last 2 years due)
they give the plan's 2020 baseline of 166 organizations on the 红名单 (tests/inspection/credit/
test_demo_baseline.py).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from services.registry.domain import rating as rating_rules
from services.registry.domain.annual_report import ReportPolicy
from services.registry.domain.report_commands import AwardRating, ImportedReport
from shared.clock import CHINA

REPORT_YEARS = range(2020, 2026)
RATING_YEARS = range(2011, 2026)  # L39 in force 2011-03-01
# share of city-level organizations with a valid 3A+ grade at the end of each year (R9.9)
TARGET_3A = {2011: 0.03, 2012: 0.06, 2013: 0.085, 2014: 0.11, 2015: 0.13, 2016: 0.145, 2017: 0.16, 2018: 0.17,
             2019: 0.18, 2020: 0.19, 2021: 0.202, 2022: 0.214, 2023: 0.226, 2024: 0.238, 2025: 0.25}
DISTRICT_SHARE = 0.4  # district-level organizations are rated less often
MISSING = {2020: 0.08, 2021: 0.07, 2022: 0.065, 2023: 0.06, 2024: 0.055, 2025: 0.05}
# the 年检 before 年检改年报 (R4.4): share not filed, share of filings after the deadline, and the
# conclusions (R4.3) - careless organizations miss and are late more often
INSPECTION_YEARS = (2018, 2019)
INSPECTION_MISSING = {2018: 0.11, 2019: 0.09}
INSPECTION_LATE = {2018: 0.27, 2019: 0.24}
INSPECTION_QUALIFIED = 0.635  # 合格; then 基本合格 up to INSPECTION_BASIC, the rest 不合格
INSPECTION_BASIC = 0.93
REVIEWER = "demo-registrar"
# a report that missed its deadline: the share filed late after all (the rest never: R4.5, it stays on the
# 活动异常名录), and how many days after the deadline (triangular: low, high, mode - 1 to 9 months)
LATE_FILED = 0.985
LATE_DAYS = (30, 270, 90)
# dormant organizations (僵尸型): the share that stops reporting at some point of 2020-2024 (careless ones
# more often); after the second missed deadline in a row (R2.4.3) the registrar urges them to deregister -
# DEREGISTERED do, DEREGISTER_DAYS after it - and revokes the others REVOKE_DAYS after it (the notice and
# the hearing first)
DORMANT = 0.04
DEREGISTERED = 0.8
DEREGISTER_DAYS = (75, 330, 150)
REVOKE_DAYS = (150, 400, 240)
# R2.4.2/R2.4.3: missing the report 2 years running is 不按照规定接受监督检查 (SHT art. 30; MFQ art. 25(3))
REVOCATION_BASIS = {
    "social_group": "《社会团体登记管理条例》第三十条第一款第（三）项：连续两年未按规定报送年度工作报告（不按照规定接受监督检查）",
    "social_service": "《民办非企业单位登记管理暂行条例》第二十五条第一款第（三）项：连续两年未按规定报送年度工作报告（不按照规定接受监督检查）",
}


@dataclass(frozen=True)
class DemoOrg:
    uscc: str
    type: str
    category: str
    level: str
    district: str
    registered_on: date
    registered_funds: Decimal
    charity: bool
    foundation_kind: str | None


def generate(orgs: list[DemoOrg], policy: ReportPolicy, today: date, seed: int = 2020
             ) -> tuple[list[ImportedReport], list[AwardRating]]:
    reports, awards, _ = generate_history(orgs, policy, today, seed)
    return reports, awards


def generate_history(orgs: list[DemoOrg], policy: ReportPolicy, today: date, seed: int = 2020
                     ) -> tuple[list[ImportedReport], list[AwardRating], list[Closure]]:
    """The reports, the awards and the registrar's closures of dormant organizations (dated, up to today).

    The main sequence decides, as it always did, who files by the deadline (or a little after) and who
    misses it, and the ratings are drawn on that filing season's record (an organization that filed months
    late was not among that year's applicants). Then, from sequences of each organization's own (so the
    ratings, the 2018/2019 年检 and the 2020 baseline stay exactly what they were): a missed report is filed
    late after all (LATE_FILED, 1-9 months after the deadline, through the same import, so the events carry
    the real dates) or never; and a few organizations go dormant (僵尸型, DORMANT) - they file nothing from
    a year on, and after their second missed deadline in a row the registrar ends them (closures)."""
    rng = random.Random(seed)
    careless = {o.uscc for o in orgs if rng.random() < 0.18}
    season = {o.uscc: _season(rng, o, policy, today, o.uscc in careless) for o in orgs}
    filed = {(o.uscc, s.year): s.report or s.draft for o in orgs for s in season[o.uscc][1]
             if (s.report or s.draft) is not None}
    awards = _ratings(rng, orgs, filed, policy, today)  # type: ignore[arg-type]
    inspections = _inspections(random.Random(f"{seed}-annual-inspection"), orgs, careless, awards, policy, today)
    rated_in = {}  # type: ignore[var-annotated]
    for award in awards:
        rated_in[award.uscc] = max(award.awarded_on.year, rated_in.get(award.uscc, 0))
    reports, ended = [], []
    for org in orgs:
        dormant = _dormancy(org, org.uscc in careless, policy, seed, rated_in.get(org.uscc, 0))
        static, years = season[org.uscc]
        for one in years:
            if dormant is not None and one.year >= dormant.first_missed:
                continue  # it files nothing any more
            report = one.report
            if one.missed:
                own = random.Random(f"{seed}-late-{org.uscc}-{one.year}")
                if own.random() < LATE_FILED:
                    day = policy.deadline(org.type, one.year) + timedelta(days=round(own.triangular(*LATE_DAYS)))
                    report = _filing(own, org, one.year, day, today, org.uscc in careless, static)
            if report is not None or one.draft is not None:
                reports.append(report or one.draft)  # type: ignore[arg-type]
        if dormant is not None and (closure := _closure(org, dormant, seed)).on < today:
            ended.append(closure)
    return reports + inspections, awards, _numbered(ended)


# --- annual inspections before 年检改年报 (2018, 2019) ---------------------------------------------------------------


def _inspections(rng: random.Random, orgs: list[DemoOrg], careless: set[str], awards: list[AwardRating],
                 policy: ReportPolicy, today: date) -> list[ImportedReport]:
    """The last two 年检 before the online report (R4.3, R4.4); each organization that owed one (R4.1,
    R4.2) filed it on time, late or not at all, and the registrar concluded 合格, 基本合格 or 不合格.
    An award decided after the deadline of one of them required it filed by then and 合格 (R9.3)."""
    types, rated_after = {o.uscc: o.type for o in orgs}, {}  # type: ignore[var-annotated]
    for a in awards:
        previous = a.awarded_on.year - 1
        due = previous if policy.deadline(types[a.uscc], previous) < a.awarded_on else previous - 1
        if due in INSPECTION_YEARS:
            key = (a.uscc, due)
            rated_after[key] = min(a.awarded_on, rated_after.get(key, a.awarded_on))
    out = []
    for org in orgs:
        for year in INSPECTION_YEARS:
            deadline = policy.deadline(org.type, year)
            if org.registered_on > policy.registered_by(org.type, year) or deadline >= today:
                continue
            report = _inspection(rng, org, year, deadline, org.uscc in careless, rated_after.get((org.uscc, year)))
            if report is not None:
                out.append(report)
    return out


def _inspection(rng: random.Random, org: DemoOrg, year: int, deadline: date, careless: bool,
                rated_on: date | None) -> ImportedReport | None:
    missing, late, conclusion = rng.random(), rng.random(), rng.random()
    if rated_on is None and missing < INSPECTION_MISSING[year] * (2.4 if careless else 0.7):
        return None
    opened = date(year + 1, 1, 10)
    is_late = late < INSPECTION_LATE[year] * (1.6 if careless else 0.85)
    if is_late:
        day = deadline + timedelta(days=1 + _below(rng, 75))
    else:
        day = opened + timedelta(days=_below(rng, (deadline - opened).days + 1))
    if rated_on is not None:  # R9.3: filed by the award day and 合格
        if day >= rated_on:
            day = min(deadline, rated_on - timedelta(days=1))
        verdict = "qualified"
    else:
        verdict = ("qualified" if conclusion < INSPECTION_QUALIFIED else
                   "basically_qualified" if conclusion < INSPECTION_BASIC else "unqualified")
    submitted = _at(day, rng)
    reviewed = submitted + timedelta(days=3 + _below(rng, 20))
    if rated_on is not None and reviewed.date() >= rated_on:
        reviewed = submitted + timedelta(hours=2)
    return ImportedReport(org.uscc, year, _content(rng, org, year), _user(org),
                          submitted - timedelta(days=1 + _below(rng, 10)), submitted_at=submitted,
                          accepted_at=reviewed, conclusion=verdict, reviewer=REVIEWER)


# --- annual reports -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Year:
    year: int
    report: ImportedReport | None  # filed by the deadline or a little after
    draft: ImportedReport | None  # a missed report's draft, started and left
    missed: bool


def _season(rng: random.Random, org: DemoOrg, policy: ReportPolicy, today: date,
            careless: bool) -> tuple[dict[str, Any], list[_Year]]:
    """Each report year's filing season on the main sequence: filed (mostly on time) or missed."""
    out, static = [], _static(rng, org)
    for year in REPORT_YEARS:
        if not policy.obliged(org.type, org.registered_on, year) or policy.deadline(org.type, year) >= today:
            continue
        miss = MISSING[year] * (3.2 if careless else 0.45)
        if rng.random() < miss:
            draft = None
            if rng.random() < 0.2:  # a draft started and left
                draft = ImportedReport(org.uscc, year, _content(rng, org, year, partial=True), _user(org),
                                       _at(date(year + 1, 3, 1) + timedelta(days=_below(rng, 60)), rng))
            out.append(_Year(year, None, draft, True))
            continue
        out.append(_Year(year, _filed(rng, org, year, policy.deadline(org.type, year), today, careless, static),
                         None, False))
    return static, out


def _filed(rng: random.Random, org: DemoOrg, year: int, deadline: date, today: date, careless: bool,
           static: dict[str, Any]) -> ImportedReport | None:
    late = rng.random() < (0.22 if careless else 0.04)
    opened = deadline - timedelta(days=100)
    day = deadline + timedelta(days=1 + _below(rng, 60)) if late else opened + timedelta(days=_below(rng, 100))
    return _filing(rng, org, year, day, today, careless, static)


def _filing(rng: random.Random, org: DemoOrg, year: int, day: date, today: date, careless: bool,
            static: dict[str, Any]) -> ImportedReport | None:
    """A report submitted on `day`, maybe returned (and mostly corrected), then reviewed; None if `day`
    lies ahead (a late filer that has not filed yet)."""
    now = datetime(today.year, today.month, today.day, tzinfo=CHINA)  # nothing of the history lies ahead

    def past(at: datetime | None) -> datetime | None:
        return at if at is not None and at < now else None

    submitted = past(_at(day, rng))
    if submitted is None:
        return None
    returned_at = resubmitted = None
    reasons: tuple[str, ...] = ()
    if rng.random() < (0.16 if careless else 0.05):
        returned_at = past(_at(day + timedelta(days=5 + _below(rng, 30)), rng))
        reasons = (rng.choice(RETURN_REASONS),) if returned_at else ()
        if returned_at is not None and rng.random() < 0.8:
            resubmitted = past(returned_at + timedelta(days=4 + _below(rng, 20), hours=_below(rng, 5)))
    pending = year == max(REPORT_YEARS) and rng.random() < 0.08
    reviewed = None
    if (returned_at is None or resubmitted is not None) and not pending:
        reviewed = past((resubmitted or submitted) + timedelta(days=5 + _below(rng, 40)))
    conclusion = _conclusion(rng, org) if reviewed is not None else None
    return ImportedReport(org.uscc, year, _content(rng, org, year, static), _user(org),
                          submitted - timedelta(days=1 + _below(rng, 20)), submitted_at=submitted,
                          returned_at=returned_at, return_reasons=reasons, resubmitted_at=resubmitted,
                          accepted_at=reviewed, conclusion=conclusion, reviewer=REVIEWER)


# --- dormant organizations (僵尸型社会组织): 注销 or 撤销登记 ------------------------------------------------------


@dataclass(frozen=True)
class Dormancy:
    uscc: str
    first_missed: int  # the first report year it never filed; it files nothing after
    second_deadline: date  # the deadline of the second year missed in a row (R2.4.3: 2 consecutive years)


@dataclass(frozen=True)
class Closure:
    """How the registrar ends a dormant organization after its second missed report (R2.4.3): urged to
    wind up, it liquidates and is deregistered (注销, R2.3.1), or it does not and is revoked (撤销登记,
    R2.4.2/R2.4.3: 不按照规定接受监督检查)."""

    uscc: str
    kind: str  # "deregister" | "revoke"
    on: date  # the deregistration day (the registry dates it by its clock) or the revocation's effective day
    legal_basis: str = ""
    decision_number: str | None = None
    liquidation_completed_on: date | None = None
    liquidation_report: str = ""


def _dormancy(org: DemoOrg, careless: bool, policy: ReportPolicy, seed: int, last_rated: int) -> Dormancy | None:
    """Whether (on a sequence of its own) the organization goes dormant, and from which report year; not an
    organization rated after that year (its grade was decided on the reports it then filed). Foundations do
    not here (the handbook gives their revocation ground no article: R2.4.2 covers 社团 and 民非)."""
    if org.type not in REVOCATION_BASIS:
        return None
    rng = random.Random(f"{seed}-dormant-{org.uscc}")
    if rng.random() >= DORMANT * (2.5 if careless else 0.65):
        return None
    owed = [y for y in REPORT_YEARS if policy.obliged(org.type, org.registered_on, y)]
    if len(owed) < 2:
        return None
    first = rng.choice(owed[:-1])
    if last_rated > first:
        return None
    return Dormancy(org.uscc, first, policy.deadline(org.type, first + 1))


def _closure(org: DemoOrg, dormant: Dormancy, seed: int) -> Closure:
    """After the second missed deadline the registrar urges the organization to wind up: most liquidate and
    are deregistered (R2.3.1: within 15 days of the liquidation); the rest are revoked after the notice."""
    own = random.Random(f"{seed}-closure-{org.uscc}")
    if own.random() < DEREGISTERED:
        on = dormant.second_deadline + timedelta(days=round(own.triangular(*DEREGISTER_DAYS)))
        completed = on - timedelta(days=3 + _below(own, 12))
        return Closure(org.uscc, "deregister", on, liquidation_completed_on=completed,
                       liquidation_report=f"清算报告（演示）：连续两年未报送年度工作报告，经登记管理机关督促，"
                                          f"理事会决议终止，于{completed.isoformat()}完成清算")
    on = dormant.second_deadline + timedelta(days=round(own.triangular(*REVOKE_DAYS)))
    return Closure(org.uscc, "revoke", on, legal_basis=REVOCATION_BASIS[org.type])


def _numbered(ended: list[Closure]) -> list[Closure]:
    """In date order; each revocation with its decision number (厦民撤字〔year〕第n号)."""
    out, numbers = [], {}  # type: ignore[var-annotated]
    for c in sorted(ended, key=lambda c: (c.on, c.uscc)):
        if c.kind == "revoke":
            numbers[c.on.year] = numbers.get(c.on.year, 0) + 1
            c = Closure(c.uscc, c.kind, c.on, c.legal_basis, f"厦民撤字〔{c.on.year}〕第{numbers[c.on.year]}号（演示）")
        out.append(c)
    return out


RETURN_REASONS = ("财务报表收支合计与明细不符，请核对后重新报送", "未附业务主管单位审查意见", "活动情况填写过于简略，请补充开展的主要活动",
                  "审计报告编号与附件不一致", "登记事项变更未说明，请补充")


def _conclusion(rng: random.Random, org: DemoOrg) -> str | None:
    """R4.4 (Fujian practice): foundations that are not charities still get a 年检 conclusion."""
    if org.type != "foundation" or org.charity:
        return None
    draw = rng.random()
    return "qualified" if draw < 0.86 else "basically_qualified" if draw < 0.98 else "unqualified"


def _user(org: DemoOrg) -> str:
    return f"org-{org.uscc[-6:]}"


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 9 + _below(rng, 9), _below(rng, 60), tzinfo=CHINA)


SCALE = {"social_group": 320_000, "social_service": 1_400_000, "foundation": 2_600_000}
SPLIT = {"social_group": (0.15, 0.15, 0.25, 0.35, 0.03), "social_service": (0.04, 0.14, 0.78, 0.0, 0.01),
         "foundation": (0.80, 0.04, 0.0, 0.0, 0.12)}  # donations, grants, services, dues, investment; rest other
ACTIVITIES = {
    "industry_association": ("行业年会", "行业标准宣贯", "会员企业培训", "行业发展调研"),
    "science_technology": ("学术年会", "科普进社区", "青年科技论坛", "专题研讨会"),
    "charity": ("助学金发放", "困难家庭帮扶", "敬老助残慰问", "应急救助"),
    "community_service": ("社区居家养老服务", "四点半课堂", "邻里文化节", "社区志愿服务"),
    "other": ("年度会员大会", "专题培训", "交流考察", "公益讲座"),
}


def _below(rng: random.Random, n: int) -> int:
    """A uniform integer in [0, n) (random.randrange is several times slower; the demo draws a million)."""
    return int(rng.random() * n)


def _y(value: float) -> str:
    return f"{round(value):d}.00"


def _static(rng: random.Random, org: DemoOrg) -> dict[str, Any]:
    """The parts of an organization's report that change little from year to year."""
    names = ACTIVITIES[org.category]
    party: dict[str, Any] = {"established": rng.random() < 0.6}
    if party["established"]:
        party.update(form="branch", members=3 + int(rng.random() * 27))
    return {"registration": {"confirmed": True, "changes": []},
            "activities": [{"name": name, "beneficiaries": 20 + int(rng.random() * 3000)}
                           for name in names[:1 + int(rng.random() * len(names))]],
            "staff": {"full_time": 1 + int(rng.random() * (39 if org.type == "social_service" else 11)),
                      "part_time": int(rng.random() * 6), "volunteers": int(rng.random() * 200)},
            "party": party, "major_events": {"changes": [], "penalties": [], "litigation": []}}


def _content(rng: random.Random, org: DemoOrg, year: int, static: dict[str, Any] | None = None, *,
             partial: bool = False) -> dict[str, Any]:
    r = rng.random
    growth = 1.06 ** (year - 2020)
    income_total = round(SCALE[org.type] * growth * rng.lognormvariate(0, 0.6))
    sources = [round(income_total * share * (0.7 + 0.6 * r())) for share in SPLIT[org.type]]
    while sum(sources) > income_total:
        sources = [x * 9 // 10 for x in sources]
    income = dict(zip(("donations", "government_grants", "services", "membership_dues", "investment"), sources))
    income["other"] = income_total - sum(sources)
    if partial:
        return {"registration": {"confirmed": True}, "finances": {"income": {k: _y(v) for k, v in income.items()}}}
    total = round(income_total * (0.82 + 0.22 * r()))
    management = round(total * (0.06 + 0.13 * r()))
    fundraising = round(total * 0.03 * r()) if org.charity or org.type == "foundation" else 0
    business = round(total * (0.72 + 0.14 * r()))
    other = total - management - fundraising - business
    if other < 0:
        business, other = business + other, 0
    expenses = {"business_activities": _y(business), "management": _y(management), "fundraising": _y(fundraising),
                "other": _y(other), "total": _y(total)}
    if org.charity or org.type == "foundation":
        expenses["charitable_activities"] = _y(business * (0.85 + 0.15 * r()))
    if org.type == "foundation":
        expenses["staff_and_office"] = _y(total * (0.04 + 0.07 * r()))
    assets = round(float(org.registered_funds) * (0.9 + 1.7 * r()) * growth)
    restricted = round(assets * 0.4 * r())
    content = {**(static or _static(rng, org)), "finances": {
        "standard": "民间非营利组织会计制度", "income": {**{k: _y(v) for k, v in income.items()}, "total": _y(income_total)},
        "expenses": expenses, "net_assets": {"restricted": _y(restricted), "unrestricted": _y(assets - restricted),
                                             "total": _y(assets)}}}
    if org.type == "foundation":
        content["audit"] = {"firm": "厦门鹭江会计师事务所（演示）", "report_number": f"厦鹭审字〔{year + 1}〕第{1 + int(r() * 998):03d}号",
                            "opinion": "unqualified", "issued_on": f"{year + 1}-02-2{int(r() * 8)}"}
    return content


# --- ratings ------------------------------------------------------------------------------------------------------


def _ratings(rng: random.Random, orgs: list[DemoOrg], filed: dict[tuple[str, int], ImportedReport],
             policy: ReportPolicy, today: date) -> list[AwardRating]:
    awards: list[AwardRating] = []
    held: dict[str, tuple[date, date, bool]] = {}  # uscc -> (awarded_on, expires_on, 3A or above)
    for level, share in (("city", 1.0), ("district", DISTRICT_SHARE)):
        members = [o for o in orgs if o.level == level]
        for year in RATING_YEARS:
            year_end = date(year, 12, 31)
            if year_end >= today:
                break
            counted = [o for o in members if o.registered_on <= year_end]
            valid = sum(1 for o in counted if _valid_high(held.get(o.uscc), year_end))
            need = round(TARGET_3A[year] * share * len(counted)) - valid
            awards += _award_year(rng, counted, year, max(need, 0), held, filed, policy)
    return awards


def _valid_high(holding: tuple[date, date, bool] | None, on: date) -> bool:
    return holding is not None and holding[2] and holding[0] <= on < holding[1]


def _award_year(rng: random.Random, orgs: list[DemoOrg], year: int, need: int, held: dict[str, tuple[date, date, bool]],
                filed: dict[tuple[str, int], ImportedReport], policy: ReportPolicy) -> list[AwardRating]:
    candidates = []
    for org in orgs:
        on = _award_day(rng, org, year, held.get(org.uscc))
        if on is not None and _clean_record(org, on, filed, policy):
            renewal = org.uscc in held
            candidates.append((0 if renewal and rng.random() < 0.75 else 1, rng.random(), org, on))
    candidates.sort(key=lambda c: (c[0], c[1]))
    out = []
    lower = round(need * 0.35)
    for _, _, org, on in candidates[:need + lower]:
        high = len(out) < need
        grade = (rng.choices(("3A", "4A", "5A"), (60, 30, 10))[0] if high else rng.choice(("1A", "2A")))
        score = _score(rng, grade)
        expires = rating_rules.years_after(on, 5)
        held[org.uscc] = (on, expires, high)
        body = "厦门市社会组织评估委员会" if org.level == "city" else "区社会组织评估委员会"
        out.append(AwardRating(org.uscc, grade, score, on, body, "demo-registrar"))
    return out


def _award_day(rng: random.Random, org: DemoOrg, year: int, holding: tuple[date, date, bool] | None) -> date | None:
    """A day of `year` the organization may be rated (R9.2): 2 full years registered and never rated,
    or its previous grade expired; evaluations are decided in the second half of the year."""
    start = date(year, 6, 1)
    if holding is None:
        if rating_rules.full_years(org.registered_on, start) < 2:
            return None
    else:
        start = max(start, holding[1] + timedelta(days=1))
    end = date(year, 12, 20)
    if start > end:
        return None
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _clean_record(org: DemoOrg, on: date, filed: dict[tuple[str, int], ImportedReport], policy: ReportPolicy) -> bool:
    """R9.3: the last report due was submitted by the award day, is not returned, did not fail."""
    previous = on.year - 1
    due = previous if policy.deadline(org.type, previous) < on else previous - 1
    if not policy.obliged(org.type, org.registered_on, due):
        return True
    report = filed.get((org.uscc, due))
    if report is None or report.submitted_at is None or report.submitted_at.astimezone(CHINA).date() > on:
        return False
    corrected = report.resubmitted_at is not None and report.resubmitted_at.astimezone(CHINA).date() <= on
    if report.returned_at is not None and not corrected:
        return False
    return report.conclusion not in ("unqualified", "basically_qualified")


BANDS = {"1A": (51, 60), "2A": (61, 70), "3A": (71, 80), "4A": (81, 90), "5A": (91, 100)}  # R9.8 (Shenzhen, 100 pts)


def _score(rng: random.Random, grade: str) -> Decimal:
    low, high = BANDS[grade]
    return Decimal(rng.randrange(low * 10, high * 10 + 1)) / 10
