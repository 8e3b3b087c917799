"""The arrows of style.md, kept true by import-linter: shared imports no service, services are
independent, layers point inwards, domain and service layer import no framework."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint(config: Path | None = None) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    args = [str(exe)] + (["--config", str(config)] if config else [])
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_import_contracts_hold() -> None:
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: " in result.stdout and " broken" in result.stdout


def test_a_forbidden_import_would_be_caught(tmp_path: Path) -> None:
    """The checker itself can fail: a contract forbidding what the registry really imports breaks."""
    config = tmp_path / "contracts.toml"
    config.write_text('[tool.importlinter]\nroot_packages = ["services"]\n\n'
                      '[[tool.importlinter.contracts]]\nname = "registry may not use its domain (deliberately false)"\n'
                      'type = "forbidden"\nsource_modules = ["services.registry.service_layer"]\n'
                      'forbidden_modules = ["services.registry.domain"]\n')
    result = _lint(config)
    assert result.returncode != 0 and "BROKEN" in result.stdout.upper()
