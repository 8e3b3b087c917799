"""The Elasticsearch client's transport, with the compatibility-media-types switch.

The official client (9.x) sends `application/vnd.elasticsearch+json; compatible-with=9` (and
`+x-ndjson` for bulk). Elasticsearch needs that; OpenSearch-compatible servers (osmem in the
tests, some real deployments) answer 406. With the switch off, this node class rewrites the two
headers to plain `application/json` / `application/x-ndjson` before sending (search-testing.md).
"""
from __future__ import annotations

from typing import Any

from elastic_transport import HttpHeaders, Urllib3HttpNode
from elastic_transport.client_utils import DEFAULT

_PLAIN = {"application/vnd.elasticsearch+json; compatible-with=9": "application/json",
          "application/vnd.elasticsearch+x-ndjson; compatible-with=9": "application/x-ndjson"}


def plain_media_type(value: str) -> str:
    """The plain media type for a compatibility one (any `compatible-with` version)."""
    if value in _PLAIN:
        return _PLAIN[value]
    base = value.split(";", 1)[0].strip()
    if base.startswith("application/vnd.elasticsearch+"):
        return "application/" + base.split("+", 1)[1]
    return value


class PlainMediaTypeNode(Urllib3HttpNode):
    """A Urllib3HttpNode that sends plain JSON media types instead of the compatibility ones."""

    def perform_request(self, method: str, target: str, body: bytes | None = None,
                        headers: HttpHeaders | None = None, request_timeout: Any = DEFAULT) -> Any:
        rewritten = HttpHeaders({k: plain_media_type(v) if k.lower() in ("content-type", "accept") else v
                                 for k, v in dict(headers or {}).items()})
        return super().perform_request(method, target, body=body, headers=rewritten,
                                       request_timeout=request_timeout)


def node_class(send_compatibility_media_types: bool) -> type[Urllib3HttpNode]:
    return Urllib3HttpNode if send_compatibility_media_types else PlainMediaTypeNode
