"""Annual-report rules, pure (no I/O): deadlines (R4.1), the new-organization exemption (R4.2), what a
submitted report must contain (R4.1, R5.1, R5.3), the workflow (R4), and the regulatory findings of
R10.3 (CSF23 art. 61; N189 arts 8-11; JJH art. 29). Each test names the article it encodes."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal as D
from typing import Any

import pytest

from services.registry.domain import regulatory, report_content
from services.registry.domain.annual_report import AnnualReport, Filer, ReportPolicy, check_can_file, is_late
from services.registry.domain.model import Organization
from services.registry.domain.regulatory import PriorYear, RegulatoryPolicy, Subject
from shared.errors import InvalidInput, RuleViolation
from tests.registry.reports.support import report_body

AT = datetime(2026, 4, 1, 2, tzinfo=timezone.utc)
POLICY = ReportPolicy()


def org(**extra: Any) -> Organization:
    base: dict[str, Any] = dict(
        uscc="51350200MJ0000018X", name="厦门市测试协会", type="social_group", category="industry_association",
        level="city", district="350200", domicile="厦门", lr_name="张三", lr_id_number="x", lr_phone="1",
        registered_funds=D(50000), business_scope="x", established_on=date(2018, 1, 1),
        registered_on=date(2018, 1, 1))
    return Organization(**{**base, **extra})


# --- R4.1 deadlines, R4.2 exemption, year bounds -----------------------------------------------------------


def test_deadlines_by_type__R4_1_JJH_art_36_SHT_art_28_MFQ_art_23() -> None:
    assert POLICY.deadline("foundation", 2025) == date(2026, 3, 31)  # JJH art. 36
    assert POLICY.deadline("social_group", 2025) == date(2026, 5, 31)  # SHT art. 28
    assert POLICY.deadline("social_service", 2025) == date(2026, 5, 31)  # MFQ art. 23
    local = ReportPolicy(deadline_foundation=(5, 31), deadline_other=(2, 29))  # settings; 29 Feb clamps
    assert local.deadline("foundation", 2025) == date(2026, 5, 31)
    assert local.deadline("social_group", 2026) == date(2027, 2, 28)
    assert local.deadline("social_group", 2027) == date(2028, 2, 29)


def test_new_organizations_are_exempt__R4_2_L27_art_3() -> None:
    """L27 art. 3: a 民非 registered less than 6 months before 31 December skips that year; the local
    cut-offs (LOCAL, settings) keep social groups at 30 June and foundations at 31 December."""
    assert POLICY.obliged("social_service", date(2025, 6, 30), 2025)
    assert not POLICY.obliged("social_service", date(2025, 7, 1), 2025)
    assert POLICY.obliged("social_service", date(2025, 7, 1), 2026)
    assert not POLICY.obliged("social_group", date(2025, 12, 1), 2025)
    assert POLICY.obliged("foundation", date(2025, 12, 31), 2025)
    assert not POLICY.obliged("foundation", date(2026, 1, 1), 2025)
    assert not POLICY.obliged("social_group", date(2010, 1, 1), 2019)  # before the register holds reports (R4.4)
    twelve = ReportPolicy(exempt_months=(("social_group", 12),))
    assert twelve.registered_by("social_group", 2025) == date(2024, 12, 31)


def test_a_report_covers_a_completed_year_since_registration_by_an_active_organization__R4_1_R2_3() -> None:
    check_can_file(org(), 2025, date(2026, 6, 1))
    check_can_file(org(registered_on=date(2025, 12, 31)), 2025, date(2026, 1, 1))
    for year, today in ((2017, date(2026, 6, 1)), (2026, date(2026, 6, 1)), (2030, date(2026, 6, 1))):
        with pytest.raises(InvalidInput) as caught:
            check_can_file(org(), year, today)
        assert caught.value.errors[0].field == "year" and "R4.1" in (caught.value.rule or "")
    for status in ("deregistered", "revoked"):
        with pytest.raises(RuleViolation, match=status) as closed:
            check_can_file(org(status=status), 2025, date(2026, 6, 1))
        assert "R2.3/R2.4" in (closed.value.rule or "")


# --- content: what a submission must hold (R4.1, R5.1, R5.3) ---------------------------------------------------


def filer(**extra: Any) -> Filer:
    base: dict[str, Any] = dict(uscc="x", type="social_group", charity=False, public_fundraising=False,
                                foundation_kind=None, charity_since=None)
    return Filer(**{**base, **extra})


def failing_fields(content: dict[str, Any], who: Filer | None = None, audit: bool = False) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        report_content.check_complete(content, who or filer(), audit)
    return {e.field: e.rule or "" for e in caught.value.errors}


def test_a_complete_report_passes_and_an_empty_one_lists_every_part__R4_1_content() -> None:
    report_content.check_complete(report_body(), filer(), False)
    assert set(failing_fields({})) == {"registration.confirmed", "finances", "staff", "major_events", "activities",
                                       "party.established"}


def test_sums_must_add_up__R5_3_accounting_standard() -> None:
    body = report_body()
    body["finances"]["income"]["total"] = "1.00"
    body["finances"]["expenses"]["total"] = "1.00"
    body["finances"]["net_assets"]["total"] = "1.00"
    got = failing_fields(body)
    assert set(got) == {"finances.income.total", "finances.expenses.total", "finances.net_assets.total"}
    assert all("民间非营利组织会计制度" in rule for rule in got.values())
    missing = report_body()
    del missing["finances"]["income"]["donations"], missing["finances"]["expenses"]["management"]
    assert {"finances.income.donations", "finances.expenses.management"} <= set(failing_fields(missing))


def test_charities_and_foundations_give_the_figures_their_ratios_read__R10_3_JJH_art_29() -> None:
    assert "finances.expenses.charitable_activities" in failing_fields(report_body(), filer(charity=True))
    got = failing_fields(report_body(), filer(type="foundation", foundation_kind="public"))
    assert {"finances.expenses.charitable_activities", "finances.expenses.staff_and_office"} <= set(got)
    assert "finances.expenses.charitable_activities" in failing_fields(report_body(charitable=600_001),
                                                                       filer(charity=True))
    report_content.check_complete(report_body(charitable=600_000), filer(charity=True), False)


def test_audit_report_required_for_foundations_and_public_fundraising_charities__R5_1_JJH_art_36_CSF23_art_78() -> None:
    founder = Filer("x", "foundation", False, False, "public", None)
    fundraiser = Filer("x", "social_group", True, True, None, date(2020, 1, 1))
    assert POLICY.audit_required(founder) and POLICY.audit_required(fundraiser)
    assert not POLICY.audit_required(filer()) and not POLICY.audit_required(filer(charity=True))
    assert not ReportPolicy(audit_foundations=False).audit_required(founder)  # R5.2 LOCAL: a setting
    got = failing_fields(report_body(charitable=500_000), fundraiser, audit=True)
    assert set(got) == {"audit"} and "JJH art. 36" in got["audit"]
    partial = report_body(charitable=500_000, audit=True)
    del partial["audit"]["report_number"]
    assert set(failing_fields(partial, fundraiser, audit=True)) == {"audit.report_number"}


def test_registration_items_confirmed_or_changes_listed__R4_1_SHT_art_28() -> None:
    unconfirmed = report_body()
    unconfirmed["registration"] = {"confirmed": False, "changes": []}
    assert set(failing_fields(unconfirmed)) == {"registration.changes"}
    unconfirmed["registration"]["changes"] = [{"item": "domicile", "proposed": "厦门市湖里区新址"}]
    report_content.check_complete(unconfirmed, filer(), False)


def test_public_fundraising_counts_from_the_qualification_within_the_year__R5_1() -> None:
    charity = org(charity=True, charity_since=date(2020, 1, 1), fundraising_qualified_on=date(2025, 6, 1))
    assert Filer.of(charity, 2025).public_fundraising and not Filer.of(charity, 2024).public_fundraising
    assert not Filer.of(org(charity=True, charity_since=date(2026, 1, 1)), 2025).charity


# --- the workflow (R4) --------------------------------------------------------------------------------------------


def test_workflow_draft_submitted_returned_corrected_resubmitted_accepted__R4() -> None:
    report, created = AnnualReport.start("x", 2025, {"a": 1}, "org", AT)
    assert (created.action, created.to_state, report.state) == ("created", "draft", "draft")
    assert report.save({"a": 2}, "org", AT) is None  # drafts are saved any number of times
    first = report.submit("org", AT, date(2026, 4, 1), [])
    assert (first.action, first.from_state, report.state, report.first_submitted_on) == (
        "submitted", "draft", "submitted", date(2026, 4, 1))
    with pytest.raises(RuleViolation, match="awaits review"):
        report.save({"a": 3}, "org", AT)
    with pytest.raises(RuleViolation, match="awaits review"):
        report.submit("org", AT, date(2026, 4, 2), [])
    back = report.give_back("registrar", AT, ["缺少审计报告"])
    assert (back.action, report.state, report.return_reasons, report.returns) == (
        "returned", "returned", ["缺少审计报告"], 1)
    fix = report.save({"a": 4}, "org", AT)
    assert fix is not None and (fix.action, fix.to_state) == ("corrected", "returned")
    again = report.submit("org", AT, date(2026, 6, 3), [])
    assert (again.action, again.from_state) == ("resubmitted", "returned")
    assert report.first_submitted_on == date(2026, 4, 1) and not is_late(report, date(2026, 5, 31))  # first counts
    done = report.accept("registrar", AT, "basically_qualified")
    assert (done.action, report.state, report.conclusion) == ("accepted", "accepted", "basically_qualified")
    assert "基本合格" in (done.note or "")
    for attempt in (lambda: report.save({}, "org", AT), lambda: report.accept("registrar", AT, None),
                    lambda: report.give_back("registrar", AT, ["x"])):
        with pytest.raises(RuleViolation):
            attempt()


def test_only_a_submitted_report_is_reviewed__R4() -> None:
    report, _ = AnnualReport.start("x", 2025, {}, "org", AT)
    with pytest.raises(RuleViolation, match="only a submitted report"):
        report.accept("registrar", AT, None)


# --- regulatory findings (R10.3) ---------------------------------------------------------------------------------

RP = RegulatoryPolicy()


def subject(**extra: Any) -> Subject:
    base: dict[str, Any] = dict(type="foundation", charity=True, public_fundraising=True, foundation_kind="public",
                                new_charity=False)
    return Subject(**{**base, **extra})


def finances(*, charitable: float, management: float, total: float, staff_office: float | None = None) -> dict[str, Any]:
    expenses: dict[str, Any] = {"charitable_activities": str(charitable), "management": str(management),
                                "total": str(total), "business_activities": str(charitable)}
    if staff_office is not None:
        expenses["staff_and_office"] = str(staff_office)
    return {"expenses": expenses}


def priors(*years: tuple[int, float | None, float | None]) -> dict[int, PriorYear]:
    return {y: PriorYear(y, None if i is None else D(str(i)), None if a is None else D(str(a))) for y, i, a in years}


def by_check(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["check"]: f for f in found}


def test_public_fundraising_foundation_70_percent_of_last_year_and_10_percent_management__CSF23_art_61() -> None:
    prior = priors((2024, 10_000_000, 5_000_000))
    ok = by_check(regulatory.findings(subject(), 2025, finances(charitable=7_000_000, management=700_000,
                                                                total=7_900_000), prior, RP))
    assert ok["charity_spending"]["met"] is True and ok["charity_spending"]["rule"] == "CSF23 art. 61"
    assert "¥7,000,000.00" in ok["charity_spending"]["required"]
    assert ok["management_cost"]["met"] is True  # 700,000 / 7,900,000 = 8.86% ≤ 10%
    low = by_check(regulatory.findings(subject(), 2025, finances(charitable=6_999_999, management=900_000,
                                                                 total=7_900_000), prior, RP))
    assert low["charity_spending"]["met"] is False and low["management_cost"]["met"] is False
    assert low["management_cost"]["actual"].endswith("11.39%")


def test_three_year_average_income_may_replace_last_year__N189_art_10() -> None:
    """Last year's income was high (10M): 70% = 7M not met; the 3-year average (6M) gives 4.2M: met."""
    prior = priors((2024, 10_000_000, 1), (2023, 4_000_000, 1), (2022, 4_000_000, 1))
    found = by_check(regulatory.findings(subject(), 2025, finances(charitable=4_500_000, management=100_000,
                                                                   total=5_000_000), prior, RP))
    assert found["charity_spending"]["met"] is True and "3-year average" in found["charity_spending"]["basis"]
    two_years = priors((2024, 10_000_000, 1), (2023, 4_000_000, 1))  # the average needs all three years
    found = by_check(regulatory.findings(subject(), 2025, finances(charitable=4_500_000, management=100_000,
                                                                   total=5_000_000), two_years, RP))
    assert found["charity_spending"]["met"] is False


