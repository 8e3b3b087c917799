"""deploy/gateway.conf checked without a container engine: does every path reach the service that serves it?

The gateway (nginx) routes by path prefix (api.md: every service serves its own prefix). The truth
about who serves what comes from the code: each service's standalone FastAPI app (the one `socreg
serve SERVICE` runs, services/<svc>/entrypoints/api/app.py create_app) is built and its route table
read. nginx's location selection (exact, longest prefix, `^~`, regular expressions in order, the
301 for a prefix without its trailing slash) is modelled here on a parse of the config, and each
location's `proxy_pass` is followed through compose.yaml to the container and the `socreg serve`
command behind it. So a route added to the wrong service, a location sending a prefix to the wrong
container, or a container serving a different service all fail here.

The file also runs in a real nginx (installed by `make test`; skipped where it is missing), with a
certificate made for the test by openssl, in front of the real embedded app: plain HTTP redirects to
HTTPS, HTTPS answers carry HSTS (a service's 503 too), /readyz and /metrics stay inside, and a sign-in
through the login page over HTTPS sets a Secure session cookie (uvicorn sees the forwarded scheme).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from starlette.routing import Match, Mount

from shared.settings import Settings
from socreg.app import ALL_SERVICES
from tests.system.test_deploy_static import DEPLOY, ROOT, SECRET, interpolate, load_compose, parse_socreg

GATEWAY_CONF = DEPLOY / "gateway.conf"
# api.md lives in the project handbook, outside the repository on the development machines
API_MD_CANDIDATES = (ROOT / "docs" / "api.md", Path("/work/shared/handbook/api.md"))
NGINX_CONF_D = "/etc/nginx/conf.d/default.conf"
TLS_CERT, TLS_KEY = "/etc/nginx/tls/cert.pem", "/etc/nginx/tls/key.pem"  # where compose mounts them
# Served by every service but not through the gateway (issue 12): nginx answers 404 itself.
GATEWAY_INTERNAL = {"/readyz", "/metrics"}

# Which service owns each section of api.md (None: every service serves it, e.g. /healthz).
API_MD_SECTIONS = {"Auth": "registry", "Registry": "registry", "Inspection and credit": "inspection",
                   "Search and statistics": "search", "Command line": "registry", "Health and operations": None}
# api.md's "Second wave" section names paths of several services: the owner follows the prefix, and
# a prefix no service claims yet (e.g. /opendata/) belongs to whichever serves it (ANY_OWNER).
SECOND_WAVE = "Second wave"
ANY_OWNER = "any"
PREFIX_OWNERS = {"/auth/": "registry", "/registry/": "registry", "/inspection/": "inspection", "/search/": "search"}
# The web pages: where each area's pages live (None: every service serves it).
PAGE_PREFIXES = {"/auth/login": "registry", "/registry/web/": "registry", "/inspection/web/": "inspection",
                 "/search/web/": "search", "/": "search", "/static/socreg/": None}


# -- nginx's configuration language ------------------------------------------------------------------

@dataclass
class Directive:
    name: str
    args: list[str]
    block: list["Directive"] | None = None

    def children(self, name: str) -> list["Directive"]:
        return [d for d in self.block or [] if d.name == name]


_TOKEN = re.compile(r"""\s+|\#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#][^\s{};"']*)""",
                    re.DOTALL)


def nginx_tokens(text: str) -> list[tuple[str, str]]:
    """(kind, value): kind "word" (quotes removed) or "punct" for { } ;"""
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        assert match, f"gateway.conf: cannot read at {text[pos:pos + 40]!r}"
        pos = match.end()
        dq, sq, punct, word = match.groups()
        if punct:
            tokens.append(("punct", punct))
        elif dq is not None or sq is not None:
            tokens.append(("word", re.sub(r"\\(.)", r"\1", dq if dq is not None else sq)))
        elif word:
            tokens.append(("word", word))
    return tokens


