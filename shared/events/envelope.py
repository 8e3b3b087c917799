"""The event envelope: CloudEvents 1.0 attribute names, JSON on the wire."""
from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.contracts import schema_uri

SPEC_VERSION = "1.0"


def new_event_id() -> str:
    """A UUIDv7 (RFC 9562): unique and ordered by creation time."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62 | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    source: str
    subject: str
    time: str
    data: dict[str, Any]
    dataschema: str
    datacontenttype: str = "application/json"
    specversion: str = SPEC_VERSION
    extensions: dict[str, str] = field(default_factory=dict)

    @property
    def family(self) -> str:
        return self.type.split(".", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        body = {"specversion": self.specversion, "id": self.id, "type": self.type, "source": self.source,
                "subject": self.subject, "time": self.time, "datacontenttype": self.datacontenttype,
                "dataschema": self.dataschema, "data": self.data}
        body.update(self.extensions)
        return body

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), default=str)

    @classmethod
    def from_json(cls, raw: str | bytes) -> "Envelope":
        body = json.loads(raw)
        if not isinstance(body, dict):
            raise ValueError("an event must be a JSON object")
        known = ("specversion", "id", "type", "source", "subject", "time", "datacontenttype", "dataschema", "data")
        missing = [k for k in ("id", "type", "source", "subject", "time", "data") if k not in body]
        if missing or not isinstance(body.get("data"), dict):
            raise ValueError(f"not a socreg event: missing or malformed {missing or ['data']}")
        extensions = {k: str(v) for k, v in body.items() if k not in known}
        return cls(id=str(body["id"]), type=str(body["type"]), source=str(body["source"]),
                   subject=str(body["subject"]), time=str(body["time"]), data=body["data"],
                   dataschema=str(body.get("dataschema", "")),
                   datacontenttype=str(body.get("datacontenttype", "application/json")),
                   specversion=str(body.get("specversion", SPEC_VERSION)), extensions=extensions)

    def outbox_row(self) -> dict[str, Any]:
        """The Debezium outbox columns (id, aggregatetype, aggregateid, type, payload)."""
        return {"id": self.id, "aggregatetype": self.type.rsplit(".", 1)[0], "aggregateid": self.subject,
                "type": self.type, "payload": self.to_json(), "created_at": datetime.fromisoformat(self.time)}


def new_envelope(type_: str, *, source: str, subject: str, data: dict[str, Any], time: datetime) -> Envelope:
    from shared.contracts import validate_data  # the published language checks what we say

    return Envelope(id=new_event_id(), type=type_, source=source, subject=subject, time=time.isoformat(),
                    data=validate_data(type_, data), dataschema=schema_uri(type_))
