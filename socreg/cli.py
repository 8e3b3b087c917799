"""The `socreg` command line (api.md): up, demo, user (socreg/cli_users.py), migrate, serve, worker, events."""
from __future__ import annotations

import ipaddress
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shared.settings import Settings
from socreg.cli_users import user_app

app = typer.Typer(help="socreg: register of record and credit supervision for social organizations",
                  no_args_is_help=True)
events_app = typer.Typer(help="the event catalogue", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(events_app, name="events")
search_app = typer.Typer(help="the search index", no_args_is_help=True)
app.add_typer(search_app, name="search")
audit_app = typer.Typer(help="the audit trail", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
console = Console(stderr=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="where the embedded databases live")]


@app.callback()
def _cli_actor(ctx: typer.Context) -> None:
    # what a command writes outside requests, consumers and jobs (user add, demo ...) is in the audit trail
    # as cli:<os user>; the context ends with the command
    from shared import audit

    action = " ".join(["cli", *_command_words(ctx.invoked_subcommand)])
    token = audit.activate(audit.AuditContext(actor=audit.cli_actor(), role="cli", action=action))
    ctx.call_on_close(lambda: audit.deactivate(token))


def _command_words(subcommand: str | None) -> list[str]:
    """`user add` for `socreg user add NAME ...`: the leading words only (a password may follow)."""
    words: list[str] = []
    for word in sys.argv[1:3]:
        if word.startswith("-"):
            break
        words.append(word)
    return words if words and words[0] == subcommand else [subcommand or "?"]


@audit_app.command("verify")
def audit_verify(data_dir: DataDir = None) -> None:
    """Walk every service's audit chain; name the first broken record (exit 1), or say each is intact (exit 0)."""
    from socreg.audit_command import verify_all

    verdicts = verify_all(load_settings(data_dir=data_dir))
    for v in verdicts:
        print(f"{v.service}: {v.message}")
    if not all(v.ok for v in verdicts):
        raise typer.Exit(1)


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        console.print(f"[red]invalid settings:[/red] {exc}")
        raise typer.Exit(2) from exc


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console)


def _load_demo(settings: Settings) -> None:
    """The whole demo: the register (with its reports and ratings), then the inspection history on it;
    every step goes through the services' own handlers and events, so search fills itself from the bus."""
    from services.inspection.demo import CREDIT_BASELINE, as_of, repair_credit
    from services.inspection.demo import load_demo as load_inspection_demo
    from services.registry.adapters import views
    from services.registry.demo_data import generate_register
    from services.registry.entrypoints.demo import load_demo, register_is_empty
    from socreg.app import build_platform

    platform = build_platform(settings, services=("registry", "inspection"))
    try:
        if not register_is_empty(platform.registry):
            console.print("demo register already loaded")
            return
        with _progress() as progress:
            task = progress.add_task("loading the demo register (演示数据)", total=len(generate_register()))
            counts = load_demo(platform.registry, progress=lambda n: progress.advance(task, n))
        console.print(f"loaded {counts['organizations']} organizations and {counts['users']} demo accounts; "
                      f"dormant organizations ended: {counts['deregistered']} deregistered, "
                      f"{counts['revoked']} revoked")
        platform.registry.relay.drain()
        with platform.registry.db.read_session() as session:
            rows = views.list_organizations(session, page=1, size=10**7, filters={})["items"]
        # the inspection history starts from the register as it stood in 2020 (every organization active);
        # the later 注销/撤销登记 of dormant organizations reach its directory as events, through the consumer
        rows = [{**row, "status": "active"} for row in rows]
        with console.status("loading the 2020-2025 inspection history (演示数据)"):
            history = load_inspection_demo(platform.inspection, rows)
        console.print(f"inspection history: {history}")
        platform.inspection.relay.drain()
        with console.status("running the credit-list engine over the demo history (信用名录)"):
            # the engine catches up as of the plan's baseline, then lives through 2021 to today: removal
            # applications and decisions (信用修复) on their days, then the daily sweep on today
            handled = _consume_all(as_of(platform.inspection, CREDIT_BASELINE))
            repaired = repair_credit(platform.inspection)
        platform.inspection.relay.drain()
        console.print(f"credit lists: {handled} events read by the inspection consumer; credit repair: {repaired}")
    finally:
        platform.close()


