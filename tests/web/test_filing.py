"""An organization files its annual report in the browser (issue 7): the form, inline errors in
Chinese, save and submit, a return with reasons, the correction, acceptance, and the public profile."""
from __future__ import annotations

import time
from typing import Any

import httpx

from services.registry.domain import uscc as uscc_rules
from tests.web.conftest import Portal, assert_accessible, login, screenshot

FIGURES = {  # a social group's 2025 statements (民间非营利组织会计制度), adding up
    "finances.income.donations": "300,000", "finances.income.government_grants": "200000",
    "finances.income.services": "250000", "finances.income.membership_dues": "50000",
    "finances.income.investment": "0", "finances.income.other": "0", "finances.income.total": "800000",
    "finances.expenses.business_activities": "600000", "finances.expenses.management": "150000",
    "finances.expenses.fundraising": "0", "finances.expenses.other": "10000", "finances.expenses.total": "760000",
    "finances.net_assets.restricted": "200000", "finances.net_assets.unrestricted": "800000",
    "finances.net_assets.total": "1000000",
    "activities.0.name": "行业培训", "activities.0.description": "举办专业培训12期",
    "activities.0.beneficiaries": "800", "activities.0.spending": "180000",
    "staff.full_time": "6", "staff.part_time": "2", "staff.volunteers": "40", "staff.volunteer_hours": "1200",
    "party.members": "5",
}


def filer(portal: Portal, n: int, registered_on: str = "2024-01-10", type_code: str = "1", **body: Any) -> str:
    """An organization (a social group unless told) migrated in with a past registration date, so
    that it owes the 2025 report."""
    code = uscc_rules.compose(type_code, "350200", f"RW{n:06d}")  # RW: this module's own codes
    return portal.register(880_000 + n, **{"name": org_name(n), "uscc": code, "registered_on": registered_on, **body})


def org_name(n: int) -> str:
    return f"厦门市年报{n}号行业协会"  # unlike the names other modules register


def field(page: Any, name: str) -> Any:
    return page.locator(f'[name="{name}"]')


def fill_report(page: Any, figures: dict[str, str]) -> None:
    page.get_by_label("一致，无需变更").check()
    for name, value in figures.items():
        field(page, name).fill(value)
    page.get_by_role("group", name="是否已建立党组织").get_by_label("是").check()
    page.get_by_label("党组织形式").select_option(label="党支部")


