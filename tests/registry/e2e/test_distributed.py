"""The distributed mode, as deploy/compose.yaml runs it but without containers: `socreg migrate`,
`socreg serve registry` and `socreg worker registry` as separate processes on PostgreSQL and a
Kafka-protocol broker (Tansu). A registration through HTTP reaches a Kafka consumer here."""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.contracts import TOPICS
from shared.events.kafka_bus import KafkaBus
from tests.fixtures.databases import reset_pg_schema
from tests.fixtures.processes import SECRET, kafka_settings, run_socreg, socreg_env, socreg_processes
from tests.registry.factories import registration_body

PASSWORD = "tulip harbour lantern 7"  # passes the password policy (12+ characters, not common)


@pytest.fixture
def distributed(tansu_broker: str, pg_database: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    prefix = f"e2e{uuid.uuid4().hex[:6]}."
    env = socreg_env(SOCREG_SECRET_KEY=SECRET, SOCREG_DATA_DIR=str(tmp_path / "data"),
                     **kafka_settings(tansu_broker, prefix),
                     SOCREG_REGISTRY_DATABASE_URL=reset_pg_schema(pg_database, f"d_{uuid.uuid4().hex[:8]}"))
    run_socreg("migrate", env=env)
    run_socreg("user", "add", "reg", "--role", "registrar", env=env, input=PASSWORD + "\n")
    with socreg_processes(env, tmp_path) as procs:
        api, relay = procs.api("registry"), procs.worker("registry")
        api.wait_ready()
        yield str(api.url), prefix
        assert relay.stop() == 0, relay.tail()


def test_registration_reaches_a_kafka_consumer_through_the_relay_process(
        distributed: tuple[str, str], tansu_broker: str) -> None:
    url, prefix = distributed
    token = httpx.post(url + "/auth/token", data={"username": "reg", "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    answer = httpx.post(url + "/registry/organizations", json=registration_body(7), headers=headers, timeout=10)
    assert answer.status_code == 201, answer.text
    uscc = answer.json()["uscc"]

    bus = KafkaBus(tansu_broker, topic_prefix=prefix, session_timeout_ms=2000, heartbeat_interval_ms=500)
    consumer = bus.consumer("e2e-kafka-observer", [TOPICS["registry.organization"]])
    deadline, seen = time.monotonic() + 30, []
    while time.monotonic() < deadline and not seen:
        seen = [d.envelope() for d in consumer.poll(10, timeout=1.0)]
    consumer.close()
    bus.close()
    assert [(e.type, e.subject) for e in seen] == [("registry.organization.registered", uscc)]
    assert seen[0].data["name"] == registration_body(7)["name"]
