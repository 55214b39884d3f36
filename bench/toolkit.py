"""Issue 6's toolkit benchmark at named sizes: `python -m bench --toolkit-sizes 1000,2500`.

For each size, on each database: a fresh database with demo data and
`flask generate-load-data --toolkit-responses N` (a 40-question toolkit, every organisation
answering every question: N × 40 answers), gunicorn as in the main run, then
- the floor (/healthz) and the staff results page, unfiltered and filtered by the theme most
  organisations have, at 4 connections (target p95 ≤ 200 ms, SQL queries per request from the
  bench-mode header; the first request, which computes the aggregates, is timed on its own);
- the CSV export of every response streamed through the real server, with the peak resident memory
  growth of the gunicorn worker that served it (target ≤ 50 MB).

Memory is measured as the worker's RSS, not with tracemalloc in-process: RSS includes what
tracemalloc cannot see (the database driver's result buffers, SQLite's page cache, C-level
allocations of the csv module) and it is what the machine runs out of. The worker's peak is read
from /proc/<pid>/status VmHWM after resetting it (`echo 5 > /proc/<pid>/clear_refs`) just before
the download; a 5 ms sampler of VmRSS runs alongside as a cross-check and as the fallback where the
reset is not allowed.
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
import urllib.parse
from pathlib import Path

from bench.scenarios import Scenario

TOOLKIT_FACTS = {
    "load_toolkit_slug": "SELECT slug FROM toolkits WHERE title = 'Load test toolkit' ORDER BY id DESC LIMIT 1",
    # The theme most organisations with a response have: a filter that still aggregates a lot.
    "load_toolkit_theme": "SELECT t.slug FROM tags t JOIN organisation_tags ot ON ot.tag_id = t.id "
    "JOIN toolkit_responses r ON r.organisation_id = ot.organisation_id WHERE t.kind = 'theme' "
    "GROUP BY t.slug ORDER BY count(*) DESC, t.slug LIMIT 1",
}
STAFF = "staff@example.org"


def scenarios(facts: dict) -> list[tuple[Scenario, str]]:
    slug = facts.get("load_toolkit_slug")
    if not slug:
        return []
    results = f"/staff/toolkits/{slug}/results"
    found = [(Scenario("toolkit results (staff)", "toolkits.staff_results", lambda f: results, connections=4,
                       target_p95_ms=200, sign_in=STAFF), results)]  # fmt: skip
    theme = facts.get("load_toolkit_theme")
    if theme:
        filtered = f"{results}?tag=theme:{theme}"
        found.append((Scenario("toolkit results, one theme (staff)", "toolkits.staff_results", lambda f: filtered,
                               connections=4, target_p95_ms=200, sign_in=STAFF), filtered))  # fmt: skip
        found.append((Scenario("toolkit results fragment (htmx)", "toolkits.staff_results", lambda f: filtered,
                               headers={"HX-Request": "true"}, connections=4, target_p95_ms=200, sign_in=STAFF),
                      filtered))  # fmt: skip
    return found


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":", 1)
            values[key] = int(value.split()[0])
    return values


def workers(master_pid: int) -> list[int]:
    with contextlib.suppress(FileNotFoundError):
        return [int(c) for c in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]
    return []


def timed_get(base: str, path: str, cookie: str, headers: dict | None = None) -> tuple[int, float, int]:
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie, **(headers or {})})
    response = connection.getresponse()
    queries = int(response.headers.get("X-Query-Count", "-1"))
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return response.status, round(elapsed, 1), queries


def csv_memory(base: str, master_pid: int, path: str, cookie: str) -> dict:
    """Download the CSV export through the server, reading it in 64 KB chunks, and report the
    serving worker's peak RSS growth over its RSS just before the request."""
    pids = workers(master_pid)
    before = {pid: _status(pid)["VmRSS"] for pid in pids}
    reset = True
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            reset = False
    peak_sampled = dict(before)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for pid in pids:
                with contextlib.suppress(FileNotFoundError, KeyError):
                    peak_sampled[pid] = max(peak_sampled[pid], _status(pid)["VmRSS"])
            stop.wait(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    first_byte = None
    size = lines = 0
    while chunk := response.read1(64 * 1024):
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    connection.close()
    stop.set()
    sampler.join()
    hwm = {pid: _status(pid)["VmHWM"] for pid in pids}
    growth_hwm = {pid: hwm[pid] - before[pid] for pid in pids}
    growth_sampled = {pid: peak_sampled[pid] - before[pid] for pid in pids}
    served_by = max(pids, key=lambda pid: growth_sampled[pid]) if pids else None
    growth = max(growth_hwm.values()) if reset and pids else max(growth_sampled.values(), default=0)
    return {
        "path": path,
        "status": response.status,
        "transfer": response.headers.get("Transfer-Encoding", ""),
        "bytes": size,
        "rows": max(lines - 1, 0),
        "seconds": round(elapsed, 2),
        "first_byte_ms": round((first_byte or 0) * 1000, 1),
        "worker_rss_before_kib": before.get(served_by, 0),
        "peak_growth_mib": round(growth / 1024, 1),
        "peak_growth_sampled_mib": round(max(growth_sampled.values(), default=0) / 1024, 1),
        "method": "VmHWM after clear_refs" if reset else "VmRSS sampled every 5 ms",
        "ok": response.status == 200 and growth / 1024 <= 50,
    }


def markdown(runs: list[dict]) -> list[str]:
    lines = []
    for run in runs:
        floor = run["floor"]
        lines += [
            f"#### {run['database']}, {run['responses']} organisations × {run['questions']} questions "
            f"({run['answer_rows']} answer rows)",
            "",
            f"Floor `/healthz`: {floor['rps']} req/s, p95 {floor['p95_ms']} ms.",
            "",
            "| scenario | req/s | × floor req/s | p50 ms | p95 ms | p95 × floor | p99 ms | p95 target "
            "| first request ms | errors | SQL/req |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in run["scenarios"]:
            met = "met" if row["p95_ms"] <= row["target_p95_ms"] else "NOT met"
            lines.append(
                f"| {row['scenario']} (c={row['connections']}) | {row['rps']} | {row['throughput_vs_floor']} | "
                f"{row['p50_ms']} | {row['p95_ms']} | {row['p95_vs_floor']} | {row['p99_ms']} | "
                f"≤ {row['target_p95_ms']} ({met}) | {row['first_ms']} | {row['errors']} | {row['sql_queries']} |"
            )
        csv = run.get("csv")
        if csv:
            lines += [
                "",
                f"CSV export: {csv['rows']} responses, {csv['bytes']} bytes in {csv['seconds']} s "
                f"(first byte after {csv['first_byte_ms']} ms, `Transfer-Encoding: {csv['transfer'] or 'none'}`); "
                f"serving worker's peak RSS growth **{csv['peak_growth_mib']} MB** ({csv['method']}; "
                f"5 ms sampler: {csv['peak_growth_sampled_mib']} MB) — target ≤ 50 MB "
                f"({'met' if csv['ok'] else 'NOT met'}).",
            ]
        xlsx = run.get("xlsx")
        if xlsx:
            lines += [
                "",
                f"XLSX export: {xlsx['bytes']} bytes in {xlsx['seconds']} s (status {xlsx['status']}); serving "
                f"worker's peak RSS growth **{xlsx['peak_growth_mib']} MB** ({xlsx['method']}; 5 ms sampler: "
                f"{xlsx['peak_growth_sampled_mib']} MB) — target ≤ 50 MB ({'met' if xlsx['ok'] else 'NOT met'}).",
            ]
        lines.append("")
    return lines
