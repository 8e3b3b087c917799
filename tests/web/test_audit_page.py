"""The auditor's page in the browser (issue 12 part 4): a registrar's read of one organization's
personal data is found by filtering the registry's audit trail by that organization; the page passes
the WCAG checks; the other services' trails are one link away."""
from __future__ import annotations

from typing import Any

from tests.web.conftest import Portal, assert_accessible, login, screenshot


def test_the_auditor_finds_who_read_an_organizations_personal_data(page: Any, portal: Portal) -> None:
    uscc = portal.register(7601)
    with portal.api() as http:
        read = http.get(f"/registry/organizations/{uscc}", headers={**portal.token("registrar1"),
                                                                     "X-Request-ID": "web-audit-7601"})
        assert read.status_code == 200
    login(page, portal, "auditor1")
    page.get_by_role("link", name="审计日志").click()
    assert page.url.endswith("/registry/web/audit")
    page.get_by_label("对象（统一社会信用代码或编号）").fill(uscc)
    page.get_by_label("操作（包含）").fill("personal")
    page.get_by_role("button", name="筛选").click()
    rows = page.get_by_role("row").filter(has_text="read personal data")
    assert rows.count() == 1
    assert "registrar1" in rows.inner_text() and "web-audit-7601" in rows.inner_text() and uscc in rows.inner_text()
    assert_accessible(page)
    screenshot(page, "auditor-registry-trail")

    page.get_by_role("link", name="inspection").click()
    assert "/inspection/web/audit" in page.url and f"target={uscc}" in page.url
    assert page.get_by_role("heading", level=1).inner_text() == "审计日志（inspection）"
    assert_accessible(page)
