"""deploy/gateway.conf in a real nginx, in front of the real app, over real TLS (issue 12, part 6).

The file is run as it is, with only what a test machine must change, each replacement checked to
happen exactly once: its two listen ports (free loopback ports instead of 80 and 443), the certificate
paths (a self-signed certificate made here by openssl instead of the files compose mounts), the
upstreams (the embedded app on a loopback port instead of the compose containers; inspection-api at a
port nothing listens on, to see the gateway's own 503) and Docker's resolver (not needed for
addresses). The app runs under uvicorn with the proxy-header trust compose gives `socreg serve`
(FORWARDED_ALLOW_IPS), so it sees what the gateway forwards.

nginx and openssl are installed by `make test` (Makefile `system-packages`); where nginx is missing,
these tests skip.
"""
from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import uvicorn

from services.registry.domain import commands
from services.registry.service_layer import handlers
from shared.settings import Settings
from socreg.app import build_platform, create_app
from tests.fixtures.servers import free_port
from tests.system.test_deploy_static import SECRET, load_compose
from tests.system.test_gateway import GATEWAY_CONF, TLS_CERT, TLS_KEY

USERNAME, PASSWORD = "gateway-registrar", "Copper-lantern-gateway-4817"
HSTS = "max-age=31536000"


def _nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if found is None:
        pytest.fail("nginx is not installed: `make test` installs it (Makefile system-packages)")
    return found


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"gateway.conf no longer has exactly one {old!r}: update this test"
    return text.replace(old, new)


