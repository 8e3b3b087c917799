"""The inspection service's pages in a real browser: the public draws and their verification, an
organization's rectification notices and its response, and the inspector's work queue."""
from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

from services.registry.domain import commands
from services.registry.service_layer import handlers
from tests.fixtures.accounts import password_of
from tests.web.conftest import PORTAL_DAY, Portal, assert_accessible, login, screenshot

_serial = itertools.count(7101)


_tokens: dict[str, dict[str, str]] = {}
_pooled: list[str] = []


def _inspector(portal: Portal) -> dict[str, str]:
    """inspector1's bearer header, signed in once (argon2 is deliberately slow)."""
    if "inspector1" not in _tokens:
        _tokens["inspector1"] = portal.token("inspector1")
    return _tokens["inspector1"]


def _in_directory(portal: Portal, usccs: list[str], timeout: float = 15.0) -> None:
    """Wait until the inspection service heard of these registrations (registry events on the bus)."""
    deadline, headers = time.monotonic() + timeout, _inspector(portal)
    with portal.api() as http:
        for uscc in usccs:
            while http.get(f"/inspection/organizations/{uscc}", headers=headers).status_code != 200:
                assert time.monotonic() < deadline, f"{uscc} never reached the inspection directory"
                time.sleep(0.1)


def _pool(portal: Portal, n: int = 3) -> list[str]:
    """Enough active inspectors for a draw (two per task), added once per session by an admin, each linked to
    an inspector account of its own (issue 12: an inspector works only the tasks drawn for their member)."""
    if _pooled:
        return _pooled
    ids = _pooled
    with portal.api() as http:
        for _ in range(n):
            k = next(_serial)
            handlers.add_user(commands.AddUser(f"pool-{k}", password_of(f"pool-{k}"), "inspector"),
                              portal.platform.registry.uow())
            answer = http.post("/inspection/inspectors", headers=portal.token("admin1"), json={
                "name": f"检查员{k}", "department": "厦门市民政局社会组织管理处", "badge_number": f"XM-{k}",
                "username": f"pool-{k}"})
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
    return ids


def _account_of(portal: Portal, inspector_id: str) -> str:
    with portal.api() as http:
        return str(http.get(f"/inspection/inspectors/{inspector_id}", headers=_inspector(portal)).json()["username"])


def _team(portal: Portal, task_id: str) -> list[str]:
    """The accounts of the task's team (drawn, substitutes applied), in order."""
    with portal.api() as http:
        found = http.get(f"/inspection/tasks/{task_id}", headers=_inspector(portal)).json()
    return [_account_of(portal, i["id"]) for i in found["inspectors"]]


def _plan(portal: Portal, count: int, title: str) -> dict[str, Any]:
    with portal.api() as http:
        answer = http.post("/inspection/plans", headers=_inspector(portal), json={
            "year": 2026, "kind": "unscheduled", "title": title, "count": count, "scope": {"levels": ["city"]},
            "reason": f"{title}：专项检查"})
        assert answer.status_code == 201, answer.text
        return dict(answer.json())


def _drawn(portal: Portal, title: str, count: int = 2) -> dict[str, Any]:
    """Organizations registered, an inspector pool, a plan, and its draw: the public draw."""
    usccs = [portal.register(next(_serial)) for _ in range(count)]
    _in_directory(portal, usccs)
    _pool(portal)
    plan = _plan(portal, count, title)
    with portal.api() as http:
        answer = http.post(f"/inspection/plans/{plan['id']}/draws", headers=_inspector(portal),
                           json={"public_random": "2026031600"})
        assert answer.status_code == 201, answer.text
        return dict(answer.json())


