"""Registrations per second while a password-guessing flood arrives, as a ratio to the same server
without the flood (issue 12 part 5: sign-in under a flood must not starve other requests).

The server: the real embedded app, started as `socreg up` starts it (uvicorn, its workers' process) in
a subprocess on a free loopback port, SQLite, its own secret key and data dir, a registrar account added
with `python -m socreg user add` (password on standard input) and its token fetched once. The load:
POST /registry/organizations with N connections, every body distinct (bench/loadgen.py). The flood:
about 50 wrong-password POST /auth/token per second (open loop: sent on schedule whatever the answers),
each on a new connection from one of a few loopback source addresses (127.0.K.2, 127.0.K.3, ...: the
server's per-address throttling sees distinct clients), cycling over the registrar's own name and a few
unknown ones.

The server is measured in alternating slices, quiet and flooded (quiet, flood, flood, quiet), each
starting with the server idle; every flooded slice starts a fresh flood (new addresses, new unknown
names), so the throttle's ramp (the first guesses each verify a password) is inside every measurement.
The figure is the flooded slices' registrations/s over the quiet slices'. For contrast, the same is
measured on a server whose throttling is set out of reach (every guess costs an argon2 verification):
what the throttle saves."""
from __future__ import annotations

import http.client
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import HOST, Server, clean_env, fmt_ms, free_port, get_token, log, table, write_results
from bench.loadgen import choose_tool, registration_spec, run_load
from bench.registrations import Measured, _merged, _window

NAME = "signin_flood"
TARGET_RATIO = 0.80
REGISTRAR = "bench-registrar"
UNTHROTTLED = {f"SOCREG_SIGNIN_{key}": "10000" for key in ("ACCOUNT_DELAY_AFTER", "ACCOUNT_LOCK_AFTER",
                                                             "ADDRESS_DELAY_AFTER", "ADDRESS_LOCK_AFTER")}


@dataclass
class Options:
    duration: float = 10.0          # measured seconds per kind (quiet, flooded), split into `slices`
    warmup: float = 2.0
    connections: int = 64
    generator: str = "auto"
    generator_processes: int = 2
    wrk_threads: int = 2
    slices: int = 2
    rate: float = 50.0              # wrong-password guesses per second
    addresses: int = 4              # loopback source addresses the guesses come from
    unthrottled: bool = True        # also measure a server whose throttling is out of reach


@dataclass
class Flood:
    sent: int = 0
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)

    def add(self, other: "Flood") -> None:
        self.sent += other.sent
        self.seconds += other.seconds
        self.statuses.update(other.statuses)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "per_s": round(self.sent / self.seconds, 1) if self.seconds else 0.0,
                "statuses": dict(self.statuses)}


@dataclass
class ServerResult:
    label: str
    quiet: Measured | None = None
    flooded: Measured | None = None
    flood: Flood = field(default_factory=Flood)
    skipped: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.quiet is None or self.flooded is None or not self.quiet.load.ok_per_s:
            return None
        return self.flooded.load.ok_per_s / self.quiet.load.ok_per_s

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "skipped": self.skipped, "ratio": None if self.ratio is None else round(self.ratio, 3),
                "quiet": self.quiet and self.quiet.as_dict(), "flooded": self.flooded and self.flooded.as_dict(),
                "flood": self.flood.as_dict()}


# ---------------------------------------------------------------- the flood

def _guess(port: int, source: str, username: str, flood: Flood, lock: threading.Lock) -> None:
    body = urllib.parse.urlencode({"username": username, "password": secrets.token_urlsafe(12)})
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=30, source_address=(source, 0))
        try:
            conn.request("POST", "/auth/token", body=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded", "Connection": "close"})
            status = str(conn.getresponse().status)
        finally:
            conn.close()
    except OSError as exc:
        status = type(exc).__name__
    with lock:
        flood.statuses[status] += 1


def run_flood(port: int, seconds: float, *, rate: float, sources: list[str], usernames: list[str]) -> Flood:
    """Send `rate` guesses per second for `seconds` on schedule (a slow answer delays no later guess);
    the guesses still in flight at the end are waited for."""
    flood, lock, interval = Flood(), threading.Lock(), 1.0 / rate
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=128) as pool:
        while (due := started + flood.sent * interval) < started + seconds:
            time.sleep(max(0.0, due - time.monotonic()))
            pool.submit(_guess, port, sources[flood.sent % len(sources)], usernames[flood.sent % len(usernames)],
                        flood, lock)
            flood.sent += 1
    flood.seconds = seconds
    return flood


# ---------------------------------------------------------------- the measurement

