"""Public pages beside the JSON they are made of: server time of an organization's page and of a search
results page at the demo's size, each next to the JSON endpoint serving the same data, in one run.

    python -m bench.portal_pages [--n 7391] [--requests 400] [--dashboard-requests 40]
    python -m bench portal_pages

The search service is bootstrapped on a scratch data folder (SQLite projection, FTS5 index) and its
index is filled with N documents made by the registry's demo generator (bench/search_data.py: the
demo register with grades, list entries and former names spread over it). Its own app (the search
service's create_app: every middleware, the pages and the API) then answers in-process requests,
alternating page and JSON for the same organization or query, so both see the same machine load:

  organization   GET /search/web/organizations/{uscc}   beside  GET /search/organizations/{uscc}
  search         GET /search/web/?q=...&filters          beside  GET /search/organizations?q=...&filters
  dashboard      GET /search/web/dashboard?as_of=...     beside  GET /search/stats?as_of=...

For the dashboard the statistics tables of the projection are filled too, with the same N organizations
(their grades and list entries) plus dated facts the statistics read: annual reports 2019-2025 (most
filed, some late, some overdue), downgrades of some grades, and random-inspection draws of 4% of the
city-level organizations a year. The dashboard reads the statistics for six days (31 December of five
years and the day); GET /search/stats for one.

The figure is the time from request to complete response body (p50/p99 over the sample), and the
page/JSON ratio of the medians. Targets: organization and search pages under 100 ms (p99); the
dashboard under 300 ms and GET /search/stats under 100 ms (p50). Results: bench/results/portal_pages.json.
"""
from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import table, write_results
from bench.search_data import TODAY, bundles
from bench.search_latency import percentile, query_mix

TARGET_MS = 100.0
DASHBOARD_TARGET_MS = 300.0
STATS_TARGET_MS = 100.0
DEMO_SIZE = 7_391


def _app(folder: Path, n: int) -> tuple[Any, list[dict[str, Any]]]:
    from services.search import bootstrap as search_bootstrap
    from services.search.domain.document import build_document
    from services.search.entrypoints.api.app import create_app
    from shared.clock import FixedClock
    from shared.settings import Settings

    settings = Settings(secret_key="bench-" + "x" * 40, data_dir=folder, bus_sqlite_path=str(folder / "bus.db"))
    container = search_bootstrap.bootstrap(settings, clock=FixedClock(TODAY))
    index = container.index
    index.ensure()
    generation = index.start_rebuild()
    batch, sample, made = [], [], []
    for i, bundle in enumerate(bundles(n)):
        made.append(bundle)
        doc = build_document(bundle, TODAY)
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
    _fill_statistics(container, made)
    return create_app(container, run_workers=False), sample


def _fill_statistics(container: Any, made: list[Any], seed: int = 7) -> None:
    """Write the organizations into the projection's tables (what GET /search/stats reads), with dated
    facts beyond the index documents: annual reports, downgrades and inspection draws."""
    from datetime import date, timedelta

    from services.search.adapters import orm

    rng = random.Random(seed)
    rows: dict[str, list[dict[str, Any]]] = {"orgs": [], "former": [], "ratings": [], "entries": [],
                                            "reports": [], "steps": [], "draws": []}
    lower = {"5A": "4A", "4A": "3A", "3A": "2A", "2A": "1A", "1A": None}
    for bundle in made:
        org = bundle.organization
        uscc = org["uscc"]
        rows["orgs"].append(org)
        rows["former"] += [{"uscc": uscc, **f} for f in bundle.former_names]
        rows["ratings"] += [{"uscc": uscc, **r} for r in bundle.ratings]
        rows["entries"] += [{"uscc": uscc, "source": "entry", **e} for e in bundle.list_entries]
        for r in bundle.ratings:
            if rng.random() < 0.1:
                rows["steps"].append({"uscc": uscc, "awarded_on": r["awarded_on"], "on": date(2025, 9, 1),
                                      "from_grade": r["grade"], "to_grade": lower[r["grade"]],
                                      "reason": "警告", "legal_basis": "R9.6"})
        for year in range(2019, 2026):
            end = date(year, 12, 31)
            if org["registered_on"] > end or (org["ended_on"] is not None and org["ended_on"] <= end):
                continue
            deadline = date(year + 1, 5, 31)
            luck = rng.random()
            if luck < 0.08:  # not filed: detected overdue the day after the deadline
                rows["reports"].append({"uscc": uscc, "year": year, "state": "overdue", "on": deadline + timedelta(1),
                                        "overdue_on": deadline + timedelta(1), "deadline": deadline})
                continue
            early = luck < 0.9  # on time; else filed late
            filed = deadline + timedelta(-rng.randint(0, 120) if early else rng.randint(1, 60))
            if filed > TODAY:
                continue
            rows["reports"].append({"uscc": uscc, "year": year, "state": "accepted", "on": filed,
                                    "first_submitted_on": filed, "submitted_on": filed, "accepted_on": filed,
                                    "deadline": deadline})
        if org["level"] == "city":
            for year in range(2021, 2027):
                if rng.random() < 0.04 and org["registered_on"] < date(year, 3, 1):
                    drawn = date(year, 4, 15)
                    done = drawn + timedelta(60) if year < 2026 else None
                    rows["draws"].append({"key": f"D-{year}:{uscc}", "uscc": uscc, "drawn_on": drawn,
                                          "completed_on": done, "outcome": "passed" if done else None})
    tables = {"orgs": orm.organizations, "former": orm.former_names, "ratings": orm.ratings,
              "entries": orm.list_entries, "reports": orm.annual_reports, "steps": orm.rating_steps,
              "draws": orm.inspections}
    with container.db.write_engine.begin() as conn:
        for key, table in tables.items():
            columns = [c.name for c in table.columns if c.name != "related"]
            batch = [{c: row.get(c) for c in columns} for row in rows[key]]
            for start in range(0, len(batch), 2_000):
                conn.execute(table.insert(), batch[start:start + 2_000])


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


