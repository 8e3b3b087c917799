"""Search latency at national scale, bulk (re)index rate beside a raw bulk-insert ceiling.

    python -m bench.search_latency [--n 900000] [--queries 3000] [--es-n 15000] [--skip-es]

1. Builds the embedded index (SQLite FTS5) from N synthetic documents through the port's rebuild
   path (start_rebuild / bulk_into / finish_rebuild) and times it; on the first 100,000 documents
   it also times raw executemany of the very same, already prepared rows into the same tables:
   the ceiling in this run.
2. A fresh process opens the index and runs a query mix through the port (search with all facets,
   as GET /search/organizations does), reporting p50/p99 per query class and its peak RSS.
3. The same on osmem-server with as many documents as fit (default 15,000).
Results: bench/results/search_latency.json.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.search_data import documents
from services.search.adapters.index_sqlite import _FTS_COLUMNS, SqliteFtsIndex, _tokens
from services.search.domain import text
from services.search.domain.query import SearchQuery

RESULTS = Path(__file__).resolve().parent / "results"
BATCH = 5_000
CEILING_SAMPLE = 100_000
WORDS = ("协会", "慈善", "篮球", "养老", "教育", "科技", "文化", "商会", "学会", "促进会", "研究会", "服务中心",
         "志愿", "社区", "幼儿园", "培训", "基金会", "体育", "摄影", "老年")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


def query_mix(sample: list[dict[str, Any]], count: int, seed: int = 7) -> list[tuple[str, dict[str, Any]]]:
    """(class, query) pairs: what a public search box and its filters receive."""
    rng = random.Random(seed)
    out: list[tuple[str, dict[str, Any]]] = []
    classes = (("name_fragment_3_6", 25), ("two_chars", 20), ("common_word", 10), ("one_char", 8),
               ("exact_name", 12), ("uscc_full", 8), ("uscc_prefix", 4), ("filters_only", 8), ("text_and_filter", 5))
    names = [c for c, w in classes for _ in range(w)]
    for _ in range(count):
        kind, doc = rng.choice(names), rng.choice(sample)
        norm = text.normalize(doc["name"])
        if kind == "name_fragment_3_6":
            k = rng.randint(3, 6)
            start = rng.randint(0, max(0, len(norm) - k))
            q: dict[str, Any] = {"q": norm[start:start + k]}
        elif kind == "two_chars":
            start = rng.randint(0, len(norm) - 2)
            q = {"q": norm[start:start + 2]}
        elif kind == "common_word":
            q = {"q": rng.choice(WORDS)}
        elif kind == "one_char":
            q = {"q": rng.choice(norm)}
        elif kind == "exact_name":
            q = {"q": doc["name"]}
        elif kind == "uscc_full":
            q = {"q": doc["uscc"]}
        elif kind == "uscc_prefix":
            q = {"q": doc["uscc"][:rng.randint(10, 14)]}
        elif kind == "filters_only":
            q = {"q": "", "filters": {"level": doc["level"], "type": doc["type"]} if rng.random() < 0.5
                 else {"district": doc["district"], "status": "active"}}
        else:
            q = {"q": rng.choice(WORDS), "filters": {"level": "city", "rating": "3A+"}}
        out.append((kind, q))
    return out


def run_queries(index: Any, mix: list[tuple[str, dict[str, Any]]], warmup: int = 200) -> dict[str, Any]:
    for _kind, q in mix[:warmup]:
        index.search(SearchQuery(q=q["q"], filters=q.get("filters", {})))
    by_class: dict[str, list[float]] = {}
    started = time.perf_counter()
    for kind, q in mix:
        t = time.perf_counter()
        index.search(SearchQuery(q=q["q"], filters=q.get("filters", {})))
        by_class.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
    elapsed = time.perf_counter() - started
    every = [v for vs in by_class.values() for v in vs]
    return {"queries": len(every), "qps_one_thread": round(len(every) / elapsed, 1),
            "p50_ms": round(percentile(every, 50), 2), "p99_ms": round(percentile(every, 99), 2),
            "max_ms": round(max(every), 2),
            "by_class": {k: {"n": len(v), "p50_ms": round(percentile(v, 50), 2), "p99_ms": round(percentile(v, 99), 2)}
                         for k, v in sorted(by_class.items())}}


def build_embedded(path: Path, n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Build through the port's rebuild path. For the first 100,000 documents each batch is
    followed at once by the raw insert of the very same rows into bare tables (the ceiling), so
    both figures see the same machine load (paired measurement)."""
    index = SqliteFtsIndex(path)
    index.ensure()
    generation = index.start_rebuild()
    ceiling = Ceiling(path, path.parent / "ceiling.db")
    batch, sample, index_seconds, made, started = [], [], 0.0, 0, time.perf_counter()
    ours_paired = 0.0
    for doc in documents(n):
        batch.append(doc)
        if made % 300 == 0:
            sample.append({"name": doc.name, "uscc": doc.uscc, "level": doc.level, "type": doc.type,
                           "district": doc.district})
        made += 1
        if len(batch) == BATCH:
            spent = _timed(index.bulk_into, generation, batch)
            index_seconds += spent
            if made <= CEILING_SAMPLE:
                ours_paired += spent
                ceiling.insert(generation, batch)
            batch = []
    if batch:
        index_seconds += _timed(index.bulk_into, generation, batch)
    index.finish_rebuild(generation)
    total = time.perf_counter() - started
    index.close()
    ours_rate = ceiling.docs / ours_paired if ours_paired else 0.0
    ceiling_rate = ceiling.rate()
    ceiling.close()
    return {"documents": made, "generate_and_index_seconds": round(total, 1),
            "index_seconds": round(index_seconds, 1), "index_rate_docs_per_s": round(made / index_seconds),
            "first_100k_paired": {"ours_docs_per_s": round(ours_rate), "raw_ceiling_docs_per_s": round(ceiling_rate),
                                  "ratio": round(ours_rate / ceiling_rate, 2) if ceiling_rate else None},
            "file_mb": round(path.stat().st_size / 1e6)}, sample


