"""Load data: one published action plan with many actions."""

from __future__ import annotations

import random

from app.actionplan.models import Action, ActionPlan, Theme, number_sort_key
from app.db import utcnow
from app.extensions import db
from bench.loaddata import bulk, next_number


def generate_actions(count: int, seed: int = 1) -> int:
    """One published public plan with `count` actions over eight themes (numbered 1.1, 1.2 … 8.N)."""
    rng = random.Random(seed)
    serial = next_number(ActionPlan.id)
    now = utcnow()
    plan = ActionPlan(
        title=f"Load test action plan {serial}", slug=f"load-plan-{serial}", status="published", visibility="public"
    )
    db.session.add(plan)
    names = ["Workforce and culture", "Crime", "Education", "Social care", "Health", "Heritage", "Jobs", "Money"]
    themes = [Theme(plan=plan, name=name, position=i) for i, name in enumerate(names)]
    db.session.add_all(themes)
    db.session.flush()
    statuses = ["not_started", "in_progress", "completed", "on_hold"]

    def rows():
        for i in range(count):
            theme = i % len(themes)
            number = f"{theme + 1}.{i // len(themes) + 1}"
            yield {
                "plan_id": plan.id,
                "theme_id": themes[theme].id,
                "number": number,
                "sort_key": number_sort_key(number),
                "headline": f"Action {number}: improve access to services for local communities",
                "detail": "<p>Work with community groups to reach people who miss out.</p>",
                "timescale": "2027",
                "quick_win": rng.choice(["yes", "no", "unknown"]),
                "lead_services": ["Public health"],
                "lead_officers": ["Lead officer"],
                "status": rng.choice(statuses),
                "created_at": now,
                "updated_at": now,
            }

    bulk(Action, rows())
    return count