def _dashboard_days(requests: int, rng: random.Random) -> list[str]:
    """Today mostly (the dashboard's default), and other days of the last years."""
    days = [TODAY.isoformat()] * (requests // 2)
    while len(days) < requests:
        days.append(date(rng.randint(2021, 2026), rng.randint(1, 12), rng.randint(1, 28)).isoformat())
    rng.shuffle(days)
    return days


def run(n: int = DEMO_SIZE, requests: int = 400, seed: int = 11, log: Callable[[str], None] = print,
        dashboard_requests: int = 40) -> dict[str, Any]:
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
            dashboard = _paired(client, [(f"/search/web/dashboard?as_of={d}", f"/search/stats?as_of={d}")
                                         for d in _dashboard_days(dashboard_requests, rng)], warmup=3)
            page_bytes = len(client.get(f"/search/web/organizations/{orgs[0]}").content)
    results = {"documents": n, "requests_each": requests, "target_ms": TARGET_MS, "measured": {}}
    for name, runs in (("organization", organization), ("search", search), ("dashboard", dashboard)):
        page, json_ = _summary(runs["page"]), _summary(runs["json"])
        results["measured"][name] = {"page": page, "json": json_,
                                     "ratio_p50": round(page["p50_ms"] / json_["p50_ms"], 2)
                                     if json_["p50_ms"] else None,
                                     "page_under_target": page["p99_ms"] < TARGET_MS}
    board = results["measured"]["dashboard"]
    board["page_under_target"] = board["page"]["p50_ms"] < DASHBOARD_TARGET_MS
    board["json_under_target"] = board["json"]["p50_ms"] < STATS_TARGET_MS
    results["dashboard_targets_ms"] = {"page_p50": DASHBOARD_TARGET_MS, "stats_p50": STATS_TARGET_MS}
    results["organization_page_bytes"] = page_bytes
    targets = {"dashboard": f"p50 < {DASHBOARD_TARGET_MS:.0f} / {STATS_TARGET_MS:.0f} ms"}
    rows = [[name, f"{m['page']['p50_ms']:.1f} / {m['page']['p99_ms']:.1f}",
             f"{m['json']['p50_ms']:.1f} / {m['json']['p99_ms']:.1f}", f"{m['ratio_p50']:.2f}",
             f"{targets.get(name, f'p99 < {TARGET_MS:.0f} ms')} "
             f"{'ok' if m['page_under_target'] and m.get('json_under_target', True) else 'OVER'}"]
            for name, m in results["measured"].items()]
    results["loadavg_1m_after"] = round(os.getloadavg()[0], 2)
    results["text"] = (f"public pages at {n:,} organizations, {requests} requests each (in-process, paired; "
                       f"load average {results['loadavg_1m_after']} on {os.cpu_count()} CPUs)\n"
                       + table(["page", "HTML p50 / p99 ms", "JSON p50 / p99 ms", "HTML/JSON p50", "target"],
                               rows))
    write_results("portal_pages", {k: v for k, v in results.items() if k != "text"})
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=DEMO_SIZE, help=f"documents (the demo's {DEMO_SIZE:,})")
    parser.add_argument("--requests", type=int, default=400, help="requests per page kind (400)")
    parser.add_argument("--dashboard-requests", type=int, default=40, help="dashboard and stats requests (40)")
    args = parser.parse_args()
    print(run(args.n, args.requests, dashboard_requests=args.dashboard_requests)["text"])


if __name__ == "__main__":
    main()
