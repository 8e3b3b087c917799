"""The registrar's pages in the browser (issue 7): work queues, an organization's record, the review
of a report (a return needs reasons), and what an inspector may only read."""
from __future__ import annotations

from typing import Any

from tests.registry.reports.support import foundation, org_token, report_body
from tests.web.conftest import Portal, assert_accessible, login, screenshot
from tests.web.test_filing import click, filer, org_name


def submitted(portal: Portal, n: int, registered_on: str = "2024-01-10", report: dict[str, Any] | None = None,
              type_code: str = "1", **org: Any) -> str:
    """An organization whose 2025 report was submitted through the API; its USCC."""
    uscc = filer(portal, n, registered_on, type_code, **org)
    with portal.api() as http:
        answer = http.post(f"/registry/organizations/{uscc}/annual-reports/2025/submit",
                           json=report or report_body(), headers=org_token(uscc))
        assert answer.status_code == 200, answer.text
    return uscc


def test_the_queue_lists_reports_to_review_and_reports_not_filed_with_the_overdue_marked(
        page: Any, portal: Portal) -> None:
    waiting = submitted(portal, 7201, registered_on="2024-09-01")  # after 30 June: no 2024 report owed (R4.2)
    late = filer(portal, 7202, registered_on="2023-02-01")  # owes 2024 (due 2025-05-31) and 2025 (due 2026-05-31)
    login(page, portal, "registrar1")
    assert page.url.endswith("/registry/web/queue")
    to_review = page.get_by_role("row").filter(has=page.get_by_role("link", name=org_name(7201)))
    assert waiting in to_review.inner_text() and "2025" in to_review.inner_text()
    assert org_name(7202) not in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "registrar-queue")

    page.get_by_role("link", name="2025 年度未报送").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=org_name(7202)))
    assert "未报送" in row.inner_text() and "2026-05-31" in row.inner_text() and "逾期" not in row.inner_text()
    assert org_name(7201) not in page.locator("main").inner_text()  # it has submitted
    page.get_by_label("报告年度").select_option("2024")
    click(page, "查看")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=org_name(7202)))
    assert "逾期" in row.inner_text() and "2025-05-31" in row.inner_text()
    assert org_name(7201) not in page.locator("main").inner_text()  # not owed

    row.get_by_role("link", name=org_name(7202)).click()  # the organization's full record
    assert page.url.endswith(f"/registry/web/organizations/{late}")
    main = page.locator("main").inner_text()
    assert late in main and "行业自律、信息交流" in main and "2023-02-01" in main
    history = page.get_by_role("region", name="变更记录")
    assert "成立登记" in history.inner_text() and "registrar1" in history.inner_text()
    reports = page.get_by_role("region", name="年度工作报告")
    assert "2024" in reports.inner_text() and "逾期" in reports.inner_text()
    assert_accessible(page)
    screenshot(page, "registrar-organization")


def test_a_return_without_reasons_is_refused_inline_and_the_report_stays_under_review(
        page: Any, portal: Portal) -> None:
    uscc = submitted(portal, 7203)
    login(page, portal, "registrar1")
    page.goto(f"{portal.url}/registry/web/organizations/{uscc}/reports/2025")
    assert "已报送待审核" in page.locator("main").inner_text()
    page.get_by_label("退回修改").check()
    click(page, "提交审核意见")
    error = page.locator("#e-reasons")
    assert error.inner_text() == "退回报告时请至少填写一条退回理由。"
    assert page.get_by_label("退回理由（每行一条）").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("退回修改").is_checked()  # the choice made is kept
    assert_accessible(page)
    screenshot(page, "registrar-review-error")
    with portal.api() as http:
        answer = http.get(f"/registry/organizations/{uscc}/annual-reports/2025", headers=portal.token("registrar1"))
    assert answer.json()["state"] == "submitted" and answer.json()["returns"] == 0


def test_an_inspector_reads_a_foundations_report_with_its_findings_but_has_no_review_form(
        page: Any, portal: Portal) -> None:
    """A foundation that is not a charity: JJH art. 29 (R10.3.3) spending of 8% of last year's fund
    balance (declared: ¥900,000, so ¥72,000; it spent ¥50,000) and staff and office costs ≤ 10%."""
    prior = [{"year": 2024, "total_income": "700000.00", "year_end_net_assets": "900000.00"}]
    body = report_body(charitable=50_000, staff_and_office=50_000, audit=True, previous_years=prior)
    uscc = submitted(portal, 7204, report=body, type_code="3", name="厦门市年报7204号基金会", **foundation())
    login(page, portal, "inspector1")
    page.goto(f"{portal.url}/registry/web/organizations/{uscc}/reports/2025")
    assert page.get_by_role("heading", level=1).inner_text() == "厦门市年报7204号基金会 2025 年度工作报告"
    findings = page.get_by_role("region", name="监管指标提示").get_by_role("listitem")
    spending = findings.filter(has_text="年度慈善活动支出")
    assert "未达到要求" in spending.inner_text() and "72,000.00" in spending.inner_text()
    assert "notice-error" in (spending.get_attribute("class") or "")
    assert "符合要求" in findings.filter(has_text="工资福利和行政办公支出").inner_text()
    assert "厦审字〔2026〕第001号" in page.get_by_role("region", name="七、审计报告").inner_text()
    assert_accessible(page)
    screenshot(page, "registrar-review-findings")
    assert page.get_by_role("button", name="提交审核意见").count() == 0
    assert page.get_by_role("link", name="返回工作台").count() == 0  # the registrar's queue is not theirs
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "厦门市年报7204号基金会: annual report 2025"
    assert "not met" in page.get_by_role("region", name="Regulatory findings").inner_text()
    assert page.goto(f"{portal.url}/registry/web/queue").status == 403


def test_a_report_returned_more_than_five_times_is_locked_and_the_registrar_lifts_the_lock(
        page: Any, portal: Portal) -> None:
    """R4.4 (Fujian 2022, LOCAL; setting SOCREG_ANNUAL_REPORT_MAX_RETURNS=5): locked after the 6th return."""
    uscc = submitted(portal, 7205)
    path = f"/registry/organizations/{uscc}/annual-reports/2025"
    with portal.api() as http:
        for n in range(6):
            if n:
                answer = http.post(path + "/submit", json=report_body(), headers=org_token(uscc))
                assert answer.status_code == 200, answer.text
            answer = http.post(path + "/review", json={"decision": "return", "reasons": [f"第{n + 1}次退回"]},
                               headers=portal.token("registrar1"))
            assert answer.status_code == 200, answer.text
        assert answer.json()["locked"] is True
    login(page, portal, "registrar1")
    page.goto(f"{portal.url}/registry/web/organizations/{uscc}/reports/2025")
    assert "已锁定" in page.locator("main").inner_text()
    click(page, "解除锁定")
    assert page.locator("#e-unlock_reason").inner_text() == "请填写解除锁定的理由（不超过 5000 字）。"
    page.get_by_label("解除锁定的理由").fill("组织已书面说明情况，同意再次报送")
    click(page, "解除锁定")
    assert "已解除锁定" in page.get_by_role("status").inner_text()
    assert page.get_by_role("button", name="解除锁定").count() == 0
    assert "组织已书面说明情况，同意再次报送" in page.get_by_role("region", name="办理记录").inner_text()
    with portal.api() as http:
        assert http.get(path, headers=portal.token("registrar1")).json()["locked"] is False