def test_management_cost_under_200000_is_exempt__N189_art_11() -> None:
    prior = priors((2024, 1_000_000, 1_000_000))
    found = by_check(regulatory.findings(subject(), 2025, finances(charitable=800_000, management=199_999.99,
                                                                   total=1_000_000), prior, RP))
    assert found["management_cost"]["met"] is True and found["management_cost"]["rule"] == "N189 art. 11"
    found = by_check(regulatory.findings(subject(), 2025, finances(charitable=800_000, management=200_000,
                                                                   total=1_000_000), prior, RP))
    assert found["management_cost"]["met"] is False  # 20% > 10%: the exemption stops at ¥200,000
    lower = RegulatoryPolicy(management_exemption=D(300_000))  # a setting
    found = by_check(regulatory.findings(subject(), 2025, finances(charitable=800_000, management=200_000,
                                                                   total=1_000_000), prior, lower))
    assert found["management_cost"]["met"] is True


@pytest.mark.parametrize(("net_assets", "spending_pct", "management_pct", "article"), [
    (70_000_000, 6, 12, "from ¥60,000,000"), (8_000_000, 6, 13, "from ¥8,000,000"),
    (5_000_000, 7, 15, "from ¥4,000,000"), (3_999_999, 8, 20, "from ¥0")])
