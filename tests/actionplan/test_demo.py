"""Demo data: a made-up plan with 8 themes and 40 actions in various states, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.actionplan.jobs import delete_old_imports
from app.actionplan.models import Action, ActionPlan, ImportBatch, Theme
from app.db import utcnow


def test_seed_demo_adds_the_demo_plan_once(app, db, client):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(ActionPlan)) == 1
    assert db.session.scalar(select(func.count()).select_from(Theme)) == 8
    assert db.session.scalar(select(func.count()).select_from(Action)) == 40
    statuses = set(db.session.scalars(select(Action.status)))
    assert statuses == {"not_started", "in_progress", "completed", "ongoing", "on_hold"}
    page = client.get("/action-plans/race-equality-action-plan-demo")
    assert page.status_code == 200 and "40 of 40 actions shown" in page.get_data(as_text=True)


def test_old_uploaded_spreadsheets_are_deleted(db):
    import datetime as dt

    db.session.add_all(
        [
            ImportBatch(filename="old.csv", content=b"x", created_at=utcnow() - dt.timedelta(days=31)),
            ImportBatch(filename="new.csv", content=b"x"),
        ]
    )
    db.session.commit()
    assert delete_old_imports() == 1
    db.session.commit()
    assert db.session.scalars(select(ImportBatch.filename)).all() == ["new.csv"]
