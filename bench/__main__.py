"""`python -m bench [registrations|memory|portal_pages|credit_sweep|signin_flood ...]`: run the benchmarks (all by default), print each one's
table and a summary, and write bench/results/<name>.json."""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import time
from typing import Any

from bench import credit_sweep, memory, portal_pages, registrations, signin_flood
from bench.common import RESULTS, table

BENCHMARKS = ("registrations", "memory", "portal_pages", "credit_sweep", "signin_flood")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"which benchmarks to run: {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per load run (10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds before each load run (2)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections (64)")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk if installed (auto), or the Python fallback")
    parser.add_argument("--backend", action="append", choices=registrations.BACKENDS,
                        help="registrations: only this backend (repeatable; default: both)")
    args = parser.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    if unknown := [n for n in names if n not in BENCHMARKS]:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    started = time.monotonic()
    outcomes: dict[str, dict[str, Any]] = {}
    for name in names:
        print(f"== {name}", file=sys.stderr, flush=True)
        if name == "registrations":
            opts = registrations.Options(duration=args.duration, warmup=args.warmup, connections=args.connections,
                                         generator=args.generator,
                                         backends=tuple(args.backend or registrations.BACKENDS))
            outcomes[name] = registrations.run(opts)
        elif name == "portal_pages":
            outcomes[name] = portal_pages.run(log=lambda m: print(m, file=sys.stderr, flush=True))
        elif name == "credit_sweep":
            outcomes[name] = _credit_sweep()
        elif name == "signin_flood":
            outcomes[name] = signin_flood.run(signin_flood.Options(
                duration=args.duration, warmup=args.warmup, connections=args.connections, generator=args.generator))
        else:
            outcomes[name] = memory.run()
        print(f"\n{outcomes[name]['text']}\n", flush=True)

    print(table(["benchmark", "figure", "beside", "verdict"], [*_summary(outcomes)]))
    print(f"({time.monotonic() - started:.0f} s; JSON in bench/results/)")
    return 0


def _summary(outcomes: dict[str, dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in outcomes.get("registrations", {}).get("results", []):
        if r["skipped"] or r["socreg"] is None or r["ceiling"] is None:
            rows.append([f"registrations/s, {r['backend']}", "-", "-", (r["skipped"] or "no result")[:60]])
            continue
        rows.append([f"registrations/s, {r['backend']}", f"{r['socreg']['ok_per_s']:,.0f} req/s",
                     f"ceiling {r['ceiling']['ok_per_s']:,.0f} req/s",
                     f"ratio {r['ratio']:.2f} (target ≥ {r['target_ratio']:.2f}) "
                     f"{'ok' if r['ratio'] >= r['target_ratio'] else 'BELOW'}"])
    mem = outcomes.get("memory")
    if mem is not None:
        demo, empty = mem.get("demo", {}), mem.get("empty", {})
        if "rss_mib" in demo:
            rows.append(["memory, socreg up --demo", f"{demo['rss_mib']:.0f} MiB RSS (peak {demo['peak_mib']:.0f})",
                         f"empty register {empty.get('rss_mib', '-')} MiB",
                         f"target < {mem['target_mib']} MiB {'ok' if demo['rss_mib'] < mem['target_mib'] else 'OVER'}"])
        else:
            rows.append(["memory, socreg up --demo", "-", "-", str(demo.get("error", "no result"))[:60]])
    for page, m in outcomes.get("portal_pages", {}).get("measured", {}).items():
        rows.append([f"public {page} page (HTML), p50 / p99",
                     f"{m['page']['p50_ms']:.1f} / {m['page']['p99_ms']:.1f} ms",
                     f"JSON {m['json']['p50_ms']:.1f} / {m['json']['p99_ms']:.1f} ms",
                     f"ratio {m['ratio_p50']:.2f}; target < {portal_pages.TARGET_MS:.0f} ms "
                     f"{'ok' if m['page_under_target'] else 'OVER'}"])
    sweep = outcomes.get("credit_sweep", {}).get("daily")
    if sweep:
        seconds, target = sweep["seconds"], credit_sweep.TARGET_SECONDS
        rows.append([f"credit daily sweep, {outcomes['credit_sweep']['size']:,} orgs", f"{seconds:.2f} s",
                     f"ceiling {sweep['ceiling_s']:.3f} s", f"target < {target:.0f} s {'ok' if seconds < target else 'OVER'}"])
    for r in outcomes.get("signin_flood", {}).get("results", []):
        steady, onset = r["ratio"]["steady"], r["ratio"]["onset"]
        if steady is None:
            rows.append([f"registrations/s under a sign-in flood, {r['label']}", "-", "-", (r["skipped"] or "-")[:60]])
            continue
        target = outcomes["signin_flood"]["target_ratio"]
        verdict = f"target ≥ {target:.2f} {'ok' if steady >= target else 'BELOW'}" if r["label"] == "throttled" \
            else "contrast: no throttling"
        rows.append([f"registrations/s under a sign-in flood, {r['label']}",
                     f"{r['steady']['ok_per_s']:,.0f} req/s (onset {r['onset']['ok_per_s']:,.0f})",
                     f"quiet {r['quiet']['ok_per_s']:,.0f} req/s",
                     f"ratio {steady:.2f} (onset {onset:.2f}); {verdict}"])
    return rows


def _credit_sweep() -> dict[str, Any]:
    """bench.credit_sweep prints its table and writes its JSON; both are gathered here."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        credit_sweep.main([])
    data = json.loads((RESULTS / "credit_sweep.json").read_text())
    return {**data, "text": out.getvalue().rstrip()}


if __name__ == "__main__":
    sys.exit(main())
