"""The load generator: wrk (with a Lua script that builds a distinct registration body per request)
when it is installed, else a Python generator in separate processes (raw asyncio HTTP/1.1 with
keep-alive connections, no client library in the hot loop).

Every request body is distinct: number n gives a distinct name and a distinct legal-representative
ID number with a valid GB 11643 check digit, exactly as tests/registry/factories.registration_body(n)
builds them (the template below is derived from that function, so the two cannot drift apart).
Run k of a benchmark uses n from k * RUN_STRIDE on, each wrk thread / generator process its own
THREAD_STRIDE slice, so no two requests of one server's life share an n.

Any response that is not 2xx counts as an error, and so does every socket error or timeout.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.common import REPO

RUN_STRIDE = 1_000_000_000      # n-range of one load run (warm-up, measurement, ...)
THREAD_STRIDE = 100_000_000     # n-range of one wrk thread / generator process within a run
REQUEST_TIMEOUT_S = 30          # a request slower than this counts as a timeout error
GRID = 1000                     # latency quantiles kept per run, at (i + 0.5) / GRID, to merge runs
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


# ---------------------------------------------------------------- the request body

@dataclass(frozen=True)
class BodySpec:
    """JSON text = before_name + name_prefix + n + name_suffix + between + id_number(n) + after_id."""

    before_name: str
    name_prefix: str
    name_suffix: str
    between: str
    after_id: str
    id_prefix: str

    def id_number(self, n: int) -> str:
        first17 = f"{self.id_prefix}{n:011d}"
        return first17 + ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]

    def body(self, n: int) -> bytes:
        return (self.before_name + self.name_prefix + str(n) + self.name_suffix + self.between
                + self.id_number(n) + self.after_id).encode()


def registration_spec() -> BodySpec:
    """Derived from tests/registry/factories.registration_body (and checked against it)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.registry.factories import id_number, registration_body

    probe = 987_654_321
    body = registration_body(probe)
    name_prefix, name_suffix = body["name"].split(str(probe))
    id_prefix = body["legal_representative"]["id_number"][:6]
    body["name"] = "@@NAME@@"
    body["legal_representative"]["id_number"] = "@@ID@@"
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    before_name, rest = text.split('"@@NAME@@"')
    between, after_id = rest.split('"@@ID@@"')
    spec = BodySpec(before_name + '"', name_prefix, name_suffix, '"' + between + '"', '"' + after_id, id_prefix)
    for n in (0, 7, 123_456_789, 2 * RUN_STRIDE + THREAD_STRIDE + 5):  # the template is the factory
        assert json.loads(spec.body(n)) == registration_body(n), n
        assert spec.id_number(n) == id_number(n), n
    return spec


# ---------------------------------------------------------------- results

@dataclass
class LoadResult:
    tool: str
    url: str
    connections: int
    duration_s: float
    completed: int = 0              # responses received within the duration (any status)
    ok: int = 0                     # 2xx responses
    non2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    p50_s: float | None = None
    p99_s: float | None = None
    max_s: float | None = None
    quantiles: list[float] = field(default_factory=list, repr=False)  # GRID latency quantiles, seconds
    error_sample: str = ""
    generator_cpu_s: float | None = None  # CPU the generator itself used (it shares the machine's cores)

    @property
    def ok_per_s(self) -> float:
        return self.ok / self.duration_s if self.duration_s else 0.0

    @property
    def errors(self) -> int:
        return self.non2xx + sum(self.socket_errors.values())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["quantiles"]
        return {**data, "ok_per_s": round(self.ok_per_s, 1), "errors": self.errors}


