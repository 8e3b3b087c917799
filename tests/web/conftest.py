"""Pages in a real browser: Debian's Chromium driven by Playwright (browser-testing.md).

One embedded platform (all three services, SQLite, workers running) serves the pages on a loopback
port for the whole session; tests make their own organizations through the API so they do not
depend on one another. Screenshots go to test-artifacts/screenshots/ (kept by CI as artifacts).
"""
from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from services.registry.domain import commands
from services.registry.service_layer import handlers
from shared.clock import FixedClock
from shared.errors import SocregError
from shared.settings import Settings
from socreg.app import Platform, build_platform, create_app
from tests.fixtures.accounts import password_of, provision
from tests.fixtures.platform import TEST_SECRET
from tests.fixtures.servers import free_port
from tests.registry.factories import registration_body

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PORTAL_DAY = date(2026, 3, 16)  # filing season for the 2025 reports (deadlines 31 March / 31 May 2026)
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
USERS = (("registrar1", "registrar"), ("inspector1", "inspector"), ("admin1", "admin"), ("approver1", "approver"),
         ("auditor1", "auditor"))


@dataclass
class Portal:
    url: str
    platform: Platform
    clock: FixedClock
    _tokens: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict, repr=False)

    def api(self) -> httpx.Client:
        """An HTTP client of the served portal. A bearer token a test signed itself with the test key
        (org_token) gets its account and session in the accounts store first, as tests/fixtures/accounts.py
        does for the in-process clients: every service checks them on each request."""
        return httpx.Client(base_url=self.url, timeout=30, event_hooks={"request": [self._provision]})

    def _provision(self, request: httpx.Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            try:
                provision(self.platform.registry.db.write_engine, token, TEST_SECRET)
            except SocregError:  # not a token of the test key: the service answers for it
                pass

    def token(self, username: str, password: str | None = None) -> dict[str, str]:
        """A bearer header of POST /auth/token; kept for the session once granted (each sign-in costs
        an argon2 verification, about half a second on a busy 2-core machine)."""
        key = (username, password or password_of(username))
        if key not in self._tokens:
            with self.api() as http:
                answer = http.post("/auth/token", data={"username": key[0], "password": key[1]})
                answer.raise_for_status()
                self._tokens[key] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        return dict(self._tokens[key])

    def register(self, n: int, **overrides: Any) -> str:
        """A new organization registered through the API; its USCC."""
        with self.api() as http:
            answer = http.post("/registry/organizations", json=registration_body(n, **overrides),
                               headers=self.token("registrar1"))
            assert answer.status_code == 201, answer.text
            return str(answer.json()["uscc"])

    def org_account(self, uscc: str, username: str) -> str:
        """An `org` account bound to `uscc`; its password."""
        password = password_of(username)
        handlers.add_user(commands.AddUser(username, password, "org", uscc), self.platform.registry.uow())
        return password

    def publish(self, event_type: str, data: dict[str, Any]) -> None:
        """Deliver one event on the platform's bus, as the service that owns it would (e.g. credit.*)."""
        from shared.events.envelope import new_envelope

        self.platform.bus.publish([new_envelope(event_type, source="tests.web", subject=str(data.get("uscc", "")),
                                                data=data, time=self.clock.now())])

    def wait_profile(self, uscc: str, check: Any, timeout: float = 15.0) -> dict[str, Any]:
        """The public profile of `uscc` once `check(profile)` holds (the search side has caught up)."""
        deadline = time.monotonic() + timeout
        with self.api() as http:
            while time.monotonic() < deadline:
                answer = http.get(f"/search/organizations/{uscc}")
                if answer.status_code == 200 and check(answer.json()):
                    return dict(answer.json())
                time.sleep(0.1)
        raise AssertionError(f"the profile of {uscc} did not reach the expected state within {timeout} s")

    def wait_searchable(self, uscc: str, timeout: float = 15.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self.api() as http:
            while time.monotonic() < deadline:
                answer = http.get(f"/search/organizations/{uscc}")
                if answer.status_code == 200:
                    return dict(answer.json())
                time.sleep(0.1)
        raise AssertionError(f"{uscc} not searchable within {timeout} s")


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    data_dir = tmp_path_factory.mktemp("portal")
    settings = Settings(secret_key=TEST_SECRET, data_dir=data_dir, bus_sqlite_path=str(data_dir / "bus.db"),
                        relay_poll_seconds=0.05, consumer_poll_seconds=0.05,
                        totp_required_roles=())  # a one-time code works once per 30 s; tests sign in often
    clock = FixedClock(PORTAL_DAY)
    platform = build_platform(settings, clock=clock)
    for username, role in USERS:
        handlers.add_user(commands.AddUser(username, password_of(username), role), platform.registry.uow())
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(platform), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "portal server did not start"
        time.sleep(0.05)
    yield Portal(f"http://127.0.0.1:{port}", platform, clock)
    server.should_exit = True
    thread.join(30)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


def screenshot(page: Any, name: str) -> Path:
    """Keep a full-page screenshot of `page` as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page: Any) -> None:
    """No axe-core violation of WCAG 2.1 A/AA on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=WCAG)
    violations = results.response["violations"]
    assert not violations, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in violations)


def login(page: Any, portal: Portal, username: str, password: str | None = None) -> None:
    """Sign in through the login page, as a person would."""
    page.goto(f"{portal.url}/auth/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or password_of(username))
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def cjk_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return bool(out.strip())
