"""Benchmark scenarios. A scenario runs only when its endpoint exists, so the list grows as
features land; each feature adds its own here (with the target its issue names)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Scenario:
    name: str
    endpoint: str  # Flask endpoint that must exist for the scenario to run
    path: Callable[[dict], str | None]  # gets facts about the generated data, returns a path
    headers: dict[str, str] = field(default_factory=dict)
    connections: int = 8
    target_p95_ms: float | None = None  # from the feature's issue; None = report only
    method: str = "GET"
    script: str | None = None  # a wrk Lua script in bench/ that builds each request (POST bodies)
    sign_in: str | None = None  # demo account whose session cookie the requests carry (staff pages)


FLOOR = Scenario("floor: /healthz", "main.healthz", lambda facts: "/healthz")

SCENARIOS = [
    Scenario("home", "main.index", lambda facts: "/"),
    Scenario(
        "home (member signed in)",
        "main.index",
        lambda facts: "/",
        sign_in="member@example.org",
    ),
    Scenario(
        # The member dashboard (issue 9): the demo member's group page with toolkits, meetings, attendance.
        "member dashboard",
        "main.group_dashboard",
        lambda facts: f"/my-group/{facts['member_group_id']}" if facts.get("member_group_id") else None,
        sign_in="member@example.org",
    ),
    Scenario("sign-in page", "auth.login", lambda facts: "/login"),
    Scenario("accessibility statement", "main.accessibility", lambda facts: "/accessibility"),
    Scenario("directory page", "groups.index", lambda facts: "/groups?q=health", target_p95_ms=60),
    Scenario(
        "directory search fragment",
        "groups.index",
        lambda facts: "/groups?q=health",
        headers={"HX-Request": "true"},
        target_p95_ms=30,
    ),
    Scenario(
        "group profile",
        "groups.profile",
        lambda facts: f"/groups/{facts['group_slug']}" if facts.get("group_slug") else None,
    ),
    Scenario("events list", "events.index", lambda facts: "/events"),
    Scenario(
        "event page",
        "events.detail",
        lambda facts: f"/events/{facts['event_slug']}" if facts.get("event_slug") else None,
    ),
    Scenario(
        # Each request books a place with a new address (capacity unlimited on generated events).
        "register POST",
        "events.register",
        lambda facts: f"/events/{facts['event_slug']}/register" if facts.get("event_slug") else None,
        method="POST",
        script="register.lua",
    ),
    Scenario("bulletin archive", "mailing.bulletins", lambda facts: "/bulletins"),
    # The toolkit feature (issue 6) lands separately: these run once its endpoints exist and the
    # data has a toolkit (the facts below find one, or the scenario is skipped).
    Scenario(
        '"You said"',
        "toolkits.you_said",
        lambda facts: f"/toolkits/{facts['toolkit_slug']}/you-said" if facts.get("toolkit_slug") else None,
    ),
    Scenario(
        "toolkit results (staff)",
        "toolkits.staff_results",
        lambda facts: facts.get("toolkit_results_path"),
        connections=4,
        target_p95_ms=200,
        sign_in="staff@example.org",
    ),
    Scenario(
        "action-plan overview",
        "actionplan.plan",
        lambda facts: f"/action-plans/{facts['plan_slug']}" if facts.get("plan_slug") else None,
    ),
    # Issue 21 §4a: the staff dashboard (queues and counts) and the funder report (a quarter's figures),
    # signed in as the demo staff account. Targets: p95 at most 100 ms and 300 ms on this 2-core machine
    # with the default load data (the report reads every table the quarter touches).
    Scenario(
        "staff dashboard", "staff.dashboard", lambda facts: "/staff", target_p95_ms=100, sign_in="staff@example.org"
    ),
    Scenario(
        "funder report",
        "reports.index",
        lambda facts: "/staff/reports",
        connections=4,
        target_p95_ms=300,
        sign_in="staff@example.org",
    ),
]


def facts_sql() -> dict[str, str]:
    """SQL that finds ids/slugs for scenarios that need one (name -> query returning one value)."""
    return {
        "group_slug": "SELECT slug FROM organisations WHERE status = 'approved' ORDER BY id LIMIT 1",
        "plan_slug": "SELECT slug FROM action_plans WHERE status = 'published' AND visibility = 'public' "
        "ORDER BY id LIMIT 1",
        # Generated events first (unlimited places, open to anyone), else a demo one.
        "event_slug": "SELECT slug FROM events WHERE status = 'published' AND audience = 'anyone' "
        "AND starts_at > CURRENT_TIMESTAMP ORDER BY (slug LIKE 'load-event-%') DESC, id LIMIT 1",
        "bulletin_slug": "SELECT slug FROM mailing_bulletins WHERE status = 'sent' ORDER BY id LIMIT 1",
        # Tables of features not merged yet: a query that fails just leaves the fact unset.
        # "You said" needs published findings (the demo toolkit); the results page is measured on the
        # generated 40-question toolkit when the load data has one (--toolkit-responses N).
        "toolkit_slug": "SELECT slug FROM toolkits ORDER BY (you_said_published_at IS NOT NULL) DESC, id LIMIT 1",
        "toolkit_id": "SELECT id FROM toolkits ORDER BY (title = 'Load test toolkit') DESC, id DESC LIMIT 1",
        "results_toolkit_slug": "SELECT slug FROM toolkits "
        "ORDER BY (title = 'Load test toolkit') DESC, id DESC LIMIT 1",
        "member_group_id": "SELECT m.organisation_id FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE u.email = 'member@example.org' ORDER BY m.id LIMIT 1",
    }


def derived_facts(facts: dict, rules: dict[str, str]) -> dict:
    """Facts built from the route map: a path for an endpoint whose URL shape is not known here
    (e.g. the toolkit results page), filled from the facts by argument name."""
    import re

    rule = rules.get("toolkits.staff_results")
    if rule and facts.get("toolkit_id") is not None:
        slug = facts.get("results_toolkit_slug") or facts.get("toolkit_slug")
        values = {"toolkit_id": facts["toolkit_id"], "id": facts["toolkit_id"], "slug": slug}

        def fill(match: re.Match) -> str:
            value = values.get(match.group(1))
            return str(value) if value is not None else match.group(0)

        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", fill, rule)
        if "<" not in path:
            facts["toolkit_results_path"] = path
    return facts


def free_port() -> int:
    """A free TCP port on loopback, for a server a benchmark starts."""
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