def merge(parts: list[LoadResult]) -> LoadResult:
    """Several runs against one server as one: counts and durations add up; p50/p99 come from the runs'
    latency quantiles, each run weighted by its number of responses."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    out = LoadResult(first.tool, first.url, first.connections, sum(p.duration_s for p in parts),
                     completed=sum(p.completed for p in parts), ok=sum(p.ok for p in parts),
                     non2xx=sum(p.non2xx for p in parts),
                     max_s=max((p.max_s for p in parts if p.max_s is not None), default=None),
                     error_sample=next((p.error_sample for p in parts if p.error_sample), ""))
    for p in parts:
        for key, value in p.socket_errors.items():
            out.socket_errors[key] = out.socket_errors.get(key, 0) + value
        for key, value in p.statuses.items():
            out.statuses[key] = out.statuses.get(key, 0) + value
    if any(p.generator_cpu_s is not None for p in parts):
        out.generator_cpu_s = sum(p.generator_cpu_s or 0.0 for p in parts)
    points = sorted((v, p.completed / len(p.quantiles)) for p in parts if p.quantiles for v in p.quantiles)
    total = sum(w for _, w in points)
    if total:
        out.quantiles = [_weighted(points, total, (i + 0.5) / GRID) for i in range(GRID)]
        out.p50_s, out.p99_s = _weighted(points, total, 0.50), _weighted(points, total, 0.99)
    return out


def _weighted(points: list[tuple[float, float]], total: float, q: float) -> float:
    seen = 0.0
    for value, weight in points:
        seen += weight
        if seen >= q * total:
            return value
    return points[-1][0]


def choose_tool(preference: str = "auto") -> str:
    if preference == "wrk" and not shutil.which("wrk"):
        raise SystemExit("--generator wrk: wrk is not installed (apt-get install wrk)")
    if preference in ("wrk", "python"):
        return preference
    return "wrk" if shutil.which("wrk") else "python"


def run_load(url: str, *, tool: str, connections: int, duration: float, run_index: int,
             spec: BodySpec | None = None, token: str = "", processes: int = 2, threads: int = 2,
             on_start: Callable[[], None] = lambda: None) -> LoadResult:
    """Drive `url` (POST with distinct bodies when spec is given, else GET) for `duration` seconds;
    `on_start` is called as the load begins (after the generator's own start-up)."""
    before = _children_cpu()
    if tool == "wrk":
        on_start()
        result = _run_wrk(url, connections=connections, duration=duration, n_start=run_index * RUN_STRIDE,
                          spec=spec, token=token, threads=threads)
    else:
        result = _run_python(url, connections=connections, duration=duration, n_start=run_index * RUN_STRIDE,
                             spec=spec, token=token, processes=processes, on_start=on_start)
    result.generator_cpu_s = round(_children_cpu() - before, 2)
    return result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited-for children: the generator processes
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- wrk

_LUA = r"""-- generated by bench/loadgen.py: one distinct registration body per request
local POST = %(post)s
local P1, NP, NS, P2, P3, IDP = [==[%(p1)s]==], [==[%(np)s]==], [==[%(ns)s]==], [==[%(p2)s]==], [==[%(p3)s]==], [==[%(idp)s]==]
local STRIDE = %(stride)d
local W = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local CHECK = "10X98765432"

local threads, next_tid = {}, 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

local path, start, counter = "/", 0, 0
non2xx, statuses, sample = 0, "", ""
local counts = {}

function init(args)
  start = tonumber(args[1]) + tid * STRIDE
  path = args[2]
  if POST then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
  if args[3] and args[3] ~= "" then wrk.headers["Authorization"] = "Bearer " .. args[3] end
end

local function id_number(n)
  local first17 = IDP .. string.format("%%011d", n)
  local s = 0
  for i = 1, 17 do s = s + (first17:byte(i) - 48) * W[i] end
  local k = s %% 11 + 1
  return first17 .. CHECK:sub(k, k)
end

function request()
  if not POST then return wrk.format(nil, path) end
  local n = start + counter
  counter = counter + 1
  return wrk.format(nil, path, nil, P1 .. NP .. string.format("%%d", n) .. NS .. P2 .. id_number(n) .. P3)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    counts[status] = (counts[status] or 0) + 1
    local parts = {}
    for k, v in pairs(counts) do table.insert(parts, k .. ":" .. v) end
    statuses = table.concat(parts, ",")
    if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 300):gsub("[\r\n]", " ") end
  end
end

function done(summary, latency, requests)
  local bad, merged, first = 0, {}, ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    local s = t:get("statuses")
    if s ~= "" then table.insert(merged, s) end
    if first == "" then first = t:get("sample") end
  end
  local e = summary.errors
  io.write(string.format("WRKJSON {\"requests\":%%d,\"duration_us\":%%d,\"connect\":%%d,\"read\":%%d,"
    .. "\"write\":%%d,\"timeout\":%%d,\"status_ge_400\":%%d,\"non2xx\":%%d,\"p50_us\":%%d,\"p99_us\":%%d,"
    .. "\"max_us\":%%d,\"statuses\":\"%%s\"}\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status, bad,
    latency:percentile(50), latency:percentile(99), latency.max, table.concat(merged, ",")))
  io.write("WRKSAMPLE ", first, "\n")
  local q = {}
  for i = 0, %(grid)d - 1 do q[#q + 1] = latency:percentile((i + 0.5) * 100 / %(grid)d) end
  io.write("WRKQ ", table.concat(q, " "), "\n")
end
"""


def _lua_script(spec: BodySpec | None) -> str:
    s = spec or BodySpec("", "", "", "", "", "350203")
    for part in (s.before_name, s.name_prefix, s.name_suffix, s.between, s.after_id):
        assert "]==]" not in part
    return _LUA % {"post": "true" if spec else "false", "p1": s.before_name, "np": s.name_prefix,
                   "ns": s.name_suffix, "p2": s.between, "p3": s.after_id, "idp": s.id_prefix,
                   "stride": THREAD_STRIDE, "grid": GRID}


def _run_wrk(url: str, *, connections: int, duration: float, n_start: int, spec: BodySpec | None, token: str,
             threads: int) -> LoadResult:
    base, path = _split(url)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as script:
        script.write(_lua_script(spec))
    try:
        argv = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
                "--timeout", f"{REQUEST_TIMEOUT_S}s", "-s", script.name, base, "--", str(n_start), path, token]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=duration + REQUEST_TIMEOUT_S + 30)
    finally:
        os.unlink(script.name)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stdout[-800:]} {proc.stderr[-800:]}")
    data = json.loads(line[len("WRKJSON "):])
    sample = next((ln[len("WRKSAMPLE "):] for ln in proc.stdout.splitlines() if ln.startswith("WRKSAMPLE ")), "")
    statuses: dict[str, int] = {}
    for item in filter(None, data["statuses"].split(",")):
        code, count = item.split(":")
        statuses[code] = statuses.get(code, 0) + int(count)
    result = LoadResult("wrk", url, connections, data["duration_us"] / 1e6, completed=data["requests"],
                        ok=data["requests"] - data["non2xx"], non2xx=data["non2xx"],
                        socket_errors={k: data[k] for k in ("connect", "read", "write", "timeout") if data[k]},
                        statuses=statuses, p50_s=data["p50_us"] / 1e6, p99_s=data["p99_us"] / 1e6,
                        max_s=data["max_us"] / 1e6, error_sample=sample.strip())
    grid = next((ln.split()[1:] for ln in proc.stdout.splitlines() if ln.startswith("WRKQ ")), [])
    result.quantiles = [float(v) / 1e6 for v in grid] if data["requests"] else []
    if statuses:
        result.statuses = {"2xx": result.ok, **statuses}
    return result


