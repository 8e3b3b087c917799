"""CPU cost per event of the search consumer path, as `socreg up` runs it (embedded: SQLite read model,
SQLite log bus, FTS5 index), in the thread that does the work.

    python -m bench.search_consumer [--preload 7391] [--events 1200] [--mix filing|credit] [--profile]

The read model and index are preloaded with PRELOAD organizations (registry.organization.registered
events built from the demo register), then EVENTS live events are fed in batches of 1, 10 and 100
(what one consumer poll picks up when events trickle in, or come in a burst): annual reports
submitted, accepted and returned, ratings awarded and credit-status changes, each about an
organization already indexed. For each batch: the consumer's run_once, then the IndexSyncer's
sync_once (read model -> document -> FTS5), timed with time.thread_time (CPU of this thread only:
what the search work takes away from the API threads under the GIL). Reports microseconds of CPU
per event per batch size; --profile prints the top cumulative functions (cProfile) for batch 1.
Results: bench/results/search_consumer.json.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from services.registry.demo_data import generate_register
from services.search import bootstrap as search_bootstrap
from services.search.entrypoints.consumers import build_consumers
from services.search.service_layer import handlers
from shared.clock import FixedClock
from shared.events.bus import build_bus
from shared.events.envelope import new_envelope
from shared.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"
TODAY = date(2026, 6, 1)
BATCHES = (1, 10, 100)


def uscc_for(i: int) -> str:
    return f"51350200MJ{i:07d}X"


def registered(i: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"uscc": uscc_for(i), "name": body["name"], "type": body["type"], "category": body["category"],
            "level": body["level"], "district": body["district"], "domicile": body["domicile"],
            "legal_representative_name": body["legal_representative"]["name"],
            "registered_funds": str(body["registered_funds"]), "business_scope": body["business_scope"],
            "supervising_unit": body.get("supervising_unit"), "established_on": body["established_on"],
            "registered_on": body["established_on"], "status": "active", "charity": bool(body.get("charity")),
            "foundation_kind": body.get("foundation_kind")}


def live_events(n: int, orgs: int, mix: str = "filing") -> list[tuple[str, dict[str, Any]]]:
    """"filing": a mix like a filing season (mostly submissions, some reviews, a few ratings and list
    changes); "credit": credit-status changes only (a mix every version of the consumer projects)."""
    out: list[tuple[str, dict[str, Any]]] = []
    for k in range(n):
        u = uscc_for((k * 7919) % orgs)
        kind = 9 if mix == "credit" else k % 10
        base = {"uscc": u, "year": 2025, "first_submitted_on": "2026-05-20"}
        if kind < 6:
            out.append(("registry.annual_report.submitted", {
                **base, "submitted_on": "2026-05-20", "deadline": "2026-05-31", "late": False,
                "resubmission": False, "submitted_by": "org", "unmet_findings": 0}))
        elif kind < 8:
            out.append(("registry.annual_report.accepted", {
                **base, "accepted_on": "2026-05-28", "accepted_by": "r", "deadline": "2026-05-31", "late": False}))
        elif kind == 8:
            out.append(("registry.rating.awarded", {
                "uscc": u, "rating_id": k, "grade": "4A", "score": "86.50", "awarded_on": "2026-05-01",
                "expires_on": "2031-05-01", "evaluating_body": "评估委员会", "awarded_by": "r"}))
        else:
            out.append(("credit.status.changed", {"uscc": u, "lists": ["abnormal"] if k % 20 < 10 else [],
                                                  "changed_on": f"2026-05-{1 + k % 28:02d}"}))
    return out


def envelopes(events: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    at = datetime(2026, 6, 1, 2, tzinfo=timezone.utc)
    return [new_envelope(t, source="/socreg/bench", subject=d["uscc"], data=d, time=at) for t, d in events]


def run(preload: int, events: int, profile: bool, mix: str = "filing") -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="socreg-bench-consumer-") as tmp:
        settings = Settings(data_dir=Path(tmp), demo=True)
        bus = build_bus(settings)
        search = search_bootstrap.bootstrap(settings, bus=bus, clock=FixedClock(TODAY))
        search.index.ensure()
        search.consumers = build_consumers(search)
        runner, syncer = search.consumers[0], search.syncer
        bodies = generate_register()[:preload]
        started = time.perf_counter()
        bus.publish(envelopes([("registry.organization.registered", registered(i, b)) for i, b in enumerate(bodies)]))
        while runner.run_once(max_records=500, timeout=0.05):
            pass
        handlers.drain_index(search.uow, search.index, TODAY)
        syncer.sync_once()  # the first call checks the whole index
        report: dict[str, Any] = {"preloaded": search.index.count(),
                                  "preload_seconds": round(time.perf_counter() - started, 1), "per_event_us": {}}
        feed = live_events(events, preload, mix)
        report["mix"] = mix
        for size in (*BATCHES, *((0,) if profile else ())):  # 0: batch 1 again, under the profiler
            prof = cProfile.Profile() if size == 0 else None
            size = size or 1
            cpu = 0.0
            for start in range(0, len(feed), size):
                bus.publish(envelopes(feed[start:start + size]))
                t0 = time.thread_time()
                if prof:
                    prof.enable()
                got = 0
                while got < len(feed[start:start + size]):
                    got += runner.run_once(max_records=size, timeout=0.5)
                while syncer.sync_once():
                    pass
                if prof:
                    prof.disable()
                cpu += time.thread_time() - t0
            if not prof:
                report["per_event_us"][str(size)] = round(cpu / len(feed) * 1e6)
            else:
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(45)
                print(out.getvalue())
        assert runner.parked == 0, "events were parked"
        search.close()
        bus.close()
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preload", type=int, default=7391)
    parser.add_argument("--events", type=int, default=1200)
    parser.add_argument("--mix", choices=("filing", "credit"), default="filing")
    parser.add_argument("--profile", action="store_true", help="then batch 1 again under cProfile (not timed)")
    args = parser.parse_args()
    report = run(args.preload, args.events, args.profile, args.mix)
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "search_consumer.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
