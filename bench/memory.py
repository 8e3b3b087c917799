"""Resident memory of `socreg up --demo` with the demo register loaded (target < 400 MiB).

`socreg up --demo` runs in a subprocess with a temporary data dir; it loads the demo register
(~7,391 organizations, through the registry's own handlers) in the server process itself and then
serves. Once /readyz answers, a few ordinary requests are made (a token, list pages, records, their
history, metrics), then VmRSS (now) and VmHWM (the peak, which includes the demo load) are read from
/proc/<pid>/status of the server process and of its children, if any.

Beside it, in the same run: the same server with an empty register (`socreg up` without --demo, no
requests beyond /readyz), so the reader sees what the demo register and the requests add to what the
process costs anyway.
"""
from __future__ import annotations

import json
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import (HOST, Server, clean_env, free_port, get_token, http, log, proc_status_kib, table,
                          write_results)

NAME = "memory"
TARGET_MIB = 400
DEMO_READY_TIMEOUT_S = 600  # the demo history with the credit engine takes about 3 minutes on a 2-core machine
DEMO_REGISTRAR = ("registrar", "xiamen-demo-2026")  # the README's demo account


def _mib(kib: int) -> float:
    return kib / 1024


def _reading(server: Server) -> dict[str, Any]:
    per_process = {}
    for pid in server.pids():
        try:
            per_process[str(pid)] = proc_status_kib(pid)
        except OSError:
            continue
    total = {k: sum(p.get(k, 0) for p in per_process.values()) for k in ("VmRSS", "VmHWM", "RssAnon", "RssFile")}
    return {"processes": len(per_process), "rss_mib": round(_mib(total["VmRSS"]), 1),
            "peak_mib": round(_mib(total["VmHWM"]), 1), "anon_mib": round(_mib(total["RssAnon"]), 1),
            "file_mib": round(_mib(total["RssFile"]), 1), "per_process_kib": per_process}


def _exercise(base: str) -> int:
    """A few requests a user would make; returns how many answered 2xx."""
    token = get_token(base, *DEMO_REGISTRAR)
    auth = {"Authorization": f"Bearer {token}"}
    ok = 0
    status, body = http("GET", f"{base}/registry/organizations?page=1&size=500", headers=auth, timeout=30)
    ok += status == 200
    items = json.loads(body).get("items", []) if status == 200 else []
    for page in (2, 5, 14):
        ok += http("GET", f"{base}/registry/organizations?page={page}&size=500", headers=auth, timeout=30)[0] == 200
    for item in items[:20]:
        uscc = item.get("uscc")
        ok += http("GET", f"{base}/registry/organizations/{uscc}", headers=auth)[0] == 200
        ok += http("GET", f"{base}/registry/organizations/{uscc}/history", headers=auth)[0] == 200
    for path in ("/registry/organizations?type=foundation&size=100", "/healthz", "/metrics", "/openapi.json"):
        ok += http("GET", base + path, headers=auth, timeout=30)[0] == 200
    return ok


def _serve(label: str, argv_tail: list[str], tmp: Path, *, demo: bool, ready_timeout: float) -> dict[str, Any]:
    data_dir = tmp / label
    data_dir.mkdir()
    port = free_port()
    env = clean_env(SOCREG_SECRET_KEY=secrets.token_urlsafe(48), SOCREG_DATA_DIR=str(data_dir))
    argv = [sys.executable, "-m", "socreg", "up", "--host", HOST, "--port", str(port), "--data-dir", str(data_dir),
            *argv_tail]
    with Server(f"memory-{label}", argv, env=env, port=port, log_dir=tmp) as server:
        ready_s = server.wait_ready("/readyz", ready_timeout)
        log(f"{label}: ready after {ready_s:.1f} s")
        out: dict[str, Any] = {"ready_after_s": round(ready_s, 1)}
        if demo:
            out["organizations"] = _count(server.base)
            out["requests_ok"] = _exercise(server.base)
            time.sleep(0.5)
        out.update(_reading(server))
    return out


def _count(base: str) -> int | None:
    token = get_token(base, *DEMO_REGISTRAR)
    status, body = http("GET", f"{base}/registry/organizations?size=1", headers={"Authorization": f"Bearer {token}"})
    return int(json.loads(body)["total"]) if status == 200 else None


def run() -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="socreg-bench-memory-"))
    data: dict[str, Any] = {"target_mib": TARGET_MIB}
    try:
        try:
            data["empty"] = _serve("empty", [], tmp, demo=False, ready_timeout=60)
        except Exception as exc:  # noqa: BLE001 - reported
            data["empty"] = {"error": f"{type(exc).__name__}: {str(exc)[:1500]}"}
        try:
            data["demo"] = _serve("demo", ["--demo"], tmp, demo=True, ready_timeout=DEMO_READY_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - reported
            data["demo"] = {"error": f"{type(exc).__name__}: {str(exc)[:1500]}"}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    data["text"] = report(data)
    data["results_file"] = str(write_results(NAME, {k: v for k, v in data.items() if k != "text"}))
    return data


def report(data: dict[str, Any]) -> str:
    rows = []
    for label, title in (("demo", "socreg up --demo (demo register loaded, after requests)"),
                         ("empty", "socreg up, empty register (reference)")):
        r = data.get(label, {})
        if "error" in r:
            rows.append([title, "-", "-", "-", "-", "-"])
            continue
        verdict = ""
        if label == "demo":
            verdict = f"< {TARGET_MIB} {'ok' if r['rss_mib'] < TARGET_MIB else 'OVER'}"
        rows.append([title, f"{r['rss_mib']:.0f}", f"{r['peak_mib']:.0f}", verdict,
                     f"{r.get('organizations') or '-'}", str(r["processes"])])
    text = "resident memory of the embedded server (MiB)\n" + table(
        ["server", "VmRSS MiB", "peak VmHWM MiB", "target", "organizations", "processes"], rows)
    notes = [f"{label}: {data[label]['error']}" for label in ("demo", "empty") if "error" in data.get(label, {})]
    demo = data.get("demo", {})
    if "rss_mib" in demo:
        notes.append(f"demo: anon {demo['anon_mib']:.0f} MiB + file-backed {demo['file_mib']:.0f} MiB; "
                     f"ready {demo['ready_after_s']} s after start (demo load included); "
                     f"{demo.get('requests_ok')} requests answered 2xx")
    return text + "".join(f"\n  {n}" for n in notes)