def parse_nginx(text: str) -> list[Directive]:
    tokens = nginx_tokens(text)
    pos = 0

    def block(top: bool) -> list[Directive]:
        nonlocal pos
        out: list[Directive] = []
        words: list[str] = []
        while pos < len(tokens):
            kind, value = tokens[pos]
            pos += 1
            if kind == "word":
                words.append(value)
            elif value == ";":
                assert words, "gateway.conf: empty directive"
                out.append(Directive(words[0], words[1:]))
                words = []
            elif value == "{":
                assert words, "gateway.conf: block without a name"
                out.append(Directive(words[0], words[1:], block(top=False)))
                words = []
            else:  # "}"
                assert not top, "gateway.conf: unbalanced }"
                assert not words, f"gateway.conf: directive {words} lacks its ;"
                return out
        assert top, "gateway.conf: unclosed {"
        assert not words, f"gateway.conf: directive {words} lacks its ;"
        return out

    return block(top=True)


@dataclass(frozen=True)
class Location:
    modifier: str  # "", "=", "^~", "~", "~*", or "@" for a named location
    path: str
    directives: tuple[Directive, ...]

    def first(self, name: str) -> Directive | None:
        return next((d for d in self.directives if d.name == name), None)


def locations(server: Directive) -> list[Location]:
    found = []
    for loc in server.children("location"):
        assert not any(d.name == "location" for d in loc.block or []), "nested locations are not modelled"
        if len(loc.args) == 1 and loc.args[0].startswith("@"):
            found.append(Location("@", loc.args[0], tuple(loc.block or [])))
        elif len(loc.args) == 1:
            found.append(Location("", loc.args[0], tuple(loc.block or [])))
        else:
            assert len(loc.args) == 2 and loc.args[0] in ("=", "^~", "~", "~*"), loc.args
            found.append(Location(loc.args[0], loc.args[1], tuple(loc.block or [])))
    return found


def select_location(locs: list[Location], path: str) -> Location | str:
    """nginx's choice for a request path (ngx_http_core_module "location"), or "redirect" for the 301
    nginx answers to a prefix location's path without its trailing slash (proxy_pass locations)."""
    for loc in locs:
        if loc.modifier == "=" and loc.path == path:
            return loc
    if any(loc.modifier in ("", "^~") and loc.path == path + "/" and loc.first("proxy_pass") for loc in locs):
        return "redirect"  # decided in the prefix tree, before any regular expression
    prefixes = [loc for loc in locs if loc.modifier in ("", "^~") and path.startswith(loc.path)]
    longest = max(prefixes, key=lambda loc: len(loc.path), default=None)
    if longest is None or longest.modifier != "^~":
        for loc in locs:
            if loc.modifier in ("~", "~*"):
                if re.search(loc.path, path, re.IGNORECASE if loc.modifier == "~*" else 0):
                    return loc
    assert longest is not None, f"no location for {path} (add `location /`)"
    return longest


@dataclass(frozen=True)
class Gateway:
    server: Directive  # the HTTPS server, which routes
    locations: list[Location]
    variables: dict[str, str]
    plain: Directive  # the plain-HTTP server: its own health check, then a redirect to HTTPS

    def target(self, path: str) -> str:
        """The socreg service a request for `path` reaches, or what else nginx does with it."""
        loc = select_location(self.locations, path)
        if isinstance(loc, str):
            return loc
        proxy = loc.first("proxy_pass")
        if proxy is None:
            return f"nginx itself ({loc.modifier} {loc.path})"
        return upstream_service(self.expand(proxy.args[0]))

    def expand(self, value: str) -> str:
        def var(match: re.Match[str]) -> str:
            name = match.group(1) or match.group(2)
            assert name in self.variables, f"gateway.conf: ${name} is not set in the server block"
            return self.variables[name]
        return re.sub(r"\$\{(\w+)\}|\$(\w+)", var, value)


def _is_tls(server: Directive) -> bool:
    return any("ssl" in d.args[1:] for d in server.children("listen"))