def runnable_config(tmp: Path, *, http_port: int, https_port: int, app_port: int, down_port: int) -> Path:
    """gateway.conf with the test machine's ports, certificate and upstreams, inside a main nginx.conf."""
    conf = GATEWAY_CONF.read_text(encoding="utf-8")
    conf = _replace_once(conf, "resolver 127.0.0.11 valid=10s ipv6=off;", "")
    conf = _replace_once(conf, "listen 80;", f"listen 127.0.0.1:{http_port};")
    conf = _replace_once(conf, "listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    conf = _replace_once(conf, TLS_CERT, str(tmp / "cert.pem"))
    conf = _replace_once(conf, TLS_KEY, str(tmp / "key.pem"))
    for name, port in (("registry", app_port), ("search", app_port), ("inspection", down_port)):
        conf = _replace_once(conf, f"set ${name}_api http://{name}-api:8000;", f"set ${name}_api http://127.0.0.1:{port};")
    (tmp / "gateway.conf").write_text(conf, encoding="utf-8")
    temp_paths = "\n".join(f"    {kind}_temp_path {tmp}/{kind}_temp;"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp / "nginx.conf"
    main.write_text(
        ("user root root;\n" if os.geteuid() == 0 else "")  # the workers write the temp files under tmp
        + f"daemon off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {tmp}/access.log;\n{temp_paths}\n    include {tmp / 'gateway.conf'};\n}}\n",
        encoding="utf-8")
    return main


def make_certificate(tmp: Path) -> Path:
    """A self-signed certificate for 127.0.0.1, valid a day; the test trusts it as its own CA."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is not installed: `make test` installs it (Makefile system-packages)")
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    return tmp / "cert.pem"


@dataclass
class Site:
    http: str  # plain-HTTP gateway
    https: str  # HTTPS gateway
    direct: str  # the app itself, not through the gateway
    ca: Path

    def client(self) -> httpx.Client:
        trust = ssl.create_default_context(cafile=str(self.ca))
        return httpx.Client(base_url=self.https, verify=trust, timeout=30, follow_redirects=False)


def _wait_port(port: int, proc: subprocess.Popen[bytes] | None, log: Path | None, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"nginx exited: {log.read_text() if log and log.exists() else ''}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"nothing answered on port {port} within {seconds} s")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    nginx = _nginx()
    tmp = tmp_path_factory.mktemp("gateway")
    ca = make_certificate(tmp)
    data = tmp / "data"
    settings = Settings(secret_key=SECRET, data_dir=data, bus_sqlite_path=str(data / "bus.db"))
    platform = build_platform(settings)
    handlers.add_user(commands.AddUser(USERNAME, PASSWORD, "registrar"), platform.registry.uow())
    app_port, http_port, https_port, down_port = free_port(), free_port(), free_port(), free_port()
    main = runnable_config(tmp, http_port=http_port, https_port=https_port, app_port=app_port, down_port=down_port)
    check = subprocess.run([nginx, "-t", "-q", "-p", str(tmp), "-c", str(main), "-e", str(tmp / "error.log")],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, f"nginx -t refuses deploy/gateway.conf:\n{check.stderr}"
    forwarded = str(load_compose()["x-socreg-env"]["FORWARDED_ALLOW_IPS"])  # what compose gives `socreg serve`
    server = uvicorn.Server(uvicorn.Config(create_app(platform, run_workers=False), host="127.0.0.1", port=app_port,
                                           log_level="warning", proxy_headers=True, forwarded_allow_ips=forwarded))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    proc = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(main), "-e", str(tmp / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_port(http_port, proc, tmp / "error.log")
        _wait_port(app_port, None, None)
        yield Site(f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}",
                   f"http://127.0.0.1:{app_port}", ca)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        server.should_exit = True
        thread.join(30)
        platform.close()


class _HiddenInputs(HTMLParser):
    """The hidden fields of the login form (e.g. its CSRF token), whatever their attribute order."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._in_login_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self._in_login_form = found.get("action") == "/auth/login"
        elif tag == "input" and self._in_login_form and found.get("type") == "hidden" and found.get("name"):
            self.fields[str(found["name"])] = found.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_login_form = False


def login_form_fields(html: str) -> dict[str, str]:
    """The hidden fields of the login page's form."""
    parser = _HiddenInputs()
    parser.feed(html)
    return parser.fields


def sign_in(http: httpx.Client) -> httpx.Response:
    form = http.get("/auth/login")
    assert form.status_code == 200, form.text
    return http.post("/auth/login", data={**login_form_fields(form.text), "username": USERNAME, "password": PASSWORD})


def _session_cookie(answer: httpx.Response) -> str:
    cookies = [c for c in answer.headers.get_list("set-cookie") if c.startswith("socreg_session=")]
    assert len(cookies) == 1, answer.headers
    return cookies[0].lower()


# -- the tests ---------------------------------------------------------------------------------------------

def test_plain_http_is_redirected_to_https(site: Site) -> None:
    answer = httpx.get(f"{site.http}/search/web/?q=%E5%8E%A6%E9%97%A8", timeout=10)
    assert answer.status_code == 301
    # $host: the name without the port (the public gateway listens on 443)
    assert answer.headers["location"] == "https://127.0.0.1/search/web/?q=%E5%8E%A6%E9%97%A8"
    login = httpx.post(f"{site.http}/auth/login", data={"username": USERNAME, "password": PASSWORD}, timeout=10)
    assert login.status_code == 301 and "set-cookie" not in login.headers, "no sign-in over plain HTTP"
    health = httpx.get(f"{site.http}/_gateway/healthz", timeout=10)
    assert (health.status_code, health.text) == (200, "ok\n")


def test_https_pages_carry_hsts_and_the_services_security_headers(site: Site) -> None:
    with site.client() as http:
        page = http.get("/search/web/")
        docs = http.get("/docs")
        bundle = http.get("/static/docs/swagger-ui-bundle.js")
    assert page.status_code == 200 and page.http_version in ("HTTP/1.1", "HTTP/2")
    assert page.headers.get_list("strict-transport-security") == [HSTS]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert docs.status_code == 200 and docs.headers.get_list("strict-transport-security") == [HSTS]
    assert bundle.status_code == 200 and len(bundle.content) > 100_000, "Swagger UI served locally, in full"


def test_the_gateways_own_answers_carry_hsts_too(site: Site) -> None:
    with site.client() as http:
        down = http.get("/inspection/web/draws")  # inspection-api is down in this test
        metrics = http.get("/metrics")
        ready = http.get("/readyz")
    assert down.status_code == 503 and down.headers["content-type"] == "application/problem+json"
    assert down.headers.get_list("strict-transport-security") == [HSTS]
    assert down.headers["retry-after"] == "5"
    for answer in (metrics, ready):
        assert answer.status_code == 404, "not public through the gateway"
        assert answer.headers.get_list("strict-transport-security") == [HSTS]
        assert "socreg_http_requests_total" not in answer.text


def test_signing_in_over_https_sets_a_secure_session_cookie_and_private_pages_are_not_stored(site: Site) -> None:
    with site.client() as http:
        answer = sign_in(http)
        assert answer.status_code == 303, answer.text
        cookie = _session_cookie(answer)
        assert "; secure" in cookie and "; httponly" in cookie and "samesite=lax" in cookie
        assert answer.headers["cache-control"] == "no-store"
        queue = http.get(answer.headers["location"])  # the cookie goes back over HTTPS
    assert queue.status_code == 200 and USERNAME in queue.text
    assert queue.headers["cache-control"] == "no-store"
    assert queue.headers.get_list("strict-transport-security") == [HSTS]


def test_the_cookie_is_secure_because_of_the_forwarded_scheme(site: Site) -> None:
    """The same sign-in straight to the app over plain HTTP: no Secure flag, so the one above comes
    from the X-Forwarded-Proto the gateway sends and uvicorn trusts."""
    with httpx.Client(base_url=site.direct, timeout=30) as http:
        cookie = _session_cookie(sign_in(http))
    assert "; secure" not in cookie