def click(page: Any, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def public_profile(portal: Portal, uscc: str, year: int, timeout: float = 15.0) -> dict[str, Any]:
    """The search service's public profile once it shows `year` as filed."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=portal.url, timeout=10) as http:
        while True:
            answer = http.get(f"/search/organizations/{uscc}")
            if answer.status_code == 200 and year in answer.json().get("annual_reports_filed", []):
                return dict(answer.json())
            assert time.monotonic() < deadline, f"{year} not filed on the public profile: {answer.text[:400]}"
            time.sleep(0.1)


def test_an_organization_files_is_returned_corrects_and_is_accepted_and_the_public_sees_2025(
        page: Any, portal: Portal) -> None:
    uscc = filer(portal, 7101)
    portal.org_account(uscc, "org7101")
    login(page, portal, "org7101")
    assert page.url.endswith("/registry/web/my")
    assert page.get_by_role("heading", level=1).inner_text() == org_name(7101)
    row_2025 = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2025"))
    assert "未报送" in row_2025.inner_text() and "2026-05-31" in row_2025.inner_text()
    assert_accessible(page)
    screenshot(page, "filing-1-my-organization")

    # the form: a total that does not add up is refused next to the field, in Chinese; the draft is kept
    row_2025.get_by_role("link", name="填报 2025 年度报告").click()
    fill_report(page, {**FIGURES, "finances.income.total": "900000"})
    click(page, "提交")
    message = page.locator('[id="e-finances.income.total"]')
    assert message.inner_text() == "收入合计（900,000.00）与各分项之和（800,000.00）不一致。"
    assert field(page, "finances.income.total").get_attribute("aria-invalid") == "true"
    assert page.locator("#error-summary").get_by_role("link").inner_text() == message.inner_text()
    assert "草稿已保存，但报告尚不完整，未能提交。" in page.get_by_role("status").inner_text()
    assert field(page, "finances.income.donations").input_value() == "300,000"  # what was typed stays
    assert_accessible(page)
    screenshot(page, "filing-2-inline-error")

    field(page, "finances.income.total").fill("800000")
    click(page, "提交")
    assert page.url.endswith("/registry/web/my/reports/2025?done=submitted")
    assert "年度工作报告已提交" in page.get_by_role("status").inner_text()
    assert "已报送待审核" in page.locator("main").inner_text()
    assert page.locator("form[method=post] button", has_text="提交").count() == 0  # under review: read only

    # the registrar returns it with a reason
    login(page, portal, "registrar1")
    page.get_by_role("link", name=org_name(7101)).click()
    assert page.get_by_role("heading", name="监管指标提示").is_visible()
    assert "¥300,000.00" in page.locator("main").inner_text()  # the content as filed
    page.get_by_label("退回修改").check()
    page.get_by_label("退回理由（每行一条）").fill("捐赠收入与捐赠票据合计不符，请核对后重报")
    click(page, "提交审核意见")
    assert "已退回" in page.get_by_role("status").inner_text()

    # the organization sees the reason, corrects and resubmits
    login(page, portal, "org7101")
    page.get_by_role("link", name="填报 2025 年度报告").click()
    reasons = page.locator("#return-reasons")
    assert "捐赠收入与捐赠票据合计不符，请核对后重报" in reasons.inner_text() and "registrar1" in reasons.inner_text()
    assert field(page, "finances.income.donations").input_value() == "300000"  # the saved report, shown again
    assert_accessible(page)
    screenshot(page, "filing-3-returned")
    field(page, "finances.income.donations").fill("310000")
    field(page, "finances.income.other").fill("-10000")
    click(page, "提交")
    assert page.locator('[id="e-finances.income.other"]').inner_text() == "其他收入不能为负数。"
    field(page, "finances.income.other").fill("0")
    field(page, "finances.income.total").fill("810000")
    click(page, "提交")
    assert "年度工作报告已提交" in page.get_by_role("status").inner_text()

    # the registrar accepts
    login(page, portal, "registrar1")
    page.goto(f"{portal.url}/registry/web/organizations/{uscc}/reports/2025")
    assert "第 2 次提交" in page.locator("main").inner_text()
    page.get_by_label("通过", exact=True).check()
    click(page, "提交审核意见")
    assert "已审核通过" in page.get_by_role("status").inner_text()
    screenshot(page, "filing-4-accepted")

    shown = public_profile(portal, uscc, 2025)
    assert any(r["year"] == 2025 and r["state"] == "accepted" for r in shown.get("annual_reports", [])), shown
    page.goto(f"{portal.url}/search/web/organizations/{uscc}")  # the public page
    assert "2025" in page.locator("#reports-filed").inner_text()
    assert page.locator('#annual-reports tr[data-year="2025"]').count() == 1


def test_a_wrongly_typed_amount_is_explained_next_to_its_field_and_nothing_is_saved(page: Any, portal: Portal) -> None:
    uscc = filer(portal, 7102)
    portal.org_account(uscc, "org7102")
    login(page, portal, "org7102")
    page.goto(f"{portal.url}/registry/web/my/reports/2025")
    field(page, "finances.expenses.management").fill("十五万")
    field(page, "activities.1.spending").fill("20000")  # a row without its name, after a blank row
    activities = page.get_by_role("group", name="业务活动及项目", exact=True)
    activities.get_by_role("button", name="增加一行").click()  # plain script adds a third row
    activities.get_by_role("group", name="第 3 行").get_by_label("活动/项目名称").fill("社区义诊")
    click(page, "保存草稿")
    assert page.locator('[id="e-finances.expenses.management"]').inner_text() == "管理费用须为金额数字（元）。"
    assert page.locator('[id="e-activities.0.name"]').inner_text() == "请填写业务活动及项目第 1 行的活动/项目名称。"
    assert field(page, "activities.0.spending").input_value() == "20000"  # renumbered to the first row
    assert field(page, "activities.1.name").input_value() == "社区义诊"
    assert not page.locator('[id="e-activities.1.name"]').count()
    page.goto(f"{portal.url}/registry/web/my")
    row_2025 = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2025"))
    assert "未报送" in row_2025.inner_text()  # nothing saved


def test_an_organization_cannot_open_another_organizations_report(page: Any, portal: Portal) -> None:
    mine, theirs = filer(portal, 7103), filer(portal, 7104)
    portal.org_account(mine, "org7103")
    login(page, portal, "org7103")
    answer = page.goto(f"{portal.url}/registry/web/organizations/{theirs}/reports/2025")
    assert answer.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "无权访问"
    assert org_name(7104) not in page.content()
    page.goto(f"{portal.url}/registry/web/organizations/{mine}/reports/2025")  # its own: the form
    assert page.url.endswith("/registry/web/my/reports/2025")
    assert page.goto(f"{portal.url}/registry/web/queue").status == 403
