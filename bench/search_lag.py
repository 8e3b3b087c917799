"""Event-to-searchable lag on the embedded default (target: p99 under 2 s).

    python -m bench.search_lag [--preload 7391] [--registrations 300] [--rate 20]

The registry and the search service run as in `socreg up` (SQLite databases, the SQLite log bus,
the registry's outbox relay, the search consumer and index sync on their own threads). After the
demo register is preloaded and indexed, registrations are made one by one through the registry's
handler at a steady rate; a watcher measures, for each, the time from its commit to the moment
the search index returns it. Results: bench/results/search_lag.json.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.search_latency import percentile
from services.registry import bootstrap as registry_bootstrap
from services.registry.demo_data import generate_register
from services.registry.entrypoints.demo import load_demo, registration_command
from services.registry.service_layer import handlers as registry_handlers
from services.search import bootstrap as search_bootstrap
from services.search.entrypoints.consumers import build_consumers
from services.search.service_layer import handlers
from shared.events.bus import build_bus
from shared.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrations", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0, help="registrations per second")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="socreg-bench-lag-") as tmp:
        settings = Settings(data_dir=Path(tmp), demo=True)
        bus = build_bus(settings)
        registry = registry_bootstrap.bootstrap(settings, bus=bus)
        search = search_bootstrap.bootstrap(settings, bus=bus)
        started = time.perf_counter()
        load_demo(registry)
        registry.relay.drain()
        search.consumers = build_consumers(search)
        while search.consumers[0].run_once(max_records=2000, timeout=0.1):
            pass
        search.index.ensure()
        handlers.drain_index(search.uow, search.index, search.clock.today())
        preload = time.perf_counter() - started
        registry.start_workers()
        search.start_workers()
        lags = measure(registry, search, args.registrations, args.rate)
        report: dict[str, Any] = {
            "preloaded": search.index.count() - args.registrations, "preload_seconds": round(preload, 1),
            "registrations": len(lags), "rate_per_s": args.rate,
            "lag_ms": {"p50": round(percentile(lags, 50)), "p90": round(percentile(lags, 90)),
                       "p99": round(percentile(lags, 99)), "max": round(max(lags))},
            "target_p99_ms": 2000}
        search.close()
        registry.close()
        bus.close()
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "search_lag.json").write_text(json.dumps(report, indent=2))


def measure(registry: Any, search: Any, count: int, rate: float) -> list[float]:
    bodies = generate_register(seed=99)[:count]
    committed: dict[str, float] = {}
    lags: list[float] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set() or len(lags) < len(committed):
            for uscc, at in list(committed.items()):
                if at > 0 and search.index.get(uscc) is not None:
                    lags.append((time.perf_counter() - at) * 1000)
                    committed[uscc] = -1.0
            time.sleep(0.005)
            if done.is_set() and all(v < 0 for v in committed.values()):
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    for i, body in enumerate(bodies):
        body = {**body, "name": f"测延时第{i}号" + body["name"][3:]}
        body["legal_representative"] = {**body["legal_representative"], "id_number": _id(i)}
        org = registry_handlers.register_organization(registration_command(body), registry.uow(), registry.policy)
        committed[org.uscc] = time.perf_counter()
        time.sleep(1 / rate)
    done.set()
    watcher.join(30)
    return lags


def _id(n: int) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    body = f"350203199001{1 + n // 1000 % 28:02d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


if __name__ == "__main__":
    main()
