"""Security headers (issue 12, part 6): the Content-Security-Policy is enforced in Chromium and the
pages still work under it; the header values, checked over HTTP; no template brings inline script.

Violations are caught with a `securitypolicyviolation` listener installed before any page script
runs (Playwright's init scripts are not subject to the page's policy) and from the console, where
Chromium reports every refusal."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.webui import charts
from shared.webui.security import CONTENT_SECURITY_POLICY
from tests.system.test_gateway_tls import login_form_fields
from tests.web.conftest import Portal, login
from tests.web.test_filing import filer

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted([*ROOT.glob("services/*/entrypoints/**/*.html"), *ROOT.glob("shared/**/*.html")])
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


class Watched:
    """A page whose CSP violations, console errors and requests are recorded."""

    def __init__(self, page: Any, portal: Portal) -> None:
        self.page, self.portal = page, portal
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: self.requests.append(r.url))

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.portal.url}{path}")
        self.page.wait_for_load_state("networkidle")

    def violations(self) -> list[str]:
        return list(self.page.evaluate("window.__violations || []"))

    def assert_clean(self, expected: frozenset[str] = frozenset()) -> None:
        unexpected = [v for v in self.violations() if v not in expected]
        assert not unexpected, f"{self.page.url}: the policy refused {unexpected}"
        refused = [m for m in self.console_errors if "Content Security Policy" in m
                   and not any(v.split()[-1] in m for v in expected)]
        assert not refused, refused
        blocked = {v.split()[-1] for v in expected}  # refused by the policy: they never leave the browser
        elsewhere = [u for u in self.requests if not u.startswith((self.portal.url, "data:", "blob:"))
                     and u not in blocked]
        assert not elsewhere, f"requests beyond the site (offline in production): {elsewhere}"


def test_public_pages_run_under_the_policy_and_inline_script_is_refused(page: Any, portal: Portal) -> None:
    watched = Watched(page, portal)
    for path in ("/search/web/", "/search/web/dashboard", "/search/web/credit-lists/abnormal", "/auth/login"):
        watched.goto(path)
        watched.assert_clean()
    # the policy is enforced, not only sent: an injected inline script and an inline handler do not run
    watched.goto("/search/web/")
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__inline_ran = true";
        document.body.appendChild(s);
        const b = document.createElement("button");
        b.setAttribute("onclick", "window.__handler_ran = true");
        document.body.appendChild(b);
        b.click();
    }""")
    assert page.evaluate("window.__inline_ran === undefined && window.__handler_ran === undefined")
    refused = " ".join(watched.violations())
    assert "script-src-elem inline" in refused and "script-src-attr inline" in refused, refused


def test_a_signed_in_page_keeps_its_script_working_under_the_policy(page: Any, portal: Portal) -> None:
    uscc = filer(portal, 7401)
    password = portal.org_account(uscc, "org7401")
    watched = Watched(page, portal)
    login(page, portal, "org7401", password)
    watched.goto("/registry/web/my/reports/2025")
    add = page.get_by_role("button", name="增加一行").first
    assert add.is_visible(), "socreg.js shows the add-row buttons (hidden without script)"
    group = add.get_attribute("data-add-row")
    rows = page.locator(f'[data-rows="{group}"] [data-row]')
    before = rows.count()
    add.click()
    assert rows.count() == before + 1, "socreg.js added a row"
    watched.assert_clean()


def test_the_api_docs_render_from_local_assets_under_the_policy(page: Any, portal: Portal) -> None:
    watched = Watched(page, portal)
    watched.goto("/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "socreg" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 20, "Swagger UI listed the operations of /openapi.json"
    watched.assert_clean()
    watched.goto("/redoc")
    page.get_by_role("heading", level=1).filter(has_text="socreg").wait_for()
    assert page.get_by_text("/registry/organizations").count() > 0, "ReDoc rendered the operations"
    # ReDoc's bundle hard-codes its maker's logo on a CDN: the policy keeps that request from leaving
    watched.assert_clean(expected=frozenset({"img-src https://cdn.redoc.ly/redoc/logo-mini.svg"}))


# -- the header values over HTTP --------------------------------------------------------------------------

def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_the_policy_allows_no_inline_script_and_no_framing() -> None:
    policy = _directives(CONTENT_SECURITY_POLICY)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert not [v for values in policy.values() for v in values if v in ("'unsafe-inline'", "'unsafe-eval'", "*")]


def _common(answer: httpx.Response) -> None:
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, answer.request.url
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert answer.headers["x-frame-options"] == "DENY"


def test_public_answers_carry_the_headers_and_may_be_cached(portal: Portal) -> None:
    with portal.api() as http:
        for path in ("/search/web/", "/search/organizations?q=%E5%8D%8F%E4%BC%9A", "/healthz", "/no-such-page"):
            answer = http.get(path)
            _common(answer)
            assert "no-store" not in answer.headers.get("cache-control", ""), path
        too_large = http.post("/registry/organizations", content=b"x" * 2_000_000,
                              headers={"content-type": "application/json"})
        assert too_large.status_code == 413
        _common(too_large)


def test_signed_in_pages_and_authenticated_api_answers_are_not_stored(portal: Portal) -> None:
    password = portal.org_account(filer(portal, 7402), "org7402")
    with portal.api() as http:
        fields = login_form_fields(http.get("/auth/login").text)  # e.g. its CSRF token
        signed_in = http.post("/auth/login", data={**fields, "username": "org7402", "password": password})
        assert signed_in.status_code == 303, signed_in.text
        assert signed_in.headers["cache-control"] == "no-store"
        mine = http.get("/registry/web/my")  # the session cookie goes with it
        assert mine.status_code == 200 and "org7402" in mine.text
        _common(mine)
        assert mine.headers["cache-control"] == "no-store"
        public_page_signed_in = http.get("/search/web/")
        assert public_page_signed_in.headers["cache-control"] == "no-store", "it names the signed-in user"
        assert "no-store" not in http.get("/static/socreg/socreg.css").headers.get("cache-control", "")
    with portal.api() as http:
        record = http.get("/registry/organizations?size=1", headers=portal.token("registrar1"))
        assert record.status_code == 200
        _common(record)
        assert record.headers["cache-control"] == "no-store"
        refused = http.get("/registry/organizations?size=1", headers={"Authorization": "Bearer not-a-token"})
        assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"


# -- the templates themselves ------------------------------------------------------------------------------

INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event-handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_brings_inline_script_or_style(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{template.relative_to(ROOT)}: {found} (move it to shared/webui/static/)"


def test_the_charts_use_attributes_the_policy_allows() -> None:
    svg = str(charts.bar_chart([("2024", 3), ("2025", 5)], title="t")) + str(
        charts.line_chart([("2024", 1.0), ("2025", 2.0)], title="t"))
    assert "<svg" in svg
    assert not INLINE["style attribute"].search(svg) and not INLINE["<style> element"].search(svg)


def test_the_printable_notices_take_their_style_from_a_file() -> None:
    from services.inspection.entrypoints.api import documents

    html = documents._page("整改通知书", "<h1>整改通知书</h1>")
    found = [name for name, pattern in INLINE.items() if pattern.search(html)]
    assert not found, found
    stylesheet = re.search(r'<link rel="stylesheet" href="/static/socreg/([\w.-]+)">', html)
    assert stylesheet and (ROOT / "shared/webui/static" / stylesheet.group(1)).is_file()
