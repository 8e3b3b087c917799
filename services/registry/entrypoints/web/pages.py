"""The registry's page renderer: its templates, then the shared layout (shared/webui)."""
from __future__ import annotations

from pathlib import Path

from services.registry.entrypoints.web.dormancy_messages import DORMANCY
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
    "login.totp": ("动态验证码（已绑定验证器的账号填写）", "One-time code (accounts with an authenticator app)"),
    "login.totp_missing": ("此账号需要验证器上的6位动态验证码，请填写后再登录。",
                           "This account signs in with the 6-digit code from its authenticator app: enter it."),
    "login.totp_wrong": ("动态验证码错误或已过期。", "Wrong or expired one-time code."),
    "login.totp_enrol": ("此账号的角色必须使用动态验证码登录，但尚未绑定验证器：请管理员执行 "
                         "socreg user totp {username} 完成绑定。",
                         "This account's role signs in with a one-time code and none is enrolled yet: an "
                         "administrator enrols it with socreg user totp {username}."),
    "login.throttled": ("登录失败次数过多，请在 {seconds} 秒后重试（管理员可以解锁账号）。",
                        "Too many failed sign-ins: try again in {seconds} s (an administrator can unlock the account)."),
    "login.expired": ("登录表单已过期，请重新登录。", "The sign-in form expired: please sign in again."),
    **PAGES, **LABELS, **ERRORS, **DORMANCY,
}

pages = Pages(Path(__file__).parent / "templates", messages=MESSAGES)
