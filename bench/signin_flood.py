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

The server is measured in rounds of a quiet slice and a flooded pair, the order alternating (quiet,
flood; flood, quiet), each slice starting with the server idle. In a flooded pair the flood starts as the
first slice's load does (the onset: its first guesses each cost a password check until the throttle
engages) and goes on until no guess has cost a check for 5 s (the throttle has engaged for every name
and address the flood uses), then through the second slice (the steady state).
Every round's flood is a fresh one (new addresses, new unknown names). The figures are the onset's and
the steady state's registrations/s over the quiet slices'. For contrast, the same is measured on a server
whose throttling is set out of reach (every guess costs an argon2 check): what the throttle saves."""
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
    onset: Measured | None = None    # the flood starts as the load does: the throttle is not engaged yet
    steady: Measured | None = None   # the same flood, going on
    flood: Flood = field(default_factory=Flood)
    settle_s: list[float] = field(default_factory=list)  # from the onset's end until no guess cost a check
    skipped: str | None = None

    def ratio(self, kind: str) -> float | None:
        flooded = getattr(self, kind)
        if self.quiet is None or flooded is None or not self.quiet.load.ok_per_s:
            return None
        return float(flooded.load.ok_per_s / self.quiet.load.ok_per_s)

    def as_dict(self) -> dict[str, Any]:
        ratios = {kind: self.ratio(kind) for kind in ("onset", "steady")}
        return {"label": self.label, "skipped": self.skipped,
                "ratio": {k: None if v is None else round(v, 3) for k, v in ratios.items()},
                **{kind: (m := getattr(self, kind)) and m.as_dict() for kind in ("quiet", "onset", "steady")},
                "flood": self.flood.as_dict(), "settle_s": self.settle_s}


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


def run_flood(port: int, stop: threading.Event, flood: Flood, *, rate: float, sources: list[str],
              usernames: list[str]) -> None:
    """Send `rate` guesses per second on schedule (a slow answer delays no later guess) until `stop`,
    counting into `flood`; the guesses still in flight then are waited for."""
    lock, interval = threading.Lock(), 1.0 / rate
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=128) as pool:
        while not stop.is_set():
            time.sleep(max(0.0, started + flood.sent * interval - time.monotonic()))
            pool.submit(_guess, port, sources[flood.sent % len(sources)], usernames[flood.sent % len(usernames)],
                        flood, lock)
            flood.sent += 1
        flood.seconds = time.monotonic() - started  # the sending time (in-flight guesses end after it)


def _settle(flood: Flood, *, quiet_s: float = 5.0, limit_s: float = 120.0) -> float:
    """Wait until the flood's guesses have cost no password check (no 401) for `quiet_s` seconds: the
    throttle has engaged for every key the flood uses. The seconds waited."""
    started = last_change = time.monotonic()
    checked = flood.statuses["401"]
    while time.monotonic() - last_change < quiet_s and time.monotonic() - started < limit_s:
        time.sleep(0.25)
        if flood.statuses["401"] != checked:
            checked, last_change = flood.statuses["401"], time.monotonic()
    return time.monotonic() - started


# ---------------------------------------------------------------- the measurement

def _slices(server: Server, token: str, opts: Options, tool: str, result: ServerResult,
            settle_limit_s: float) -> None:
    """Rounds of a quiet slice and a flooded pair (onset: the flood starts with the load; steady: it goes
    on, throttled), the order alternating between rounds; each round's flood is a fresh one."""
    kwargs: dict[str, Any] = {"tool": tool, "connections": opts.connections, "spec": registration_spec(),
                              "token": token, "processes": opts.generator_processes, "threads": opts.wrk_threads}
    url = f"{server.base}/registry/organizations"
    if opts.warmup > 0:
        run_load(url, duration=opts.warmup, run_index=0, **kwargs)
    slice_s = max(1, round(opts.duration / opts.slices))
    parts: dict[str, list[Measured]] = {"quiet": [], "onset": [], "steady": []}
    runs = iter(range(1, 100))

    def measure(kind: str) -> None:
        parts[kind].append(_window(server, lambda on_start: run_load(
            url, duration=slice_s, run_index=next(runs), on_start=on_start, **kwargs)))

    for index in range(opts.slices):
        for kind in (("quiet", "flood") if index % 2 == 0 else ("flood", "quiet")):
            server.wait_idle()
            if kind == "quiet":
                measure("quiet")
                continue
            sources = [f"127.0.{10 + index}.{2 + a}" for a in range(opts.addresses)]
            names = [REGISTRAR, *(f"guess-{index}-{n}" for n in range(4))]
            stop, flood = threading.Event(), Flood()
            flooder = threading.Thread(target=run_flood, args=(server.port, stop, flood),
                                       kwargs={"rate": opts.rate, "sources": sources, "usernames": names})
            flooder.start()
            try:
                measure("onset")
                result.settle_s.append(round(_settle(flood, limit_s=settle_limit_s), 1))
                measure("steady")
            finally:
                stop.set()
                flooder.join()
            result.flood.add(flood)
    result.quiet, result.onset, result.steady = (_merged(parts[k]) for k in ("quiet", "onset", "steady"))
    log(f"{result.label}: {result.quiet.load.ok_per_s:,.0f} registrations/s quiet, {result.onset.load.ok_per_s:,.0f} "
        f"at the flood's onset, {result.steady.load.ok_per_s:,.0f} in its steady state; flood {result.flood.as_dict()}")