def _split(url: str) -> tuple[str, str]:
    scheme, _, rest = url.partition("://")
    hostport, slash, path = rest.partition("/")
    host = hostport.split(":")[0]
    if host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("127."):
        raise ValueError(f"load goes to the loopback interface only, not {host}")
    return f"{scheme}://{hostport}", slash + path


# ---------------------------------------------------------------- the Python fallback

def _run_python(url: str, *, connections: int, duration: float, n_start: int, spec: BodySpec | None, token: str,
                processes: int, on_start: Callable[[], None]) -> LoadResult:
    """`processes` generator processes (each an asyncio loop with its share of the connections),
    started together at one wall-clock instant so their windows coincide."""
    processes = max(1, min(processes, connections))
    start_at = time.time() + 1.5  # time for every process to import and connect
    procs = []
    for i in range(processes):
        share = connections // processes + (1 if i < connections % processes else 0)
        argv = [sys.executable, "-m", "bench.loadgen", "--url", url, "--connections", str(share),
                "--duration", str(duration), "--start-at", str(start_at),
                "--n-start", str(n_start + i * THREAD_STRIDE), "--token", token]
        if spec is not None:
            argv.append("--post")
        procs.append(subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    time.sleep(max(0.0, start_at - time.time()))
    on_start()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=duration + REQUEST_TIMEOUT_S + 30)
        if proc.returncode != 0:
            raise RuntimeError(f"python load generator failed ({proc.returncode}): {err[-1500:]}")
        outputs.append(json.loads(out))
    latencies = sorted(x for o in outputs for x in o["latencies"])
    statuses: dict[str, int] = {}
    socket_errors: dict[str, int] = {}
    for o in outputs:
        for k, v in o["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
        for k, v in o["socket_errors"].items():
            socket_errors[k] = socket_errors.get(k, 0) + v
    ok = sum(v for k, v in statuses.items() if k.startswith("2"))
    completed = sum(statuses.values())
    sample = next((o["error_sample"] for o in outputs if o["error_sample"]), "")
    return LoadResult("python", url, connections, duration, completed=completed, ok=ok, non2xx=completed - ok,
                      socket_errors=socket_errors, statuses=statuses if completed != ok else {},
                      p50_s=_pct(latencies, 50), p99_s=_pct(latencies, 99),
                      max_s=latencies[-1] if latencies else None, error_sample=sample,
                      quantiles=[_pct(latencies, 100 * (i + 0.5) / GRID) or 0.0 for i in range(GRID)]
                      if latencies else [])


def _pct(sorted_values: list[float], pct: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * pct / 100))]