def _consume_all(container: Any) -> int:
    """The inspection consumer (directory and credit-list engine) up to the end of the bus, so the lists
    (e.g. GET /inspection/credit/counts?as_of=2020-12-31: 166 / 27 / 1) answer right after `socreg demo`."""
    from services.inspection.entrypoints.consumers import build_consumers

    runner, handled = build_consumers(container)[0], 0
    try:
        while n := runner.run_once(max_records=2000, timeout=0.05):
            handled += n
    finally:
        runner.close()
    return handled


@app.command()
def migrate() -> None:
    """Apply every service's database migrations."""
    from services.inspection import bootstrap as inspection
    from services.registry import bootstrap as registry
    from services.search import bootstrap as search

    settings = load_settings()
    for service in (registry, inspection, search):
        service.migrate(settings)
    console.print("migrations applied (registry, inspection, search)")


@app.command()
def demo(data_dir: DataDir = None) -> None:
    """Load the synthetic demo register (a clearly labelled Xiamen register, 2020 baseline)."""
    _load_demo(load_settings(data_dir=data_dir, demo=True))


@app.command()
def up(host: str = "127.0.0.1", port: int = 8000, data_dir: DataDir = None,
       demo: Annotated[bool, typer.Option("--demo", help="load the demo register and allow the demo key")] = False,
       allow_public_demo: Annotated[bool, typer.Option(
           "--allow-public-demo", help="let the demo listen beyond loopback (its key and passwords are public)")] = False,
       ) -> None:
    """Run every service on the embedded default, on one port."""
    import uvicorn

    from socreg.app import build_platform, create_app

    settings = load_settings(data_dir=data_dir, demo=demo or None)
    _refuse_public_demo(settings, host, allowed=allow_public_demo)
    if demo:
        _load_demo(settings)
    platform = build_platform(settings)
    workers = _spawn_embedded_workers(settings) if settings.embedded_workers == "process" else None
    console.print(f"socreg serving on http://{host}:{port} (API docs: http://{host}:{port}/docs)")
    try:
        uvicorn.run(create_app(platform, run_workers=workers is None), host=host, port=port, log_level="warning")
    finally:
        if workers is not None:
            workers.terminate()
            try:
                workers.wait(timeout=30)
            except subprocess.TimeoutExpired:
                workers.kill()


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def _refuse_public_demo(settings: Settings, host: str, *, allowed: bool) -> None:
    """The demo signs tokens with a key printed in the source and has published passwords: anyone who
    reaches it can act as any account. It listens on loopback unless told otherwise."""
    if settings.demo and not allowed and not _is_loopback(host):
        console.print(f"[red]refused:[/red] the demo would listen on {host}, beyond this machine, but its secret key "
                      "and demo passwords are public, so anyone reaching it could sign in as any account. Use "
                      "--host 127.0.0.1, or add --allow-public-demo if that is really meant.")
        raise typer.Exit(2)


def _spawn_embedded_workers(settings: Settings) -> subprocess.Popen[bytes]:
    """`socreg up`'s second process: every service's relays, consumers and schedulers, so that the API
    keeps a core of its own (one Python process runs one thread at a time). It dies with this one."""
    command = [sys.executable, "-m", "socreg", "embedded-workers", "--data-dir", str(settings.data_dir)]
    return subprocess.Popen(command + (["--demo"] if settings.demo else []))


