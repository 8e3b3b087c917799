"""The `socreg` command line (api.md): up, demo, user add, migrate, serve, worker, events."""
from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shared.errors import SocregError
from shared.settings import Settings

app = typer.Typer(help="socreg: register of record and credit supervision for social organizations",
                  no_args_is_help=True)
user_app = typer.Typer(help="accounts", no_args_is_help=True)
events_app = typer.Typer(help="the event catalogue", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(events_app, name="events")
console = Console(stderr=True)

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="where the embedded databases live")]


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
    from services.registry import bootstrap
    from services.registry.demo_data import generate_register
    from services.registry.entrypoints.demo import load_demo, register_is_empty

    container = bootstrap.bootstrap(settings)
    try:
        if not register_is_empty(container):
            console.print("demo register already loaded")
            return
        with _progress() as progress:
            task = progress.add_task("loading the demo register (演示数据)", total=len(generate_register()))
            counts = load_demo(container, progress=lambda n: progress.advance(task, n))
        console.print(f"loaded {counts['organizations']} organizations and {counts['users']} demo accounts")
        container.relay.drain()
    finally:
        container.close()


@app.command()
def migrate() -> None:
    """Apply every service's database migrations."""
    from services.registry import bootstrap

    settings = load_settings()
    bootstrap.migrate(settings)
    console.print("migrations applied")


@app.command()
def demo(data_dir: DataDir = None) -> None:
    """Load the synthetic demo register (a clearly labelled Xiamen register, 2020 baseline)."""
    _load_demo(load_settings(data_dir=data_dir, demo=True))


@app.command()
def up(host: str = "127.0.0.1", port: int = 8000, data_dir: DataDir = None,
       demo: Annotated[bool, typer.Option("--demo", help="load the demo register and allow the demo key")] = False) -> None:
    """Run every service on the embedded default, on one port."""
    import uvicorn

    from socreg.app import build_platform, create_app

    settings = load_settings(data_dir=data_dir, demo=demo or None)
    if demo:
        _load_demo(settings)
    platform = build_platform(settings)
    console.print(f"socreg serving on http://{host}:{port} (API docs: http://{host}:{port}/docs)")
    uvicorn.run(create_app(platform), host=host, port=port, log_level="warning")


@app.command()
def serve(service: Annotated[str, typer.Argument(help="registry")], host: str = "0.0.0.0", port: int = 8000) -> None:
    """Distributed mode: one service's HTTP API alone (its relay and consumers run as `socreg worker`)."""
    import uvicorn

    from services.registry import bootstrap
    from services.registry.entrypoints.api.app import create_app

    _known(service)
    container = bootstrap.bootstrap(load_settings())
    uvicorn.run(create_app(container, run_workers=False), host=host, port=port, log_level="info")


@app.command()
def worker(service: Annotated[str, typer.Argument(help="registry")]) -> None:
    """Distributed mode: one service's outbox relay and event consumers, until SIGTERM."""
    from services.registry import bootstrap
    from services.registry.entrypoints.consumers import build_consumers

    _known(service)
    container = bootstrap.bootstrap(load_settings())
    container.consumers = build_consumers(container)
    container.start_workers()
    stopped = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
    console.print(f"{service} worker running (relay + consumers)")
    stopped.wait()
    container.close()


def _known(service: str) -> None:
    if service != "registry":
        console.print(f"[red]unknown or not yet available service:[/red] {service}")
        raise typer.Exit(2)


@user_app.command("add")
def user_add(name: str, role: Annotated[str, typer.Option(help="registrar | inspector | org | admin")],
             password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
             uscc: Annotated[str | None, typer.Option(help="for an org account: its USCC")] = None,
             data_dir: DataDir = None) -> None:
    """Add an account."""
    from services.registry import bootstrap
    from services.registry.domain import commands
    from services.registry.service_layer import handlers

    container = bootstrap.bootstrap(load_settings(data_dir=data_dir))
    try:
        handlers.add_user(commands.AddUser(name, password, role, uscc), container.uow())
    except SocregError as exc:
        console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from exc
    finally:
        container.close()
    console.print(f"added {role} account {name}")


@events_app.command("asyncapi")
def asyncapi() -> None:
    """Print the AsyncAPI document of every event type."""
    from shared.contracts import asyncapi_document

    json.dump(asyncapi_document(), sys.stdout, ensure_ascii=False, indent=2)


def main() -> None:
    app()