def test_a_draw_made_through_the_api_verifies_from_the_public_page(page: Any, portal: Portal) -> None:
    draw = _drawn(portal, "网页验证专项抽查")
    page.goto(f"{portal.url}/inspection/web/draws")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("link", name="网页验证专项抽查").first.click()
    assert page.url.endswith(f"/inspection/web/draws/{draw['id']}")
    body = page.locator("main").inner_text()
    assert draw["commitment"] in body and draw["seed"] in body
    targets = page.get_by_role("table", name="抽中的社会组织及检查人员")
    for target in draw["targets"]:
        assert target["uscc"] in targets.inner_text() and target["name"] in targets.inner_text()
    assert "badge_number" not in body and "XM-" not in body and "pool-" not in body  # no personal data
    assert_accessible(page)
    screenshot(page, "inspection-draw")
    page.get_by_role("button", name="验证").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "验证通过：按公开输入重新计算的结果与公示结果一致。"
    rows = page.get_by_role("table", name="重新计算的抽查对象与公示结果比对").locator("tbody tr")
    assert rows.count() == len(draw["targets"])
    for row, target in zip(rows.all(), draw["targets"]):
        cells = row.locator("td").all_inner_texts()
        assert cells[1] == target["uscc"] and cells[4] == target["uscc"] and "✓" in cells[5]
    inputs = page.locator("table.inputs").inner_text()
    assert draw["seed"] in inputs and draw["frame_hash"] in inputs and "2026031600" in inputs
    assert inputs.count(draw["commitment"]) == 2  # the published commitment and SHA-256 of the seed, equal
    assert_accessible(page)
    screenshot(page, "inspection-draw-verified")


def test_the_draws_page_lists_newest_first_and_switches_to_english(page: Any, portal: Portal) -> None:
    first = _plan(portal, 1, "较早的抽查计划")
    portal.clock.advance(minutes=1)  # the portal's clock stands still; the same day, a minute later
    second = _plan(portal, 1, "较新的抽查计划")
    page.goto(f"{portal.url}/inspection/web/draws")
    titles = page.locator("main table tbody tr td:first-child").all_inner_texts()
    assert titles.index("较新的抽查计划") < titles.index("较早的抽查计划")
    assert first["id"] != second["id"]
    assert_accessible(page)
    screenshot(page, "inspection-draws")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Random inspections: published draws"
    page.get_by_role("link", name="较新的抽查计划").first.click()
    assert "Committed, not yet drawn" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Verify").count() == 0  # nothing to verify before the draw
    page.goto(f"{portal.url}/inspection/web/draws?lang=zh")


def _task_of(portal: Portal, draw: dict[str, Any]) -> dict[str, Any]:
    with portal.api() as http:
        answer = http.get("/inspection/tasks", params={"draw_id": draw["id"]}, headers=_inspector(portal))
        return dict(answer.json()["items"][0])


def _rectification(portal: Portal, title: str) -> dict[str, Any]:
    """A drawn task, notified, with a rectification order, all through the API: the notice."""
    task = _task_of(portal, _drawn(portal, title, count=1))
    worker = _team(portal, task["id"])[0]
    with portal.api() as http:
        headers = portal.token(worker)  # an inspector drawn for the task
        assert http.post(f"/inspection/tasks/{task['id']}/notice", headers=headers,
                         json={"requirements": "章程、财务会计报告"}).status_code == 200
        answer = http.post(f"/inspection/tasks/{task['id']}/result", headers=headers, json={
            "outcome": "rectification", "rectification": {"deadline": "2026-04-30"},
            "findings": [{"item": i, "compliant": i != "financial_status",
                          "problem": "账目不清，票据缺失" if i == "financial_status" else None}
                         for i in ("annual_report", "information_disclosure", "internal_governance",
                                   "financial_status", "business_activities")]})
        assert answer.status_code == 200, answer.text
        return {**http.get(f"/inspection/rectifications/{answer.json()['rectification_id']}", headers=headers).json(),
                "worker": worker}


