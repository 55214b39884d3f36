"""`flask generate-load-data` at the sizes issue 8 names, and what bench mode may and may not do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app.actionplan.models import Action, ActionPlan
from app.events.models import Event, Registration
from app.mailing.models import Subscriber, Subscription, Topic

ROOT = Path(__file__).resolve().parents[2]


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_generate_load_data_makes_every_size_it_is_given(app, db):
    from app.mailing.demo import seed_demo as seed_mailing_demo

    seed_mailing_demo()  # the default topics
    db.session.commit()
    topics = count(db, Topic, Topic.archived.is_(False))
    result = app.test_cli_runner().invoke(
        args=[
            "generate-load-data", "--groups", "5", "--subscribers", "300", "--events", "4",
            "--registrations", "25", "--actions", "40",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "300 subscribers" in result.output and "40 action-plan actions" in result.output
    load = Subscriber.email.like("load-subscriber-%")
    assert count(db, Subscriber, load, Subscriber.status == "confirmed") == 300
    assert count(db, Subscription) >= 300 * topics > 0
    events = count(db, Event, Event.slug.like("load-event-%"), Event.status == "published")
    assert events == 4
    assert count(db, Registration, Registration.status == "confirmed") == 100
    plan = db.session.scalar(select(ActionPlan).where(ActionPlan.slug.like("load-plan-%")))
    assert plan.status == "published" and count(db, Action, Action.plan_id == plan.id) == 40
    numbers = db.session.scalars(select(Action.number).where(Action.plan_id == plan.id)).all()
    assert len(set(numbers)) == 40 and "1.1" in numbers and "8.5" in numbers

    # Running it again adds more, with new unique slugs and addresses.
    again = app.test_cli_runner().invoke(args=["generate-load-data", "--subscribers", "10", "--events", "1"])
    assert again.exit_code == 0, again.output
    assert count(db, Subscriber, load) == 310 and count(db, Event, Event.slug.like("load-event-%")) == 5


def test_generated_data_serves_pages(app, db, client):
    runner = app.test_cli_runner()
    assert (
        runner.invoke(args=["generate-load-data", "--events", "2", "--registrations", "3", "--actions", "9"]).exit_code
        == 0
    )
    event = db.session.scalar(select(Event).where(Event.slug.like("load-event-%")).limit(1))
    plan = db.session.scalar(select(ActionPlan).where(ActionPlan.slug.like("load-plan-%")))
    assert client.get("/events").status_code == 200
    assert client.get(f"/events/{event.slug}").status_code == 200
    assert client.get(f"/action-plans/{plan.slug}").status_code == 200


def test_registrations_need_events(app):
    result = app.test_cli_runner().invoke(args=["generate-load-data", "--registrations", "5"])
    assert result.exit_code != 0 and "--events" in result.output


def _config_in_fresh_process(env: dict) -> str:
    code = (
        "from app import create_app; app = create_app(); "
        "print(app.config['BENCH_MODE'], app.config['WTF_CSRF_ENABLED'], "
        "'X-Query-Count' in app.test_client().get('/healthz').headers)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("PORTAL_ENV", "BENCH_MODE")}
    clean["PORTAL_ENV"] = "development"
    out = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout.split()[-3:]


def test_bench_mode_turns_csrf_off_but_production_forces_both_back(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path}/bench.db"}
    assert _config_in_fresh_process({**database, "BENCH_MODE": "1"}) == ["True", "False", "True"]
    assert _config_in_fresh_process(database) == ["False", "True", "False"]
    production = {
        **database,
        "BENCH_MODE": "1",
        "PORTAL_ENV": "production",
        "SECRET_KEY": "4f1c0e9a7b2d6c8e5f3a1b9d7c0e2f4a6b8d1c3e5f7a9b0c",
        "MAIL_SERVER": "127.0.0.1",
        "SERVER_NAME": "portal.example.org",
    }
    assert _config_in_fresh_process(production) == ["False", "True", "False"]
