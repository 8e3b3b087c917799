"""Settings are validated at start-up and refuse insecure defaults outside the embedded demo."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.settings import DEMO_SECRET_KEY, Settings


def test_the_demo_key_is_refused_outside_the_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCREG_SECRET_KEY", raising=False)
    monkeypatch.delenv("SOCREG_DEMO", raising=False)
    with pytest.raises(ValidationError, match="demo key"):
        Settings()


def test_the_demo_key_is_accepted_in_the_embedded_demo() -> None:
    assert Settings(demo=True).secret_key == DEMO_SECRET_KEY


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(secret_key="short")


def test_environment_variables_with_the_prefix_configure_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCREG_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("SOCREG_BUS_BACKEND", "kafka")
    monkeypatch.setenv("SOCREG_REGISTRY_DATABASE_URL", "postgresql+psycopg://x@h/db")
    settings = Settings()
    assert settings.bus_backend == "kafka"
    assert settings.database_url("registry") == "postgresql+psycopg://x@h/db"
    assert settings.database_url("search").endswith("var/search.db")


def test_invalid_values_fail_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCREG_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("SOCREG_BUS_BACKEND", "rabbit")
    with pytest.raises(ValidationError, match="bus_backend"):
        Settings()
