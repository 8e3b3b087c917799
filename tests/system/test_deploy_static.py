"""deploy/ checked without a container engine (quality.md: none runs on these machines).

The compose file is validated against the official Compose Specification with check-jsonschema;
everything the specification cannot know is checked against the code it starts: each socreg
container's command parses against the real Typer CLI, each SOCREG_* variable is a field of
shared.settings.Settings and the stack's settings validate, the database URLs name databases the
init script creates, the bus points at the broker's advertised listener and the search settings at
Elasticsearch, every service runs as an API and a worker (the scheduler in the worker) after one
migration job, the README lists every container, and the Dockerfile runs `socreg` as a non-root
user with a health check. The gateway (deploy/gateway.conf) is checked in test_gateway.py.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import typer
import yaml
from sqlalchemy.engine import make_url

from shared.settings import Settings
from socreg.app import ALL_SERVICES, _wiring
from socreg.cli import _known, app

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
ENV_EXAMPLE = DEPLOY / "socreg.env.example"
INIT_SQL = DEPLOY / "postgres-init.sql"
README = DEPLOY / "README.md"
# one migration job for every service's database, then per service an API and a worker
SOCREG_SERVICES = {"migrate"} | {f"{svc}-{role}" for svc in ALL_SERVICES for role in ("api", "relay")}
ELASTICSEARCH_IMAGE = "docker.elastic.co/elasticsearch/elasticsearch"
SECRET = "deploy-test-secret-0123456789abcdefghijklmnop"


# -- helpers ---------------------------------------------------------------------------------------

def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "check-jsonschema"
    assert exe.exists(), f"check-jsonschema is not installed next to {sys.executable}"
    return subprocess.run([str(exe), "--builtin-schema", "vendor.compose-spec", str(path)],
                          capture_output=True, text=True, timeout=120)


_VAR = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose interpolation: ${X}, ${X:-default}, ${X-default}, ${X:?error}, ${X?error}, $$."""
    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.group("name"), match.group("op"), match.group("arg")
        value = env.get(name)
        if op in (":-", ":?"):
            missing = not value
        else:
            missing = value is None
        if missing and op in (":?", "?"):
            raise ValueError(f"required variable {name} is missing: {arg}")
        if missing and op in (":-", "-"):
            return arg
        return value or ""
    return _VAR.sub(replace, value)


class CliRefused(Exception):
    """`socreg` would refuse this command line (usage error or unknown service)."""


def _refusal_types() -> tuple[type[BaseException], ...]:
    """typer >= 0.20 vendors click (its usage errors derive from typer.TyperException); older
    typer raises click's own."""
    types: list[type[BaseException]] = [typer.Exit]
    if hasattr(typer, "TyperException"):
        types.append(typer.TyperException)
    try:
        import click
    except ImportError:
        pass
    else:
        types += [click.ClickException, click.exceptions.Exit]
    return tuple(types)


_REFUSALS = _refusal_types()


def socreg_commands() -> dict[str, Any]:
    """The subcommands of the real Typer app, as its click-style command objects."""
    group = typer.main.get_command(app)
    commands = getattr(group, "commands", None)
    assert isinstance(commands, dict) and commands, "socreg.cli.app is expected to be a command group"
    return commands


def parse_socreg(argv: list[str]) -> tuple[str, dict[str, Any]]:
    """Parse `socreg <argv>` as the real CLI would, without running it; return (command, params).

    Raises CliRefused for an unknown command, a missing or wrongly typed argument, an unknown
    option, and a service name the CLI refuses."""
    if not argv:
        raise CliRefused("no command")
    name, rest = argv[0], list(argv[1:])
    command = socreg_commands().get(name)
    if command is None:
        raise CliRefused(f"no such command: {name}")
    try:
        with command.make_context(f"socreg {name}", rest) as ctx:
            params = dict(ctx.params)
        if name in ("serve", "worker"):
            _known(params["service"])
    except _REFUSALS as exc:
        raise CliRefused(f"socreg {' '.join(argv)}: {exc}") from exc
    return name, params


