"""The registrar's dormancy page in the browser (issue 13 item 8, R2.4.3): the organizations that missed
their annual report two years running, as of a date, and the proposal of a revocation from there, which
an approver must approve (issue 12); the list of rating certificates due back (R9.6)."""
from __future__ import annotations

from typing import Any

from tests.web.conftest import Portal, assert_accessible, login, screenshot
from tests.web.test_filing import click, filer, org_name


def test_the_registrar_lists_two_year_non_filers_and_proposes_a_revocation_for_approval__R2_4_3(
        page: Any, portal: Portal) -> None:
    """On 2026-03-16 the latest reports due are 2023 and 2024 (deadline 31 May 2025): an organization
    registered in March 2023 that filed neither is listed; one registered in 2025 is not. A proposal
    without a legal basis is refused inline; with one, it goes to the approvers and the list says so."""
    dormant = filer(portal, 7501, registered_on="2023-03-01")
    filer(portal, 7502, registered_on="2025-01-10")
    login(page, portal, "registrar1")
    page.get_by_role("link", name="连续未报送年报的组织").click()
    page.wait_for_load_state()
    assert page.url.endswith("/registry/web/dormancy")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=org_name(7501)))
    assert dormant in row.inner_text() and "2023、2024" in row.inner_text() and "从未报送" in row.inner_text()
    assert org_name(7502) not in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "registrar-dormancy")

    page.get_by_label("截至日期").fill("2026-03-17")
    click(page, "查看")
    assert page.locator("#e-as_of").inner_text() == "请填写不晚于今天的日期（年-月-日）。"

    page.goto(f"{portal.url}/registry/web/dormancy")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=org_name(7501)))
    row.get_by_role("link", name="提出撤销登记").click()
    page.wait_for_load_state()
    basis = page.get_by_label("法律依据（可修改）")
    suggested = basis.input_value()
    assert "《社会团体登记管理条例》第三十条" in suggested and "2023、2024" in suggested
    basis.fill("")
    click(page, "提交撤销登记提议")
    assert page.locator("#e-legal_basis").inner_text().startswith("请填写法律依据")
    assert basis.get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    screenshot(page, "registrar-dormancy-proposal-error")

    basis.fill(suggested)
    click(page, "提交撤销登记提议")
    assert "/registry/web/sanctions/SP-" in page.url
    assert org_name(7501) in page.locator("main").inner_text()
    with portal.api() as http:
        record = http.get(f"/registry/organizations/{dormant}", headers=portal.token("registrar1")).json()
    assert record["status"] == "active"  # nothing is revoked until an approver approves

    page.goto(f"{portal.url}/registry/web/dormancy")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=org_name(7501)))
    assert row.get_by_role("link", name="撤销提议待审批").count() == 1


def test_the_certificate_list_shows_its_views_and_is_accessible__R9_6(page: Any, portal: Portal) -> None:
    login(page, portal, "registrar1")
    page.get_by_role("link", name="逾期未交回的评估证书和牌匾").click()
    page.wait_for_load_state()
    assert page.url.endswith("/registry/web/rating-certificates")
    assert page.get_by_role("link", name="逾期未交回").get_attribute("aria-current") == "page"
    assert_accessible(page)
