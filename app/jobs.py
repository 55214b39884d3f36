"""`flask worker`: drains the outbox and runs due periodic jobs.

Periodic jobs (event reminders, toolkit deadline reminders…) register themselves with
@periodic("name", seconds) in each feature's jobs.py, which create_app() loads from FEATURES.
Each job must be idempotent: it may run again after a crash.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.mail.worker import drain_outbox

log = logging.getLogger("portal.worker")


@dataclass
class PeriodicJob:
    name: str
    every_seconds: float
    func: Callable[[], object]
    last_run: float = field(default=0.0)


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def periodic(name: str, every_seconds: float) -> Callable:
    def decorator(func: Callable[[], object]) -> Callable[[], object]:
        PERIODIC_JOBS[name] = PeriodicJob(name, every_seconds, func)
        return func

    return decorator


def run_due_jobs(now: float | None = None) -> list[str]:
    now = time.monotonic() if now is None else now
    ran = []
    for job in PERIODIC_JOBS.values():
        if job.last_run == 0.0 or now - job.last_run >= job.every_seconds:
            try:
                job.func()
                db.session.commit()
            except Exception:  # one failing job must not stop mail delivery
                db.session.rollback()
                log.exception("periodic job %s failed", job.name)
            job.last_run = now
            ran.append(job.name)
    return ran


def work_once(stop: threading.Event | None = None) -> int:
    """One pass: periodic jobs, then the outbox (given back at once if `stop` is set). Returns
    messages handled."""
    run_due_jobs()
    result = drain_outbox(stop=stop)
    db.session.remove()
    return result.handled


def run_worker(app: Flask, stop: threading.Event, poll: float | None = None) -> None:
    """Loop until `stop` is set; used by `flask worker` and by the end-to-end tests."""
    with app.app_context():
        poll = app.config["WORKER_POLL_SECONDS"] if poll is None else poll
        while not stop.is_set():
            try:
                handled = work_once(stop)
            except Exception:
                db.session.rollback()
                log.exception("worker pass failed; retrying")
                handled = 0
            if not handled:
                stop.wait(poll)


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Send queued e-mail and run periodic jobs until stopped (Ctrl+C or SIGTERM)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
    if once:
        result = drain_outbox()
        click.echo(f"sent {result.sent}, retrying {result.retried}, failed {result.failed}")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    mode = "SMTP " + str(current_app.config["MAIL_SERVER"]) if current_app.config["MAIL_SERVER"] else "capture mode"
    log.info("worker started (%s)", mode)
    with contextlib.suppress(KeyboardInterrupt):
        run_worker(current_app._get_current_object(), stop)
    log.info("worker stopped")
