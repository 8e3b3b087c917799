"""Issue 12 part 5: `socreg user add` accepted `12345678`, `password`, eight spaces and an empty name, and
read the password from the command line. Now a password has 12 characters or more, does not contain the
user name and is not common or patterned (zxcvbn); it comes from a prompt or standard input, and
`--password` is accepted only in the demo."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from services.registry.domain import commands
from services.registry.entrypoints.demo import DEMO_ORG_PASSWORD, DEMO_USERS
from services.registry.service_layer import handlers
from shared.auth import ROLES, password_problems
from shared.errors import InvalidInput
from socreg.cli import app as cli
from tests.auth.conftest import MakePlatform, cli_env, served, sign_in

WEAK = ["12345678", "password", " " * 8, " " * 12, "aaaaaaaaaaaa", "password1234", "Password123!", "qwertyuiop12",
        "1234567890123", "iloveyou2020", "alice-secret-2026", "ALICE1234567890"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused(password: str) -> None:
    assert password_problems(password, "alice"), password


def test_a_strong_password_not_containing_the_name_is_accepted() -> None:
    assert password_problems("tulip harbour lantern 7", "alice") == []
    assert password_problems("tulip harbour lantern 7", "tulip")  # contains the user name


def test_socreg_user_add_refuses_weak_passwords_and_bad_names(make_platform: MakePlatform) -> None:
    platform = make_platform()
    for name, password in (("alice", "12345678\n"), ("alice", "password\n"), ("alice", " " * 8 + "\n"),
                           ("alice", "alice-and-her-long-pass\n"), ("", "tulip harbour lantern 7\n"),
                           ("al ice", "tulip harbour lantern 7\n")):
        result = CliRunner().invoke(cli, ["user", "add", name, "--role", "registrar"], input=password,
                                    env=cli_env(platform))
        assert result.exit_code != 0, (name, password, result.output)
    with platform.registry.db.read_session() as session:
        from services.registry.adapters.repository import SqlUserRepository

        assert SqlUserRepository(session).get("alice") is None


def test_socreg_user_add_reads_the_password_from_standard_input_not_argv(make_platform: MakePlatform) -> None:
    platform = make_platform()
    on_argv = CliRunner().invoke(cli, ["user", "add", "alice", "--role", "registrar", "--password",
                                       "tulip harbour lantern 7"], env=cli_env(platform))
    assert on_argv.exit_code == 2 and "demo" in on_argv.output
    piped = CliRunner().invoke(cli, ["user", "add", "alice", "--role", "registrar"], input="tulip harbour lantern 7\n",
                               env=cli_env(platform))
    assert piped.exit_code == 0, piped.output
    demo = CliRunner().invoke(cli, ["user", "add", "bob", "--role", "auditor", "--password", "tulip harbour lantern 8"],
                              env=cli_env(platform, SOCREG_DEMO="true"))
    assert demo.exit_code == 0, demo.output
    with served(platform) as client:
        assert sign_in(client, "alice", "tulip harbour lantern 7").json()["role"] == "registrar"
        assert sign_in(client, "bob", "tulip harbour lantern 8").json()["role"] == "auditor"


def test_the_policy_applies_to_every_account_added(make_platform: MakePlatform) -> None:
    platform = make_platform()
    with pytest.raises(InvalidInput) as refused:
        handlers.add_user(commands.AddUser("carol", "carol2026carol", "inspector"), platform.registry.uow())
    assert refused.value.rule == "auth.password_policy"


def test_the_demo_has_one_account_per_role_and_its_passwords_pass_the_policy() -> None:
    assert sorted([role for _, role, _ in DEMO_USERS] + ["org"]) == sorted(ROLES)
    for username, _, password in [*DEMO_USERS, ("org", "org", DEMO_ORG_PASSWORD)]:
        assert password_problems(password, username) == [], username
