"""Benchmark scenarios. A scenario runs only when its endpoint exists, so the list grows as
features land; each feature adds its own here (with the target its issue names)."""

from __future__ import annotations

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


FLOOR = Scenario("floor: /healthz", "main.healthz", lambda facts: "/healthz")

SCENARIOS = [
    Scenario("home", "main.index", lambda facts: "/"),
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
    Scenario(
        "action-plan overview",
        "actionplan.plan",
        lambda facts: f"/action-plans/{facts['plan_slug']}" if facts.get("plan_slug") else None,
    ),
]


def facts_sql() -> dict[str, str]:
    """SQL that finds ids/slugs for scenarios that need one (name -> query returning one value)."""
    return {
        "group_slug": "SELECT slug FROM organisations WHERE status = 'approved' ORDER BY id LIMIT 1",
        "plan_slug": "SELECT slug FROM action_plans WHERE status = 'published' AND visibility = 'public' "
        "ORDER BY id LIMIT 1",
    }
