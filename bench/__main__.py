"""Run the benchmarks: `make bench` (full), `make bench BENCH_ARGS=--quick`, `make bench SOAK=600`.

For each database (SQLite, and PostgreSQL when it answers): make a fresh database, migrate, load
demo data plus generated load data, start gunicorn (2 workers, BENCH_MODE on) on loopback, measure
the floor (/healthz) and every scenario with wrk from a separate process, and write
bench/results/latest.json, bench/results/latest.md and the table in docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench import mail
from bench import toolkit as toolkit_bench
from bench.scenarios import FLOOR, SCENARIOS, Scenario, derived_facts, facts_sql, free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "results"
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def flask(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def has_command(env: dict, name: str) -> bool:
    result = subprocess.run([str(BIN / "flask"), name, "--help"], env=env, cwd=ROOT, capture_output=True)
    return result.returncode == 0


@contextlib.contextmanager
def database(kind: str):
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="portal-bench-")
        try:
            yield f"sqlite:///{folder}/bench.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    from sqlalchemy import create_engine, make_url, text

    base = make_url(PG_URL)
    name = f"bench_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pg_available() -> bool:
    result = subprocess.run([str(BIN / "python"), "scripts/pg_ready.py", PG_URL], cwd=ROOT, capture_output=True)
    return result.returncode == 0


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (gunicorn master + workers)."""
    total = 0
    pids = [pid]
    with contextlib.suppress(FileNotFoundError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    for p in pids:
        with contextlib.suppress(FileNotFoundError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


@contextlib.contextmanager
def server(env: dict):
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)
    try:
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


PROBE_BODY = (
    "name=Bench+Probe&email=bench-probe-{n}%40example.org&organisation_name=Load+test&access_needs=&dietary_needs="
)


def probe(base: str, path: str, headers: dict, method: str = "GET") -> tuple[int, int, int]:
    """One request outside the load (redirects not followed): status, SQL queries (bench-mode
    header) and response bytes."""
    import http.client

    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = None
    if method == "POST":
        headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        body = PROBE_BODY.format(n=f"{os.getpid()}-{time.time_ns()}")
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, int(response.headers.get("X-Query-Count", "-1")), len(data)


def wrk(base: str, path: str, headers: dict, seconds: int, connections: int, script: Path, env=None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run([*command, base + path], capture_output=True, text=True, env=env, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    data = json.loads(line[len("BENCH_JSON ") :])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["error_count"] = sum(data["errors"].values())
    return data


def measure(base: str, scenario: Scenario, path: str, seconds: int, cookies: dict | None = None) -> dict:
    headers = dict(scenario.headers)
    if scenario.sign_in:
        headers["Cookie"] = (cookies or {})[scenario.sign_in]
    status, queries, size = probe(base, path, headers, scenario.method)
    script, env = ROOT / "bench" / "report.lua", None
    if scenario.script:
        script = ROOT / "bench" / scenario.script
        env = {**os.environ, "REPORT_LUA": str(ROOT / "bench" / "report.lua"), "RUN_ID": str(time.time_ns())}
    figures = wrk(base, path, headers, seconds, scenario.connections, script, env=env)
    return {
        "scenario": scenario.name,
        "method": scenario.method,
        "path": path,
        "status": status,
        "connections": scenario.connections,
        "rps": round(figures["rps"], 1),
        "p50_ms": round(figures["p50_us"] / 1000, 2),
        "p95_ms": round(figures["p95_us"] / 1000, 2),
        "p99_ms": round(figures["p99_us"] / 1000, 2),
        "errors": figures["error_count"],
        "sql_queries": queries,
        "bytes": size,
        "target_p95_ms": scenario.target_p95_ms,
    }


def migrated_with_demo_data(url: str) -> dict:
    """The server's environment for a fresh database at `url`, after migrating it and loading demo data."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": url,
        "BENCH_MODE": "1",
        "RATELIMIT_ENABLED": "0",
        "SECRET_KEY": "bench-" + "x" * 40,
    }
    env["PORTAL_ENV"] = "development"  # BENCH_MODE is a development-only switch
    flask(env, "db", "upgrade")
    flask(env, "seed-demo")
    return env


def run_database(kind: str, args) -> dict:
    with database(kind) as url:
        env = migrated_with_demo_data(url)
        if has_command(env, "generate-load-data"):
            # The sizes the issues' targets name; --quick uses smaller data to finish in under 2 minutes.
            flask(env, "generate-load-data", *(args.load_args or (QUICK_SIZES if args.quick else FULL_SIZES)))
        rules = routes(env)
        facts = derived_facts(read_facts(url), rules)
        seconds = args.seconds
        sizes = args.load_args or (QUICK_SIZES if args.quick else FULL_SIZES)
        results = {"database": kind, "load_data": " ".join(sizes), "scenarios": [], "skipped": []}
        with server(env) as (base, process):
            memory_start = rss_kib(process.pid)
            floor = measure(base, FLOOR, "/healthz", seconds)
            results["floor"] = floor
            cookies = {}
            for scenario in [] if args.only_mail else SCENARIOS:
                if args.only and not any(text in scenario.name for text in args.only):
                    continue
                path = scenario.path(facts) if scenario.endpoint in rules else None
                if path is None:
                    results["skipped"].append(scenario.name)
                    continue
                if scenario.sign_in and scenario.sign_in not in cookies:
                    cookies[scenario.sign_in] = mail.sign_in(base, scenario.sign_in)
                row = measure(base, scenario, path, seconds, cookies)
                row["throughput_vs_floor"] = round(row["rps"] / floor["rps"], 3) if floor["rps"] else None
                row["p95_vs_floor"] = round(row["p95_ms"] / floor["p95_ms"], 2) if floor["p95_ms"] else None
                results["scenarios"].append(row)
            if args.soak and not args.only_mail:
                paths = [s["path"] for s in results["scenarios"] if s["method"] == "GET"]
                results["soak"] = soak(base, process, args.soak, paths)
            results["memory_kib"] = {"start": memory_start, "end": rss_kib(process.pid)}
            if not args.no_mail:
                print(f"== {kind}: bulk mail", file=sys.stderr)
                results["mail"] = mail.run(
                    base, env, url, RESULTS, kind, profile=args.profile_mail, rounds=args.mail_rounds
                )
        return results


# generate-load-data sizes: issue 3 (10,000 groups), issue 4 (10,000 subscribers), events with
# registrations (issue 5's ~50 participants), a long action plan (issue 7).
# and a 40-question toolkit answered by 1,000 organisations (issue 6; --toolkit-sizes for 2,500).
FULL_SIZES = ["--groups", "10000", "--subscribers", "10000", "--events", "200", "--registrations", "50",
              "--actions", "500", "--toolkit-responses", "1000"]  # fmt: skip
QUICK_SIZES = ["--groups", "1000", "--subscribers", "2000", "--events", "50", "--registrations", "20",
               "--actions", "200", "--toolkit-responses", "200"]  # fmt: skip


def run_toolkit(kind: str, size: int, args) -> dict:
    """Issue 6's sizes on their own (bench/toolkit.py): results page and CSV export memory."""
    with database(kind) as url:
        env = migrated_with_demo_data(url)
        flask(env, "generate-load-data", "--toolkit-responses", str(size), "--toolkit-questions", "40")
        facts = read_facts(url, toolkit_bench.TOOLKIT_FACTS)
        facts.update(read_facts(url, {"answer_rows": "SELECT count(*) FROM toolkit_answers a JOIN toolkit_questions q "
                                      "ON q.id = a.question_id JOIN toolkits t ON t.id = q.toolkit_id "
                                      "WHERE t.title = 'Load test toolkit'"}))  # fmt: skip
        result = {"database": kind, "responses": size, "questions": 40, "answer_rows": facts.get("answer_rows"),
                  "scenarios": []}  # fmt: skip
        with server(env) as (base, process):
            floor = measure(base, FLOOR, "/healthz", args.seconds)
            result["floor"] = floor
            cookie = mail.sign_in(base, toolkit_bench.STAFF)
            for scenario, path in toolkit_bench.scenarios(facts):
                # The first request on each worker computes the aggregates; time one on its own.
                _status, first_ms, _queries = toolkit_bench.timed_get(base, path, cookie, scenario.headers)
                row = measure(base, scenario, path, args.seconds, {toolkit_bench.STAFF: cookie})
                row["first_ms"] = first_ms
                row["throughput_vs_floor"] = round(row["rps"] / floor["rps"], 3) if floor["rps"] else None
                row["p95_vs_floor"] = round(row["p95_ms"] / floor["p95_ms"], 2) if floor["p95_ms"] else None
                result["scenarios"].append(row)
            slug = facts.get("load_toolkit_slug")
            if slug:
                result["csv"] = toolkit_bench.csv_memory(
                    base, process.pid, f"/staff/toolkits/{slug}/results.csv", cookie
                )
                # Issue 16: the XLSX export (written row by row, openpyxl's write-only mode) stays flat too.
                result["xlsx"] = toolkit_bench.csv_memory(
                    base, process.pid, f"/staff/toolkits/{slug}/results.xlsx", cookie
                )
        return result


def routes(env: dict) -> dict[str, str]:
    """endpoint -> URL rule, from `flask routes` (the first rule of each endpoint)."""
    rules: dict[str, str] = {}
    for line in flask(env, "routes", "--sort", "endpoint").splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 3:
            rules.setdefault(parts[0], parts[-1])
    return rules


def read_facts(url: str, queries: dict | None = None) -> dict:
    """Ids and slugs the scenarios need; a query on a table that does not exist yet gives nothing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    facts = {}
    engine = create_engine(url)
    for name, sql in (queries or facts_sql()).items():
        try:
            with engine.connect() as conn:
                facts[name] = conn.execute(text(sql)).scalar()
        except SQLAlchemyError:
            facts[name] = None
    engine.dispose()
    return facts


def soak(base: str, process, seconds: int, paths: list[str]) -> dict:
    start = rss_kib(process.pid)
    env = {**os.environ, "PATHS": " ".join(paths or ["/healthz"]), "REPORT_LUA": str(ROOT / "bench" / "report.lua")}
    figures = wrk(base, "/", {}, seconds, 8, ROOT / "bench" / "mixed.lua", env=env)
    end = rss_kib(process.pid)
    growth = (end - start) / start * 100 if start else 0.0
    return {
        "seconds": seconds,
        "requests": figures["requests"],
        "errors": figures["error_count"],
        "rss_start_kib": start,
        "rss_end_kib": end,
        "growth_percent": round(growth, 1),
        "ok": figures["error_count"] == 0 and growth < 10,
    }


def markdown(run: dict) -> str:
    lines = [
        f"Run {run['date']} on {run['machine']} (gunicorn 2 workers, wrk 2 threads, {run['seconds']} s per scenario).",
        "",
    ]
    for db in run["databases"]:
        floor = db["floor"]
        lines += [
            f"### {db['database']}",
            "",
            f"Floor `/healthz`: {floor['rps']} req/s, p50 {floor['p50_ms']} ms, p95 {floor['p95_ms']} ms, "
            f"p99 {floor['p99_ms']} ms, {floor['errors']} errors.",
            "",
            f"Data: demo data plus `generate-load-data {db.get('load_data', '')}`.",
            "",
            "| scenario | req/s | × floor req/s | p50 ms | p95 ms | p99 ms | p95 target | errors | SQL/req | bytes |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in db["scenarios"]:
            target = f"≤ {row['target_p95_ms']}" if row["target_p95_ms"] else "–"
            lines.append(
                f"| {row['scenario']} (`{row.get('method', 'GET')} {row['path']}`, c={row['connections']}) | "
                f"{row['rps']} | "
                f"{row['throughput_vs_floor']} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} | {target} | "
                f"{row['errors']} | {row['sql_queries']} | {row['bytes']} |"
            )
        if db.get("soak"):
            s = db["soak"]
            lines += [
                "",
                f"Soak {s['seconds']} s: {s['requests']} requests, {s['errors']} errors, server memory "
                f"{s['rss_start_kib']} → {s['rss_end_kib']} KiB ({s['growth_percent']} %): "
                f"{'within' if s['ok'] else 'OUTSIDE'} the 10 % limit.",
            ]
        if db.get("mail"):
            lines += ["", *mail.markdown(db["mail"])]
            if "send_request_ms" in db["mail"] and floor["p50_ms"]:
                lines += [
                    "",
                    f"Send request ÷ floor p50: {round(db['mail']['send_request_ms'] / floor['p50_ms'], 1)} "
                    f"(floor p50 {floor['p50_ms']} ms in this run).",
                ]
        if db["skipped"]:
            lines += ["", "Not yet built, so not measured: " + ", ".join(db["skipped"]) + "."]
        lines.append("")
    return "\n".join(lines)


def update_performance_doc(text: str, marker: str = "bench") -> None:
    doc = ROOT / "docs" / "performance.md"
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    current = doc.read_text()
    before, rest = current.split(start, 1)
    _, after = rest.split(end, 1)
    doc.write_text(f"{before}{start}\n{text}\n{end}{after}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="short runs (2 s a scenario, one mail turn each), under 2 minutes"
    )
    parser.add_argument("--seconds", type=int, default=10, help="seconds of load per scenario")
    parser.add_argument("--soak", type=int, default=0, help="also run mixed traffic for N seconds")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    parser.add_argument("--no-mail", action="store_true", help="skip the bulk-mail benchmark")
    parser.add_argument("--profile-mail", action="store_true", help="also profile the mail worker (cProfile)")
    parser.add_argument("--mail-rounds", type=int, default=2, help="turns each for the worker and the bare loop")
    parser.add_argument(
        "--only-mail",
        action="store_true",
        help="measure only the floor and the bulk-mail step (e.g. `--only-mail --db sqlite -- --subscribers 10000`)",
    )
    parser.add_argument(
        "--toolkit-sizes",
        default="",
        help="only issue 6's toolkit benchmark, at these numbers of organisations (e.g. 1000,2500)",
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="TEXT",
        help="run only scenarios whose name contains TEXT (repeatable; the floor always runs)",
    )  # fmt: skip
    parser.add_argument("load_args", nargs="*", help="passed to `flask generate-load-data`")
    args = parser.parse_args(argv)
    if args.quick:
        # 15 scenarios × 2 databases: 2 s each keeps the whole run under 2 minutes on 2 cores.
        args.seconds = 2
        args.mail_rounds = 1
    if args.only_mail and args.no_mail:
        parser.error("--only-mail and --no-mail exclude each other")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (make bench installs it with apt)")
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in kinds and not pg_available():
        if args.db == "postgres" or os.environ.get("CI") == "true":
            raise SystemExit(f"PostgreSQL does not answer at {PG_URL}")
        print(f"PostgreSQL does not answer at {PG_URL}: SQLite only", file=sys.stderr)
        kinds = ["sqlite"]
    run = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()} ({os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()})",
        "seconds": args.seconds,
        "databases": [],
    }
    if args.toolkit_sizes:
        sizes = [int(n) for n in args.toolkit_sizes.split(",") if n.strip()]
        runs = []
        for kind in kinds:
            for size in sizes:
                print(f"== {kind}: toolkit, {size} organisations", file=sys.stderr)
                runs.append(run_toolkit(kind, size, args))
                RESULTS.mkdir(parents=True, exist_ok=True)  # keep what is measured if a later size fails
                (RESULTS / "toolkit-partial.md").write_text("\n".join(toolkit_bench.markdown(runs)))
        run["toolkit"] = runs
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "toolkit.json").write_text(json.dumps(run, indent=2))
        text = "\n".join([
            f"Run {run['date']} on {run['machine']} (gunicorn 2 workers, wrk 2 threads, {run['seconds']} s per "
            "scenario; the machine was shared with other work, so compare ratios to the floor).",
            "",
            *toolkit_bench.markdown(runs),
        ])  # fmt: skip
        (RESULTS / "toolkit.md").write_text(text)
        if not args.no_doc:
            update_performance_doc(text, marker="bench-toolkit")
        print(text)
        failed = any(not r.get("csv", {}).get("ok", True) for r in runs)
        return 1 if failed else 0
    for kind in kinds:
        print(f"== {kind}", file=sys.stderr)
        run["databases"].append(run_database(kind, args))
    RESULTS.mkdir(parents=True, exist_ok=True)
    # A mail-only run keeps its own files and leaves the full table in docs/performance.md alone.
    stem = "latest-mail" if args.only_mail else "latest"
    (RESULTS / f"{stem}.json").write_text(json.dumps(run, indent=2))
    text = markdown(run)
    (RESULTS / f"{stem}.md").write_text(text)
    if not args.no_doc and not args.only_mail:
        update_performance_doc(text)
    print(text)
    soak_failed = any(db.get("soak") and not db["soak"]["ok"] for db in run["databases"])
    return 1 if soak_failed else 0


if __name__ == "__main__":
    sys.exit(main())
