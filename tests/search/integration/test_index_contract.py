"""The SearchIndex port's contract: the same assertions against SQLite FTS5 and Elasticsearch
(osmem-server), each held against a brute-force oracle over 1,200 demo organizations."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from services.search.adapters.index_elasticsearch import ElasticsearchIndex
from services.search.adapters.index_sqlite import SqliteFtsIndex
from services.search.domain.query import SearchQuery
from services.search.service_layer.ports import SearchIndex
from tests.search.corpus import documents, oracle


def make_index(backend: str, tmp: Any, request: pytest.FixtureRequest) -> SearchIndex:
    if backend == "sqlite":
        index: SearchIndex = SqliteFtsIndex(tmp / f"index-{uuid.uuid4().hex[:6]}.db")
    else:
        index = ElasticsearchIndex(request.getfixturevalue("osmem").url, f"c-{uuid.uuid4().hex[:10]}",
                                   compatibility_media_types=False)
    index.ensure()
    return index


@pytest.fixture(scope="module", params=["sqlite", "elasticsearch"])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """An index holding the corpus (loaded once per backend; these tests only read)."""
    index = make_index(request.param, tmp_path_factory.mktemp("contract"), request)
    docs = documents()
    for start in range(0, len(docs), 400):
        index.bulk(docs[start:start + 400])
    yield index
    index.close()


@pytest.fixture(params=["sqlite", "elasticsearch"])
def empty(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[SearchIndex]:
    index = make_index(request.param, tmp_path, request)
    yield index
    index.close()


def everything(index: SearchIndex, query: SearchQuery) -> list[dict[str, Any]]:
    items, page = [], 1
    while True:
        result = index.search(replace(query, page=page, size=100))
        items += result.items
        if len(result.items) < 100:
            return items
        page += 1


QUERIES = ["会", "鹭", "慈", "协会", "慈善", "篮球", "老年", "养老", "学会", "篮球协会", "志愿服务", "行业协会",
           "厦门市思明区", "研究社", "旧名", "火星基地", "厦门市体育总会", "（演示数据，非真实组织）"]


@pytest.mark.parametrize("q", QUERIES)
def test_chinese_queries_of_every_length_find_exactly_the_substring_matches(loaded: SearchIndex, q: str) -> None:
    query = SearchQuery(q=q)
    hits, facets = oracle(documents(), query)
    found = everything(loaded, query)
    assert sorted(d["uscc"] for d in found) == sorted(u for _, u in hits)
    assert loaded.search(query).total == len(hits)
    assert loaded.search(query).facets == facets


@pytest.mark.parametrize("q", ["协会", "篮球", "会", "厦门市", "厦门市思明区"])
def test_exact_then_prefix_then_name_then_scope(loaded: SearchIndex, q: str) -> None:
    hits, _ = oracle(documents(), SearchQuery(q=q))
    tier = dict((u, t) for t, u in hits)
    order = [tier[d["uscc"]] for d in everything(loaded, SearchQuery(q=q))]
    assert order == sorted(order)  # tiers never interleave


def test_an_exact_name_is_the_first_hit(loaded: SearchIndex) -> None:
    doc = documents()[42]
    first = loaded.search(SearchQuery(q=doc.name, size=5)).items[0]
    assert first["uscc"] == doc.uscc


def test_a_name_prefix_ranks_before_a_name_that_only_contains_it(loaded: SearchIndex) -> None:
    doc = documents()[7]
    prefix = doc.name[:5]
    items = loaded.search(SearchQuery(q=prefix, size=50)).items
    starts = [d["name"].startswith(prefix) for d in items]
    assert starts[0] and starts == sorted(starts, reverse=True)


def test_former_names_are_found(loaded: SearchIndex) -> None:
    doc = next(d for d in documents() if d.former_names)
    items = everything(loaded, SearchQuery(q=doc.former_names[0]))
    assert doc.uscc in [d["uscc"] for d in items]


@pytest.mark.parametrize("part", ["full", "prefix", "middle", "suffix"])
def test_a_full_or_partial_uscc_finds_the_organization(loaded: SearchIndex, part: str) -> None:
    code = documents()[123].uscc
    fragment = {"full": code, "prefix": code[:15], "middle": code[9:16], "suffix": code[-7:]}[part]
    result = loaded.search(SearchQuery(q=fragment, size=100))
    assert code in [d["uscc"] for d in result.items]
    assert result.total == sum(fragment in d.uscc for d in documents())
    if part == "full":
        assert result.total == 1


@pytest.mark.parametrize("filters", [
    {"level": "city"}, {"district": "350203", "type": "social_service"}, {"rating": "3A+"}, {"rating": "4A"},
    {"rating": "none", "status": "active"}, {"credit_list": "abnormal"}, {"credit_list": "red"},
    {"status": "deregistered"}, {"fundraising": "true"}, {"category": "charity", "level": "district"},
])
@pytest.mark.parametrize("q", ["", "协会", "会"])
def test_filters_and_facet_counts(loaded: SearchIndex, filters: dict[str, str], q: str) -> None:
    query = SearchQuery(q=q, filters=filters)
    hits, facets = oracle(documents(), query)
    result = loaded.search(query)
    assert result.total == len(hits)
    assert result.facets == facets
    assert sorted(d["uscc"] for d in everything(loaded, query)) == sorted(u for _, u in hits)


def test_only_the_facets_asked_for(loaded: SearchIndex) -> None:
    assert set(loaded.search(SearchQuery(q="协会", facets=("level",))).facets) == {"level"}
    assert loaded.search(SearchQuery(q="协会", facets=())).facets == {}


def test_pages_are_stable_and_cover_the_result_once(loaded: SearchIndex) -> None:
    query = SearchQuery(q="协会", size=37)
    first = [[d["uscc"] for d in loaded.search(replace(query, page=p)).items] for p in range(1, 8)]
    again = [[d["uscc"] for d in loaded.search(replace(query, page=p)).items] for p in range(1, 8)]
    assert first == again
    flat = [u for page in first for u in page]
    assert len(flat) == len(set(flat))
    everyone = [d["uscc"] for d in everything(loaded, SearchQuery(q="协会"))]
    assert len(everyone) == len(set(everyone)) == loaded.search(SearchQuery(q="协会")).total


def test_get_count_and_checksums(loaded: SearchIndex) -> None:
    doc = documents()[5]
    body = loaded.get(doc.uscc)
    assert body is not None and body["name"] == doc.name and body == doc.to_dict()
    assert loaded.get("51350200MJ9999999X") is None
    assert loaded.count() == len(documents())
    sums = dict(loaded.checksums())
    assert len(sums) == len(documents()) and sums[doc.uscc] == doc.to_dict()["checksum"]
    assert loaded.ping()


def test_no_personal_data_in_any_stored_document(loaded: SearchIndex) -> None:
    from services.registry.demo_data import generate_register

    for doc, body in zip(documents()[:300], generate_register()[:300]):
        raw = str(loaded.get(doc.uscc))
        person = body["legal_representative"]
        for secret in (person["id_number"], person["phone"], person["name"]):
            assert secret not in raw
        assert "legal_representative" not in raw and "decided_by" not in raw


def test_upsert_replaces_and_delete_removes(empty: SearchIndex) -> None:
    a, b = documents()[0], documents()[1]
    empty.bulk([a, b])
    renamed = replace(a, name="厦门市火星移民促进会", former_names=[a.name], version=a.version + 1)
    empty.bulk([renamed], deletes=[b.uscc])
    assert [d["uscc"] for d in empty.search(SearchQuery(q="火星")).items] == [a.uscc]
    assert [d["uscc"] for d in empty.search(SearchQuery(q=a.name)).items] == [a.uscc]  # former name
    assert empty.get(b.uscc) is None and empty.count() == 1
    assert empty.search(SearchQuery(q="", facets=("level",))).facets == {"level": {a.level: 1}}


def test_rebuild_serves_the_old_index_until_the_swap(empty: SearchIndex) -> None:
    old, new = documents()[:10], documents()[10:25]
    empty.bulk(old)
    generation = empty.start_rebuild()
    empty.bulk_into(generation, new)
    assert empty.count() == 10  # the old one still serves
    assert empty.search(SearchQuery(q=new[0].name)).total == 0 or new[0].name in [d.name for d in old]
    empty.finish_rebuild(generation)
    assert empty.count() == 15
    assert empty.get(new[0].uscc) is not None and empty.get(old[0].uscc) is None
    aborted = empty.start_rebuild()
    empty.bulk_into(aborted, old)
    empty.abort_rebuild(aborted)
    assert empty.count() == 15
