"""The embedded index's kept counts for hot query texts (sx_hot) and its USCC trigram index must
answer exactly as counting over the matches does: after a rebuild, after a search promoted a text,
and after documents were changed, moved between rank codes and deleted. Held against the oracle
with a threshold low enough that the 1,200-document corpus has many hot texts."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from services.search.adapters.index_sqlite import SqliteFtsIndex
from services.search.domain.query import SearchQuery
from tests.search.corpus import documents, oracle

QUERIES = ["会", "市", "协会", "服务", "慈善", "篮球", "促进会", "研究会", "厦门市", "老年"]
FILTERS: list[dict[str, str]] = [{}, {"level": "city"}, {"rating": "3A+"}, {"status": "active", "charity": "true"}]


def agree(index: SqliteFtsIndex, docs: Any, q: str, filters: dict[str, str]) -> None:
    query = SearchQuery(q=q, filters=filters)
    hits, facets = oracle(docs, query)
    result = index.search(query)
    assert (result.total, result.facets) == (len(hits), facets), (q, filters)
    tier = dict((u, t) for t, u in hits)
    first = [tier[d["uscc"]] for d in result.items]
    assert first == sorted(first) and len(first) == min(20, len(hits))


def test_hot_counts_equal_the_oracle_after_rebuild_searches_and_writes(tmp_path: Any) -> None:
    docs = documents()
    index = SqliteFtsIndex(tmp_path / "hot.db", hot_min_docs=60, facet_cache_size=0)
    index.ensure()
    generation = index.start_rebuild()
    index.bulk_into(generation, list(docs))
    index.finish_rebuild(generation)  # frequent one- and two-character tokens become hot here
    conn = index._reader()
    hot = {k for (k,) in conn.execute(f"SELECT key FROM sx_hotkeys_{generation}")}
    assert {"会", "市", "协会", "服务"} <= hot and "促进会" not in hot
    for q in QUERIES:
        for filters in FILTERS:
            agree(index, docs, q, filters)
    hot = {k for (k,) in conn.execute(f"SELECT key FROM sx_hotkeys_{generation}")}
    assert "厦门市" in hot  # a search that counted that many promoted it

    # writes: renamed (text changes), regraded and listed (rank code changes), deleted
    changed = list(docs)
    for i in range(0, 300, 7):
        doc = changed[i]
        changed[i] = replace(doc, name=doc.name.replace("协会", "联合会"), version=doc.version + 1,
                             rating={"grade": "5A", "awarded_on": "2026-01-01", "expires_on": "2031-01-01"},
                             credit_lists=["abnormal"])
    gone = [changed[i].uscc for i in range(301, 360, 3)]
    index.bulk([changed[i] for i in range(0, 300, 7)], deletes=gone)
    remaining = tuple(d for d in changed if d.uscc not in set(gone))
    for q in [*QUERIES, "联合会"]:
        for filters in FILTERS:
            agree(index, remaining, q, filters)
    index.close()


def test_a_uscc_fragment_anywhere_is_found_through_the_trigram_index(tmp_path: Any) -> None:
    docs = documents()[:300]
    index = SqliteFtsIndex(tmp_path / "uscc.db")
    index.ensure()
    index.bulk(list(docs))
    target = docs[123].uscc
    for fragment in (target[4:12], target[:12], target[-8:], target):
        found = index.search(SearchQuery(q=fragment, size=100))
        expected = sorted(d.uscc for d in docs if fragment in d.uscc)
        assert found.total == len(expected) and {d["uscc"] for d in found.items} <= set(expected)
        assert len(found.items) == min(100, len(expected))
    index.bulk([], deletes=[target])
    assert index.search(SearchQuery(q=target[4:12])).total == sum(1 for d in docs[:300]
                                                                    if target[4:12] in d.uscc and d.uscc != target)
    index.close()