def test_an_inspector_works_a_drawn_task_from_the_queue_to_a_rectification_notice(page: Any,
                                                                                 portal: Portal) -> None:
    task = _task_of(portal, _drawn(portal, "工作台专项抽查", count=1))
    login(page, portal, _team(portal, task["id"])[0])  # an inspector drawn for it
    assert page.url.endswith("/inspection/web/queue")
    assert page.get_by_role("table", name="待办检查任务").get_by_role("link", name=task["org_name"]).count() >= 1
    assert_accessible(page)
    screenshot(page, "inspection-queue")
    page.goto(f"{portal.url}/inspection/web/tasks/{task['id']}")
    page.get_by_role("button", name="发送检查通知").click()  # empty: refused with the field named
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("需准备的材料").get_attribute("aria-invalid") == "true"
    page.get_by_label("需准备的材料").fill("章程、财务会计报告、会议纪要")
    page.get_by_role("button", name="发送检查通知").click()
    assert page.get_by_role("status").inner_text() == "检查通知已发送。"
    page.get_by_label("财务状况：符合").uncheck()
    page.get_by_label("财务状况 · 问题（不符合时填写）").fill("账目不清，票据缺失")
    page.get_by_label("处理结果").select_option("rectification")
    page.get_by_label("整改期限（责令整改时必填）").fill("2026-04-30")
    assert_accessible(page)
    screenshot(page, "inspection-task-result")
    page.get_by_role("button", name="录入检查结果").click()
    assert page.get_by_role("status").inner_text() == "检查结果已录入。"
    number = page.get_by_role("link", name="厦民社整").inner_text()
    page.goto(f"{portal.url}/inspection/web/queue")
    due = page.get_by_role("table", name="整改通知：待整改与逾期")
    row = due.locator("tr", has=page.get_by_role("link", name=number))
    assert task["org_name"] in row.inner_text() and "2026-04-30" in row.inner_text()


def test_an_organization_answers_its_notice_and_the_inspector_accepts_it(page: Any, portal: Portal) -> None:
    rect = _rectification(portal, "整改回复专项抽查")
    password = portal.org_account(rect["uscc"], f"org-{rect['id'].lower()}")
    login(page, portal, f"org-{rect['id'].lower()}", password)
    page.goto(f"{portal.url}/inspection/web/notices")
    notice = page.get_by_role("region", name=rect["number"])
    for text in (rect["number"], "2026-04-30", "财务状况：账目不清，票据缺失", rect["legal_basis"], "待整改"):
        assert text in notice.inner_text()
    assert_accessible(page)
    screenshot(page, "inspection-notices")
    notice.get_by_role("button", name="提交整改报告").click()  # empty report: refused, nothing saved
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label(f"整改报告（{rect['number']}）").get_attribute("aria-invalid") == "true"
    page.get_by_label(f"整改报告（{rect['number']}）").fill("已完善财务制度，补齐全部票据。")
    page.get_by_role("region", name=rect["number"]).get_by_role("button", name="提交整改报告").click()
    assert page.get_by_role("status").inner_text() == "整改报告已提交。"
    notice = page.get_by_role("region", name=rect["number"])
    assert "已报告，待复核" in notice.inner_text() and "已完善财务制度，补齐全部票据。" in notice.inner_text()
    assert notice.get_by_role("button", name="提交整改报告").count() == 0
    page.context.clear_cookies()
    login(page, portal, rect["worker"])  # the inspector of the inspection that ordered it
    review = page.get_by_role("table", name="整改报告：待复核")
    review.get_by_role("link", name=rect["number"]).click()
    assert "已完善财务制度，补齐全部票据。" in page.locator("main").inner_text()
    page.get_by_role("radio", name="通过", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="提交复核").click()
    assert page.get_by_role("status").inner_text() == "复核已提交。"
    assert "整改已通过" in page.locator("main").inner_text()
    with portal.api() as http:
        stored = http.get(f"/inspection/rectifications/{rect['id']}", headers=_inspector(portal)).json()
    assert (stored["status"], stored["accepted_on"]) == ("accepted", "2026-03-16")


def test_an_organization_sees_only_its_own_notices_and_anonymous_visitors_sign_in(page: Any,
                                                                                 portal: Portal) -> None:
    rect = _rectification(portal, "他人通知专项抽查")
    other = portal.register(next(_serial))
    password = portal.org_account(other, f"org-other-{next(_serial)}")
    page.goto(f"{portal.url}/inspection/web/notices")
    assert "/auth/login?next=" in page.url
    page.goto(f"{portal.url}/inspection/web/queue")
    assert "/auth/login?next=" in page.url
    login(page, portal, f"org-other-{next(_serial) - 1}", password)
    page.goto(f"{portal.url}/inspection/web/notices")
    assert rect["number"] not in page.locator("main").inner_text()
    assert "本组织没有整改通知。" in page.locator("main").inner_text()
    answer = page.goto(f"{portal.url}/inspection/web/queue")
    assert answer is not None and answer.status == 403


