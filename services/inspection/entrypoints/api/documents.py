"""Printable documents: the rectification notice (整改通知书) and the inspection notice (检查通知书),
as HTML pages (print from the browser) styled by /static/socreg/document.css. Every value is escaped."""
from __future__ import annotations

from html import escape
from typing import Any

from services.inspection.domain.model import CHECK_ITEMS, METHODS

AUTHORITY = "厦门市民政局"
_STYLESHEET = "/static/socreg/document.css"  # served by every service; a file, so the CSP needs no inline style


def _date(d: Any) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<link rel="stylesheet" href="{_STYLESHEET}"></head><body>{body}</body></html>')


def rectification_notice(r: dict[str, Any], domicile: str | None) -> str:
    problems = "".join(f"<li>{escape(p)}</li>" for p in r["problems"])
    body = (f"<h1>整改通知书</h1><p class=\"no\">{escape(r['number'])}</p>"
            f"<p>{escape(r['org_name'])}（统一社会信用代码：{escape(r['uscc'])}）：</p>"
            + (f"<p>住所：{escape(domicile)}</p>" if domicile else "")
            + "<p>经“双随机、一公开”抽查，你单位存在以下问题：</p>"
            f"<ol>{problems}</ol>"
            f"<p>依据{escape(r['legal_basis'])}，现责令你单位于<strong>{_date(r['deadline'])}</strong>前完成整改，"
            "并向登记管理机关提交书面整改报告。逾期未完成整改的，将依照《社会组织信用信息管理办法》列入活动异常名录；"
            "拒不整改的，依法予以处罚。</p>"
            f"<p class=\"sign\">{AUTHORITY}<br>{_date(r['issued_on'])}</p>")
    return _page(f"整改通知书 {r['number']}", body)


def inspection_notice(t: dict[str, Any]) -> str:
    items = "".join(f"<li>{escape(CHECK_ITEMS.get(i, i))}</li>" for i in t["check_items"])
    team = "、".join(escape(i["name"]) for i in t["inspectors"])
    method = METHODS.get(t["notice_method"] or t["method"], "")
    requirements = escape(t["notice_requirements"] or "").replace("\n", "<br>")
    body = (f"<h1>检查通知书</h1><p>{escape(t['org_name'])}（统一社会信用代码：{escape(t['uscc'])}）：</p>"
            f"<p>根据《社会组织抽查暂行办法》，你单位被随机抽取为“{escape(t['plan_title'])}”的抽查对象。"
            f"检查方式：{escape(method)}。检查人员：{team}（不少于二人，出示执法证件）。检查内容：</p><ol>{items}</ol>"
            f"<p>请准备：{requirements}</p><p>本次检查不收取任何费用。</p>"
            f"<p class=\"sign\">{AUTHORITY}<br>{_date(t['notified_on']) if t['notified_on'] else ''}</p>")
    return _page("检查通知书", body)
