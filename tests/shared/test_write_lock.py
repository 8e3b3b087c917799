"""The SQLite write lock that `socreg up`'s two processes queue on: a writer in one process waits
while a writer in another holds it, gets it the moment it is released, and gets it back when the
holder is killed (the kernel drops a dead process's flock)."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from shared.db import Database, WriteLock, sqlite_path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")

HOLDER = """
import sys
from shared.db import WriteLock
lock = WriteLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
sys.stdin.readline()
lock.release()
print("released", flush=True)
sys.stdin.readline()
"""


def _holder(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def _acquire_in_thread(lock: WriteLock) -> tuple[threading.Thread, threading.Event]:
    got = threading.Event()

    def take() -> None:
        lock.acquire()
        got.set()
        lock.release()

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    return thread, got


def test_a_writer_waits_for_another_process_and_gets_the_lock_when_released(tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    holder = _holder(db)
    try:
        thread, got = _acquire_in_thread(WriteLock(str(db)))
        assert not got.wait(0.5), "acquired while another process held the lock"
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        assert got.wait(10)
        thread.join(5)
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_of_a_killed_holder_is_free(tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    holder = _holder(db)
    thread, got = _acquire_in_thread(WriteLock(str(db)))
    assert not got.wait(0.3)
    holder.kill()  # SIGKILL: no release
    holder.wait()
    assert got.wait(10)
    thread.join(5)


def test_threads_of_one_process_queue_too(tmp_path: Path) -> None:
    lock = WriteLock(str(tmp_path / "x.db"))
    lock.acquire()
    thread, got = _acquire_in_thread(lock)
    assert not got.wait(0.3)
    lock.release()
    assert got.wait(5)
    thread.join(5)


def test_every_sqlite_file_database_has_one_and_memory_databases_queue_threads_only(tmp_path: Path) -> None:
    assert sqlite_path(f"sqlite:///{tmp_path}/a.db") == f"{tmp_path}/a.db"
    assert sqlite_path("sqlite://") is None and sqlite_path("sqlite:///:memory:") is None
    db = Database.connect(f"sqlite:///{tmp_path}/a.db")
    try:
        assert isinstance(db.write_lock, WriteLock)
        with db.write_lock:
            assert (tmp_path / "a.db-writelock").exists()
    finally:
        db.dispose()
