"""`flask hsds check`: walk the Open Referral UK feed as the ORUK validator does, in process (no
network), and report pass / warn / fail (issue 18 §1).

The root and its OpenAPI document; each list with per_page=5 on the first, a middle and the last
page (Page fields consistent, every item valid against the UK profile's compiled schema); the page
past the end (empty); each `{id}` of the first item (valid against the full schema); a bad
parameter and an unknown path (JSON errors); CORS on every response. With `every_page`, every page
of every list is checked at the largest page size.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask

from app.groups.hsds_params import MAX_PER_PAGE
from app.groups.oruk_schemas import problems

BASE = "/api/hsds"
# list path, its item schema, the {id} path's schema
LISTS = (
    ("services", "service_list", "service"),
    ("service_at_locations", "service_at_location_list", "service_at_location"),
    ("organizations", "organization_list", "organization"),
    ("taxonomies", "taxonomy", "taxonomy"),
    ("taxonomy_terms", "taxonomy_term", "taxonomy_term"),
)
STALE_AFTER_DAYS = 92  # ORUK recommends an assured_date under three months old


@dataclass
class Report:
    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, status: str, message: str) -> None:
        self.lines.append((status, message))

    def count(self, status: str) -> int:
        return sum(1 for s, _m in self.lines if s == status)

    @property
    def passed(self) -> bool:
        return self.count("fail") == 0


class _Walker:
    def __init__(self, app: Flask, report: Report, today: dt.date) -> None:
        self.client = app.test_client()
        self.report = report
        self.today = today

    def get(self, url: str):
        response = self.client.get(url)
        if response.headers.get("Access-Control-Allow-Origin") != "*":
            self.report.add("fail", f"{url}: no Access-Control-Allow-Origin: * header")
        if not response.is_json:
            self.report.add("fail", f"{url}: answered {response.status_code} without JSON")
            return response, None
        return response, response.get_json()

    def valid(self, url: str, kind: str, data, page: bool = False) -> bool:
        found = problems(kind, data, page=page)
        for problem in found[:5]:
            self.report.add("fail", f"{url}: {problem}")
        if len(found) > 5:
            self.report.add("fail", f"{url}: {len(found) - 5} more schema problems")
        return not found

    def root(self) -> None:
        url = f"{BASE}/"
        response, body = self.get(url)
        if response.status_code != 200 or body is None:
            self.report.add("fail", f"{url}: answered {response.status_code}")
            return
        ok = self.valid(url, "root", body)
        if body.get("version") != "3.0":
            self.report.add("fail", f"{url}: version is {body.get('version')!r}, not '3.0'")
            ok = False
        openapi_url = str(body.get("openapi_url", ""))
        doc_response, doc = self.get(urlsplit(openapi_url).path or "/")
        if doc_response.status_code != 200 or not (doc or {}).get("openapi"):
            self.report.add("fail", f"{url}: openapi_url {openapi_url} is not an OpenAPI document")
            ok = False
        if ok:
            self.report.add("pass", f"{url}: version 3.0, profile {body['profile']}, openapi_url {openapi_url}")

    def page(self, name: str, kind: str, page: int, per_page: int) -> dict | None:
        url = f"{BASE}/{name}?per_page={per_page}&page={page}"
        response, body = self.get(url)
        if response.status_code != 200 or body is None:
            self.report.add("fail", f"{url}: answered {response.status_code}")
            return None
        ok = self.valid(url, kind, body, page=True)
        for problem in _page_problems(body, page, per_page):
            self.report.add("fail", f"{url}: {problem}")
            ok = False
        if ok:
            self.report.add("pass", f"{url}: {body['size']} of {body['total_items']} valid")
        self.freshness(url, body.get("contents") or [])
        return body

    def freshness(self, url: str, items: list) -> None:
        stale = [
            i for i in items if "assured_date" in i and _days_since(i["assured_date"], self.today) > STALE_AFTER_DAYS
        ]
        missing = [i for i in items if "status" in i and "assured_date" not in i]
        if stale:
            self.report.add("warn", f"{url}: {len(stale)} with an assured_date over three months old")
        if missing:
            self.report.add("warn", f"{url}: {len(missing)} without an assured_date")

    def item(self, name: str, kind: str, item_id: str) -> None:
        url = f"{BASE}/{name}/{item_id}"
        response, body = self.get(url)
        if response.status_code != 200 or body is None:
            self.report.add("fail", f"{url}: answered {response.status_code}")
            return
        if self.valid(url, kind, body):
            self.report.add("pass", f"{url}: valid")

    def walk_list(self, name: str, list_kind: str, item_kind: str, every_page: bool) -> None:
        per_page = MAX_PER_PAGE if every_page else 5
        first = self.page(name, list_kind, 1, per_page)
        if first is None:
            return
        total_pages = first.get("total_pages") or 1
        pages = range(2, total_pages + 1) if every_page else sorted({(total_pages + 1) // 2, total_pages} - {1})
        for number in pages:
            self.page(name, list_kind, number, per_page)
        past = self.page(name, list_kind, total_pages + 1, per_page)
        if past is not None and not (past.get("empty") and past.get("size") == 0):
            self.report.add("fail", f"{BASE}/{name}: the page past the last is not an empty page")
        if first.get("contents"):
            self.item(name, item_kind, first["contents"][0]["id"])
        else:
            self.report.add("warn", f"{BASE}/{name}: no items, so no {{id}} could be checked")

    def errors(self) -> None:
        for url, status in ((f"{BASE}/services?page=x", 400), (f"{BASE}/no-such-list", 404),
                            (f"{BASE}/services/00000000-0000-4000-8000-000000000000", 404)):  # fmt: skip
            response, body = self.get(url)
            if response.status_code != status or not isinstance(body, dict) or "error" not in body:
                self.report.add("fail", f"{url}: expected a JSON {status}, got {response.status_code}")
            else:
                self.report.add("pass", f"{url}: JSON {status}")
        response = self.client.post(f"{BASE}/services")
        if response.status_code != 405 or not response.is_json:
            self.report.add("fail", f"POST {BASE}/services: expected a JSON 405, got {response.status_code}")


def _page_problems(body: dict, page: int, per_page: int) -> list[str]:
    found = []
    contents = body.get("contents") or []
    total = body.get("total_items", 0)
    expected_pages = max(1, math.ceil(total / per_page))
    if body.get("size") != len(contents):
        found.append(f"size {body.get('size')} but {len(contents)} items")
    if body.get("page_number") != page:
        found.append(f"page_number {body.get('page_number')}, asked for {page}")
    if body.get("total_pages") != expected_pages:
        found.append(f"total_pages {body.get('total_pages')}, expected {expected_pages}")
    if body.get("first_page") != (page == 1) or body.get("last_page") != (page >= expected_pages):
        found.append("first_page or last_page is wrong")
    if body.get("empty") != (not contents):
        found.append("empty does not match the items")
    if len(contents) > per_page:
        found.append(f"{len(contents)} items, more than per_page {per_page}")
    return found


def _days_since(value: str, today: dt.date) -> int:
    try:
        return (today - dt.date.fromisoformat(value[:10])).days
    except ValueError:
        return 0


def run_check(app: Flask, every_page: bool = False, today: dt.date | None = None) -> Report:
    report = Report()
    walker = _Walker(app, report, today or dt.datetime.now(dt.UTC).date())
    walker.root()
    for name, list_kind, item_kind in LISTS:
        walker.walk_list(name, list_kind, item_kind, every_page)
    walker.errors()
    return report
