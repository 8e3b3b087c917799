"""Public pages beside the JSON they are made of: server time of an organization's page and of a search
results page at the demo's size, each next to the JSON endpoint serving the same data, in one run.

    python -m bench.portal_pages [--n 7391] [--requests 400]
    python -m bench portal_pages

The search service is bootstrapped on a scratch data folder (SQLite projection, FTS5 index) and its
index is filled with N documents made by the registry's demo generator (bench/search_data.py: the
demo register with grades, list entries and former names spread over it). Its own app (the search
service's create_app: every middleware, the pages and the API) then answers in-process requests,
alternating page and JSON for the same organization or query, so both see the same machine load:

  organization   GET /search/web/organizations/{uscc}   beside  GET /search/organizations/{uscc}
  search         GET /search/web/?q=...&filters          beside  GET /search/organizations?q=...&filters

The figure is the time from request to complete response body (p50/p99 over the sample), and the
page/JSON ratio of the medians. Target: pages under 100 ms. Results: bench/results/portal_pages.json.
"""
from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import table, write_results
from bench.search_data import TODAY, documents
from bench.search_latency import percentile, query_mix

TARGET_MS = 100.0
DEMO_SIZE = 7_391


def _app(folder: Path, n: int) -> tuple[Any, list[dict[str, Any]]]:
    from services.search import bootstrap as search_bootstrap
    from services.search.entrypoints.api.app import create_app
    from shared.clock import FixedClock
    from shared.settings import Settings

    settings = Settings(secret_key="bench-" + "x" * 40, data_dir=folder, bus_sqlite_path=str(folder / "bus.db"))
    container = search_bootstrap.bootstrap(settings, clock=FixedClock(TODAY))
    index = container.index
    index.ensure()
    generation = index.start_rebuild()
    batch, sample = [], []
    for i, doc in enumerate(documents(n)):
        batch.append(doc)
        if i % 37 == 0:
            sample.append({"name": doc.name, "uscc": doc.uscc, "level": doc.level, "type": doc.type,
                           "district": doc.district, "lists": list(doc.credit_lists)})
        if len(batch) == 2_000:
            index.bulk_into(generation, batch)
            batch = []
    if batch:
        index.bulk_into(generation, batch)
    index.finish_rebuild(generation)
    return create_app(container, run_workers=False), sample


def _timed(client: Any, url: str) -> float:
    started = time.perf_counter()
    answer = client.get(url)
    body = answer.content
    elapsed = time.perf_counter() - started
    if answer.status_code != 200 or not body:
        raise RuntimeError(f"{url}: {answer.status_code}")
    return elapsed * 1000


def _paired(client: Any, pairs: list[tuple[str, str]], warmup: int = 30) -> dict[str, list[float]]:
    for page_url, json_url in pairs[:warmup]:
        client.get(page_url), client.get(json_url)
    out: dict[str, list[float]] = {"page": [], "json": []}
    for i, (page_url, json_url) in enumerate(pairs):
        first, second = (("page", page_url), ("json", json_url)) if i % 2 == 0 else (("json", json_url),
                                                                                       ("page", page_url))
        for kind, url in (first, second):
            out[kind].append(_timed(client, url))
    return out


def _summary(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(ms, 50), 2), "p99_ms": round(percentile(ms, 99), 2),
            "max_ms": round(max(ms), 2), "n": len(ms)}


def run(n: int = DEMO_SIZE, requests: int = 400, seed: int = 11, log: Callable[[str], None] = print) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="socreg-bench-pages-") as scratch:
        started = time.perf_counter()
        app, sample = _app(Path(scratch), n)
        log(f"indexed {n} documents in {time.perf_counter() - started:.1f} s")
        orgs = [rng.choice(sample)["uscc"] for _ in range(requests)]
        listed = [s["uscc"] for s in sample if s["lists"]]
        orgs[:len(orgs) // 10] = [rng.choice(listed) for _ in range(len(orgs) // 10)] if listed else []
        searches = []
        for _kind, q in query_mix(sample, requests, seed=seed):
            params = urlencode({"q": q["q"], **q.get("filters", {})})
            searches.append((f"/search/web/?{params}", f"/search/organizations?{params}&size=20"))
        with TestClient(app) as client:
            organization = _paired(client, [(f"/search/web/organizations/{u}", f"/search/organizations/{u}")
                                             for u in orgs])
            search = _paired(client, searches)
            page_bytes = len(client.get(f"/search/web/organizations/{orgs[0]}").content)
    results = {"documents": n, "requests_each": requests, "target_ms": TARGET_MS, "measured": {}}
    for name, runs in (("organization", organization), ("search", search)):
        page, json_ = _summary(runs["page"]), _summary(runs["json"])
        results["measured"][name] = {"page": page, "json": json_,
                                     "ratio_p50": round(page["p50_ms"] / json_["p50_ms"], 2)
                                     if json_["p50_ms"] else None,
                                     "page_under_target": page["p99_ms"] < TARGET_MS}
    results["organization_page_bytes"] = page_bytes
    rows = [[name, f"{m['page']['p50_ms']:.1f} / {m['page']['p99_ms']:.1f}",
             f"{m['json']['p50_ms']:.1f} / {m['json']['p99_ms']:.1f}", f"{m['ratio_p50']:.2f}",
             f"< {TARGET_MS:.0f} ms {'ok' if m['page_under_target'] else 'OVER'}"]
            for name, m in results["measured"].items()]
    results["loadavg_1m_after"] = round(os.getloadavg()[0], 2)
    results["text"] = (f"public pages at {n:,} organizations, {requests} requests each (in-process, paired; "
                       f"load average {results['loadavg_1m_after']} on {os.cpu_count()} CPUs)\n"
                       + table(["page", "HTML p50 / p99 ms", "JSON p50 / p99 ms", "HTML/JSON p50", "p99 target"],
                               rows))
    write_results("portal_pages", {k: v for k, v in results.items() if k != "text"})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=DEMO_SIZE, help=f"documents (the demo's {DEMO_SIZE:,})")
    parser.add_argument("--requests", type=int, default=400, help="requests per page kind (400)")
    args = parser.parse_args()
    print(run(args.n, args.requests)["text"])


if __name__ == "__main__":
    main()