def _slices(server: Server, token: str, opts: Options, tool: str, result: ServerResult, base_index: int) -> None:
    spec = registration_spec()
    kwargs: dict[str, Any] = {"tool": tool, "connections": opts.connections, "spec": spec, "token": token,
                              "processes": opts.generator_processes, "threads": opts.wrk_threads}
    url = f"{server.base}/registry/organizations"
    if opts.warmup > 0:
        run_load(url, duration=opts.warmup, run_index=base_index, **kwargs)
    slice_s = max(1, round(opts.duration / opts.slices))
    parts: dict[str, list[Measured]] = {"quiet": [], "flooded": []}
    order = ["quiet", "flooded"]
    for index in range(opts.slices):
        for kind in (order if index % 2 == 0 else order[::-1]):
            server.wait_idle()
            run_index = base_index + 1 + 2 * index + (kind == "flooded")
            if kind == "quiet":
                parts[kind].append(_window(server, lambda on_start: run_load(  # noqa: B023 - called at once
                    url, duration=slice_s, run_index=run_index, on_start=on_start, **kwargs)))
                continue
            sources = [f"127.0.{10 + run_index % 200}.{2 + a}" for a in range(opts.addresses)]
            names = [REGISTRAR, *(f"guess-{run_index}-{n}" for n in range(4))]
            floods: list[Flood] = []
            flooder = threading.Thread(target=lambda: floods.append(run_flood(  # noqa: B023 - joined below
                server.port, slice_s + 0.5, rate=opts.rate, sources=sources, usernames=names)))
            flooder.start()
            time.sleep(0.25)  # the flood is on before the load begins, and lasts past its end
            parts[kind].append(_window(server, lambda on_start: run_load(  # noqa: B023 - called at once
                url, duration=slice_s, run_index=run_index, on_start=on_start, **kwargs)))
            flooder.join()
            result.flood.add(floods[0])
    result.quiet, result.flooded = _merged(parts["quiet"]), _merged(parts["flooded"])
    log(f"{result.label}: {result.quiet.load.ok_per_s:,.0f} registrations/s quiet, "
        f"{result.flooded.load.ok_per_s:,.0f} flooded (ratio {result.ratio:.2f}); flood "
        f"{result.flood.as_dict()}")


def run_server(label: str, opts: Options, tool: str, base_index: int, extra: dict[str, str]) -> ServerResult:
    result = ServerResult(label)
    tmp = Path(tempfile.mkdtemp(prefix=f"socreg-bench-{NAME}-"))
    try:
        (tmp / "data").mkdir()
        env = clean_env(SOCREG_SECRET_KEY=secrets.token_urlsafe(48), SOCREG_DATA_DIR=str(tmp / "data"), **extra)
        password = secrets.token_urlsafe(16)
        subprocess.run([sys.executable, "-m", "socreg", "user", "add", REGISTRAR, "--role", "registrar"],
                       input=(password + "\n").encode(), env=env, cwd=tmp, check=True, capture_output=True,
                       timeout=120)
        port = free_port()
        with Server(f"socreg-{label}", [sys.executable, "-m", "socreg", "up", "--host", HOST, "--port", str(port)],
                    env=env, port=port, log_dir=tmp) as server:
            log(f"{label}: socreg up ready in {server.wait_ready('/readyz', 90):.1f} s")
            token = get_token(server.base, REGISTRAR, password)
            _slices(server, token, opts, tool, result, base_index)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        result.skipped = f"failed: {type(exc).__name__}: {str(exc)[:1500]}"
        log(result.skipped)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def _row(r: ServerResult) -> list[str]:
    if r.quiet is None or r.flooded is None:
        return [r.label, "-", "-", "-", "-", "-", r.skipped or "no result"]
    statuses = ", ".join(f"{k}×{v}" for k, v in sorted(r.flood.statuses.items()))
    return [r.label, f"{r.quiet.load.ok_per_s:,.0f}", f"{r.flooded.load.ok_per_s:,.0f}", f"{r.ratio:.2f}",
            f"{fmt_ms(r.quiet.load.p99_s)} / {fmt_ms(r.flooded.load.p99_s)}",
            f"{r.flood.as_dict()['per_s']:.0f}/s", statuses]


def report(results: list[ServerResult], opts: Options, tool: str) -> str:
    head = (f"registrations/s while {opts.rate:g} wrong-password guesses/s arrive from {opts.addresses} addresses, "
            f"as a ratio to the same server without them (SQLite, socreg up, {opts.connections} connections, "
            f"{opts.duration:g} s per kind in {opts.slices} alternating slices, generator {tool})")
    rows = [_row(r) for r in results]
    text = head + "\n" + table(["server", "quiet req/s", "flooded req/s", "ratio", "p99 ms quiet / flooded",
                                "guesses", "guess answers"], rows)
    main = results[0]
    verdict = "-" if main.ratio is None else f"{main.ratio:.2f} {'ok' if main.ratio >= TARGET_RATIO else 'BELOW'}"
    notes = [f"throttled (the defaults): ratio {verdict} (target ≥ {TARGET_RATIO:.2f}); answers 401 = a password "
             "was verified, 429 = refused by the throttle before any verification",
             "unthrottled: the same server with every sign-in threshold at 10000 (each guess verifies a password)",
             f"the machine has {os.cpu_count()} cores; load generator, flood and server share them"]
    return text + "\n" + "\n".join(f"  {n}" for n in notes)


def run(opts: Options | None = None) -> dict[str, Any]:
    opts = opts or Options()
    tool = choose_tool(opts.generator)
    started = time.monotonic()
    results = [run_server("throttled", opts, tool, 0, {})]
    if opts.unthrottled:
        results.append(run_server("unthrottled", opts, tool, 0, UNTHROTTLED))
    text = report(results, opts, tool)
    data = {"generator": tool, "options": opts.__dict__, "elapsed_s": round(time.monotonic() - started, 1),
            "target_ratio": TARGET_RATIO, "results": [r.as_dict() for r in results]}
    data["results_file"] = str(write_results(NAME, data))
    data["text"] = text
    return data


if __name__ == "__main__":
    print(run()["text"])