def run_server(label: str, opts: Options, tool: str, extra: dict[str, str]) -> ServerResult:
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
            _slices(server, token, opts, tool, result, 120.0 if label == "throttled" else 0.0)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        result.skipped = f"failed: {type(exc).__name__}: {str(exc)[:1500]}"
        log(result.skipped)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def _row(r: ServerResult) -> list[str]:
    if r.quiet is None or r.onset is None or r.steady is None:
        return [r.label, "-", "-", "-", "-", "-", "-", r.skipped or "no result"]
    statuses = ", ".join(f"{k}×{v}" for k, v in sorted(r.flood.statuses.items()))
    return [r.label, f"{r.quiet.load.ok_per_s:,.0f}",
            f"{r.onset.load.ok_per_s:,.0f} ({r.ratio('onset'):.2f})", f"{r.steady.load.ok_per_s:,.0f} ({r.ratio('steady'):.2f})",
            f"{fmt_ms(r.quiet.load.p99_s)} / {fmt_ms(r.onset.load.p99_s)} / {fmt_ms(r.steady.load.p99_s)}",
            f"{r.flood.as_dict()['per_s']:.0f}/s", statuses]


def report(results: list[ServerResult], opts: Options, tool: str) -> str:
    head = (f"registrations/s while {opts.rate:g} wrong-password guesses/s arrive from {opts.addresses} addresses, "
            f"as a ratio to the same server without them (SQLite, socreg up, {opts.connections} connections, "
            f"{opts.duration:g} s per kind in {opts.slices} alternating rounds, generator {tool})")
    rows = [_row(r) for r in results]
    text = head + "\n" + table(["server", "quiet req/s", "flood onset (ratio)", "flood steady (ratio)",
                                "p99 ms quiet/onset/steady", "guesses", "guess answers"], rows)
    main = results[0].ratio("steady")
    verdict = "-" if main is None else f"{main:.2f} {'ok' if main >= TARGET_RATIO else 'BELOW'}"
    notes = [f"throttled (the defaults): steady-state ratio {verdict} (target ≥ {TARGET_RATIO:.2f}); onset: the first "
             f"{opts.duration / opts.slices:g} s of a fresh flood, before the throttle has engaged; steady: after no guess "
             f"cost a password check for 5 s (reached {', '.join(f'{x:g}' for x in results[0].settle_s)} s after the "
             "onset slice)",
             "guess answers: 401 = a password was checked (argon2), 429 = refused by the throttle before any check",
             "unthrottled: the same server with every sign-in threshold at 10000 (each guess checks a password); "
             "its steady slice follows the onset slice at once",
             f"the machine has {os.cpu_count()} cores; load generator, flood and server share them"]
    return text + "\n" + "\n".join(f"  {n}" for n in notes)


def run(opts: Options | None = None) -> dict[str, Any]:
    opts = opts or Options()
    tool = choose_tool(opts.generator)
    started = time.monotonic()
    results = [run_server("throttled", opts, tool, {})]
    if opts.unthrottled:
        results.append(run_server("unthrottled", opts, tool, UNTHROTTLED))
    text = report(results, opts, tool)
    data = {"generator": tool, "options": opts.__dict__, "elapsed_s": round(time.monotonic() - started, 1),
            "target_ratio": TARGET_RATIO, "results": [r.as_dict() for r in results]}
    data["results_file"] = str(write_results(NAME, data))
    data["text"] = text
    return data


if __name__ == "__main__":
    print(run()["text"])