class _Worker:
    def __init__(self, url: str, n_start: int, token: str, spec: BodySpec | None, deadline: float) -> None:
        base, self.path = _split(url)
        hostport = base.split("://", 1)[1]
        self.host, _, port = hostport.partition(":")
        self.port = int(port or 80)
        self.spec, self.deadline, self.n = spec, deadline, n_start
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        method = "POST" if spec else "GET"
        self.head = (f"{method} {self.path} HTTP/1.1\r\nHost: {hostport}\r\nUser-Agent: socreg-bench\r\n{auth}"
                     + ("Content-Type: application/json\r\n" if spec else "")).encode()
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.socket_errors: dict[str, int] = {}
        self.error_sample = ""

    def _request(self) -> bytes:
        if self.spec is None:
            return self.head + b"\r\n"
        body = self.spec.body(self.n)
        self.n += 1
        return self.head + f"Content-Length: {len(body)}\r\n\r\n".encode() + body

    def _error(self, kind: str) -> None:
        self.socket_errors[kind] = self.socket_errors.get(kind, 0) + 1

    async def connection(self) -> None:
        reader = writer = None
        while time.monotonic() < self.deadline:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(self.host, self.port)
                assert reader is not None
                request = self._request()
                started = time.monotonic()
                writer.write(request)
                status, body = await asyncio.wait_for(_read_response(reader), REQUEST_TIMEOUT_S)
                ended = time.monotonic()
                if ended > self.deadline:
                    break
                self.latencies.append(round(ended - started, 6))
                self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
                if not 200 <= status < 300 and not self.error_sample:
                    self.error_sample = f"{status} {body[:300].decode(errors='replace')}"
            except asyncio.TimeoutError:
                self._error("timeout")
                writer = _close(writer)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                self._error("connect" if writer is None else "read")
                if not self.error_sample:
                    self.error_sample = f"{type(exc).__name__}: {exc}"
                writer = _close(writer)
                await asyncio.sleep(0.01)
        _close(writer)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status = int((await reader.readline()).split()[1])
    length, chunked = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        key, _, value = line.partition(b":")
        key = key.strip().lower()
        if key == b"content-length":
            length = int(value)
        elif key == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    body = b""
    while (size := int((await reader.readline()).split(b";")[0], 16)):
        body += await reader.readexactly(size + 2)
    await reader.readline()
    return status, body


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        writer.close()
    return None


async def _generate(args: argparse.Namespace) -> dict[str, Any]:
    spec = registration_spec() if args.post else None
    deadline_wall = args.start_at + args.duration
    await asyncio.sleep(max(0.0, args.start_at - time.time()))
    deadline = time.monotonic() + max(0.0, deadline_wall - time.time())
    worker = _Worker(args.url, args.n_start, args.token, spec, deadline)
    tasks = [asyncio.create_task(worker.connection()) for _ in range(args.connections)]
    _, pending = await asyncio.wait(tasks, timeout=max(0.0, deadline - time.monotonic()) + 0.05)
    for task in pending:  # requests still in flight at the end are not counted (as with wrk)
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return {"latencies": worker.latencies, "statuses": worker.statuses, "socket_errors": worker.socket_errors,
            "error_sample": worker.error_sample}


def main() -> None:
    """One generator process (started by _run_python): prints its JSON tally on stdout."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--connections", type=int, required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--start-at", type=float, required=True)
    parser.add_argument("--n-start", type=int, required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--post", action="store_true")
    args = parser.parse_args()
    json.dump(asyncio.run(_generate(args)), sys.stdout)


if __name__ == "__main__":
    main()