def load_compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def env_file_entries(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a compose env file (comments and blank lines skipped)."""
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"not KEY=VALUE: {line!r}"
        entries[key.strip()] = value.strip()
    return entries


def setting_field(variable: str) -> str:
    assert variable.startswith("SOCREG_")
    return variable.removeprefix("SOCREG_").lower()


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs: comments dropped, continuation lines joined."""
    instructions, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    assert not pending, "Dockerfile ends inside a continued instruction"
    return instructions


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (kw, _) in enumerate(instructions) if kw == "FROM"]
    assert starts, "no FROM"
    return instructions[starts[-1]:]


def exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(a, str) for a in value), args
    return value


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_compose()


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def socreg_services(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The services that run the socreg image (built from deploy/Dockerfile)."""
    return {name: svc for name, svc in services.items()
            if isinstance(svc.get("build"), dict) and svc["build"].get("dockerfile") == "deploy/Dockerfile"}


# -- the Compose Specification ------------------------------------------------------------------------

def test_compose_file_validates_against_the_compose_specification() -> None:
    result = check_jsonschema(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("broken", [
    {"services": {"x": {"image": 5, "ports": "bad"}}},
    {"services": {"x": {"image": "a", "depends_on": {"y": {"condition": "service_complete"}}},
                  "y": {"image": "b"}}},
], ids=["wrong-types", "unknown-depends-on-condition"])
def test_compose_specification_check_rejects_a_broken_file(tmp_path: Path, broken: dict[str, Any]) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    result = check_jsonschema(path)
    assert result.returncode != 0, result.stdout


# -- the socreg containers ---------------------------------------------------------------------------

def test_every_service_runs_as_an_api_and_a_worker_after_one_migration_job(
        services: dict[str, dict[str, Any]]) -> None:
    assert set(ALL_SERVICES) == {"registry", "inspection", "search"}
    assert set(socreg_services(services)) == SOCREG_SERVICES
    images = {svc["image"] for svc in socreg_services(services).values()}
    assert len(images) == 1, f"one socreg image for every process, got {images}"


def test_every_socreg_container_runs_a_command_the_cli_accepts(services: dict[str, dict[str, Any]]) -> None:
    assert {"serve", "worker", "migrate"} <= set(socreg_commands())
    ran = {}
    for name, svc in socreg_services(services).items():
        assert "entrypoint" not in svc, f"{name} must keep the image's `socreg` entrypoint"
        command = svc["command"]
        assert isinstance(command, list), f"{name}: use the exec form (a list) for command"
        ran[name] = parse_socreg(command)
    assert ran["migrate"][0] == "migrate"
    for service in ALL_SERVICES:
        assert ran[f"{service}-api"][0] == "serve"
        assert ran[f"{service}-api"][1]["service"] == service
        assert ran[f"{service}-relay"][0] == "worker"
        assert ran[f"{service}-relay"][1]["service"] == service


def test_the_one_migration_job_migrates_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    """`socreg migrate` (the real command, each service's migrate() recorded instead of run)."""
    import importlib

    from typer.testing import CliRunner

    migrated = []
    for service in ALL_SERVICES:
        module = importlib.import_module(f"services.{service}.bootstrap")
        monkeypatch.setattr(module, "migrate", lambda settings, service=service: migrated.append(service))
    monkeypatch.setenv("SOCREG_SECRET_KEY", SECRET)
    result = CliRunner().invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert sorted(migrated) == sorted(ALL_SERVICES)


def test_each_services_scheduler_runs_in_its_worker(services: dict[str, dict[str, Any]]) -> None:
    """`socreg worker SERVICE` runs the relay, the consumers and (unless --no-scheduler) the service's
    scheduler; `socreg serve` never does. The compose comments say where the jobs run."""
    text = COMPOSE.read_text(encoding="utf-8")
    for service in ALL_SERVICES:
        _, params = parse_socreg(services[f"{service}-relay"]["command"])
        has_jobs = _wiring(service).build_scheduler is not None
        assert params["scheduler"] is True or not has_jobs, f"{service}-relay: its daily jobs would run nowhere"
        comment = re.search(rf"((?:^ *#.*\n)+) *{service}-relay:", text, re.MULTILINE)
        assert comment, f"say in a comment above {service}-relay what it runs"
        assert ("scheduler" in comment.group(1)) == has_jobs, f"{service}-relay comment: scheduler or not"


@pytest.mark.parametrize("argv", [
    ["serv", "registry"],                         # no such command
    ["serve"],                                    # missing service
    ["serve", "registry", "--port", "eighty"],    # wrongly typed option
    ["serve", "registry", "--hots", "0.0.0.0"],   # unknown option
    ["worker", "no-such-service"],                # a service the CLI refuses
    ["migrate", "registry"],                      # migrate takes no argument
])
def test_the_cli_check_rejects_commands_socreg_would_refuse(argv: list[str]) -> None:
    with pytest.raises(CliRefused):
        parse_socreg(argv)


def test_every_socreg_container_gets_the_shared_settings(compose: dict[str, Any]) -> None:
    shared_env = compose["x-socreg-env"]
    for name, svc in socreg_services(compose["services"]).items():
        assert svc["environment"] == shared_env, name


def test_apis_are_health_checked_on_the_port_they_serve_and_reached_through_the_gateway(
        services: dict[str, dict[str, Any]]) -> None:
    for service in ALL_SERVICES:
        api = services[f"{service}-api"]
        _, params = parse_socreg(api["command"])
        probe = " ".join(api["healthcheck"]["test"])
        assert f"127.0.0.1:{params['port']}/healthz" in probe, service
        assert "ports" not in api, f"{service}-api: only the gateway is published on the host"
    # the workers and the migration job serve no HTTP: the image's /healthz check must not apply
    for name in ["migrate"] + [f"{svc}-relay" for svc in ALL_SERVICES]:
        assert services[name]["healthcheck"] == {"disable": True}, name


# -- start order ---------------------------------------------------------------------------------------

def _depends_on(svc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deps = svc.get("depends_on", {})
    if isinstance(deps, list):
        return {d: {"condition": "service_started"} for d in deps}
    return deps


def test_every_dependency_exists_and_can_report_its_condition(services: dict[str, dict[str, Any]]) -> None:
    for name, svc in services.items():
        for target, spec in _depends_on(svc).items():
            assert target in services, f"{name} depends on unknown service {target}"
            assert target != name
            if spec.get("condition") == "service_healthy":
                # compose refuses to wait for health on a container without a health check
                assert "test" in services[target].get("healthcheck", {}), f"{target} has no healthcheck"
            if spec.get("condition") == "service_completed_successfully":
                assert services[target].get("restart", "no") == "no", f"{target} is a one-off job"


def test_apis_and_workers_start_after_the_migrations_completed(services: dict[str, dict[str, Any]]) -> None:
    assert _depends_on(services["migrate"])["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["restart"] == "no"
    for name in SOCREG_SERVICES - {"migrate"}:
        deps = _depends_on(services[name])
        assert deps["migrate"]["condition"] == "service_completed_successfully", name
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["kafka"]["condition"] == "service_healthy", name
        assert services[name]["restart"] == "unless-stopped", name
    for name in ("search-api", "search-relay"):
        assert _depends_on(services[name])["elasticsearch"]["condition"] == "service_healthy", name


# -- Kafka, PostgreSQL and the settings that point at them ---------------------------------------------

def test_kafka_is_a_single_kraft_node(services: dict[str, dict[str, Any]]) -> None:
    assert not [n for n, s in services.items() if "zookeeper" in (n + str(s.get("image", ""))).lower()]
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = {k: str(v) for k, v in kafka["environment"].items()}
    assert not [k for k in env if "ZOOKEEPER" in k]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    listeners = dict(entry.split("://") for entry in env["KAFKA_LISTENERS"].split(","))
    assert controller in listeners
    controller_port = listeners[controller].rsplit(":", 1)[1]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:{controller_port}"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "1"
    assert "test" in kafka["healthcheck"]


def test_the_bus_points_at_the_brokers_advertised_listener(compose: dict[str, Any]) -> None:
    env = compose["x-socreg-env"]
    assert env["SOCREG_BUS_BACKEND"] == "kafka"
    kafka_env = compose["services"]["kafka"]["environment"]
    advertised = {entry.split("://")[1] for entry in kafka_env["KAFKA_ADVERTISED_LISTENERS"].split(",")}
    for server in env["SOCREG_KAFKA_BOOTSTRAP_SERVERS"].split(","):
        assert server in advertised
        assert server.split(":")[0] in compose["services"]


def _init_script_databases() -> set[str]:
    return set(re.findall(r"CREATE\s+DATABASE\s+(\w+)", INIT_SQL.read_text(encoding="utf-8"), re.IGNORECASE))


def test_each_service_database_is_created_by_the_init_script(compose: dict[str, Any]) -> None:
    assert _init_script_databases() == {"registry", "inspection", "search"}
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("postgres:16")
    mounts = [v.split(":") for v in postgres["volumes"]]
    init = [m for m in mounts if m[1].startswith("/docker-entrypoint-initdb.d/")]
    assert init and (DEPLOY / init[0][0]).resolve() == INIT_SQL
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])

    interpolation_env = {"SOCREG_SECRET_KEY": SECRET}
    pg_env = {k: interpolate(str(v), interpolation_env) for k, v in postgres["environment"].items()}
    for service in ("registry", "inspection", "search"):
        raw = compose["x-socreg-env"][f"SOCREG_{service.upper()}_DATABASE_URL"]
        url = make_url(interpolate(raw, interpolation_env))
        assert url.drivername == "postgresql+psycopg"
        assert url.host == "postgres" and (url.port or 5432) == 5432
        assert url.database == service and url.database in _init_script_databases()
        assert url.username == pg_env["POSTGRES_USER"]
        assert url.password == pg_env["POSTGRES_PASSWORD"]


def test_stateful_services_keep_their_data_in_named_volumes(compose: dict[str, Any]) -> None:
    declared = set(compose["volumes"])
    kafka = compose["services"]["kafka"]
    kafka_mounts = dict(v.split(":")[:2] for v in kafka["volumes"])
    assert kafka["environment"]["KAFKA_LOG_DIRS"] in kafka_mounts.values()
    postgres_mounts = dict(v.split(":")[:2] for v in compose["services"]["postgres"]["volumes"])
    assert postgres_mounts.get("postgres-data") == "/var/lib/postgresql/data"
    es_mounts = dict(v.split(":")[:2] for v in compose["services"]["elasticsearch"]["volumes"])
    assert "/usr/share/elasticsearch/data" in es_mounts.values()
    for source in list(kafka_mounts) + list(es_mounts) + ["postgres-data"]:
        assert source in declared


def test_elasticsearch_is_one_node_matching_the_client_and_the_search_settings_point_at_it(
        compose: dict[str, Any]) -> None:
    es = compose["services"]["elasticsearch"]
    image, _, tag = es["image"].rpartition(":")
    assert image == ELASTICSEARCH_IMAGE, "the official image"
    client_major = version("elasticsearch").split(".")[0]
    assert tag.split(".")[0] == client_major, (
        f"elasticsearch {tag} with the {version('elasticsearch')} client: a client speaks its own major "
        f"version (compatible-with={client_major})")
    env = {k: str(v) for k, v in es["environment"].items()}
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "false", "plain HTTP inside the compose network"
    assert "ports" not in es
    probe = " ".join(es["healthcheck"]["test"])
    assert "127.0.0.1:9200/_cluster/health" in probe

    shared = compose["x-socreg-env"]
    assert shared["SOCREG_SEARCH_BACKEND"] == "elasticsearch"
    url = urlsplit(shared["SOCREG_ELASTICSEARCH_URL"])
    assert (url.scheme, url.hostname, url.port) == ("http", "elasticsearch", 9200)
    assert url.hostname in compose["services"]


# -- settings --------------------------------------------------------------------------------------------

def _socreg_variables(text: str) -> set[str]:
    return set(re.findall(r"\bSOCREG_[A-Z0-9_]*[A-Z0-9]\b", text))


def test_every_socreg_variable_in_deploy_is_a_setting() -> None:
    named: dict[str, set[str]] = {}
    for path in (COMPOSE, ENV_EXAMPLE, DOCKERFILE):
        for variable in _socreg_variables(path.read_text(encoding="utf-8")):
            named.setdefault(variable, set()).add(path.name)
    assert {"SOCREG_SECRET_KEY", "SOCREG_BUS_BACKEND", "SOCREG_REGISTRY_DATABASE_URL"} <= set(named)
    unknown = {v: sorted(files) for v, files in named.items() if setting_field(v) not in Settings.model_fields}
    assert not unknown, f"not fields of shared.settings.Settings: {unknown}"


def test_the_env_example_documents_every_setting() -> None:
    documented = {setting_field(v) for v in _socreg_variables(ENV_EXAMPLE.read_text(encoding="utf-8"))}
    missing = sorted(f"SOCREG_{f.upper()}" for f in Settings.model_fields if f not in documented)
    assert not missing, f"add to deploy/socreg.env.example: {missing}"


def test_the_secret_key_must_be_supplied(compose: dict[str, Any]) -> None:
    raw = compose["x-socreg-env"]["SOCREG_SECRET_KEY"]
    with pytest.raises(ValueError, match="SOCREG_SECRET_KEY"):
        interpolate(raw, {})
    with pytest.raises(ValueError, match="SOCREG_SECRET_KEY"):
        interpolate(raw, {"SOCREG_SECRET_KEY": ""})
    assert interpolate(raw, {"SOCREG_SECRET_KEY": SECRET}) == SECRET
    assert env_file_entries(ENV_EXAMPLE)["SOCREG_SECRET_KEY"] == "", "ship no secret in the example"


def _stack_settings(monkeypatch: pytest.MonkeyPatch, compose: dict[str, Any],
                    interpolation_env: dict[str, str]) -> Settings:
    """The Settings a socreg container starts with: the env file, overridden by `environment:`."""
    example = env_file_entries(ENV_EXAMPLE)
    environment = {k: interpolate(str(v), interpolation_env) for k, v in compose["x-socreg-env"].items()}
    for key in [k for k in os.environ if k.startswith("SOCREG_")]:
        monkeypatch.delenv(key)
    for key, value in {**example, **environment}.items():
        monkeypatch.setenv(key, value)
    return Settings()


def test_the_stacks_settings_validate(monkeypatch: pytest.MonkeyPatch, compose: dict[str, Any]) -> None:
    settings = _stack_settings(monkeypatch, compose, {"SOCREG_SECRET_KEY": SECRET})
    assert settings.secret_key == SECRET
    assert not settings.demo
    assert settings.bus_backend == "kafka"
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.search_backend == "elasticsearch"
    assert settings.elasticsearch_url == "http://elasticsearch:9200"
    for service in ("registry", "inspection", "search"):
        assert settings.database_url(service).startswith("postgresql+psycopg://"), service


def test_the_stack_keeps_readiness_and_metrics_closed(monkeypatch: pytest.MonkeyPatch,
                                                     compose: dict[str, Any]) -> None:
    from shared.web import OperationsAccess

    settings = _stack_settings(monkeypatch, compose, {"SOCREG_SECRET_KEY": SECRET})
    access = OperationsAccess.of(settings)
    assert not access.public and not access.token, "/readyz and /metrics open only with a token of the site's own"


def test_a_short_secret_stops_the_stack_at_start_up(monkeypatch: pytest.MonkeyPatch,
                                                    compose: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="at least 32"):
        _stack_settings(monkeypatch, compose, {"SOCREG_SECRET_KEY": "too-short"})


# -- the image -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))


def test_the_image_is_python_311_slim(dockerfile: list[tuple[str, str]]) -> None:
    bases = [args.split()[0] for kw, args in dockerfile if kw == "FROM"]
    assert bases and all(b.startswith("python:3.11") for b in bases), bases
    assert final_stage(dockerfile)[0][1].split()[0] == "python:3.11-slim"


def test_the_image_runs_socreg_as_a_non_root_user(dockerfile: list[tuple[str, str]]) -> None:
    stage = final_stage(dockerfile)
    users = [args for kw, args in stage if kw == "USER"]
    assert users, "the final stage sets no USER (it would run as root)"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    entrypoint = [exec_form(args) for kw, args in stage if kw == "ENTRYPOINT"]
    assert entrypoint[-1] == ["socreg"]
    command = [exec_form(args) for kw, args in stage if kw == "CMD"][-1]
    assert command == ["serve", "registry", "--host", "0.0.0.0", "--port", "8000"]
    assert parse_socreg(command)[0] == "serve"


def test_the_image_exposes_and_health_checks_the_api(dockerfile: list[tuple[str, str]]) -> None:
    stage = final_stage(dockerfile)
    exposed = {p.split("/")[0] for kw, args in stage if kw == "EXPOSE" for p in args.split()}
    assert exposed == {"8000"}
    checks = [args for kw, args in stage if kw == "HEALTHCHECK"]
    assert len(checks) == 1 and not checks[0].upper().startswith("NONE")
    assert "http://127.0.0.1:8000/healthz" in checks[0]
    assert "curl" not in checks[0] and "wget" not in checks[0], "neither is in python:3.11-slim"


def test_the_image_installs_the_project_without_dev_extras(dockerfile: list[tuple[str, str]]) -> None:
    installs = [args for kw, args in dockerfile if kw == "RUN" and "pip install" in args]
    assert any(re.search(r"pip install (--\S+ )*\.(\s|$)", args) for args in installs), installs
    assert not any("[dev]" in args or "-e " in args for args in installs)


def test_the_build_checks_every_services_migrations_are_installed(dockerfile: list[tuple[str, str]]) -> None:
    checks = [args for kw, args in dockerfile if kw == "RUN" and "MIGRATIONS" in args]
    assert len(checks) == 1, "the build stage checks that the migrations were installed"
    for service in ALL_SERVICES:
        assert f"'{service}'" in checks[0], f"the build does not check the {service} migrations"


# -- the README --------------------------------------------------------------------------------------------

def test_the_readme_describes_every_container(services: dict[str, dict[str, Any]]) -> None:
    text = README.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", text, re.MULTILINE))
    assert listed == set(services), f"deploy/README.md's table: {sorted(listed ^ set(services))}"
    for name, svc in socreg_services(services).items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"`socreg {' '.join(svc['command'])}`" in row, f"README row of {name}: its command"
    assert "registry-migrate" not in text


def test_the_build_context_holds_everything_the_image_copies(compose: dict[str, Any],
                                                             dockerfile: list[tuple[str, str]]) -> None:
    build = compose["services"]["registry-api"]["build"]
    context = (DEPLOY / build["context"]).resolve()
    assert context == ROOT
    assert (context / build["dockerfile"]).resolve() == DOCKERFILE

    copied = [args.split()[:-1] for kw, args in dockerfile if kw == "COPY" and "--from" not in args]
    sources = {src.rstrip("/") for srcs in copied for src in srcs if not src.startswith("--")}
    for source in sources:
        assert (context / source).exists(), f"COPY {source}: not in the build context"
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["packages"]["find"]["include"]
    needed = {p.rstrip("*") for p in packages} | {"pyproject.toml"}
    assert needed <= sources, f"the image must copy {sorted(needed - sources)}"

    # BuildKit's <Dockerfile>.dockerignore: the last matching pattern decides, `!` re-includes
    patterns = [line.strip() for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def ignored(path: str) -> bool:
        result = False
        for pattern in patterns:
            negate = pattern.startswith("!")
            if fnmatch(path, pattern.lstrip("!")):
                result = not negate
        return result

    assert not [s for s in sources if ignored(s)], "a COPY source is excluded by Dockerfile.dockerignore"
    assert ignored(".venv") and ignored(".git"), "the context should not ship the virtualenv or history"
