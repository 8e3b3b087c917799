"""The registry's page renderer: its templates, then the shared layout (shared/webui)."""
from __future__ import annotations

from pathlib import Path

from services.registry.entrypoints.web.page_messages import PAGES
from services.registry.entrypoints.web.report_messages import ERRORS, LABELS
from shared.webui import Pages

MESSAGES: dict[str, tuple[str, str]] = {
    "login.title": ("登录", "Sign in"),
    "login.intro": ("社会组织、登记管理机关和监督检查人员请使用本系统账号登录。",
                    "Organizations, registrars and inspectors sign in with their socreg account."),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码错误。", "Wrong username or password."),
    **PAGES, **LABELS, **ERRORS,
}

pages = Pages(Path(__file__).parent / "templates", messages=MESSAGES)
