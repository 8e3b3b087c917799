"""`python -m bench.annual_reports`: annual-report submissions per second through HTTP, beside the
ceiling of bench/registrations.py measured in the same run; and the overdue sweep over a national
register of 900,000 organizations and 5 report years.

1. Submissions (target: at least 50% of the ceiling). The figure: the real embedded app as `socreg up`
   starts it (subprocess, uvicorn, one worker, its own secret key, a temporary data dir or a fresh
   PostgreSQL database), its register prepared beforehand with ORGANIZATIONS organizations registered
   in 2019 (through the registry's own bulk import). POST /registry/organizations/{uscc}/annual-
   reports/{year}/submit is driven with wrk, 64 connections, every request a full report (all parts,
   sums adding up, about 2 KB) for a distinct organization and year, each with the bearer token of
   that organization's own account (signed with the server's key, as POST /auth/token would sign it:
   a token is checked by its signature, the account table is not read per request). The ceiling: the
   registrations benchmark's bare insert-and-commit app (bench/ceiling_app.py) driven the same way
   with its own request body. Both are measured in alternating slices (socreg, ceiling, ceiling,
   socreg) after a warm-up each, as bench/registrations.py does. Measuring starts once socreg up's
   workers have processed the imported register's events (its whole process tree idle), and every
   slice starts with them idle again: a slice of one server never runs beside the other's leftover
   background work. How long the workers then took to finish each slice's events is reported.

2. The overdue sweep (target: under 60 s). An SQLite file (and, when reachable, a PostgreSQL database)
   with 900,000 active organizations (social groups, social services, foundations) and their reports
   on 2021-2025, loaded in bulk: 90% filed on time, 5% late, 5% never. On 2026-06-01 the sweep (the
   daily job's command, services.registry.service_layer.reports.sweep_overdue) finds every
   organization and year not filed by its deadline, records the overdue fact and writes its
   registry.annual_report.overdue event to the outbox, all set-based (INSERT ... SELECT, one per
   report year and deadline, each in its own transaction) - first run (the whole backlog of 5
   years: 450,000 facts and events), then a second run (nothing new: the steady state of a daily
   job). The ceiling beside it: the bare anti-join that counts the same organizations and years (one
   SELECT per year and type, no insert, no event), on the same data.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from bench.common import (HOST, Server, clean_env, fmt_ms, free_port, http, log, pg_available, pg_create, pg_drop,
                          table, tree_cpu, write_results)
from bench.loadgen import GRID, REQUEST_TIMEOUT_S, LoadResult, registration_spec, run_load
from bench.registrations import Measured, _merged, _window

NAME = "annual_reports"
TARGET_RATIO = 0.50
TARGET_SWEEP_S = 60.0
ORGANIZATIONS = 6_000  # x 6 report years (2020-2025): 36,000 distinct submissions available
YEARS = tuple(range(2020, 2026))
SWEEP_ORGS = 900_000
SWEEP_YEARS = tuple(range(2021, 2026))
SWEEP_DAY = date(2026, 6, 1)
RUN_BLOCK = 6_000  # submissions reserved for one load run (warm-up or slice); split between wrk threads


@dataclass
class Options:
    duration: float = 10.0
    warmup: float = 2.0
    connections: int = 64
    slices: int = 2
    wrk_threads: int = 2
    backends: tuple[str, ...] = ("sqlite", "postgresql")
    sweep_orgs: int = SWEEP_ORGS
    sweep_backends: tuple[str, ...] = ("sqlite", "postgresql")
    http: bool = True
    sweep: bool = True


# ---------------------------------------------------------------- 1. submissions through HTTP


def report_body() -> dict[str, Any]:
    """A full report (tests/registry/reports/support.report_body: every part, sums adding up)."""
    if str(Path(__file__).resolve().parent.parent) not in sys.path:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.registry.reports.support import report_body as full

    return full(charitable=500_000)


def prepare_register(settings_env: dict[str, str], count: int) -> list[str]:
    """Migrate the register and import `count` organizations registered in 2019 (bulk handler)."""
    from services.registry import bootstrap
    from services.registry.entrypoints.demo import registration_command
    from services.registry.service_layer import handlers
    from shared.settings import Settings
    from tests.registry.factories import registration_body

    settings = Settings(secret_key=settings_env["SOCREG_SECRET_KEY"], data_dir=Path(settings_env["SOCREG_DATA_DIR"]),
                        registry_database_url=settings_env.get("SOCREG_REGISTRY_DATABASE_URL", ""))
    container = bootstrap.bootstrap(settings)
    try:
        usccs: list[str] = []
        for start in range(0, count, 1000):
            cmds = [registration_command(registration_body(n, established_on="2019-03-01"))
                    for n in range(start + 1, min(count, start + 1000) + 1)]
            usccs += handlers.import_register(cmds, container.uow(), container.policy)
        _bench_sessions(container, usccs)
        return usccs
    finally:
        container.close()


def _accounts(usccs: list[str]) -> list[tuple[str, str, str | None, str]]:
    """(username, role, uscc, session id) of the accounts whose tokens the bench signs itself."""
    return [("bench-registrar", "registrar", None, "bench-registrar"),
            *((f"org-{n}", "org", uscc, f"bench-org-{n}") for n, uscc in enumerate(usccs))]


def _bench_sessions(container: Any, usccs: list[str]) -> None:
    """The accounts and sessions of the tokens the bench signs (org_tokens, _stored): every request's token
    is checked against them (shared.accounts), as a signed-in account's would be."""
    from datetime import timedelta

    from sqlalchemy import insert

    from services.registry.adapters.orm import user_sessions, users

    now = datetime.now(timezone.utc)
    rows = _accounts(usccs)
    with container.db.write_engine.begin() as conn:
        conn.execute(insert(users), [{"username": u, "password_hash": "!", "role": r, "uscc": c, "active": True,
                                      "created_at": now, "token_version": 0} for u, r, c, _ in rows])
        conn.execute(insert(user_sessions), [{"id": sid, "username": u, "issued_at": now,
                                              "expires_at": now + timedelta(days=1)} for u, _, _, sid in rows])


