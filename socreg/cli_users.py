"""`socreg user …`: accounts (add, deactivate, role, unlock, totp). A password is read from a prompt (or
standard input when it is not a terminal), never from the command line, where other users of the machine
and the shell's history would see it; `--password` is accepted only in the demo (SOCREG_DEMO=true)."""
from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console

from shared.auth import ROLES, password_problems
from shared.errors import SocregError
from shared.settings import Settings

user_app = typer.Typer(help="accounts", no_args_is_help=True)
console = Console(stderr=True)
DataDir = Annotated[Path | None, typer.Option("--data-dir", help="where the embedded databases live")]
RoleOption = Annotated[str, typer.Option(help=" | ".join(ROLES))]
UsccOption = Annotated[str | None, typer.Option(help="for an org account: its USCC")]


def _settings(data_dir: Path | None) -> Settings:
    try:
        return Settings(**({"data_dir": data_dir} if data_dir is not None else {}))
    except ValidationError as exc:
        console.print(f"[red]invalid settings:[/red] {exc}")
        raise typer.Exit(2) from exc


def _read_password(name: str) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    while True:
        password = getpass.getpass(f"password for {name}: ")
        if problems := password_problems(password, name):
            console.print(f"[red]{'; '.join(problems)}[/red]")
            continue
        if getpass.getpass("the same again: ") == password:
            return password
        console.print("[red]the two differ; again[/red]")


def _with_registry(data_dir: Path | None, action: Callable[[Any], str]) -> None:
    """Run `action(container)` on the registry (which holds the accounts); print its answer, or the
    error and exit 1."""
    from services.registry import bootstrap

    container = bootstrap.bootstrap(_settings(data_dir))
    try:
        done = action(container)
    except SocregError as exc:
        console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from exc
    finally:
        container.close()
    console.print(done)


@user_app.command("add")
def user_add(name: str, role: RoleOption, uscc: UsccOption = None, password: Annotated[str | None, typer.Option(
        help="the demo only (SOCREG_DEMO=true); otherwise typed at the prompt or given on standard input")] = None,
             data_dir: DataDir = None) -> None:
    """Add an account. The password comes from a prompt, or from standard input (one line) when it is
    not a terminal: 12 characters or more, not the user name, not a common or patterned password."""
    from services.registry.domain import commands
    from services.registry.service_layer import handlers

    if password is not None and not _settings(data_dir).demo:
        console.print("[red]--password is accepted only in the demo (SOCREG_DEMO=true): a password on the command "
                      "line is visible to the machine's other users; type it at the prompt or pipe it in[/red]")
        raise typer.Exit(2)
    secret = password if password is not None else _read_password(name)

    def add(c: Any) -> str:
        handlers.add_user(commands.AddUser(name, secret, role, uscc), c.uow())
        return f"added {role} account {name}"

    _with_registry(data_dir, add)


@user_app.command("deactivate")
def user_deactivate(name: str, data_dir: DataDir = None) -> None:
    """Deactivate an account: it can no longer sign in, and its tokens stop working at once."""
    from services.registry.service_layer import accounts

    def deactivate(c: Any) -> str:
        accounts.deactivate(c.uow(), name)
        return f"deactivated {name}; its sessions have ended"

    _with_registry(data_dir, deactivate)


@user_app.command("role")
def user_role(name: str, role: Annotated[str, typer.Argument(help=" | ".join(ROLES))], uscc: UsccOption = None,
              data_dir: DataDir = None) -> None:
    """Change an account's role: its tokens stop working at once (it signs in again with the new role)."""
    from services.registry.service_layer import accounts

    def change(c: Any) -> str:
        accounts.change_role(c.uow(), name, role, uscc)
        return f"{name} is now {role}; its sessions have ended"

    _with_registry(data_dir, change)


@user_app.command("unlock")
def user_unlock(name: str, data_dir: DataDir = None) -> None:
    """Lift an account's sign-in throttling (its delays and temporary lock) at once."""
    from services.registry.service_layer import accounts

    _with_registry(data_dir, lambda c: f"unlocked {name}" if accounts.unlock(c.uow(), name)
                   else f"{name} had no failed sign-ins to lift")


@user_app.command("totp")
def user_totp(name: str, replace: Annotated[bool, typer.Option(help="replace a factor already enrolled")] = False,
              data_dir: DataDir = None) -> None:
    """Enrol an account's second factor and print, this once, the otpauth:// URI for its authenticator
    app (on standard output). Required for approver and admin outside the demo; from then on signing in
    needs the app's code."""
    from services.registry.service_layer import accounts
    from shared import totp

    def enrol(c: Any) -> str:
        secret = totp.new_secret()
        accounts.enrol_totp(c.uow(), name, secret, replace=replace)
        print(totp.provisioning_uri(secret, name, c.settings.totp_issuer), flush=True)
        return f"enrolled a second factor for {name}: add the otpauth:// URI above to its authenticator app " \
               "(it is not shown again)"

    _with_registry(data_dir, enrol)
