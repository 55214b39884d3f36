"""`make audit`: Lighthouse (npm, pinned in package.json and package-lock.json, installed into the
project's own node_modules) with Debian's Chromium, on eight key pages of the portal served by gunicorn
over a fresh SQLite database with the demo data. Prints accessibility, layout shift (CLS), best
practices and SEO for each page, writes the full reports to bench/results/, and fails when a page
misses a target (issue 21: accessibility 100, CLS under 0.05, best practices 100, SEO 100).

    python -m bench.audit            # every page
    python -m bench.audit --only event   # pages whose name contains "event"
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from bench.__main__ import RESULTS, ROOT, database, flask, read_facts, server

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = "performance,accessibility,best-practices,seo"  # performance gives the CLS figure

# (name, path or a function of the facts that gives one)
PAGES = [
    ("home", "/"),
    ("directory", "/groups"),
    ("group profile", lambda facts: f"/groups/{facts['group_slug']}"),
    ("events", "/events"),
    ("event page", lambda facts: f"/events/{facts['event_slug']}"),
    ("mailing list sign-up", "/mailing-list"),
    ("accessibility statement", "/accessibility"),
    ("sign in", "/login"),
]
FACTS = {
    "group_slug": "SELECT slug FROM organisations WHERE status = 'approved' ORDER BY id LIMIT 1",
    "event_slug": "SELECT slug FROM events WHERE status = 'published' AND audience = 'anyone' "
    "AND starts_at > CURRENT_TIMESTAMP ORDER BY id LIMIT 1",
}
TARGETS = {"accessibility": 100, "best-practices": 100, "seo": 100}
CLS_TARGET = 0.05


def lighthouse(url: str, report: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": CHROME_PATH}
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={CATEGORIES}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not report.exists():
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return json.loads(report.read_text())


def figures(data: dict) -> dict:
    """The four figures, and the titles of the failed audits of the three scored categories."""
    categories = data["categories"]
    scores = {key: round((categories[key]["score"] or 0) * 100) for key in TARGETS}
    cls = data["audits"]["cumulative-layout-shift"]["numericValue"]
    failed = []
    for key in TARGETS:
        for ref in categories[key]["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                failed.append(f"{key}: {audit['title']}")
    return {**scores, "cls": cls, "failed": failed}


def misses(row: dict) -> list[str]:
    problems = [f"{key} {row[key]} < {target}" for key, target in TARGETS.items() if row[key] < target]
    if row["cls"] >= CLS_TARGET:
        problems.append(f"CLS {row['cls']:.3f} >= {CLS_TARGET}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", default=[], help="pages whose name contains this")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit("node_modules/.bin/lighthouse is missing: run `npm ci` (make audit does)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    pages = [(name, path) for name, path in PAGES if not args.only or any(text in name for text in args.only)]
    rows = []
    with database("sqlite") as url:
        env = {
            **os.environ,
            "FLASK_APP": "wsgi.py",
            "PORTAL_ENV": "development",
            "DATABASE_URL": url,
            "RATELIMIT_ENABLED": "0",
            "SECRET_KEY": "audit-" + "x" * 40,
        }
        flask(env, "db", "upgrade")
        flask(env, "seed-demo")
        facts = read_facts(url, FACTS)
        with server(env) as (base, _process):
            for name, path in pages:
                path = path(facts) if callable(path) else path
                report = RESULTS / f"lighthouse-{name.replace(' ', '-')}.json"
                row = {"page": name, "path": path, **figures(lighthouse(base + path, report))}
                rows.append(row)
                print(
                    f"{name:<24} accessibility {row['accessibility']:>3}  CLS {row['cls']:.3f}  "
                    f"best practices {row['best-practices']:>3}  SEO {row['seo']:>3}  {path}",
                    flush=True,
                )
    failing = {row["page"]: misses(row) + row["failed"] for row in rows if misses(row) or row["failed"]}
    (RESULTS / "audit.json").write_text(json.dumps(rows, indent=2))
    for page, problems in failing.items():
        print(f"\n{page}:\n  " + "\n  ".join(problems))
    print(f"\n{len(rows) - len(failing)} of {len(rows)} pages meet every target; reports in {RESULTS}/")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