def _timed(fn: Any, *args: Any) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


class Ceiling:
    """executemany of the very rows our index holds for a batch (read back from it, tokens made
    again, all outside the timer), in the same order, into the same tables: what SQLite itself can
    take for this data."""

    def __init__(self, built: Path, path: Path) -> None:
        self.source = sqlite3.connect(built)
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(f"""
            CREATE TABLE d (rowid INTEGER PRIMARY KEY, uscc TEXT NOT NULL UNIQUE, name_norm TEXT NOT NULL,
              version INTEGER NOT NULL, checksum TEXT NOT NULL, body TEXT NOT NULL);
            CREATE INDEX d_name ON d(name_norm);
            CREATE VIRTUAL TABLE f USING fts5({", ".join(_FTS_COLUMNS)}, content='',
              tokenize='unicode61 remove_diacritics 0');
        """)
        self.path, self.docs, self.seconds = path, 0, 0.0

    def insert(self, generation: str, docs: list[Any]) -> None:
        usccs = [d.uscc for d in docs]
        rows = self.source.execute(f"SELECT rowid, uscc, name_norm, version, checksum, body FROM sx_docs_{generation} "
                                   f"WHERE uscc IN ({','.join('?' * len(usccs))}) ORDER BY rowid", usccs).fetchall()
        fts = [(r[0], *_tokens(json.loads(r[5]))) for r in rows]
        started = time.perf_counter()
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT INTO d VALUES (?,?,?,?,?,?)", rows)
        self.conn.executemany(f"INSERT INTO f(rowid, {', '.join(_FTS_COLUMNS)}) VALUES (?,?,?,?,?,?,?)", fts)
        self.conn.execute("COMMIT")
        self.seconds += time.perf_counter() - started
        self.docs += len(rows)

    def rate(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0

    def close(self) -> None:
        self.source.close()
        self.conn.close()
        self.path.unlink(missing_ok=True)


def serve_child(path: str, mix_file: str) -> None:
    """Two passes over the mix: without the facet cache (every query pays its counts), then with
    it (as served: repeated queries between two writes reuse their totals and facet counts)."""
    mix = [(k, q) for k, q in json.loads(Path(mix_file).read_text())]
    cold = run_queries(SqliteFtsIndex(path, facet_cache_size=0), mix)
    warm = run_queries(SqliteFtsIndex(path, facet_cache_size=256), mix)
    rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps({"no_facet_cache": cold, "with_facet_cache": warm, "peak_rss_mib": rss}))


def measure_es(n: int, queries: int) -> dict[str, Any]:
    from services.search.adapters.index_elasticsearch import ElasticsearchIndex
    from tests.fixtures.search import running_osmem

    with running_osmem() as server:
        index = ElasticsearchIndex(server.url, "bench", compatibility_media_types=False, timeout_seconds=60)
        index.ensure()
        docs = list(documents(n))
        generation = index.start_rebuild()
        started = time.perf_counter()
        for start in range(0, len(docs), 1_000):
            index.bulk_into(generation, docs[start:start + 1_000])
        index.finish_rebuild(generation)
        rate = len(docs) / (time.perf_counter() - started)
        sample = [{"name": d.name, "uscc": d.uscc, "level": d.level, "type": d.type, "district": d.district}
                  for d in docs[::50]]
        result = run_queries(index, query_mix(sample, queries), warmup=50)
        rss = [line for line in Path(f"/proc/{server.proc.pid}/status").read_text().splitlines()  # type: ignore[union-attr]
               if line.startswith("VmHWM")]
        result.update(documents=n, index_rate_docs_per_s=round(rate), server_peak_rss=rss[0].split(":")[1].strip())
        index.close()
        return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=900_000)
    parser.add_argument("--queries", type=int, default=3_000)
    parser.add_argument("--es-n", type=int, default=15_000)
    parser.add_argument("--skip-es", action="store_true")
    parser.add_argument("--serve-child", nargs=2)
    parser.add_argument("--keep", help="build the index in this folder and keep it; reuse it if there")
    args = parser.parse_args()
    if args.serve_child:
        return serve_child(*args.serve_child)
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="socreg-bench-search-") as scratch:
        tmp = Path(args.keep or scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        path = tmp / "search_index.db"
        if (tmp / "sample.json").exists():
            sample = json.loads((tmp / "sample.json").read_text())
            report["embedded_build"] = json.loads((tmp / "build.json").read_text())
        else:
            report["embedded_build"], sample = build_embedded(path, args.n)
            (tmp / "sample.json").write_text(json.dumps(sample, ensure_ascii=False))
            (tmp / "build.json").write_text(json.dumps(report["embedded_build"]))
        print("build:", json.dumps(report["embedded_build"]), flush=True)
        mix_file = Path(tmp) / "mix.json"
        mix_file.write_text(json.dumps(query_mix(sample, args.queries), ensure_ascii=False))
        child = subprocess.run([sys.executable, "-m", "bench.search_latency", "--serve-child", str(path), str(mix_file)],
                               capture_output=True, text=True, check=True)
        report["embedded_search"] = json.loads(child.stdout.strip().splitlines()[-1])
        print("embedded search:", json.dumps(report["embedded_search"]), flush=True)
    if not args.skip_es:
        report["osmem"] = measure_es(args.es_n, min(args.queries, 1_500))
        print("osmem:", json.dumps(report["osmem"]), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "search_latency.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
