"""End to end: `socreg up` runs in its own process (with its workers in a child process); a
registration through HTTP reaches a consumer in this (another) process through the bus, and the
search service's consumer in the workers' process; the workers never outlive `socreg up`."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.contracts import TOPICS
from shared.events.sqlite_log import SqliteLogBus
from tests.registry.factories import registration_body

SECRET = "e2e-secret-0123456789abcdefghijklmnopqrstuv"
PASSWORD = "tulip harbour lantern 7"  # passes the password policy (12+ characters, not common)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _socreg(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "socreg", *args], env=env, text=True, capture_output=True,
                          timeout=120, check=True, input=stdin)


def _wait_ready(url: str, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("server did not become ready")


@pytest.fixture
def embedded_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    env = {**os.environ, "SOCREG_SECRET_KEY": SECRET, "SOCREG_DATA_DIR": str(tmp_path),
           "SOCREG_OPERATIONS_PUBLIC": "true"}  # /readyz tells when the server is up
    _socreg("migrate", env=env)
    _socreg("user", "add", "reg", "--role", "registrar", env=env, stdin=PASSWORD + "\n")  # never on argv
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "socreg", "up", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, proc)
        yield url, tmp_path, proc
    finally:
        children = _children(proc.pid)
        proc.terminate()
        proc.wait(timeout=30)
        _wait_gone(children)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" not in status.read_text()
    except FileNotFoundError:
        return False


def _wait_gone(pids: list[int], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not [p for p in pids if _alive(p)], "socreg up's workers outlived it"


def test_registration_reaches_a_consumer_in_another_process(embedded_server: tuple[str, Path, Any]) -> None:
    url, data_dir, _ = embedded_server
    token = httpx.post(url + "/auth/token", data={"username": "reg", "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    answer = httpx.post(url + "/registry/organizations", json=registration_body(1), headers=headers, timeout=10)
    assert answer.status_code == 201, answer.text
    uscc = answer.json()["uscc"]

    consumer = SqliteLogBus(str(data_dir / "bus.db")).consumer("e2e-observer", [TOPICS["registry.organization"]])
    deadline, seen = time.monotonic() + 10, []
    while time.monotonic() < deadline and not seen:
        seen = [d.envelope() for d in consumer.poll(10, timeout=0.5)]
    assert [(e.type, e.subject) for e in seen] == [("registry.organization.registered", uscc)]
    assert seen[0].data["name"] == registration_body(1)["name"]
    assert "id_number" not in seen[0].to_json() and "13800000000" not in seen[0].to_json()


def test_the_workers_process_serves_search_and_dies_with_socreg_up(embedded_server: tuple[str, Path, Any]) -> None:
    """The relays and consumers run in `socreg up`'s child process: a registration becomes searchable
    through it; when `socreg up` is killed with -9 (no chance to clean up), the child stops too."""
    url, _, proc = embedded_server
    [worker] = _children(proc.pid)
    token = httpx.post(url + "/auth/token", data={"username": "reg", "password": PASSWORD}).json()
    answer = httpx.post(url + "/registry/organizations", json=registration_body(2),
                        headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10)
    uscc = answer.json()["uscc"]
    deadline, found = time.monotonic() + 20, None
    while time.monotonic() < deadline and found is None:
        profile = httpx.get(f"{url}/search/organizations/{uscc}", timeout=5)
        found = profile.json() if profile.status_code == 200 else time.sleep(0.2)
    assert found is not None and found["name"] == registration_body(2)["name"]
    proc.kill()
    proc.wait(timeout=10)
    _wait_gone([worker])