def org_tokens(usccs: list[str], secret: str) -> list[str]:
    from shared.auth import Principal, issue_token
    from shared.clock import SystemClock

    return [issue_token(Principal(u, r, c, sid), secret=secret, clock=SystemClock(), ttl_minutes=240)
            for u, r, c, sid in _accounts(usccs)[1:]]


_LUA = r"""-- generated by bench/annual_reports.py: one submission per request, a distinct organization and year
local USCC = {%(usccs)s}
local TOKEN = {%(tokens)s}
local BODY = [==[%(body)s]==]
local YEARS = {%(years)s}
local N = #USCC
local STRIDE = %(stride)d
local threads, next_tid = {}, 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end
local start, counter = 0, 0
non2xx, statuses, sample = 0, "", ""
local counts = {}
function init(args)
  start = tonumber(args[1]) + tid * STRIDE
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  local k = start + counter
  counter = counter + 1
  local org = k %% N + 1
  local year = YEARS[math.floor(k / N) %% #YEARS + 1]
  local path = "/registry/organizations/" .. USCC[org] .. "/annual-reports/" .. year .. "/submit"
  return wrk.format(nil, path, {["Authorization"] = "Bearer " .. TOKEN[org], ["Content-Type"] = "application/json"}, BODY)
end
"""


