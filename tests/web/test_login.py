"""Signing in through the login page, in a real browser."""
from __future__ import annotations

from typing import Any

from tests.web.conftest import Portal, assert_accessible, login, screenshot


def test_a_registrar_signs_in_and_lands_on_the_work_queue_and_signs_out(page: Any, portal: Portal) -> None:
    login(page, portal, "registrar1")
    assert page.url.endswith("/registry/web/queue")
    assert [c for c in page.context.cookies() if c["name"] == "socreg_session"]
    page.goto(f"{portal.url}/auth/login")
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()
    assert not [c for c in page.context.cookies() if c["name"] == "socreg_session"]


def test_a_wrong_password_is_refused_with_a_message_and_no_session(page: Any, portal: Portal) -> None:
    login(page, portal, "registrar1", "not-the-password")
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误。"
    assert not [c for c in page.context.cookies() if c["name"] == "socreg_session"]
    assert_accessible(page)
    screenshot(page, "login-failed")


def test_the_login_page_switches_to_english(page: Any, portal: Portal) -> None:
    page.goto(f"{portal.url}/auth/login")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    page.goto(f"{portal.url}/auth/login")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_page_behind_login_sends_an_anonymous_visitor_to_the_login_page(page: Any, portal: Portal) -> None:
    page.goto(f"{portal.url}/registry/web/queue")
    assert "/auth/login?next=" in page.url