def test_non_public_foundation_tiers_by_last_year_net_assets__N189_art_8(
        net_assets: float, spending_pct: int, management_pct: int, article: str) -> None:
    s = subject(public_fundraising=False, foundation_kind="non_public")
    prior = priors((2024, 1, net_assets))
    need = D(str(net_assets)) * spending_pct / 100
    total = D(10_000_000)
    management = total * management_pct / 100
    at = by_check(regulatory.findings(s, 2025, finances(charitable=float(need), management=float(management),
                                                        total=float(total)), prior, RP))
    assert at["charity_spending"]["met"] is True and article in at["charity_spending"]["rule"]
    assert at["management_cost"]["met"] is True and "N189 art. 8" in at["management_cost"]["rule"]
    below = by_check(regulatory.findings(s, 2025, finances(charitable=float(need) - 0.01,
                                                           management=float(management) + 0.01 * 1000,
                                                           total=float(total)), prior, RP))
    assert below["charity_spending"]["met"] is False and below["management_cost"]["met"] is False


def test_small_non_public_groups_need_8_percent_of_net_assets_and_half_of_income__N189_art_9_4() -> None:
    s = subject(type="social_group", public_fundraising=False, foundation_kind=None)
    prior = priors((2024, 400_000, 500_000))  # net assets < 1,000,000: the last tier
    found = by_check(regulatory.findings(s, 2025, finances(charitable=150_000, management=10_000, total=300_000),
                                         prior, RP))
    assert found["charity_spending"]["met"] is True  # ≥ 8% of 500,000 = 40,000
    assert found["charity_spending_income"]["met"] is False  # < 50% of 400,000 = 200,000
    assert found["charity_spending_income"]["rule"] == "N189 art. 9(4)"
    big = by_check(regulatory.findings(s, 2025, finances(charitable=700_000, management=10_000, total=1_000_000),
                                       priors((2024, 400_000, 12_000_000)), RP))
    assert "charity_spending_income" not in big and big["charity_spending"]["met"] is False  # 6% of 12M = 720k


