"""The published language between services: every event type, its topic and its versioned schema.

A producer's data is validated against the schema when the event is created; a consumer parses it
with `parse_data`. `asyncapi_document()` renders the whole catalogue (AsyncAPI 3.0).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from shared.contracts import credit, inspection, registry

SCHEMA_BASE = "urn:socreg:schema"

# topics by family; the key of every message is the organization's USCC
TOPICS: dict[str, str] = {
    "registry.organization": "registry.organizations",
    "registry.annual_report": "registry.annual-reports",
    "registry.rating": "registry.ratings",
    "inspection": "inspection.inspections",
    "credit": "credit.lists",
}


@dataclass(frozen=True)
class Contract:
    type: str
    version: int
    model: type[BaseModel]
    summary: str


CATALOGUE: dict[str, Contract] = {
    c.type: c
    for module in (registry, inspection, credit)
    for c in (Contract(t, v, m, s) for t, (v, m, s) in module.EVENTS.items())
}


class UnknownEventType(ValueError):
    pass


def contract_for(type_: str) -> Contract:
    try:
        return CATALOGUE[type_]
    except KeyError:
        raise UnknownEventType(f"no contract for event type {type_!r}") from None


def topic_for(type_: str) -> str:
    for prefix in sorted(TOPICS, key=len, reverse=True):
        if type_.startswith(prefix + "."):
            return TOPICS[prefix]
    raise UnknownEventType(f"no topic for event type {type_!r}")


def schema_uri(type_: str) -> str:
    return f"{SCHEMA_BASE}:{type_}:v{contract_for(type_).version}"


def validate_data(type_: str, data: dict[str, Any]) -> dict[str, Any]:
    return contract_for(type_).model.model_validate(data).model_dump(mode="json")


def parse_data(type_: str, data: dict[str, Any]) -> Any:
    """The typed payload of a received event; raises ValueError on a malformed one."""
    try:
        return contract_for(type_).model.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"malformed {type_}: {exc}") from exc


def asyncapi_document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for c in CATALOGUE.values():
        name = c.type.replace(".", "_")
        messages[name] = {"name": c.type, "summary": c.summary, "contentType": "application/cloudevents+json",
                          "payload": c.model.model_json_schema(), "x-dataschema": schema_uri(c.type)}
        topic = topic_for(c.type)
        channels.setdefault(topic, {"address": topic, "messages": {}})["messages"][name] = {
            "$ref": f"#/components/messages/{name}"}
    return {"asyncapi": "3.0.0", "info": {"title": "socreg events", "version": "1"},
            "channels": channels, "components": {"messages": messages}}