def _listed_org(portal: Portal) -> tuple[str, str]:
    """A registered organization known to the inspection service, with its `org` account."""
    uscc = portal.register(next(_serial))
    _in_directory(portal, [uscc])
    username = f"org-credit-{next(_serial)}"
    return uscc, username


def test_an_inspector_lists_an_organization_and_it_applies_for_removal_which_is_approved(
        page: Any, portal: Portal) -> None:
    uscc, username = _listed_org(portal)
    password = portal.org_account(uscc, username)
    login(page, portal, "inspector1")
    page.goto(f"{portal.url}/inspection/web/credit-lists/abnormal")
    page.get_by_role("button", name="列入名单").click()  # empty: refused, each field named
    assert page.get_by_label("统一社会信用代码").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("法律依据").get_attribute("aria-invalid") == "true"
    page.get_by_label("统一社会信用代码").fill(uscc)
    page.get_by_label("列入情形").select_option("uncontactable")
    page.get_by_label("法律依据").fill("《社会组织信用信息管理办法》第十条第（六）项")
    page.get_by_label("列入事由").fill("两次挂号信均被退回，住所无法联系")
    assert_accessible(page)
    screenshot(page, "inspection-credit-list")
    page.get_by_role("button", name="列入名单").click()
    assert page.get_by_role("status").inner_text() == "已提交，待另一名审批人批准后生效。"  # issue 12: two people
    assert_accessible(page)
    approve_in_browser(page, portal)
    page.locator("dl.facts a").first.click()  # the record the approval produced
    facts = page.locator("dl.facts").inner_text()
    assert uscc in facts and "通过登记的住所无法取得联系" in facts and "第十条第（六）项" in facts
    assert_accessible(page)
    page.context.clear_cookies()

    login(page, portal, username, password)
    page.goto(f"{portal.url}/inspection/web/credit")
    assert page.locator("#lists-now").inner_text().strip() == "活动异常名录"
    entries = page.get_by_role("table", name="当前有效的列入记录").inner_text()
    for text in ("通过登记的住所无法取得联系", "第十条第（六）项", "两次挂号信均被退回，住所无法联系", "2026-03-16"):
        assert text in entries
    timeline = page.get_by_role("table", name="如无新情况，今后将发生的变化").inner_text()
    assert "2028-03-16" in timeline and "严重违法失信名单" in timeline  # 2 years on the list (R8.3 #1)
    assert_accessible(page)
    screenshot(page, "inspection-credit-own")
    page.get_by_label("申请说明").fill("已更新住所并可正常联系，附租赁合同。")
    page.get_by_role("button", name="提交申请").click()
    assert page.get_by_role("status").inner_text() == "移出申请已提交。"
    assert "待决定" in page.get_by_role("table", name="移出申请（信用修复）").inner_text()
    page.context.clear_cookies()

    login(page, portal, "inspector1")
    credit = page.get_by_role("table", name="信用修复与异议：待决定")
    credit.get_by_role("link", name=_name_of(portal, uscc)).click()
    assert "已更新住所并可正常联系，附租赁合同。" in page.locator("main").inner_text()
    page.get_by_role("radio", name="批准", exact=True).check()
    page.get_by_label("决定理由").fill("经核实住所已可联系")
    assert_accessible(page)
    page.get_by_role("button", name="提交决定").click()
    assert page.get_by_role("status").inner_text() == "已提交，待另一名审批人批准后生效。"
    approve_in_browser(page, portal)
    with portal.api() as http:
        record = http.get(f"/inspection/credit/organizations/{uscc}").json()
    assert record["lists"] == [] and record["history"][0]["removed_on"] == "2026-03-16"


def approve_in_browser(page: Any, portal: Portal) -> None:
    """Issue 12: on the proposal's page, the proposer cannot approve; another person, the approver, signs in
    and approves it there; the page then says it was decided."""
    proposal_url = page.url.split("?")[0]
    assert page.get_by_role("button", name="批准").count() == 0  # the proposer sees no approve button
    page.context.clear_cookies()
    login(page, portal, "approver1")
    page.goto(proposal_url)
    assert_accessible(page)
    page.get_by_role("button", name="批准", exact=True).click()
    assert page.get_by_role("status").inner_text() == "已记录审批结果。"
    assert "已批准生效" in page.locator("dl.facts").inner_text()


