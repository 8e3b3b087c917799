"""The public pages of the search service in a real browser: search, an organization's page, the
published credit lists; no personal data on any of them."""
from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from tests.registry.factories import id_number, registration_body
from tests.web.conftest import PORTAL_DAY, Portal, assert_accessible, screenshot

_serial = itertools.count(52001)
TODAY = PORTAL_DAY.isoformat()
TRIGGER = "未按规定报送年度工作报告"  # how the page names the trigger annual_report_overdue


def name_of(n: int) -> str:
    return str(registration_body(n)["name"])


def put_on_abnormal_list(portal: Portal, uscc: str) -> dict[str, Any]:
    """The 2024 annual report found overdue (as the registry announces it): the credit engine lists
    the organization on the abnormal list and projects its escalation. Its public profile then."""
    portal.publish("registry.annual_report.overdue", {"uscc": uscc, "year": 2024, "deadline": "2025-05-31",
                                                      "detected_on": "2025-06-01"})
    return portal.wait_profile(uscc, lambda p: p["credit_lists"] == ["abnormal"] and p.get("credit_timeline"))


@pytest.fixture(scope="module")
def listed(portal: Portal) -> dict[str, Any]:
    """An organization on the abnormal list (with its projected escalation), rated 4A, with its 2025
    report accepted and one published inspection result: the facts its public page must show."""
    n = next(_serial)
    uscc = portal.register(n)
    portal.wait_searchable(uscc)
    put_on_abnormal_list(portal, uscc)
    portal.publish("registry.rating.awarded", {"uscc": uscc, "rating_id": n, "grade": "4A", "score": "860",
                                               "awarded_on": TODAY, "expires_on": "2031-03-16",
                                               "evaluating_body": "厦门市社会组织评估委员会", "awarded_by": "registrar1"})
    portal.publish("registry.annual_report.accepted", {
        "uscc": uscc, "year": 2025, "accepted_on": TODAY, "accepted_by": "registrar1", "first_submitted_on": TODAY,
        "deadline": "2026-05-31", "late": False, "conclusion": "qualified"})
    portal.publish("inspection.task.completed", {
        "uscc": uscc, "task_id": f"T-{n}", "plan_id": "P-2026", "draw_id": f"D-{n}", "outcome": "rectification",
        "check_items": ["年度工作报告", "财务管理"], "failed_items": ["财务管理"], "completed_on": TODAY,
        "publish_by": "2026-04-05"})
    profile = portal.wait_profile(uscc, lambda p: p["credit_lists"] == ["abnormal"] and p["rating"] is not None
                                  and p["annual_reports_filed"] == [2025] and p.get("inspections"))
    [entry] = profile["list_entries"]
    assert entry["trigger"] == "annual_report_overdue" and entry["reason"] and entry["legal_basis"]
    return {"n": n, "uscc": uscc, "name": name_of(n), "profile": profile, "entry": entry}


def test_the_start_page_is_the_search_page(page: Any, portal: Portal) -> None:
    page.goto(portal.url + "/")
    assert page.url == portal.url + "/search/web/"
    assert page.title().startswith("查询社会组织")