@cache
def gateway() -> Gateway:
    tree = parse_nginx(GATEWAY_CONF.read_text(encoding="utf-8"))
    servers = [d for d in tree if d.name == "server"]
    tls = [s for s in servers if _is_tls(s)]
    plain = [s for s in servers if not _is_tls(s)]
    assert len(tls) == 1 and len(plain) == 1, "gateway.conf: one HTTPS server and one plain-HTTP server"
    server = tls[0]
    variables = {d.args[0].lstrip("$"): d.args[1] for d in server.children("set")}
    return Gateway(server, locations(server), variables, plain[0])


def listen_port(server: Directive) -> str:
    [listen] = server.children("listen")
    return listen.args[0].rsplit(":", 1)[-1]


# -- compose: which container is behind an upstream ----------------------------------------------------

@cache
def compose() -> dict[str, Any]:
    return load_compose()


def upstream_service(url: str) -> str:
    """`http://search-api:8000` -> "search", checked against the container's `socreg serve` command."""
    parts = urlsplit(url)
    # with a variable in proxy_pass, a URI part (even "/") would replace every request's URI
    assert parts.scheme == "http" and parts.path == "" and not parts.query, \
        f"proxy_pass {url}: pass the request URI unchanged (no URI part)"
    services = compose()["services"]
    assert parts.hostname in services, f"proxy_pass {url}: no compose service {parts.hostname}"
    container = services[parts.hostname]
    command, params = parse_socreg(container["command"])
    assert command == "serve", f"proxy_pass {url}: {parts.hostname} runs `socreg {command}`, not an API"
    assert parts.port == params["port"], f"proxy_pass {url}: {parts.hostname} listens on {params['port']}"
    return str(params["service"])


# -- the services' own apps ----------------------------------------------------------------------------

class _Unused:
    """Stands in for everything of a service container except its settings: building an app only
    reads settings and takes references (readiness checks); nothing here runs a request or a lifespan."""

    def __init__(self, settings: Settings | None = None) -> None:
        if settings is not None:
            self.settings = settings

    def __getattr__(self, name: str) -> "_Unused":
        return _Unused()

    def __call__(self, *args: Any, **kwargs: Any) -> "_Unused":
        return _Unused()


def standalone_app(service: str) -> FastAPI:
    """The app `socreg serve SERVICE` runs (socreg.cli._service_app), built around a stand-in container."""
    from socreg.cli import _service_app

    app = _service_app(service, _Unused(Settings(secret_key=SECRET)))
    assert isinstance(app, FastAPI)
    return app


@pytest.fixture(scope="module")
def apps() -> dict[str, FastAPI]:
    return {service: standalone_app(service) for service in ALL_SERVICES}


def route_templates(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path template) of every route; a mount as ("MOUNT", its path)."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if hasattr(route, "original_router"):  # FastAPI >= 0.16x keeps included routers lazily
                inner = route.original_router
                walk(list(inner.routes) + list(getattr(inner, "_low_priority_routes", [])),
                     prefix + route.include_context.prefix)
            elif isinstance(route, Mount):
                found.add(("MOUNT", prefix + route.path))
            elif hasattr(route, "path"):
                for method in sorted(getattr(route, "methods", None) or {"GET"}):
                    if method != "HEAD":
                        found.add((method, prefix + route.path))

    walk(list(app.router.routes), "")
    assert ("GET", "/healthz") in found, "the route walker found no /healthz: FastAPI's routing changed"
    return found


def concrete(template: str) -> str:
    """A request path for a route template: every parameter filled in."""
    return re.sub(r"\{(\w+)(?::(\w+))?\}", lambda m: "a/b" if m.group(2) == "path" else "1", template)


def serves(app: FastAPI, method: str, path: str) -> bool:
    """Whether the app routes (method, path) to one of its own routes (Starlette's own matching)."""
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "query_string": b"",
             "headers": [], "app": app}
    return any(route.matches(dict(scope))[0] == Match.FULL for route in app.router.routes)


def serving(apps: dict[str, FastAPI], method: str, path: str) -> set[str]:
    return {name for name, app in apps.items() if serves(app, method, path)}


# -- the checks ------------------------------------------------------------------------------------------