def test_public_fundraising_groups_use_the_draft_values_as_settings__R10_3_2_UNCONFIRMED() -> None:
    s = subject(type="social_service", foundation_kind=None)
    prior = priors((2024, 1_000_000, 1))
    found = by_check(regulatory.findings(s, 2025, finances(charitable=700_000, management=260_000, total=2_000_000),
                                         prior, RP))
    assert found["charity_spending"]["met"] is True and "UNCONFIRMED" in found["charity_spending"]["rule"]
    assert found["management_cost"]["met"] is True  # 13% of 2,000,000 = 260,000
    stricter = RegulatoryPolicy(public_other=(D(70), D(10)))
    found = by_check(regulatory.findings(s, 2025, finances(charitable=700_000, management=260_000,
                                                           total=2_000_000), prior, stricter))
    assert found["management_cost"]["met"] is False


def test_foundations_that_are_not_charities__R10_3_3_JJH_art_29() -> None:
    public = subject(charity=False, public_fundraising=False, foundation_kind="public")
    found = by_check(regulatory.findings(public, 2025, finances(charitable=690_000, management=50_000,
                                                                total=1_000_000, staff_office=100_000),
                                         priors((2024, 1_000_000, 9_000_000)), RP))
    assert found["charity_spending"]["met"] is False and found["charity_spending"]["rule"] == "JJH art. 29"
    assert found["staff_and_office"]["met"] is True  # exactly 10%
    private = subject(charity=False, public_fundraising=False, foundation_kind="non_public")
    found = by_check(regulatory.findings(private, 2025, finances(charitable=80_000, management=50_000,
                                                                 total=1_000_000, staff_office=100_001),
                                         priors((2024, 1, 1_000_000)), RP))
    assert found["charity_spending"]["met"] is True and found["staff_and_office"]["met"] is False
    assert "management_cost" not in found  # the ¥200,000 rule is N189's, for charities


def test_unknown_previous_figures_are_reported_not_guessed__R10_3() -> None:
    found = regulatory.findings(subject(), 2025, finances(charitable=1, management=300_000, total=1_000_000), {}, RP)
    spending = by_check(found)["charity_spending"]
    assert spending["met"] is None and "cannot be computed" in spending["detail"]
    assert regulatory.findings(subject(type="social_group", charity=False, public_fundraising=False,
                                       foundation_kind=None), 2025, finances(charitable=0, management=0, total=0),
                               {}, RP) == []


def test_a_charity_of_less_than_a_year_is_told_to_explain__N189_art_12() -> None:
    found = by_check(regulatory.findings(subject(new_charity=True), 2025, finances(
        charitable=800_000, management=300_000, total=1_000_000), priors((2024, 1_000_000, 1)), RP))
    assert "N189 art. 12" in (found["management_cost"]["detail"] or "")