def _name_of(portal: Portal, uscc: str) -> str:
    with portal.api() as http:
        return str(http.get(f"/inspection/organizations/{uscc}", headers=_inspector(portal)).json()["name"])


def test_an_inspector_removes_an_entry_with_reason_and_legal_basis(page: Any, portal: Portal) -> None:
    uscc, _ = _listed_org(portal)
    with portal.api() as http:
        answer = http.post("/inspection/credit-lists/abnormal/entries", headers=_inspector(portal), json={
            "uscc": uscc, "trigger": "other_abnormal", "legal_basis": "《社会组织信用信息管理办法》第十条",
            "reason": "登记事项与实际不符"})
        assert answer.status_code == 202, answer.text
        decided = http.post(f"{answer.headers['Location']}/approval", headers=portal.token("approver1"))
        assert decided.status_code == 200, decided.text
        entry = {"id": decided.json()["result_id"]}
    login(page, portal, "inspector1")
    page.goto(f"{portal.url}/inspection/web/credit/entries/{entry['id']}")
    page.get_by_role("button", name="移出").click()  # no reason: refused, still listed
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("移出事由").fill("已更正登记事项")
    page.get_by_label("法律依据").fill("《社会组织信用信息管理办法》第十一条")
    page.get_by_role("button", name="移出").click()
    assert page.get_by_role("status").inner_text() == "已提交，待另一名审批人批准后生效。"
    approve_in_browser(page, portal)
    page.goto(f"{portal.url}/inspection/web/credit/entries/{entry['id']}")
    assert "已更正登记事项" in page.locator("dl.facts").inner_text()
    assert page.get_by_role("button", name="移出").count() == 0
    assert "removed" in page.get_by_role("table", name="该记录的全部操作").inner_text()
    with portal.api() as http:
        assert http.get(f"/inspection/credit/organizations/{uscc}").json()["lists"] == []


def test_an_inspector_runs_a_committed_draw_from_the_queue_and_it_verifies(page: Any, portal: Portal) -> None:
    _in_directory(portal, [portal.register(next(_serial))])
    _pool(portal)
    plan = _plan(portal, 1, "工作台立即抽取计划")
    login(page, portal, "inspector1")
    row = page.get_by_role("table", name="抽查计划与抽取").locator("tr", has_text="工作台立即抽取计划")
    assert "已承诺，待抽取" in row.inner_text()
    row.get_by_label("公开随机数（可选）").fill("88-12-05")
    row.get_by_role("button", name="立即抽取").click()
    assert page.get_by_role("status").inner_text() == "已完成第 1 轮抽取。"
    assert f"/inspection/web/draws/{plan['draws'][0]['id']}" in page.url
    assert "88-12-05" in page.locator("main").inner_text()
    page.get_by_role("button", name="验证").click()
    assert page.get_by_role("status").inner_text() == "验证通过：按公开输入重新计算的结果与公示结果一致。"
    page.goto(f"{portal.url}/inspection/web/queue")
    row = page.get_by_role("table", name="抽查计划与抽取").locator("tr", has_text="工作台立即抽取计划")
    assert "各轮均已抽取" in row.inner_text() and row.get_by_role("button").count() == 0


def test_the_queue_lists_only_the_tasks_the_signed_in_inspector_was_drawn_for(page: Any, portal: Portal) -> None:
    """Issue 12: an inspector's queue holds the tasks drawn for their pool member, nobody else's; an account
    linked to no member is told so and holds none."""
    task = _task_of(portal, _drawn(portal, "只看自己的任务专项抽查", count=1))
    drawn = _team(portal, task["id"])
    [left_out] = [a for a in (_account_of(portal, i) for i in _pool(portal)) if a not in drawn]
    link = f"a[href='/inspection/web/tasks/{task['id']}']"
    login(page, portal, drawn[1])
    assert page.get_by_role("table", name="待办检查任务").locator(link).count() == 1
    assert "仅列出抽中您" in page.locator("main").inner_text()
    page.context.clear_cookies()
    login(page, portal, left_out)
    assert page.locator(link).count() == 0
    page.goto(f"{portal.url}/inspection/web/tasks/{task['id']}")  # the page is readable, acting on it is not
    page.get_by_label("需准备的材料").fill("章程")
    page.get_by_role("button", name="发送检查通知").click()
    assert page.get_by_role("alert").is_visible() and "R6.1" in page.get_by_role("alert").inner_text()
    page.context.clear_cookies()
    login(page, portal, "inspector1")  # linked to no pool member
    assert "未关联检查人员名录" in page.locator("main").inner_text()
    assert page.get_by_role("table", name="待办检查任务").count() == 0
    assert_accessible(page)
    screenshot(page, "inspection-queue-not-linked")