def test_the_config_parses_into_one_server_with_proxied_locations() -> None:
    gw = gateway()
    assert gw.server.children("listen"), "gateway.conf: the server listens nowhere"
    assert [loc.path for loc in gw.locations if loc.modifier == "" and loc.path == "/"], "no `location /`"
    proxied = {upstream_service(gw.expand(loc.first("proxy_pass").args[0]))  # type: ignore[union-attr]
               for loc in gw.locations if loc.first("proxy_pass")}
    assert proxied == set(ALL_SERVICES), f"the gateway reaches {sorted(proxied)}"
    for loc in gw.locations:
        assert loc.first("proxy_pass") or loc.first("return"), f"location {loc.path}: neither proxied nor answered"


def test_every_route_of_every_service_reaches_a_service_that_serves_it(apps: dict[str, FastAPI]) -> None:
    gw = gateway()
    wrong = []
    for service, app in apps.items():
        for method, template in sorted(route_templates(app)):
            path = concrete(template + "/socreg.css" if method == "MOUNT" else template)
            method = "GET" if method == "MOUNT" else method
            target = gw.target(path)
            if path in GATEWAY_INTERNAL:
                if not target.startswith("nginx itself"):
                    wrong.append(f"{method} {template} is not public, but the gateway sends it to {target}")
            elif target not in apps or not serves(apps[target], method, path):
                wrong.append(f"{method} {template} (served by {service}) -> {target}")
    assert not wrong, "the gateway sends these routes where nothing serves them:\n" + "\n".join(wrong)


def api_md_paths() -> list[tuple[str, str, str, str | None]]:
    """(section, method, path, owning service) for every `METHOD /path` of api.md."""
    api_md = next((p for p in API_MD_CANDIDATES if p.is_file()), None)
    if api_md is None:
        pytest.skip(f"api.md not found at {[str(p) for p in API_MD_CANDIDATES]}")
    found, section = [], None
    for line in api_md.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        for method, path in re.findall(r"\b(GET|POST|PUT|PATCH|DELETE) (/[^\s`|,?]*)", line):
            if section and section.startswith(SECOND_WAVE):
                owner = next((o for prefix, o in PREFIX_OWNERS.items() if path.startswith(prefix)), ANY_OWNER)
                found.append((section, method, path, owner))
                continue
            assert section in API_MD_SECTIONS, f"api.md section {section!r}: add it to API_MD_SECTIONS"
            found.append((section, method, path, API_MD_SECTIONS[section]))
    return found


def test_every_path_of_api_md_reaches_the_service_that_owns_it(apps: dict[str, FastAPI]) -> None:
    paths = api_md_paths()
    assert len(paths) >= 30 and {s for s, *_ in paths} >= set(API_MD_SECTIONS) - {"Command line"}
    gw = gateway()
    wrong, unserved = [], []
    for section, method, template, owner in paths:
        path = concrete(template)
        target = gw.target(path)
        if path in GATEWAY_INTERNAL:
            if not target.startswith("nginx itself"):
                wrong.append(f"{method} {template} is not public, but the gateway sends it to {target}")
            continue
        served_by = serving(apps, method, path)
        owned = owner not in (None, ANY_OWNER)
        if owned and target != owner:
            wrong.append(f"{method} {template} ({section}) -> {target}, not {owner}")
        elif served_by and target not in served_by:
            wrong.append(f"{method} {template} ({section}) -> {target}; served by {sorted(served_by)}")
        elif served_by and owned and owner not in served_by:
            wrong.append(f"{method} {template}: api.md puts it under {owner}, served by {sorted(served_by)}")
        elif owner is None and served_by != set(ALL_SERVICES):
            wrong.append(f"{method} {template}: every service must serve it, only {sorted(served_by)} do")
        elif not served_by:
            unserved.append(f"{method} {template}")
    assert not wrong, "\n".join(wrong)
    if unserved:
        warnings.warn(f"api.md paths no service serves yet (routed to their owner): {unserved}", stacklevel=1)


