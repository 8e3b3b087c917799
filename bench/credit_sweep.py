"""`python -m bench.credit_sweep`: the credit-list engine at national scale (SQLite, embedded mode).

1. The daily escalation and expiry sweep over 900,000 organizations with a realistic share listed:
   2.5% on the abnormal list for a late annual report (spread over 30 months, so some escalate to the
   serious list every day), 1% with a warning in the last year (removed after 6 months), 0.3% on the
   serious list for a suspension, 10% holding an evaluation grade (the red list). The set-up derives
   every organization's lists with the engine and writes them in bulk; then the clock moves one day
   (the daily run) and 30 days (a month of scheduler downtime caught up). Ceiling, same run: the bare
   due-query plus one raw executemany UPDATE per due organization - the least a sweep must write.
   Target: the daily sweep under 60 s.
2. Event-to-list latency: a penalty event published on the bus until its credit.entry.added is in the
   outbox (the inspection consumer picking it up, recording the fact, recomputing, writing). Ceiling:
   the same consumer runner with a handler that does nothing (bus poll + event-id bookkeeping).
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.common import table, write_results

SIZE = 900_000
TODAY = date(2026, 3, 2)
TARGET_SECONDS = 60.0
_BASE31 = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(i: int) -> str:
    body, value = "", i
    for _ in range(8):
        value, r = divmod(value, 31)
        body = _BASE31[r] + body
    return f"51350200{body}{_BASE31[i % 31]}X"


def facts_for(n: int, rng: random.Random) -> dict[str, list[Any]]:
    from services.inspection.domain.credit import Fact

    out: dict[str, list[Any]] = {}
    for i in range(n):
        roll, u, f = rng.random(), uscc(i), []
        if roll < 0.025:  # a late report, listed some day in the last 30 months
            on = TODAY - timedelta(days=rng.randint(0, 913))
            f.append(Fact("trigger", f"annual_report:{on.year - 1}", on, {"rule": "annual_report_overdue"}, f"e{i}a"))
        elif roll < 0.035:
            f.append(Fact("penalty", f"penalty:P{i}", TODAY - timedelta(days=rng.randint(0, 365)), {"kind": "warning"},
                          f"e{i}p"))
        elif roll < 0.038:
            f.append(Fact("penalty", f"penalty:S{i}", TODAY - timedelta(days=rng.randint(0, 900)),
                          {"kind": "suspension"}, f"e{i}s"))
        if rng.random() < 0.10:
            on = TODAY - timedelta(days=rng.randint(0, 1825))
            f.append(Fact("rating", f"rating:{i}:awarded", on, {
                "event": "awarded", "rating_id": i, "grade": rng.choice(["1A", "2A", "3A", "3A", "4A", "5A"]),
                "expires_on": on.replace(year=on.year + 5, day=min(on.day, 28)).isoformat()}, f"e{i}r"))
        if f:
            out[u] = f
    return out


def seed(container: Any, facts: dict[str, list[Any]]) -> dict[str, float]:
    """Derive every organization with the engine and write facts, entries and status rows in bulk."""
    from sqlalchemy import insert

    from services.inspection.adapters.orm import credit_entries, credit_facts, credit_status
    from services.inspection.domain.credit import derive
    from services.inspection.service_layer.handlers.credit import entry_row, timeline_items

    at = datetime.now(timezone.utc)
    started = time.perf_counter()
    fact_rows, entry_rows, status_rows = [], [], []
    for u, fs in facts.items():
        d = derive(u, fs, container.credit_policy, TODAY)
        fact_rows += [{"uscc": u, "kind": f.kind, "key": f.key, "on": f.on, "data": dict(f.data),
                       "source_event_id": f.source_event_id, "by": None, "recorded_at": at} for f in fs]
        entry_rows += [entry_row(e, at) for e in d.entries]
        status_rows.append({"uscc": u, "lists": ",".join(d.lists()), "changed_on": d.changed_on(),
                            "next_due": d.next_due, "serious_eligible_on": d.serious_eligible_on,
                            "timeline": timeline_items(d), "updated_at": at})
    derived = time.perf_counter() - started
    with container.db.write_engine.begin() as conn:
        for table_, rows in ((credit_facts, fact_rows), (credit_entries, entry_rows), (credit_status, status_rows)):
            for start in range(0, len(rows), 20_000):
                conn.execute(insert(table_), rows[start:start + 20_000])
    return {"organizations_with_facts": len(facts), "entries": len(entry_rows), "derive_s": round(derived, 2),
            "write_s": round(time.perf_counter() - started - derived, 2)}


def ceiling(container: Any, on: date) -> tuple[float, int]:
    """The bare minimum: find the due organizations, one raw UPDATE each (rolled back)."""
    conn = container.db.write_engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute("BEGIN")  # the pool's SQLite connections run in autocommit: open the transaction ourselves
        started = time.perf_counter()
        due = [r[0] for r in cur.execute("SELECT uscc FROM credit_status WHERE next_due <= ?", (on.isoformat(),))]
        cur.executemany("UPDATE credit_status SET next_due = ? WHERE uscc = ?", [("2099-01-01", u) for u in due])
        elapsed = time.perf_counter() - started
        conn.rollback()
        return elapsed, len(due)
    finally:
        conn.close()


def sweep_at(container: Any, clock: Any, on: date) -> tuple[float, int, int]:
    from sqlalchemy import func, select

    from shared.events.outbox import outbox_table
    from services.inspection.service_layer.handlers import credit

    clock.set(on)
    with container.db.read_engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(outbox_table)).scalar_one()
    started = time.perf_counter()
    done = credit.sweep(container.uow, container.credit_policy)
    elapsed = time.perf_counter() - started
    with container.db.read_engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(outbox_table)).scalar_one() - before
    return elapsed, done, events


def latency(container: Any, n: int) -> dict[str, float]:
    from services.inspection.entrypoints.consumers import build_consumers
    from shared.contracts import TOPICS
    from shared.events.consumer import ConsumerRunner
    from shared.events.envelope import new_envelope

    def one(runner: ConsumerRunner, i: int, kind: str) -> float:
        event = new_envelope("inspection.penalty.imposed", source="/socreg/inspection", subject=uscc(i), data={
            "uscc": uscc(i), "penalty_id": f"LAT-{kind}-{i}", "kind": "warning", "legal_basis": "bench",
            "effective_on": TODAY.isoformat()}, time=datetime.now(timezone.utc))
        started = time.perf_counter()
        container.bus.publish([event])
        while runner.run_once(timeout=0.001) == 0:
            pass
        return time.perf_counter() - started

    bare = ConsumerRunner("bench-bare", container.bus, [TOPICS["inspection"]],
                          {"inspection.penalty.imposed": lambda e, uow: None}, container.uow, poll_seconds=0.001)
    real = build_consumers(container)[0]
    real.poll_seconds = 0.001
    while real.run_once(timeout=0.01):
        pass
    while bare.run_once(timeout=0.01):
        pass
    for i in range(5):  # warm-up: statement caches, first connections
        one(bare, SIZE + 10 * n + i, "warm"), one(real, SIZE + 11 * n + i, "warm")
    base = [one(bare, SIZE + i, "bare") for i in range(n)]
    timed = [one(real, SIZE + n + i, "real") for i in range(n)]
    while bare.run_once(timeout=0.01):
        pass
    bare.close()
    real.close()
    q = statistics.quantiles
    return {"events": n, "p50_ms": round(statistics.median(timed) * 1000, 2),
            "p99_ms": round(q(timed, n=100)[98] * 1000, 2), "ceiling_p50_ms": round(statistics.median(base) * 1000, 2),
            "ceiling_p99_ms": round(q(base, n=100)[98] * 1000, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.credit_sweep", description=__doc__)
    parser.add_argument("--size", type=int, default=SIZE, help="organizations (900,000)")
    parser.add_argument("--events", type=int, default=200, help="events timed for the latency (200)")
    args = parser.parse_args(argv)
    from services.inspection import bootstrap
    from shared.clock import FixedClock
    from shared.settings import Settings

    with tempfile.TemporaryDirectory(prefix="socreg-bench-credit-") as tmp:
        settings = Settings(secret_key="bench-" + "k" * 40, data_dir=Path(tmp), bus_sqlite_path=f"{tmp}/bus.db")
        clock = FixedClock(TODAY)
        container = bootstrap.bootstrap(settings, clock=clock)
        facts = facts_for(args.size, random.Random(2026))
        setup = seed(container, facts)
        day = TODAY + timedelta(days=1)
        floor_s, due = ceiling(container, day)
        daily_s, daily_done, daily_events = sweep_at(container, clock, day)
        month = day + timedelta(days=30)
        floor_month_s, due_month = ceiling(container, month)
        month_s, month_done, month_events = sweep_at(container, clock, month)
        lat = latency(container, args.events)
        container.close()
        container.bus.close()
    rows = [("ceiling: due query + raw UPDATE per org (1 day)", f"{due:,}", f"{floor_s:.3f}", "1.0"),
            ("daily sweep (1 day)", f"{daily_done:,}", f"{daily_s:.3f}", f"{daily_s / max(floor_s, 1e-6):.0f}"),
            ("ceiling (30 days)", f"{due_month:,}", f"{floor_month_s:.3f}", "1.0"),
            ("catch-up sweep (30 days)", f"{month_done:,}", f"{month_s:.3f}",
             f"{month_s / max(floor_month_s, 1e-6):.0f}")]
    print(f"{args.size:,} organizations; {setup['organizations_with_facts']:,} with credit facts, "
          f"{setup['entries']:,} entries (set-up: derive {setup['derive_s']} s, write {setup['write_s']} s)")
    print(table(["measurement", "organizations", "seconds", "x ceiling"], rows))
    print(f"events emitted: daily {daily_events:,}, catch-up {month_events:,}")
    print(f"event-to-list latency over {lat['events']} events: p50 {lat['p50_ms']} ms, p99 {lat['p99_ms']} ms "
          f"(ceiling: a no-op handler, p50 {lat['ceiling_p50_ms']} ms, p99 {lat['ceiling_p99_ms']} ms)")
    met = daily_s < TARGET_SECONDS
    print(f"target: the daily sweep under {TARGET_SECONDS:.0f} s — {'met' if met else 'MISSED'} ({daily_s:.2f} s)")
    data = {"size": args.size, **setup, "daily": {"organizations": daily_done, "seconds": round(daily_s, 3),
                                                  "events": daily_events, "ceiling_s": round(floor_s, 4)},
            "catch_up_30_days": {"organizations": month_done, "seconds": round(month_s, 3), "events": month_events,
                                 "ceiling_s": round(floor_month_s, 4)},
            "latency": lat, "target_s": TARGET_SECONDS, "target_met": met}
    print(f"results: {write_results('credit_sweep', data)}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