def test_a_visitor_finds_an_organization_and_reads_why_it_is_on_a_list(page: Any, portal: Portal,
                                                                       listed: dict[str, Any]) -> None:
    page.goto(portal.url + "/search/web/")
    page.keyboard.press("Tab")  # the first stop is the skip link
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.get_by_label("名称、业务范围或统一社会信用代码").fill(listed["name"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    first = page.locator("ol.results > li").first
    assert first.get_attribute("data-uscc") == listed["uscc"]
    assert first.locator(".badge-abnormal").inner_text() == "活动异常名录"
    assert first.locator(".badge-rating").inner_text() == "评估等级 4A"
    assert_accessible(page)
    screenshot(page, "public-search-results")

    with page.expect_navigation():

        first.get_by_role("link", name=listed["name"]).click()
    assert page.url.endswith(f"/search/web/organizations/{listed['uscc']}")
    assert page.get_by_role("heading", level=1).inner_text() == listed["name"]
    assert page.locator("[data-field=uscc]").inner_text() == listed["uscc"]
    entry = listed["entry"]
    row = page.locator("#list-entries tbody tr")
    assert row.count() == 1
    assert [c.strip() for c in row.locator("td").all_inner_texts()] == [
        "活动异常名录", entry["reason"], TRIGGER, entry["legal_basis"], entry["since"]]
    assert "评估等级 4A" in page.locator("#rating-grade").inner_text()
    assert "2031-03-16" in page.locator("#rating-grade").inner_text()
    timeline = page.locator("#credit-timeline tbody tr")
    projected = listed["profile"]["credit_timeline"]
    assert timeline.count() == len(projected)
    step = projected[0]
    assert [c.strip() for c in timeline.first.locator("td").all_inner_texts()] == [
        step["on"], {"escalate_to_serious": "转入严重违法失信名单"}.get(step["step"], step["step"]),
        "活动异常名录", step["legal_basis"]]
    assert page.locator("#reports-filed").inner_text().endswith("2025")
    reports = {r.get_attribute("data-year"): [c.strip() for c in r.locator("td").all_inner_texts()]
               for r in page.locator("#annual-reports tbody tr").all()}
    assert reports["2025"][1] == "已通过" and reports["2025"][5] == "合格"
    assert reports["2024"][1] == "逾期未报"
    inspection = page.locator("#inspection-results tbody tr").first.locator("td").all_inner_texts()
    assert inspection[:4] == [TODAY, "责令整改", "年度工作报告；财务管理", "财务管理"]
    assert_accessible(page)
    screenshot(page, "public-organization")


def test_facet_links_narrow_the_search_with_the_counts_they_promise(page: Any, portal: Portal,
                                                                     listed: dict[str, Any]) -> None:
    page.goto(portal.url + "/search/web/")
    facet = page.locator("[data-facet=credit_list] a[data-value=abnormal]")
    promised = int(re.sub(r"\D", "", facet.locator("xpath=following-sibling::span").inner_text()))
    with page.expect_navigation():
        facet.click()
    assert "credit_list=abnormal" in page.url
    assert int(page.locator("#result-total").get_attribute("data-total")) == promised >= 1
    assert listed["uscc"] in page.locator("ol.results > li").evaluate_all("els => els.map(e => e.dataset.uscc)")
    with portal.api() as http:
        assert http.get("/search/organizations", params={"credit_list": "abnormal"}).json()["total"] == promised
    # the active filter can be taken off again
    with page.expect_navigation():
        page.get_by_role("link", name="取消筛选：信用名单: 活动异常名录").click()
    assert "credit_list" not in page.url


def test_one_character_and_fruitless_searches_say_so(page: Any, portal: Portal, listed: dict[str, Any]) -> None:
    page.goto(portal.url + "/search/web/?q=会")
    assert int(page.locator("#result-total").get_attribute("data-total")) >= 1
    assert "只输入了一个字" in page.locator("main").inner_text()
    page.goto(portal.url + "/search/web/?q=" + "查无此组织名称" + "&credit_list=red")
    assert page.locator("#result-total").get_attribute("data-total") == "0"
    assert page.locator("#no-results").is_visible()
    with page.expect_navigation():
        page.locator("#no-results").get_by_role("link", name="清除全部条件").click()
    assert "credit_list" not in page.url and "q=" in page.url


def test_result_pages_follow_the_json_order_without_overlap(portal: Portal) -> None:
    registrar = portal.token("registrar1")
    with portal.api() as http:
        made = [http.post("/registry/organizations", json=registration_body(next(_serial)), headers=registrar)
                for _ in range(21)]
        assert {answer.status_code for answer in made} == {201}
    for answer in made:
        portal.wait_searchable(answer.json()["uscc"])
    with portal.api() as http:
        for _ in range(5):  # another test's events may still be reaching the index: take a quiet moment
            expected = [d["uscc"] for d in http.get("/search/organizations", params={"size": 40}).json()["items"]]
            shown = []
            for number in (1, 2):
                html = http.get("/search/web/", params={"page": number}).text
                shown += re.findall(r'<li data-uscc="([0-9A-Z]+)"', html)
            again = re.findall(r'<li data-uscc="([0-9A-Z]+)"', http.get("/search/web/?page=2").text)
            after = [d["uscc"] for d in http.get("/search/organizations", params={"size": 40}).json()["items"]]
            if after == expected:
                break
    assert len(shown) == min(40, len(expected)) and len(set(shown)) == len(shown)
    assert shown == expected[:len(shown)]
    assert again == shown[20:]


def test_an_unknown_organization_is_a_404_page(page: Any, portal: Portal) -> None:
    answer = page.goto(portal.url + "/search/web/organizations/51350200MJ0000000X")
    assert answer.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "未找到"


def test_the_published_lists_show_entries_with_their_reasons(page: Any, portal: Portal,
                                                             listed: dict[str, Any]) -> None:
    page.goto(portal.url + "/search/web/")
    with page.expect_navigation():
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="信用名单").click()
    assert page.url.endswith("/search/web/credit-lists/abnormal")
    with portal.api() as http:
        published = http.get("/search/credit-lists/abnormal").json()
    assert int(page.locator("#list-total").get_attribute("data-total")) == published["total"]
    page.get_by_label("在名单中查找（名称或代码）").fill(listed["uscc"])
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    row = page.locator(f"#list-table tr[data-uscc='{listed['uscc']}']")
    assert row.count() == 1
    assert row.locator("th a").inner_text() == listed["name"]
    entry = listed["entry"]
    assert [c.strip() for c in row.locator("td").all_inner_texts()][1:] == [
        entry["reason"], TRIGGER, entry["legal_basis"], entry["since"]]
    assert_accessible(page)
    screenshot(page, "public-list-abnormal")
    for other, title in (("serious", "严重违法失信名单"), ("red", "红名单")):
        with page.expect_navigation():
            page.get_by_role("link", name=title, exact=True).click()
        assert page.url.split("?")[0].endswith(f"/credit-lists/{other}")
        assert page.locator("a[aria-current=page]").inner_text() == title
        assert page.locator(f"tr[data-uscc='{listed['uscc']}']").count() == 0
        assert_accessible(page)
    assert page.goto(portal.url + "/search/web/credit-lists/gold").status == 404


def test_the_organization_page_switches_to_english(page: Any, portal: Portal, listed: dict[str, Any]) -> None:
    page.goto(f"{portal.url}/search/web/organizations/{listed['uscc']}")
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Registration facts").is_visible()
    assert [c.strip() for c in page.locator("#list-entries tbody tr td").all_inner_texts()][:3] == [
        "Abnormal-activity list", listed["entry"]["reason"], "Annual report not filed"]
    assert_accessible(page)
    screenshot(page, "public-organization-en")
    with page.expect_navigation():
        page.get_by_role("link", name="中文").click()
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def test_no_public_page_shows_the_legal_representatives_personal_data(portal: Portal) -> None:
    n = next(_serial)
    person = {"name": "欧阳测甲", "id_number": id_number(n), "phone": "13912345678"}
    uscc = portal.register(n, legal_representative=person)
    portal.wait_searchable(uscc)
    put_on_abnormal_list(portal, uscc)
    name = name_of(n)
    with portal.api() as http:
        bodies = {path: http.get(path, params=params) for path, params in (
            (f"/search/organizations/{uscc}", {}), ("/search/organizations", {"q": name}),
            ("/search/web/", {"q": name}), ("/search/web/", {"q": uscc}), (f"/search/web/organizations/{uscc}", {}),
            (f"/search/web/organizations/{uscc}", {"lang": "en"}), ("/search/web/credit-lists/abnormal", {"q": name}),
            ("/search/web/dashboard", {}), ("/search/credit-lists/abnormal", {"q": name}))}
    for path, answer in bodies.items():
        assert answer.status_code == 200, path
        assert uscc in answer.text or path == "/search/web/dashboard", path  # the page is about this organization
        for secret in person.values():
            assert secret not in answer.text, f"{secret} on {path}"