def lua_script(usccs: list[str], tokens: list[str], body: str, threads: int) -> str:
    """The request side is ours; the response tally and the summary are bench/loadgen's own (the
    same WRKJSON/WRKQ lines, parsed the same way)."""
    from bench.loadgen import _LUA as REGISTRATIONS

    tally = REGISTRATIONS[REGISTRATIONS.index("function response("):] % {"grid": GRID}
    assert "]==]" not in body
    head = _LUA % {"usccs": ",".join(f'"{u}"' for u in usccs), "tokens": ",".join(f'"{t}"' for t in tokens),
                   "body": body, "years": ",".join(str(y) for y in YEARS), "stride": RUN_BLOCK // threads}
    return head + tally


def run_submissions(base: str, script: Path, *, duration: float, connections: int, threads: int,
                    run_index: int) -> LoadResult:
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
            "--timeout", f"{REQUEST_TIMEOUT_S}s", "-s", str(script), base, "--", str(run_index * RUN_BLOCK)]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=duration + REQUEST_TIMEOUT_S + 30)
    return _parse_wrk(proc, base + "/registry/organizations/{uscc}/annual-reports/{year}/submit", connections)


def _parse_wrk(proc: subprocess.CompletedProcess[str], url: str, connections: int) -> LoadResult:
    """As bench/loadgen._run_wrk reads wrk's output."""
    lines = proc.stdout.splitlines()
    line = next((ln for ln in lines if ln.startswith("WRKJSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stdout[-800:]} {proc.stderr[-800:]}")
    data = json.loads(line[len("WRKJSON "):])
    sample = next((ln[len("WRKSAMPLE "):] for ln in lines if ln.startswith("WRKSAMPLE ")), "")
    statuses: dict[str, int] = {}
    for item in filter(None, data["statuses"].split(",")):
        code, count = item.split(":")
        statuses[code] = statuses.get(code, 0) + int(count)
    result = LoadResult("wrk", url, connections, data["duration_us"] / 1e6, completed=data["requests"],
                        ok=data["requests"] - data["non2xx"], non2xx=data["non2xx"],
                        socket_errors={k: data[k] for k in ("connect", "read", "write", "timeout") if data[k]},
                        statuses=statuses, p50_s=data["p50_us"] / 1e6, p99_s=data["p99_us"] / 1e6,
                        max_s=data["max_us"] / 1e6, error_sample=sample.strip())
    grid = next((ln.split()[1:] for ln in lines if ln.startswith("WRKQ ")), [])
    result.quantiles = [float(v) / 1e6 for v in grid] if data["requests"] else []
    if statuses:
        result.statuses = {"2xx": result.ok, **statuses}
    return result


@dataclass
class HttpResult:
    backend: str
    socreg: Measured | None = None
    api_alone: Measured | None = None
    ceiling: Measured | None = None
    warmup_errors: dict[str, int] = field(default_factory=dict)
    stored: int | None = None
    skipped: str | None = None
    backlog_s: float | None = None  # socreg up's workers on the imported register's events, before any load
    catchup_s: list[float] = field(default_factory=list)  # its workers after each measured slice
    workers_cpu_s: float = 0.0  # its workers' process over the measured slices and their catch-up
    workers_submissions: int = 0  # the submissions those slices accepted

    @property
    def workers_ms_per_submission(self) -> float | None:
        return 1000 * self.workers_cpu_s / self.workers_submissions if self.workers_submissions else None

    def ratio(self, figure: Measured | None) -> float | None:
        if figure is None or self.ceiling is None or not self.ceiling.load.ok_per_s:
            return None
        return figure.load.ok_per_s / self.ceiling.load.ok_per_s

    def as_dict(self) -> dict[str, Any]:
        ratio, alone = self.ratio(self.socreg), self.ratio(self.api_alone)
        return {"backend": self.backend, "skipped": self.skipped, "target_ratio": TARGET_RATIO,
                "ratio": None if ratio is None else round(ratio, 3),
                "ratio_api_alone": None if alone is None else round(alone, 3),
                "socreg": self.socreg and self.socreg.as_dict(), "api_alone": self.api_alone and self.api_alone.as_dict(),
                "ceiling": self.ceiling and self.ceiling.as_dict(), "warmup_errors": self.warmup_errors,
                "reports_stored_by_socreg": self.stored, "backlog_s": self.backlog_s,
                "catchup_after_slices_s": [round(c, 1) for c in self.catchup_s],
                "workers_cpu_ms_per_submission": self.workers_ms_per_submission and round(self.workers_ms_per_submission, 1)}


def run_http_backend(backend: str, opts: Options) -> HttpResult:
    """Three servers side by side: `socreg up` (the figure), `socreg serve registry` (the registry's
    API process of the distributed mode, its relay and consumers elsewhere: what the filing path
    itself costs) and the ceiling app; each socreg server on a register of its own."""
    result = HttpResult(backend)
    if not shutil.which("wrk"):
        result.skipped = "wrk is not installed (apt-get install wrk)"
        return result
    if backend == "postgresql" and (why := pg_available()):
        result.skipped = f"PostgreSQL not reachable ({why})"
        return result
    tmp = Path(tempfile.mkdtemp(prefix=f"socreg-bench-reports-{backend}-"))
    databases: list[str] = []
    try:
        key = secrets.token_urlsafe(48)
        envs = {}
        for label in ("up", "serve"):
            extra = {"SOCREG_SECRET_KEY": key, "SOCREG_DATA_DIR": str(tmp / label)}
            (tmp / label).mkdir()
            if backend == "postgresql":
                name, url = pg_create(f"reports_{label}")
                databases.append(name)
                extra["SOCREG_REGISTRY_DATABASE_URL"] = url
            envs[label] = extra
        if backend == "postgresql":
            ceiling_name, ceiling_url = pg_create("ceiling")
            databases.append(ceiling_name)
        else:
            ceiling_url = f"sqlite:///{(tmp / 'ceiling.db').as_posix()}"
        started = time.monotonic()
        usccs = prepare_register(envs["up"], ORGANIZATIONS)
        if prepare_register(envs["serve"], ORGANIZATIONS) != usccs:
            raise RuntimeError("the two registers got different codes")
        log(f"{backend}: 2 x {len(usccs):,} organizations registered in {time.monotonic() - started:.1f} s")
        script = tmp / "submissions.lua"
        script.write_text(lua_script(usccs, org_tokens(usccs, key), json.dumps(report_body(), ensure_ascii=False),
                                     opts.wrk_threads), encoding="utf-8")
        ports = {label: free_port() for label in ("socreg", "api_alone", "ceiling")}
        servers = {
            "socreg": Server(f"socreg-up-{backend}", [sys.executable, "-m", "socreg", "up", "--host", HOST, "--port",
                                                     str(ports["socreg"])], env=clean_env(**envs["up"]),
                             port=ports["socreg"], log_dir=tmp),
            "api_alone": Server(f"socreg-serve-{backend}", [sys.executable, "-m", "socreg", "serve", "registry",
                                                           "--host", HOST, "--port", str(ports["api_alone"])],
                                env=clean_env(**envs["serve"]), port=ports["api_alone"], log_dir=tmp),
            "ceiling": Server(f"ceiling-{backend}", [sys.executable, "-m", "bench.ceiling_app", "--host", HOST,
                                                     "--port", str(ports["ceiling"]), "--database-url", ceiling_url],
                              env=clean_env(), port=ports["ceiling"], log_dir=tmp),
        }
        with servers["socreg"], servers["api_alone"], servers["ceiling"]:
            servers["socreg"].wait_ready("/readyz", 120)
            servers["api_alone"].wait_ready("/readyz", 120)
            servers["ceiling"].wait_ready("/readyz", 60)
            result.backlog_s = servers["socreg"].wait_idle()
            log(f"{backend}: socreg up processed the imported organizations' events in {result.backlog_s:.0f} s")
            _measure(servers, script, opts, result)
            result.stored = _stored(servers["socreg"], usccs[0], key)
    except Exception as exc:  # noqa: BLE001 - reported in the table; the other backend still runs
        result.skipped = f"failed: {type(exc).__name__}: {str(exc)[:1500]}"
        log(result.skipped)
    finally:
        for name in databases:
            try:
                pg_drop(name)
            except Exception as exc:  # noqa: BLE001
                log(f"could not drop database {name}: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def _measure(servers: dict[str, Server], script: Path, opts: Options, result: HttpResult) -> None:
    """Warm-up each, then alternating slices (socreg, api alone, ceiling; then the reverse order...)."""
    spec = registration_spec()

    def drive(label: str, index: int, seconds: float):  # type: ignore[no-untyped-def]
        server = servers[label]
        if label == "ceiling":
            return lambda on_start: run_load(f"{server.base}/registry/organizations", tool="wrk",
                                             connections=opts.connections, duration=seconds, run_index=index,
                                             spec=spec, threads=opts.wrk_threads, on_start=on_start)
        return lambda on_start: (on_start(), run_submissions(server.base, script, duration=seconds,
                                                             connections=opts.connections,
                                                             threads=opts.wrk_threads, run_index=index))[1]

    labels = ["socreg", "api_alone", "ceiling"]
    if opts.warmup > 0:
        for label in labels:
            result.warmup_errors[label] = drive(label, 0, opts.warmup)(lambda: None).errors
    slice_s = max(1, round(opts.duration / opts.slices))
    parts: dict[str, list[Measured]] = {label: [] for label in labels}
    for index in range(opts.slices):
        for label in (labels if index % 2 == 0 else labels[::-1]):
            servers["socreg"].wait_idle()  # no slice runs beside socreg up's workers still busy with an earlier one
            workers = servers["socreg"].pids()[1:]
            before = tree_cpu(workers)
            parts[label].append(_window(servers[label], drive(label, 1 + index, slice_s)))
            if label == "socreg":
                result.catchup_s.append(servers["socreg"].wait_idle())
                result.workers_cpu_s += tree_cpu(workers) - before
                result.workers_submissions += parts[label][-1].load.ok
    result.socreg, result.api_alone, result.ceiling = (_merged(parts[label]) for label in labels)
    for label in labels:
        m = _merged(parts[label])
        log(f"{result.backend} {label}: {m.load.ok_per_s:,.0f} req/s ok, p50 {fmt_ms(m.load.p50_s)} ms, "
            f"p99 {fmt_ms(m.load.p99_s)} ms, errors {m.load.errors}")


def _stored(app: Server, uscc: str, key: str) -> int | None:
    """How many of the first organization's years the server reports as submitted (a sanity check
    that the load really filed reports)."""
    from shared.auth import Principal, issue_token
    from shared.clock import SystemClock

    token = issue_token(Principal("bench-registrar", "registrar", None, "bench-registrar"), secret=key,
                        clock=SystemClock(), ttl_minutes=10)
    status, body = http("GET", f"{app.base}/registry/organizations/{uscc}/annual-reports",
                        headers={"Authorization": f"Bearer {token}"})
    if status != 200:
        return None
    return sum(1 for item in json.loads(body)["items"] if item["state"] == "submitted")


# ---------------------------------------------------------------- 2. the overdue sweep


@dataclass
class SweepResult:
    backend: str
    organizations: int = 0
    reports: int = 0
    load_s: float | None = None
    first_s: float | None = None
    first_announced: int | None = None
    second_s: float | None = None
    second_announced: int | None = None
    ceiling_s: float | None = None
    ceiling_count: int | None = None
    skipped: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "target_s": TARGET_SWEEP_S}


def _sweep_rows(count: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """900,000 organizations (a third of each type; USCC-shaped synthetic codes), registered 2015-2019,
    and their 2021-2025 reports: 90% filed on time, 5% late, 5% never. Returns (organizations, reports,
    expected overdue)."""
    orgs, reports, expected = [], [], 0
    types = ("social_group", "social_service", "foundation")
    for n in range(count):
        org_type = types[n % 3]
        uscc = f"5{1 + n % 3}350200B{n:09d}"
        orgs.append((uscc, f"基准测试组织{n}", org_type, date(2015 + n % 5, 1 + n % 12, 1 + n % 28)))
        for year in SWEEP_YEARS:
            draw = (n * 7919 + year * 104729) % 100
            deadline = date(year + 1, 3, 31) if org_type == "foundation" else date(year + 1, 5, 31)
            if draw < 5:
                expected += 1
                continue
            filed = date(year + 1, 3, 1) if draw >= 10 else date(year + 1, 6, 10)
            expected += filed > deadline
            reports.append((uscc, year, filed))
    return orgs, reports, expected


_ORG_SQL = ("INSERT INTO organizations (uscc, name, type, category, level, district, domicile, lr_name, lr_id_number, "
            "lr_phone, registered_funds, business_scope, established_on, registered_on, status, charity, "
            "credit_lists, version) VALUES ({p})")
_REPORT_SQL = ("INSERT INTO annual_reports (uscc, year, state, content, findings, return_reasons, created_by, created_at, "
               "first_submitted_at, first_submitted_on, submitted_by, submitted_at, submissions, returns, version) "
               "VALUES ({p})")


def _load_sqlite(path: str, orgs: list[tuple[Any, ...]], reports: list[tuple[Any, ...]]) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    with conn:
        conn.executemany(_ORG_SQL.format(p=",".join("?" * 18)), (
            (u, name, t, "other", "city", "350200", "厦门", "基准", f"ID{u}", "0", 100000, "基准测试", on.isoformat(),
             on.isoformat(), "active", 0, "", 1) for u, name, t, on in orgs))
        conn.executemany(_REPORT_SQL.format(p=",".join("?" * 15)), (
            (u, y, "accepted", "{}", "[]", "[]", "bench", f"{f} 01:00:00.000000", f"{f} 01:00:00.000000",
             f.isoformat(), "bench", f"{f} 01:00:00.000000", 1, 0, 1) for u, y, f in reports))
    conn.close()


def _load_postgresql(url: str, orgs: list[tuple[Any, ...]], reports: list[tuple[Any, ...]]) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    at = datetime(2026, 3, 1, 1, tzinfo=timezone.utc)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy("COPY organizations (uscc, name, type, category, level, district, domicile, lr_name, "
                      "lr_id_number, lr_phone, registered_funds, business_scope, established_on, registered_on, "
                      "status, charity, credit_lists, version) FROM STDIN") as copy:
            for u, name, t, on in orgs:
                copy.write_row((u, name, t, "other", "city", "350200", "厦门", "基准", f"ID{u}", "0", 100000, "基准测试",
                                on, on, "active", False, "", 1))
        with cur.copy("COPY annual_reports (uscc, year, state, content, findings, return_reasons, created_by, "
                      "created_at, first_submitted_at, first_submitted_on, submitted_by, submitted_at, submissions, "
                      "returns, version) FROM STDIN") as copy:
            for u, y, f in reports:
                copy.write_row((u, y, "accepted", "{}", "[]", "[]", "bench", at, at, f, "bench", at, 1, 0, 1))
        cur.execute("ANALYZE")


def run_sweep_backend(backend: str, opts: Options) -> SweepResult:
    from services.registry import bootstrap
    from services.registry.service_layer import reports as report_handlers
    from shared.clock import FixedClock
    from shared.settings import Settings

    result = SweepResult(backend)
    if backend == "postgresql" and (why := pg_available()):
        result.skipped = f"PostgreSQL not reachable ({why})"
        return result
    tmp = Path(tempfile.mkdtemp(prefix=f"socreg-bench-sweep-{backend}-"))
    databases: list[str] = []
    try:
        if backend == "postgresql":
            name, url = pg_create("sweep")
            databases.append(name)
        else:
            url = f"sqlite:///{(tmp / 'registry.db').as_posix()}"
        settings = Settings(secret_key=secrets.token_urlsafe(48), data_dir=tmp, registry_database_url=url,
                            annual_report_first_year=SWEEP_YEARS[0])
        bootstrap.migrate(settings)
        started = time.monotonic()
        orgs, reports, expected = _sweep_rows(opts.sweep_orgs)
        (_load_postgresql if backend == "postgresql" else _load_sqlite)(
            url if backend == "postgresql" else str(tmp / "registry.db"), orgs, reports)
        result.organizations, result.reports, result.load_s = len(orgs), len(reports), time.monotonic() - started
        del orgs, reports
        log(f"sweep {backend}: {result.organizations:,} organizations, {result.reports:,} reports loaded in "
            f"{result.load_s:.0f} s; {expected:,} organization-years not filed in time")
        container = bootstrap.bootstrap(settings, clock=FixedClock(SWEEP_DAY), run_migrations=False)
        try:
            result.ceiling_s, result.ceiling_count = _ceiling(container, settings)
            for attempt in ("first", "second"):
                started = time.monotonic()
                announced = report_handlers.sweep_overdue(container.uow, container.report_policy)
                setattr(result, f"{attempt}_s", time.monotonic() - started)
                setattr(result, f"{attempt}_announced", announced)
                log(f"sweep {backend} {attempt} run: {announced:,} announced in {time.monotonic() - started:.1f} s")
        finally:
            container.close()
        if result.first_announced != expected:
            raise AssertionError(f"the sweep announced {result.first_announced}, expected {expected}")
    except Exception as exc:  # noqa: BLE001
        result.skipped = f"failed: {type(exc).__name__}: {str(exc)[:1500]}"
        log(result.skipped)
    finally:
        for name in databases:
            try:
                pg_drop(name)
            except Exception as exc:  # noqa: BLE001
                log(f"could not drop database {name}: {exc}")
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def _ceiling(container: Any, settings: Any) -> tuple[float, int]:
    """The bare anti-join over the same data: count, per year and deadline, the active organizations
    without a report submitted in time (no insert, no event)."""
    from sqlalchemy import text

    policy, found = container.report_policy, 0
    started = time.monotonic()
    with container.db.read_engine.connect() as conn:
        for year in SWEEP_YEARS:
            for org_type in ("social_group", "social_service", "foundation"):
                found += conn.execute(text(
                    "SELECT count(*) FROM organizations o WHERE o.status = 'active' AND o.type = :t "
                    "AND o.registered_on <= :cut AND NOT EXISTS (SELECT 1 FROM annual_reports r WHERE r.uscc = o.uscc "
                    "AND r.year = :y AND r.first_submitted_on <= :d)"),
                    {"t": org_type, "cut": policy.registered_by(org_type, year), "y": year,
                     "d": policy.deadline(org_type, year)}).scalar_one()
    return time.monotonic() - started, found


# ---------------------------------------------------------------- report


def report(http_results: list[HttpResult], sweeps: list[SweepResult], opts: Options) -> str:
    lines = []
    if http_results:
        rows = []
        for r in http_results:
            if r.socreg is None or r.ceiling is None:
                rows.append([r.backend, "-", "-", "-", "-", f"≥ {TARGET_RATIO:.2f}", "-", (r.skipped or "")[:70]])
                continue
            ratio, alone = r.ratio(r.socreg) or 0.0, r.ratio(r.api_alone) or 0.0
            rows.append([r.backend, f"{r.socreg.load.ok_per_s:,.0f}",
                         f"{r.api_alone.load.ok_per_s:,.0f}" if r.api_alone else "-", f"{r.ceiling.load.ok_per_s:,.0f}",
                         f"{ratio:.2f} {'ok' if ratio >= TARGET_RATIO else 'BELOW'} (alone {alone:.2f})",
                         f"≥ {TARGET_RATIO:.2f}", f"{fmt_ms(r.socreg.load.p50_s)} / {fmt_ms(r.socreg.load.p99_s)}",
                         f"{r.socreg.load.errors} (warm-up {r.warmup_errors.get('socreg', 0)})"])
        lines.append(f"annual-report submissions/s through HTTP (POST .../annual-reports/{{year}}/submit, a full report), "
                     f"{opts.connections} connections, {opts.duration:g} s each in {opts.slices} alternating slices; "
                     "ceiling: bench/registrations' bare insert-and-commit app; 'API alone': socreg serve registry "
                     "(distributed mode: relay and consumers run elsewhere)")
        lines.append(table(["backend", "socreg up /s", "API alone /s", "ceiling /s", "ratio", "target", "p50/p99 ms",
                            "errors"], rows))
        for r in http_results:
            for label, m in (("socreg up", r.socreg), ("API alone", r.api_alone), ("ceiling", r.ceiling)):
                if m is not None:
                    lines.append(f"  {r.backend} {label}: CPU in % of one core: server "
                                 f"{100 * m.server_cpu_s / m.window_s:.0f}%, generator "
                                 f"{100 * (m.load.generator_cpu_s or 0) / m.window_s:.0f}%, PostgreSQL "
                                 f"{100 * m.postgres_cpu_s / m.window_s:.0f}%, other processes "
                                 f"{100 * m.others_cpu_s / m.window_s:.0f}%")
            if r.catchup_s:
                lines.append(f"  {r.backend} socreg up: its workers finished each slice's events "
                             f"{', '.join(f'{c:.0f}' for c in r.catchup_s)} s after the slice ended "
                             "(relay, credit engine, search; each slice starts with them idle), "
                             f"{r.workers_ms_per_submission or 0:.1f} ms of their CPU per submission")
    if sweeps:
        rows = []
        for s in sweeps:
            if s.first_s is None:
                rows.append([s.backend, "-", "-", "-", "-", (s.skipped or "")[:80]])
                continue
            rows.append([s.backend, f"{s.organizations:,} x {len(SWEEP_YEARS)}",
                         f"{s.first_s:.1f} s ({s.first_announced:,} events) "
                         f"{'ok' if s.first_s < TARGET_SWEEP_S else 'OVER'}",
                         f"{s.second_s:.1f} s ({s.second_announced} new)",
                         f"{s.ceiling_s:.1f} s ({s.ceiling_count:,})", f"< {TARGET_SWEEP_S:.0f} s"])
        lines.append("overdue sweep (R4.5) on 2026-06-01 over the 2021-2025 reports; ceiling: the bare anti-join count")
        lines.append(table(["backend", "organizations x years", "first run (backlog)", "second run",
                            "ceiling (count only)", "target"], rows))
    return "\n".join(lines)


def run(opts: Options) -> dict[str, Any]:
    started = time.monotonic()
    http_results = [run_http_backend(b, opts) for b in opts.backends] if opts.http else []
    sweeps = [run_sweep_backend(b, opts) for b in opts.sweep_backends] if opts.sweep else []
    text = report(http_results, sweeps, opts)
    data = {"options": opts.__dict__, "elapsed_s": round(time.monotonic() - started, 1),
            "load_average_at_start": round(os.getloadavg()[0], 2), "submissions": [r.as_dict() for r in http_results],
            "sweeps": [s.as_dict() for s in sweeps]}
    data["results_file"] = str(write_results(NAME, data))
    data["text"] = text
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.annual_reports", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per server (10)")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"),
                        help="only this backend (repeatable; default: both), for both parts")
    parser.add_argument("--sweep-orgs", type=int, default=SWEEP_ORGS)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true")
    args = parser.parse_args(argv)
    backends = tuple(args.backend or ("sqlite", "postgresql"))
    opts = Options(duration=args.duration, warmup=args.warmup, connections=args.connections, backends=backends,
                   sweep_backends=backends, sweep_orgs=args.sweep_orgs, http=not args.skip_http,
                   sweep=not args.skip_sweep)
    outcome = run(opts)
    print(outcome["text"])
    print(f"({outcome['elapsed_s']:.0f} s; JSON in {outcome['results_file']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
