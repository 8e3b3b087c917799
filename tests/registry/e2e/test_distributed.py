"""The distributed mode, as deploy/compose.yaml runs it but without containers: `socreg migrate`,
`socreg serve registry` and `socreg worker registry` as separate processes on PostgreSQL and a
Kafka-protocol broker (Tansu). A registration through HTTP reaches a Kafka consumer here."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from shared.contracts import TOPICS
from shared.events.kafka_bus import KafkaBus
from tests.fixtures.databases import reset_pg_schema
from tests.fixtures.servers import free_port
from tests.registry.e2e.test_cross_process import SECRET, _socreg, _wait_ready
from tests.registry.factories import registration_body


@pytest.fixture
def distributed(tansu_broker: str, pg_database: str) -> Iterator[tuple[str, str]]:
    prefix = f"e2e{uuid.uuid4().hex[:6]}."
    env = {**os.environ, "SOCREG_SECRET_KEY": SECRET, "SOCREG_BUS_BACKEND": "kafka",
           "SOCREG_KAFKA_BOOTSTRAP_SERVERS": tansu_broker, "SOCREG_KAFKA_TOPIC_PREFIX": prefix,
           "SOCREG_KAFKA_SESSION_TIMEOUT_MS": "2000", "SOCREG_KAFKA_HEARTBEAT_INTERVAL_MS": "500",
           "SOCREG_REGISTRY_DATABASE_URL": reset_pg_schema(pg_database, f"d_{uuid.uuid4().hex[:8]}")}
    _socreg("migrate", env=env)
    _socreg("user", "add", "reg", "--role", "registrar", "--password", "reg-password", env=env)
    port = free_port()
    api = subprocess.Popen([sys.executable, "-m", "socreg", "serve", "registry", "--host", "127.0.0.1",
                            "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    relay = subprocess.Popen([sys.executable, "-m", "socreg", "worker", "registry"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_ready(f"http://127.0.0.1:{port}", api)
        yield f"http://127.0.0.1:{port}", prefix
    finally:
        for proc in (api, relay):
            proc.terminate()
            proc.wait(timeout=30)
        assert relay.returncode == 0, relay.stderr.read() if relay.stderr else ""


def test_registration_reaches_a_kafka_consumer_through_the_relay_process(
        distributed: tuple[str, str], tansu_broker: str) -> None:
    url, prefix = distributed
    token = httpx.post(url + "/auth/token", data={"username": "reg", "password": "reg-password"}).json()
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