def test_the_draw_page_shows_the_external_value_the_substitutes_and_the_redraw_with_reasons(
        page: Any, portal: Portal) -> None:
    """Issue 12: a scheduled draw names its external public random value before the commitment; the value is
    entered once announced; a substitute and a redraw are published with their reasons, beside the first draw."""
    usccs = [portal.register(next(_serial)) for _ in range(2)]
    _in_directory(portal, usccs)
    _pool(portal)
    source = "福利彩票双色球第2026030期开奖号码"
    with portal.api() as http:
        answer = http.post("/inspection/plans", headers=_inspector(portal), json={
            "year": 2026, "kind": "scheduled", "title": "网页外部随机数定期抽查", "scope": {"levels": ["city"]},
            "public_random_sources": [{"source": source, "announced_on": "2026-03-17"}]})
        assert answer.status_code == 201, answer.text
        plan = answer.json()
    first_id = plan["draws"][0]["id"]
    page.goto(f"{portal.url}/inspection/web/draws/{first_id}")
    assert source in page.locator("#random-source").inner_text() and "待公布后录入" in page.locator("main").inner_text()
    portal.clock.advance(days=1)  # the value is announced
    try:
        with portal.api() as http:
            entered = http.put(f"/inspection/draws/{first_id}/public-random", headers=_inspector(portal),
                               json={"value": "02 09 14 21 27 33 + 05"})
            assert entered.status_code == 200, entered.text
            drawn = http.post(f"/inspection/plans/{plan['id']}/draws", headers=_inspector(portal))
            assert drawn.status_code == 201, drawn.text
            task = _task_of(portal, drawn.json())
            portal.clock.advance(minutes=5)
            leaving, staying = _team(portal, task["id"])
            members = {_account_of(portal, i): i for i in _pool(portal)}
            assert http.post(f"/inspection/inspectors/{members[leaving]}/conflicts", headers=portal.token(leaving),
                             json={"uscc": task["uscc"], "kind": "relative"}).status_code == 201
            sub = http.post(f"/inspection/tasks/{task['id']}/substitutions", headers=portal.token(staying),
                            json={"inspector_id": members[leaving], "reason": "检查员与该组织负责人系近亲属，回避"})
            assert sub.status_code == 201, sub.text
            redraw = http.post(f"/inspection/draws/{first_id}/redraws", headers=_inspector(portal), json={
                "reason": "名录未含当日新登记的组织，重新抽取",
                "public_random_source": {"source": "福利彩票双色球第2026031期开奖号码", "announced_on": "2026-03-19"}})
            assert redraw.status_code == 201, redraw.text
        page.goto(f"{portal.url}/inspection/web/draws/{first_id}")
        main = page.locator("main").inner_text()
        assert "02 09 14 21 27 33 + 05" in main and source in main
        targets = page.get_by_role("table", name="抽中的社会组织及检查人员").inner_text()
        assert "检查员与该组织负责人系近亲属，回避" in targets and "→" in targets
        assert "本次抽取已被重新抽取" in main
        assert_accessible(page)
        screenshot(page, "inspection-draw-substitute")
        page.get_by_role("link", name="查看重新抽取").click()
        main = page.locator("main").inner_text()
        assert "名录未含当日新登记的组织，重新抽取" in main and "第2026031期" in main
        assert_accessible(page)
        screenshot(page, "inspection-redraw")
        page.get_by_role("link", name="原抽取结果").click()
        page.get_by_role("button", name="验证").click()
        assert page.get_by_role("status").inner_text() == "验证通过：按公开输入重新计算的结果与公示结果一致。"
        page.goto(f"{portal.url}/inspection/web/draws")
        assert "名录未含当日新登记的组织，重新抽取" in page.locator("main").inner_text()
    finally:
        portal.clock.set(PORTAL_DAY)
