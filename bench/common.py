"""What every benchmark needs: server subprocesses on a free loopback port, fresh PostgreSQL
databases, /proc readings, result files and plain-text tables."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
HOST = "127.0.0.1"  # every load of this suite goes to the loopback interface only
PG_ADMIN = os.environ.get("SOCREG_BENCH_PG", os.environ.get("SOCREG_TEST_PG",
                                                            "postgresql://postgres@127.0.0.1:5432/postgres"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def secret_key() -> str:
    return secrets.token_urlsafe(48)


def clean_env(**extra: str) -> dict[str, str]:
    """The parent's environment without any SOCREG_* setting, plus `extra`: each server sees only
    the settings this benchmark chose."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCREG_")}
    env["PYTHONUNBUFFERED"] = "1"
    env["SOCREG_OPERATIONS_PUBLIC"] = "true"  # the benches read /readyz and /metrics of their loopback servers
    env.update(extra)
    return env


# ---------------------------------------------------------------- HTTP (the parent's own few calls)

def http(method: str, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 10.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def get_token(base: str, username: str, password: str) -> str:
    form = urllib.parse.urlencode({"username": username, "password": password}).encode()
    status, body = http("POST", f"{base}/auth/token", data=form,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 200:
        raise RuntimeError(f"POST /auth/token answered {status}: {body[:300]!r}")
    return str(json.loads(body)["access_token"])


# ---------------------------------------------------------------- server subprocesses

class Server:
    """A server in a subprocess (its own session, so a Ctrl-C of the bench reaches it only through
    us), its output in a log file; stopped by its pid with SIGTERM, then SIGKILL."""

    def __init__(self, name: str, argv: Sequence[str], *, env: dict[str, str], port: int, log_dir: Path) -> None:
        self.name, self.argv, self.env, self.port = name, list(argv), env, port
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> "Server":
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        return self

    def wait_ready(self, path: str = "/readyz", timeout: float = 60.0) -> float:
        """Seconds until `path` answered 200; raises (with the log's tail) if the server died or
        never got ready."""
        assert self.proc is not None
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, _ = http("GET", self.base + path, timeout=2.0)
                if status == 200:
                    return time.monotonic() - started
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s:\n{self.log_tail()}")

    def wait_idle(self, timeout: float = 600.0, *, below: float = 0.15, windows: int = 3) -> float:
        """Seconds until the server's whole process tree (the API and its workers' child), with the
        PostgreSQL server's processes (the workers' queries run there when it is the database), used
        less than `below` of a core in `windows` one-second windows in a row: the background work started
        before the measurement (a backlog of imported events being relayed, consumed and indexed) has
        finished, so a load run measures the steady state, not the catch-up. The answer is when the
        quiet windows began (the wait itself is `windows` seconds longer)."""
        assert self.proc is not None
        started, quiet, quiet_since = time.monotonic(), 0, 0.0
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            pids, window_start = self.pids(), time.monotonic()
            before, pg_before = tree_cpu(pids), cpu_seconds_by_name("postgres")
            time.sleep(1.0)
            used = tree_cpu(pids) - before + cpu_delta(pg_before, cpu_seconds_by_name("postgres"))
            quiet = quiet + 1 if used < below else 0
            if quiet == 1:
                quiet_since = window_start
            if quiet >= windows:
                return quiet_since - started
        raise RuntimeError(f"{self.name} still busy after {timeout:.0f} s")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def pids(self) -> list[int]:
        """The server process and all its descendants."""
        assert self.proc is not None
        return [self.proc.pid, *descendants(self.proc.pid)]

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def tree_cpu(pids: Sequence[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except (OSError, IndexError):
            pass  # ended meanwhile
    return total


def descendants(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            out.append(child)
            out.extend(descendants(child))
    return out


def proc_status_kib(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM (peak RSS), RssAnon, RssFile of a process, in KiB, from /proc/<pid>/status."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem", "Threads"):
            values[key] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all processes on the machine have used (all cores), from /proc/stat: with the server's
    and the generator's own CPU it tells how much else ran meanwhile (other work on a shared machine)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds_by_name(name: str) -> dict[int, float]:
    """CPU seconds of each process whose command name is `name` (e.g. PostgreSQL's), by pid."""
    found: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if text[text.index("(") + 1:text.rindex(")")] == name:
            fields = text.rsplit(")", 1)[1].split()
            found[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two cpu_seconds_by_name readings (processes that ended meanwhile are missed)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


# ---------------------------------------------------------------- PostgreSQL

def _sqlalchemy_url(dbname: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{dbname}"


def pg_available() -> str | None:
    """None if the PostgreSQL admin connection works, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        return f"{type(exc).__name__}: {str(exc).strip()[:200]}"


def pg_create(label: str = "") -> tuple[str, str]:
    """A fresh database socreg_bench_<random>[_label]; returns (name, SQLAlchemy URL)."""
    import psycopg

    name = f"socreg_bench_{secrets.token_hex(4)}{'_' + label if label else ''}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, _sqlalchemy_url(name)


def pg_drop(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ---------------------------------------------------------------- results and tables

def write_results(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
               "machine": machine(), **data}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return path


def machine() -> dict[str, Any]:
    import platform

    return {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": platform.platform(),
            "loadavg_1m": round(os.getloadavg()[0], 2)}


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers], *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths)))

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def fmt_ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f}" if seconds >= 0.01 else f"{seconds * 1000:.1f}"


def log(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)
