"""The distributed search backend: Elasticsearch (or an API-compatible server) via the official client.

Searches and writes go through an alias; a rebuild fills a fresh concrete index and one
`_aliases` call swaps it in atomically. Text fields are analyzed with the `cjk` analyzer (bigrams:
a phrase of a query's bigrams matches it as a substring), and each has a `.chars` sub-field with
the standard analyzer (one token per ideograph) for one-character queries. Relevance tiers are
constant scores combined with dis_max, so a tier's score is exact and the order is the same idea
as the embedded backend's: tier, then rank code, then USCC.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from elasticsearch import ApiError, BadRequestError, ConnectionError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import bulk as es_bulk

from services.search.adapters.es_transport import node_class
from services.search.domain import text
from services.search.domain.document import Document, facet_values
from services.search.domain.query import MAX_WINDOW, SearchQuery, SearchResult, rank_code, rating_filter_grades
from services.search.service_layer.ports import IndexUnavailable

_TEXT = {"type": "text", "analyzer": "cjk", "fields": {"chars": {"type": "text", "analyzer": "standard"}}}
_KEYWORDS = ("uscc", "name_norm", "checksum", "type", "category", "level", "district", "status", "rating",
             "credit_list", "charity", "fundraising")
MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {**{k: {"type": "keyword"} for k in _KEYWORDS},
                   "name_text": _TEXT, "former_text": _TEXT, "scope_text": _TEXT,
                   "rank_code": {"type": "long"}, "version": {"type": "long"},
                   "doc": {"type": "object", "enabled": False}},
}
SETTINGS = {"number_of_shards": 1, "max_result_window": MAX_WINDOW}
_SORT = [{"_score": "desc"}, {"rank_code": "asc"}, {"uscc": "asc"}]


def source_of(doc: Document) -> dict[str, Any]:
    body = doc.to_dict()
    facets = facet_values(doc)
    return {"uscc": doc.uscc, "name_norm": text.normalize(doc.name), "checksum": body["checksum"],
            **{k: v if k == "credit_list" else v[0] for k, v in facets.items()},
            "name_text": text.normalize(doc.name),
            "former_text": " ".join(text.normalize(n) for n in doc.former_names),
            "scope_text": text.normalize(doc.business_scope), "rank_code": rank_code(doc),
            "version": doc.version, "doc": body}


def _tier(query: dict[str, Any], boost: float) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": boost}}


def _text_query(norm: str) -> dict[str, Any]:
    sub, kind = (".chars", "match") if len(norm) == 1 else ("", "match_phrase")
    return {"dis_max": {"queries": [
        _tier({"term": {"name_norm": norm}}, 1000),
        _tier({"prefix": {"name_norm": norm}}, 100),
        _tier({"bool": {"should": [{kind: {f"name_text{sub}": norm}}, {kind: {f"former_text{sub}": norm}}]}}, 10),
        _tier({kind: {f"scope_text{sub}": norm}}, 1),
    ]}}


def _uscc_query(code: str) -> dict[str, Any]:
    return {"dis_max": {"queries": [_tier({"term": {"uscc": code}}, 1000), _tier({"prefix": {"uscc": code}}, 100),
                                    _tier({"wildcard": {"uscc": f"*{code}*"}}, 10)]}}


def build_request(query: SearchQuery) -> dict[str, Any]:
    filters = [{"terms": {"rating": list(rating_filter_grades(v))}} if k == "rating" else {"term": {k: v}}
               for k, v in sorted(query.filters.items())]
    code = text.uscc_fragment(query.q) if query.q else None
    norm = text.normalize(query.q)
    must = _uscc_query(code) if code else _text_query(norm) if norm else {"match_all": {}}
    return {"query": {"bool": {"must": [must], "filter": filters}}, "sort": _SORT, "from": query.offset,
            "size": query.size, "track_total_hits": True,
            "aggs": {f: {"terms": {"field": f, "size": 5_000}} for f in query.facets}}


class ElasticsearchIndex:
    def __init__(self, url: str, alias: str, *, compatibility_media_types: bool = True,
                 timeout_seconds: float = 5.0) -> None:
        self.alias = alias
        self.client = Elasticsearch(url, node_class=node_class(compatibility_media_types),
                                    request_timeout=timeout_seconds, max_retries=0, retry_on_timeout=False)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ConnectionError, TransportError) as exc:
            raise IndexUnavailable(f"search backend unreachable: {exc}") from exc
        except ApiError as exc:
            if isinstance(exc, NotFoundError) or exc.meta.status < 500:
                raise
            raise IndexUnavailable(f"search backend failed ({exc.meta.status}): {exc}") from exc

    def close(self) -> None:
        self.client.close()

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:  # noqa: BLE001 - unreachable means "down"
            return False

    def ensure(self) -> bool:
        """One fixed first index name: two processes ensuring at once cannot give the alias two indices."""
        if self._call(self.client.indices.exists_alias, name=self.alias):
            return False
        try:
            self._call(self.client.indices.create, index=f"{self.alias}-initial", mappings=MAPPINGS,
                       settings=SETTINGS, aliases={self.alias: {}})
        except BadRequestError as exc:
            if "already_exists" not in str(exc):
                raise
            return False
        return True

    def _live(self) -> list[str]:
        try:
            return sorted(self._call(self.client.indices.get_alias, name=self.alias))
        except NotFoundError:
            return []

    # writes
    def bulk(self, upserts: Sequence[Document], deletes: Sequence[str] = ()) -> None:
        self._bulk(self.alias, upserts, deletes, refresh=True)

    def _bulk(self, index: str, upserts: Sequence[Document], deletes: Sequence[str], *, refresh: bool) -> None:
        actions: list[dict[str, Any]] = [{"_op_type": "index", "_index": index, "_id": d.uscc, "_source": source_of(d)}
                                         for d in upserts]
        actions += [{"_op_type": "delete", "_index": index, "_id": u} for u in deletes]
        if not actions:
            return
        _ok, errors = self._call(es_bulk, self.client, actions, raise_on_error=False, raise_on_exception=True,
                                 refresh=refresh)
        failed = [e for e in errors if next(iter(e.values())).get("status") != 404]
        if failed:
            raise IndexUnavailable(f"search backend refused {len(failed)} writes, e.g. {failed[0]}")

    def start_rebuild(self) -> str:
        name = f"{self.alias}-{uuid.uuid4().hex[:12]}"
        self._call(self.client.indices.create, index=name, mappings=MAPPINGS, settings=SETTINGS)
        return name

    def bulk_into(self, generation: str, docs: Sequence[Document]) -> None:
        self._bulk(generation, docs, (), refresh=False)

    def finish_rebuild(self, generation: str) -> None:
        self._call(self.client.indices.refresh, index=generation)
        old = self._live()
        actions: list[dict[str, Any]] = [{"add": {"index": generation, "alias": self.alias}}]
        actions += [{"remove": {"index": name, "alias": self.alias}} for name in old]
        self._call(self.client.indices.update_aliases, actions=actions)
        for name in old:
            self._call(self.client.indices.delete, index=name)

    def abort_rebuild(self, generation: str) -> None:
        try:
            if generation not in self._live():
                self._call(self.client.indices.delete, index=generation)
        except NotFoundError:
            pass

    # reads
    def search(self, query: SearchQuery) -> SearchResult:
        if query.offset + query.size > MAX_WINDOW:
            raise ValueError("page * size beyond the result window")
        request = build_request(query)
        try:
            answer = self._call(self.client.search, index=self.alias, **{("from_" if k == "from" else k): v
                                                                         for k, v in request.items()})
        except NotFoundError:  # not created yet (the index sync creates it): nothing to find
            return SearchResult(0, [], {f: {} for f in query.facets}, query.page, query.size)
        aggs = answer.get("aggregations") or {}
        facets = {f: {str(b.get("key_as_string", b["key"])): int(b["doc_count"]) for b in aggs.get(f, {}).get("buckets", [])}
                  for f in query.facets}
        return SearchResult(int(answer["hits"]["total"]["value"]), [h["_source"]["doc"] for h in answer["hits"]["hits"]],
                            facets, query.page, query.size)

    def get(self, uscc: str) -> dict[str, Any] | None:
        try:
            answer = self._call(self.client.search, index=self.alias, query={"term": {"uscc": uscc}}, size=1)
        except NotFoundError:
            return None
        hits = answer["hits"]["hits"]
        return hits[0]["_source"]["doc"] if hits else None

    def count(self) -> int:
        try:
            return int(self._call(self.client.count, index=self.alias)["count"])
        except NotFoundError:
            return 0

    def checksums(self) -> Iterator[tuple[str, str]]:
        after: list[Any] | None = None
        while True:
            extra = {"search_after": after} if after else {}
            try:
                answer = self._call(self.client.search, index=self.alias, size=5_000, sort=[{"uscc": "asc"}],
                                    source=["uscc", "checksum"], query={"match_all": {}}, **extra)
            except NotFoundError:
                return
            hits = answer["hits"]["hits"]
            if not hits:
                return
            for hit in hits:
                yield hit["_source"]["uscc"], hit["_source"]["checksum"]
            after = hits[-1]["sort"]