@pytest.mark.parametrize(("prefix", "owner"), sorted(PAGE_PREFIXES.items()))
def test_every_page_prefix_reaches_the_service_of_its_pages(apps: dict[str, FastAPI], prefix: str,
                                                            owner: str | None) -> None:
    gw = gateway()
    probes = {prefix, prefix + "x/1"} if prefix.endswith("/") and prefix != "/" else {prefix}
    for path in probes:
        target = gw.target(path)
        if owner is not None:
            assert target == owner, f"{path} -> {target}, its pages are in {owner}"
        else:
            assert target in apps, f"{path} -> {target}"
    # the pages under that prefix which exist today are in the service the gateway sends them to
    for service, app in apps.items():
        for method, template in route_templates(app):
            if method != "MOUNT" and template.startswith(prefix) and owner is not None and prefix != "/":
                assert service == owner, f"{method} {template} is served by {service}, not {owner}"
    if owner is None:
        path = prefix + "socreg.css"
        assert serves(apps[gw.target(path)], "GET", path), f"{path}: the static files"


def test_nothing_else_is_shadowed_by_the_gateways_own_answers(apps: dict[str, FastAPI]) -> None:
    gw = gateway()
    own = [loc for loc in gw.locations if loc.modifier != "@" and not loc.first("proxy_pass")
           and loc.path not in GATEWAY_INTERNAL]
    for loc in own:
        path = loc.path if loc.modifier == "=" else loc.path + "x"
        assert not any(serving(apps, m, path) for m in ("GET", "POST")), f"{loc.path} hides a service route"


# -- the gateway container -------------------------------------------------------------------------------

def test_the_gateway_is_the_only_container_published_on_the_host() -> None:
    services = compose()["services"]
    published = {name for name, svc in services.items() if svc.get("ports")}
    assert published == {"gateway"}, f"only the gateway is published, not {sorted(published - {'gateway'})}"
    gw = services["gateway"]
    assert gw["image"].split(":")[0] == "nginx", "the official nginx image"
    ports = [interpolate(str(p), {}) for p in gw["ports"]]
    https, http = listen_port(gateway().server), listen_port(gateway().plain)
    assert sorted(ports) == sorted([f"443:{https}", f"80:{http}"]), (ports, https, http)
    moved = [interpolate(str(p), {"GATEWAY_HTTPS_PORT": "8443", "GATEWAY_HTTP_PORT": "8080"}) for p in gw["ports"]]
    assert sorted(moved) == sorted([f"8443:{https}", f"8080:{http}"]), moved


def test_the_gateway_reads_this_config_and_starts_with_the_apis() -> None:
    gw = compose()["services"]["gateway"]
    mounts = [interpolate(v, {"GATEWAY_TLS_CERT": "/site/cert.pem", "GATEWAY_TLS_KEY": "/site/key.pem"}).split(":")
              for v in gw["volumes"]]
    conf = [m for m in mounts if m[1] == NGINX_CONF_D]
    assert conf and (DEPLOY / conf[0][0]).resolve() == GATEWAY_CONF and conf[0][2:] == ["ro"]
    deps = gw["depends_on"]
    for service in ALL_SERVICES:
        assert f"{service}-api" in deps, f"the gateway should start after {service}-api"
    # names are resolved per request (so the gateway starts before the APIs and follows a recreated
    # container): Docker's resolver at http level, and proxy_pass through variables
    tree = parse_nginx(GATEWAY_CONF.read_text(encoding="utf-8"))
    assert [d.args[0] for d in tree if d.name == "resolver"] == ["127.0.0.11"]
    for loc in gateway().locations:
        if (proxy := loc.first("proxy_pass")) is not None:
            assert proxy.args[0].startswith("$"), f"location {loc.path}: proxy_pass through a variable"


def test_the_gateways_health_check_asks_nginx_itself() -> None:
    gw = compose()["services"]["gateway"]
    probe = gw["healthcheck"]["test"]
    url = next(arg for arg in probe if arg.startswith("http://"))
    path = urlsplit(url).path
    assert (urlsplit(url).port or 80) == int(listen_port(gateway().plain)), "the probe asks the plain-HTTP server"
    [loc] = [loc for loc in locations(gateway().plain) if loc.modifier == "=" and loc.path == path]
    assert loc.first("return") and loc.first("return").args[0] == "200", \
        f"{path}: the probe should be answered by nginx itself, not depend on a service"
    assert "curl" in probe, "the official nginx image (Debian) ships curl"