@app.command("embedded-workers", hidden=True)
def embedded_workers(data_dir: DataDir = None,
                     demo: Annotated[bool, typer.Option("--demo", help="the demo key is allowed")] = False) -> None:
    """The background half of `socreg up`: relays, consumers and schedulers of all three services."""
    from socreg.app import build_platform

    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    _stop_with_parent(stopped)
    platform = build_platform(load_settings(data_dir=data_dir, demo=demo or None))
    platform.start_workers()
    console.print("embedded workers running (relays, consumers, schedulers)")
    stopped.wait()
    platform.close()


def _stop_with_parent(stopped: threading.Event) -> None:
    """Stop when `socreg up` is gone, even after kill -9: Linux sends SIGTERM when the parent dies;
    elsewhere a watcher notices the parent's pid changing."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while not stopped.wait(1.0):
            if os.getppid() != parent:
                stopped.set()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


ServiceName = Annotated[str, typer.Argument(help="registry | inspection | search")]


@app.command()
def serve(service: ServiceName, host: str = "0.0.0.0", port: int = 8000) -> None:
    """Distributed mode: one service's HTTP API alone (its relay, consumers and jobs run as `socreg worker`)."""
    import uvicorn

    _known(service)
    container = _container(service, load_settings())
    uvicorn.run(_service_app(service, container), host=host, port=port, log_level="info")


def _container(service: str, settings: Settings) -> Any:
    from socreg.app import _wiring

    return _wiring(service).bootstrap(settings)


def _service_app(service: str, container: Any) -> Any:
    if service == "registry":
        from services.registry.entrypoints.api.app import create_app as registry_app

        return registry_app(container, run_workers=False)
    if service == "inspection":
        from services.inspection.entrypoints.api.app import create_app as inspection_app

        return inspection_app(container, run_workers=False)
    from services.search.entrypoints.api.app import create_app as search_app

    return search_app(container, run_workers=False)


@app.command()
def worker(service: ServiceName,
           scheduler: Annotated[bool, typer.Option(help="run the service's daily jobs here too")] = True) -> None:
    """Distributed mode: one service's outbox relay, event consumers and scheduler, until SIGTERM."""
    from socreg.app import _wiring

    _known(service)
    wiring = _wiring(service)
    container = wiring.bootstrap(load_settings())
    container.consumers = wiring.build_consumers(container)
    container.start_workers()
    jobs = wiring.build_scheduler(container) if scheduler and wiring.build_scheduler else None
    if jobs is not None:
        jobs.start()
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    parts = ["index sync" if service == "search" else "relay", "consumers", *(["scheduler"] if jobs else [])]
    console.print(f"{service} worker running ({', '.join(parts)})")
    stopped.wait()
    if jobs is not None:
        jobs.shutdown()
    container.close()


def _known(service: str) -> None:
    from socreg.app import ALL_SERVICES

    if service not in ALL_SERVICES:
        console.print(f"[red]unknown service:[/red] {service} (one of {', '.join(ALL_SERVICES)})")
        raise typer.Exit(2)


@search_app.command("reindex")
def search_reindex(data_dir: DataDir = None) -> None:
    """Rebuild the search index from the events while the old index keeps serving, then swap."""
    _search_job("reindex", data_dir)


@search_app.command("reconcile")
def search_reconcile(data_dir: DataDir = None) -> None:
    """Compare the index with the projection (count and a checksum per organization) and repair drift."""
    _search_job("reconcile", data_dir)


def _search_job(name: str, data_dir: Path | None) -> None:
    from services.search.entrypoints import cli_commands

    with _progress() as progress:
        report = cli_commands.run_with_container(load_settings(data_dir=data_dir), getattr(cli_commands, name),
                                                 progress=cli_commands.progress_bar(progress))
    console.print(cli_commands.describe(report))


@events_app.command("asyncapi")
def asyncapi() -> None:
    """Print the AsyncAPI document of every event type."""
    from shared.contracts import asyncapi_document

    json.dump(asyncapi_document(), sys.stdout, ensure_ascii=False, indent=2)


def main() -> None:
    app()
