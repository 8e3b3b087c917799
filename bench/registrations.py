"""Registrations per second through HTTP, on SQLite and on PostgreSQL, beside a ceiling.

The figure: the real embedded app, started as `socreg up` starts it (uvicorn, one worker, its default
loop and HTTP settings) in a subprocess on a free loopback port, with its own secret key and a
temporary data dir (and, for PostgreSQL, a freshly created database socreg_bench_<random>, dropped
afterwards). A registrar account is added with `python -m socreg user add` (same environment), a
token is fetched from POST /auth/token, and POST /registry/organizations is driven with N concurrent
connections for a fixed duration after a warm-up, every request a distinct valid body.

The ceiling, in the same run: bench/ceiling_app.py (a bare FastAPI sync endpoint doing one insert of
a row with the same columns and a commit, engine from shared.db.Database.connect), served the same
way and driven by the same generator with the same concurrency and duration.

Both servers run side by side; after a warm-up each, they are measured in alternating slices
(socreg, ceiling, ceiling, socreg), so that other work on a shared machine weighs on both alike.
Each measurement also reports the CPU the server, the generator, PostgreSQL and every other process
used meanwhile, so a reader can tell a starved run.

The generator ceiling: the same generator against a trivial endpoint (the ceiling app's async GET
/healthz) with the same connections: if it is far above both figures, the generator is not what
limits them. (On a 2-core machine generator and server share the cores in every measurement.)
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (HOST, Server, clean_env, cpu_delta, cpu_seconds, cpu_seconds_by_name, fmt_ms, free_port,
                          get_token, http, log, machine_busy_seconds, pg_available, pg_create, pg_drop, table,
                          write_results)
from bench.loadgen import LoadResult, choose_tool, merge, registration_spec, run_load

NAME = "registrations"
TARGET_RATIO = 0.60
BACKENDS = ("sqlite", "postgresql")
REGISTRAR = "bench-registrar"


@dataclass
class Options:
    duration: float = 10.0
    warmup: float = 2.0
    connections: int = 64
    generator: str = "auto"          # auto | wrk | python
    generator_processes: int = 2     # python generator only
    wrk_threads: int = 2
    generator_check_s: float = 3.0
    slices: int = 2                  # measured in alternating slices: socreg, ceiling, ceiling, socreg
    backends: tuple[str, ...] = BACKENDS


@dataclass
class Measured:
    load: LoadResult
    server_cpu_s: float
    postgres_cpu_s: float  # CPU of the PostgreSQL server's processes meanwhile (any database)
    others_cpu_s: float    # CPU used meanwhile by every other process on the machine
    window_s: float        # wall-clock seconds the CPU figures cover

    def as_dict(self) -> dict[str, Any]:
        return {**self.load.as_dict(), "server_cpu_s": round(self.server_cpu_s, 2),
                "server_cpu_pct": round(100 * self.server_cpu_s / self.window_s, 1),
                "postgres_cpu_s": round(self.postgres_cpu_s, 2), "other_processes_cpu_s": round(self.others_cpu_s, 2),
                "cpu_window_s": round(self.window_s, 2)}


@dataclass
class BackendResult:
    backend: str
    socreg: Measured | None = None
    ceiling: Measured | None = None
    generator: Measured | None = None
    warmup_errors: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows_registered: int | None = None
    skipped: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.socreg is None or self.ceiling is None or not self.ceiling.load.ok_per_s:
            return None
        return self.socreg.load.ok_per_s / self.ceiling.load.ok_per_s

    def as_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "skipped": self.skipped,
                "ratio": None if self.ratio is None else round(self.ratio, 3), "target_ratio": TARGET_RATIO,
                "socreg": self.socreg and self.socreg.as_dict(), "ceiling": self.ceiling and self.ceiling.as_dict(),
                "generator_ceiling": self.generator and self.generator.as_dict(),
                "warmup_errors": self.warmup_errors, "rows_registered_by_socreg": self.rows_registered}


def _window(server: Server, drive: Callable[[Callable[[], None]], LoadResult]) -> Measured:
    """One load run, with the CPU the server, the generator and everything else used meanwhile
    (from the moment the load begins, the generator's start-up excluded)."""
    pid = server.pids()[0]
    marks: dict[str, Any] = {}

    def on_start() -> None:
        marks.update(cpu=cpu_seconds(pid), pg=cpu_seconds_by_name("postgres"), busy=machine_busy_seconds(),
                     t=time.monotonic())

    load = drive(on_start)
    window = time.monotonic() - marks["t"]
    server_cpu, pg_cpu = cpu_seconds(pid) - marks["cpu"], cpu_delta(marks["pg"], cpu_seconds_by_name("postgres"))
    others = machine_busy_seconds() - marks["busy"] - server_cpu - pg_cpu - (load.generator_cpu_s or 0.0)
    return Measured(load, server_cpu, pg_cpu, max(0.0, others), window)


def _merged(parts: list[Measured]) -> Measured:
    return Measured(merge([p.load for p in parts]), sum(p.server_cpu_s for p in parts),
                    sum(p.postgres_cpu_s for p in parts), sum(p.others_cpu_s for p in parts),
                    sum(p.window_s for p in parts))


def _interleaved(servers: dict[str, tuple[Server, str]], opts: Options, tool: str, spec: Any,
                 result: BackendResult) -> dict[str, Measured]:
    """Warm each server up, then measure them in alternating slices (A B B A ...), so that whatever
    else the machine does meanwhile weighs on both alike; each server's slices are added up. Every
    slice starts with both servers idle: socreg up's workers finish the events of its previous slice
    first, so they never slow the ceiling's slice down (which would flatter the ratio)."""
    kwargs: dict[str, Any] = {"tool": tool, "connections": opts.connections, "spec": spec,
                              "processes": opts.generator_processes, "threads": opts.wrk_threads}
    for label, (server, token) in servers.items():
        if opts.warmup > 0:
            warm = run_load(f"{server.base}/registry/organizations", duration=opts.warmup, run_index=0,
                            token=token, **kwargs)
            if warm.errors:
                result.warmup_errors[label] = {"errors": warm.errors, "statuses": warm.statuses,
                                               "socket_errors": warm.socket_errors, "first": warm.error_sample[:300]}
    slice_s = max(1, round(opts.duration / opts.slices))
    parts: dict[str, list[Measured]] = {label: [] for label in servers}
    labels = list(servers)
    for index in range(opts.slices):
        for label in (labels if index % 2 == 0 else labels[::-1]):
            servers["socreg"][0].wait_idle()  # no slice runs beside socreg up's workers still busy with an earlier one
            server, token = servers[label]
            parts[label].append(_window(server, lambda on_start: run_load(  # noqa: B023 - called at once
                f"{server.base}/registry/organizations", duration=slice_s, run_index=1 + index, token=token,
                on_start=on_start, **kwargs)))
    measured = {label: _merged(p) for label, p in parts.items()}
    for label, m in measured.items():
        log(f"{result.backend} {label}: {m.load.ok_per_s:,.0f} req/s ok, p50 {fmt_ms(m.load.p50_s)} ms, "
            f"p99 {fmt_ms(m.load.p99_s)} ms, errors {m.load.errors}")
    return measured


def run_backend(backend: str, opts: Options, tool: str) -> BackendResult:
    result = BackendResult(backend)
    if backend == "postgresql" and (why := pg_available()):
        result.skipped = f"PostgreSQL not reachable ({why})"
        return result
    spec = registration_spec()
    tmp = Path(tempfile.mkdtemp(prefix=f"socreg-bench-{backend}-"))
    databases: list[str] = []
    try:
        extra = {"SOCREG_SECRET_KEY": secrets.token_urlsafe(48), "SOCREG_DATA_DIR": str(tmp / "data")}
        if backend == "postgresql":
            name, url = pg_create()
            databases.append(name)
            extra["SOCREG_REGISTRY_DATABASE_URL"] = url
            ceiling_name, ceiling_url = pg_create("ceiling")
            databases.append(ceiling_name)
        else:
            ceiling_url = f"sqlite:///{(tmp / 'ceiling.db').as_posix()}"
        (tmp / "data").mkdir()
        env = clean_env(**extra)

        # the figure: the real embedded app, with a registrar account added beforehand
        password = secrets.token_urlsafe(16)
        subprocess.run([sys.executable, "-m", "socreg", "user", "add", REGISTRAR, "--role", "registrar"],
                       input=(password + "\n").encode(), env=env, cwd=tmp, check=True, capture_output=True, timeout=120)
        app_port, ceiling_port = free_port(), free_port()
        app = Server(f"socreg-{backend}", [sys.executable, "-m", "socreg", "up", "--host", HOST, "--port",
                                           str(app_port)], env=env, port=app_port, log_dir=tmp)
        # the ceiling: the bare insert endpoint, served the same way
        ceiling = Server(f"ceiling-{backend}", [sys.executable, "-m", "bench.ceiling_app", "--host", HOST, "--port",
                                                str(ceiling_port), "--database-url", ceiling_url],
                         env=clean_env(), port=ceiling_port, log_dir=tmp)
        with app, ceiling:
            log(f"{backend}: socreg up ready in {app.wait_ready('/readyz', 90):.1f} s")
            ceiling.wait_ready("/readyz", 60)
            token = get_token(app.base, REGISTRAR, password)
            measured = _interleaved({"socreg": (app, token), "ceiling": (ceiling, "")}, opts, tool, spec, result)
            result.socreg, result.ceiling = measured["socreg"], measured["ceiling"]
            status, body = http("GET", f"{app.base}/registry/organizations?size=1",
                                headers={"Authorization": f"Bearer {token}"})
            if status == 200:
                result.rows_registered = int(json.loads(body)["total"])
            if opts.generator_check_s > 0:
                result.generator = _window(ceiling, lambda on_start: run_load(
                    f"{ceiling.base}/healthz", tool=tool, connections=opts.connections,
                    duration=opts.generator_check_s, run_index=0, processes=opts.generator_processes,
                    threads=opts.wrk_threads, on_start=on_start))
                log(f"{backend} generator ceiling (GET /healthz): {result.generator.load.ok_per_s:,.0f} req/s")
    except Exception as exc:  # noqa: BLE001 - reported in the table, the other backend still runs
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


def _latency(m: Measured | None) -> str:
    return "-" if m is None else f"{fmt_ms(m.load.p50_s)} / {fmt_ms(m.load.p99_s)}"


def _errors(m: Measured | None, warmup: dict[str, Any] | None) -> str:
    if m is None:
        return "-"
    load = m.load
    text = "0"
    if load.errors:
        detail = ", ".join([*(f"{k}×{v}" for k, v in load.statuses.items() if not k.startswith("2")),
                            *(f"{k}×{v}" for k, v in load.socket_errors.items())])
        text = f"{load.errors} ({detail})"
    if warmup:
        detail = ", ".join([*(f"{k}×{v}" for k, v in warmup["statuses"].items() if not k.startswith("2")),
                            *(f"{k}×{v}" for k, v in warmup["socket_errors"].items())])
        text += f" + warm-up {warmup['errors']} ({detail})"
    return text


def _pct(cpu_s: float | None, m: Measured) -> str:
    return "-" if cpu_s is None or not m.window_s else f"{100 * cpu_s / m.window_s:.0f}%"


def report(results: list[BackendResult], opts: Options, tool: str, load_avg: float) -> str:
    rows = []
    for r in results:
        if r.socreg is None or r.ceiling is None:
            rows.append([r.backend, "-", "-", "-", f"≥ {TARGET_RATIO:.2f}", "-", "-", "-", "-", "-"])
            continue
        ratio = r.ratio or 0.0
        rows.append([r.backend, f"{r.socreg.load.ok_per_s:,.0f}", f"{r.ceiling.load.ok_per_s:,.0f}",
                     f"{ratio:.2f} {'ok' if ratio >= TARGET_RATIO else 'BELOW'}", f"≥ {TARGET_RATIO:.2f}",
                     _latency(r.socreg), _latency(r.ceiling), _errors(r.socreg, r.warmup_errors.get("socreg")),
                     _errors(r.ceiling, r.warmup_errors.get("ceiling")),
                     "-" if r.generator is None else f"{r.generator.load.ok_per_s:,.0f}"])
    head = (f"registrations/s through HTTP: POST /registry/organizations, {opts.connections} connections, "
            f"{opts.duration:g} s each (in {opts.slices} alternating slices per server) after a {opts.warmup:g} s "
            f"warm-up, generator: {tool}, "
            f"load average at start {load_avg:.1f}")
    text = head + "\n" + table(["backend", "socreg req/s", "ceiling req/s", "ratio", "target",
                                "socreg p50/p99 ms", "ceiling p50/p99 ms", "socreg errors", "ceiling errors",
                                "generator ceiling req/s"], rows)
    notes = []
    for r in results:
        if r.skipped:
            notes.append(f"{r.backend}: {r.skipped}")
        for m, label in ((r.socreg, "socreg"), (r.ceiling, "ceiling"), (r.generator, "generator ceiling")):
            if m is None:
                continue
            if m.load.error_sample:
                notes.append(f"{r.backend} {label} first error: {m.load.error_sample[:300]}")
            notes.append(f"{r.backend} {label}: CPU in % of one core (the machine has {os.cpu_count()}): server "
                         f"{_pct(m.server_cpu_s, m)}, generator {_pct(m.load.generator_cpu_s, m)}, "
                         f"PostgreSQL {_pct(m.postgres_cpu_s, m)}, other processes {_pct(m.others_cpu_s, m)}")
        for label, warm in r.warmup_errors.items():
            notes.append(f"{r.backend} {label} warm-up: {warm['errors']} errors, first: {warm['first'][:300]}")
        if r.rows_registered is not None and r.socreg is not None:
            notes.append(f"{r.backend}: register holds {r.rows_registered:,} organizations after the run")
    notes.append("ceiling: bare FastAPI sync endpoint, one INSERT + COMMIT (bench/ceiling_app.py); generator "
                 "ceiling: the same generator against the ceiling app's async GET /healthz")
    return text + "\n" + "\n".join(f"  {n}" for n in notes)


def run(opts: Options | None = None) -> dict[str, Any]:
    opts = opts or Options()
    tool = choose_tool(opts.generator)
    started, load_avg = time.monotonic(), os.getloadavg()[0]
    results = [run_backend(b, opts, tool) for b in opts.backends]
    text = report(results, opts, tool, load_avg)
    data = {"generator": tool, "options": opts.__dict__, "elapsed_s": round(time.monotonic() - started, 1),
            "load_average_at_start": round(load_avg, 2), "results": [r.as_dict() for r in results]}
    data["results_file"] = str(write_results(NAME, data))
    data["text"] = text
    return data
