"""The published language: every event type has a topic, a versioned schema, and validates its data;
the AsyncAPI document covers them all; the envelope keeps the CloudEvents attribute names."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from shared.contracts import CATALOGUE, TOPICS, UnknownEventType, asyncapi_document, schema_uri, topic_for
from shared.events.envelope import Envelope, new_envelope, new_event_id

REGISTERED = {"uscc": "51350200MJ0000018X", "name": "厦门市测试协会", "type": "social_group",
              "category": "industry_association", "level": "city", "district": "350200", "domicile": "厦门",
              "legal_representative_name": "张三", "registered_funds": "50000", "business_scope": "x",
              "established_on": "2020-01-01", "registered_on": "2020-01-02", "status": "active"}


def test_every_event_type_has_a_family_topic_and_a_versioned_schema() -> None:
    for type_ in CATALOGUE:
        assert topic_for(type_) in TOPICS.values()
        assert schema_uri(type_).endswith(f"{type_}:v{CATALOGUE[type_].version}")
    assert topic_for("registry.organization.registered") == "registry.organizations"
    assert topic_for("credit.status.changed") == "credit.lists"


def test_unknown_types_are_refused() -> None:
    with pytest.raises(UnknownEventType):
        topic_for("registry.nothing.happened")


def test_envelope_carries_cloudevents_attributes_and_round_trips() -> None:
    event = new_envelope("registry.organization.registered", source="/socreg/registry",
                         subject=REGISTERED["uscc"], data=REGISTERED, time=datetime.now(timezone.utc))
    body = event.to_dict()
    assert {"specversion", "id", "type", "source", "subject", "time", "datacontenttype", "dataschema", "data"} <= set(body)
    assert body["specversion"] == "1.0" and body["datacontenttype"] == "application/json"
    assert Envelope.from_json(event.to_json()) == event


def test_producers_cannot_emit_data_outside_the_schema() -> None:
    with pytest.raises(ValidationError):
        new_envelope("registry.organization.registered", source="/t", subject="x",
                     data={**REGISTERED, "id_number": "350203198001011235"}, time=datetime.now(timezone.utc))


def test_event_ids_are_unique_and_time_ordered() -> None:
    ids = [new_event_id() for _ in range(2000)]
    assert len(set(ids)) == 2000
    assert all(uuid.UUID(i).version == 7 for i in ids)
    timestamps = [uuid.UUID(i).int >> 80 for i in ids]
    assert timestamps == sorted(timestamps)


def test_asyncapi_document_lists_every_event_on_its_channel() -> None:
    doc = asyncapi_document()
    assert doc["asyncapi"].startswith("3.")
    messages = {m["name"] for m in doc["components"]["messages"].values()}
    assert messages == set(CATALOGUE)
    assert "registry.organization.registered".replace(".", "_") in doc["channels"]["registry.organizations"]["messages"]
