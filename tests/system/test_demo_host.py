"""`socreg up --demo` stays on this machine unless told otherwise (issue 12, part 6): the demo signs
tokens with a key printed in the source and its accounts have published passwords, so on a public
address anyone could act as any account."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import socreg.app
import socreg.cli
from socreg.cli import app


class PastTheCheck(Exception):
    """Raised where `socreg up` would start loading and serving: the host check let it through."""


@pytest.fixture(autouse=True)
def stop_after_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def reached(*args: object, **kwargs: object) -> None:
        raise PastTheCheck

    for key in ("SOCREG_DEMO", "SOCREG_SECRET_KEY", "SOCREG_DATA_DIR"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(socreg.cli, "_load_demo", reached)
    monkeypatch.setattr(socreg.app, "build_platform", reached)


def up(tmp_path: Path, *args: str) -> object:
    return CliRunner().invoke(app, ["up", "--data-dir", str(tmp_path), *args])


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.10.7", "::", "203.0.113.5", "socreg.example.org"])
def test_the_demo_refuses_a_host_beyond_loopback(tmp_path: Path, host: str) -> None:
    result = up(tmp_path, "--demo", "--host", host)
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert not isinstance(result.exception, PastTheCheck)  # type: ignore[attr-defined]
    said = " ".join((result.output + getattr(result, "stderr", "")).split())  # type: ignore[attr-defined]
    assert "--allow-public-demo" in said and host in said
    assert not list(tmp_path.iterdir()), "nothing is created before the refusal"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_the_demo_serves_on_loopback(tmp_path: Path, host: str) -> None:
    result = up(tmp_path, "--demo", "--host", host)
    assert isinstance(result.exception, PastTheCheck), result.output  # type: ignore[attr-defined]


def test_allow_public_demo_lets_the_demo_listen_everywhere(tmp_path: Path) -> None:
    result = up(tmp_path, "--demo", "--host", "0.0.0.0", "--allow-public-demo")
    assert isinstance(result.exception, PastTheCheck), result.output  # type: ignore[attr-defined]


def test_without_the_demo_any_host_is_allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCREG_SECRET_KEY", "a-secret-of-our-own-0123456789abcdefghij")
    result = up(tmp_path, "--host", "0.0.0.0")
    assert isinstance(result.exception, PastTheCheck), result.output  # type: ignore[attr-defined]


def test_the_demo_switched_on_by_the_environment_is_refused_too(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCREG_DEMO", "true")
    result = up(tmp_path, "--host", "0.0.0.0")
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
