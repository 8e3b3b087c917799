"""Page language: zh-CN by default, English on request (``?lang=en``, then remembered in a cookie).

Messages are keyed; each service adds its own keys to the shared ones. A key missing in a language
falls back to Chinese, and a key missing everywhere shows itself, so a forgotten message is visible
in a page rather than an exception.
"""
from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
LANG_COOKIE = "socreg_lang"

SHARED_MESSAGES: dict[str, tuple[str, str]] = {
    "site.name": ("厦门市社会组织登记与信用监管", "Xiamen social organization register"),
    "site.short": ("社会组织信用", "socreg"),
    "skip": ("跳到正文", "Skip to content"),
    "nav.label": ("主导航", "Main navigation"),
    "nav.search": ("查询社会组织", "Search organizations"),
    "nav.lists": ("信用名单", "Credit lists"),
    "nav.draws": ("双随机抽查", "Random inspections"),
    "nav.dashboard": ("规划目标", "Plan goals"),
    "nav.my": ("本组织", "My organization"),
    "nav.notices": ("整改通知", "Rectification notices"),
    "nav.credit": ("信用状况", "Credit status"),
    "nav.registry_queue": ("登记工作台", "Registrar's queue"),
    "nav.inspection_queue": ("监督工作台", "Inspector's queue"),
    "nav.sanctions_inspection": ("处罚与名单审批", "Sanction approvals"),
    "nav.sanctions_registry": ("撤销登记审批", "Revocation approvals"),
    "nav.audit": ("审计日志", "Audit trail"),
    "nav.login": ("登录", "Sign in"),
    "nav.logout": ("退出", "Sign out"),
    "nav.signed_in_as": ("当前用户", "Signed in as"),
    "lang.switch": ("English", "中文"),
    "lang.switch_label": ("切换语言", "Switch language"),
    "footer.text": ("厦门市民政局 · 社会组织登记管理与信用监管系统（开源）",
                    "Xiamen Civil Affairs Bureau · open-source register and credit supervision"),
    "error.title": ("出错了", "Something went wrong"),
    "error.back": ("返回首页", "Back to the start page"),
    "error.404": ("未找到", "Not found"),
    "error.403": ("无权访问", "Not allowed"),
    "error.409": ("规则不允许", "Not allowed by the rules"),
    "error.422": ("输入有误", "Invalid input"),
    "error.503": ("服务暂不可用", "Service unavailable"),
    "form.required": ("必填", "required"),
    "form.errors": ("请更正以下问题：", "Please correct the following:"),
    "pager.label": ("分页", "Pagination"),
    "pager.prev": ("上一页", "Previous"),
    "pager.next": ("下一页", "Next"),
    "pager.page": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "chart.table": ("数据表", "Data table"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}


def request_lang(request: Request) -> str:
    """The page language: ``?lang=`` wins, then the cookie, then Chinese."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    return remembered if remembered in LANGS else "zh"


class Translator:
    def __init__(self, *catalogs: Mapping[str, tuple[str, str]]) -> None:
        self.messages: dict[str, tuple[str, str]] = {}
        for catalog in (SHARED_MESSAGES, *catalogs):
            self.messages.update(catalog)

    def __call__(self, lang: str, key: str, **params: object) -> str:
        pair = self.messages.get(key)
        if pair is None:
            return key
        text = pair[1] if lang == "en" and pair[1] else pair[0]
        return text.format(**params) if params else text