def test_oversized_bodies_reach_the_service_which_answers_with_problem_details(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.system.test_deploy_static import _stack_settings

    settings = _stack_settings(monkeypatch, compose(), {"SOCREG_SECRET_KEY": SECRET})
    sizes = [d.args[0] for d in gateway().server.children("client_max_body_size")]
    assert len(sizes) == 1
    size = sizes[0].lower()
    units = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
    limit = int(size[:-1]) * units[size[-1]] if size[-1] in units else int(size)
    assert limit == 0 or limit > settings.max_body_bytes, "nginx would answer 413 before the service"


# -- HTTPS (issue 12): the model's side; tests/system/test_gateway_tls.py runs it in a real nginx --------

def test_plain_http_serves_only_the_health_check_and_redirects_everything_else_to_https() -> None:
    plain = locations(gateway().plain)
    assert not [loc for loc in plain if loc.first("proxy_pass")], "plain HTTP reaches no service"
    root = select_location(plain, "/registry/web/queue")
    assert isinstance(root, Location) and root.first("return") is not None
    assert root.first("return").args == ["301", "https://$host$request_uri"]  # type: ignore[union-attr]
    assert select_location(plain, "/_gateway/healthz") is not root


def _hsts_max_age(directive: Directive) -> int | None:
    if directive.args[0].lower() != "strict-transport-security":
        return None
    assert directive.args[-1] == "always", "HSTS on every answer, errors included (`always`)"
    match = re.search(r"max-age=(\d+)", directive.args[1])
    assert match, directive.args
    return int(match.group(1))


def test_every_https_answer_carries_hsts() -> None:
    gw = gateway()
    at_server = [age for d in gw.server.children("add_header") if (age := _hsts_max_age(d)) is not None]
    assert at_server and at_server[0] >= 31_536_000, "Strict-Transport-Security of a year or more"
    # nginx: a location with add_header directives of its own inherits none of the server's
    for loc in gw.locations:
        own = [d for d in loc.directives if d.name == "add_header"]
        if own:
            assert [d for d in own if _hsts_max_age(d)], f"location {loc.path} drops the server's HSTS header"


def test_the_certificate_is_configuration_mounted_where_the_gateway_reads_it() -> None:
    server = gateway().server
    assert [d.args for d in server.children("ssl_certificate")] == [[TLS_CERT]]
    assert [d.args for d in server.children("ssl_certificate_key")] == [[TLS_KEY]]
    protocols = {p for d in server.children("ssl_protocols") for p in d.args}
    assert protocols and protocols <= {"TLSv1.2", "TLSv1.3"}, protocols
    volumes = compose()["services"]["gateway"]["volumes"]
    site = {"GATEWAY_TLS_CERT": "/site/fullchain.pem", "GATEWAY_TLS_KEY": "/site/privkey.pem"}
    mounts = {m[1]: m for m in (interpolate(v, site).split(":") for v in volumes)}
    assert mounts[TLS_CERT] == ["/site/fullchain.pem", TLS_CERT, "ro"]
    assert mounts[TLS_KEY] == ["/site/privkey.pem", TLS_KEY, "ro"]
    for missing in ("GATEWAY_TLS_CERT", "GATEWAY_TLS_KEY"):  # compose stops rather than serve without them
        with pytest.raises(ValueError, match=missing):
            [interpolate(volume, {k: path for k, path in site.items() if k != missing}) for volume in volumes]


def test_the_services_are_told_the_client_used_https() -> None:
    headers = {d.args[0].lower(): d.args[1] for d in gateway().server.children("proxy_set_header")}
    assert headers.get("x-forwarded-proto") == "$scheme"
    env = compose()["x-socreg-env"]
    assert env.get("FORWARDED_ALLOW_IPS"), "uvicorn trusts X-Forwarded-Proto only from the addresses listed here"
