"""Reminders to organisations that have not answered: the daily rule (7 days and 1 day before the
closing date, from 9:00 London time), never more than once a day per toolkit (shared with the staff
button), sent by the real worker through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.jobs import PERIODIC_JOBS, run_worker
from app.mail.models import OutboxMessage
from app.times import LONDON
from app.toolkits import reminders
from tests import factories
from tests.conftest import body_of
from tests.factories.groups import organisation
from tests.factories.toolkits import questions, small_toolkit
from tests.toolkits.test_staff import _respond


def _closing_in(toolkit, days: int, now: dt.datetime) -> None:
    """Close at the end of the London day `days` days after `now`'s London date."""
    local_day = now.astimezone(LONDON).date() + dt.timedelta(days=days)
    toolkit.closes_at = dt.datetime.combine(local_day, dt.time(23, 59, 59), tzinfo=LONDON).astimezone(dt.UTC)
    toolkit.opens_at = now - dt.timedelta(days=20)


def _london(y, m, d, h, minute=0) -> dt.datetime:
    return dt.datetime(y, m, d, h, minute, tzinfo=LONDON).astimezone(dt.UTC)


@pytest.mark.parametrize(
    ("days", "hour", "due"),
    [(7, 9, True), (7, 8, False), (7, 23, True), (6, 12, False), (8, 12, False), (2, 12, False), (1, 9, True),
     (0, 12, False)],
)  # fmt: skip
def test_rule_seven_days_and_one_day_before_closing_from_nine(app, db, days, hour, due):
    toolkit = small_toolkit()
    now = _london(2026, 11, 23, hour, 30)
    _closing_in(toolkit, days, now)
    db.session.commit()
    assert reminders.reminder_due(toolkit, now) is due


def test_rule_needs_an_open_organisation_toolkit_with_a_closing_date(app, db):
    now = _london(2026, 11, 23, 10)
    draft = small_toolkit(status="draft")
    _closing_in(draft, 7, now)
    no_close = small_toolkit()
    no_close.closes_at = None
    individual = small_toolkit()
    individual.audience = "individual"
    _closing_in(individual, 7, now)
    not_open = small_toolkit()
    _closing_in(not_open, 7, now)
    not_open.opens_at = now + dt.timedelta(hours=1)
    db.session.commit()
    assert not any(reminders.reminder_due(t, now) for t in (draft, no_close, individual, not_open))


def test_daily_run_reminds_non_responders_once_a_day(app, db):
    toolkit = small_toolkit()
    done_user, waiting_user = factories.user(), factories.user()
    _respond(db, toolkit, organisation(owner=done_user), done_user, {questions(toolkit)["Name"].html_id: "x"})
    waiting = organisation(owner=waiting_user)
    day7 = _london(2026, 11, 23, 9, 5)
    _closing_in(toolkit, 7, day7)
    db.session.commit()

    with app.test_request_context():
        assert reminders.send_due_reminders(day7 - dt.timedelta(hours=1)) == {}  # 8:05: too early
        assert reminders.send_due_reminders(day7) == {toolkit.slug: 1}
        db.session.commit()
        # The worker checks every hour: the rest of the day sends nothing more.
        for hours in range(1, 15):
            assert reminders.send_due_reminders(day7 + dt.timedelta(hours=hours)) == {}
        # Days 6 to 2 are quiet; the day before closing reminds again, once.
        for days in range(1, 6):
            assert reminders.send_due_reminders(day7 + dt.timedelta(days=days)) == {}
        day1 = day7 + dt.timedelta(days=6)
        assert reminders.send_due_reminders(day1) == {toolkit.slug: 1}
        db.session.commit()
        assert reminders.send_due_reminders(day1 + dt.timedelta(hours=3)) == {}
        db.session.commit()

    keys = db.session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "toolkit_reminder")).all()
    assert sorted(keys) == [
        f"toolkit-reminder:{toolkit.id}:2026-11-23:{waiting.id}:{waiting_user.id}",
        f"toolkit-reminder:{toolkit.id}:2026-11-29:{waiting.id}:{waiting_user.id}",
    ]
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "toolkit.reminders_sent")).all()
    assert [a.details for a in audit] == [{"recipients": 1, "automatic": True}] * 2


def test_staff_button_and_daily_run_share_the_once_a_day_limit(client, app, db, login_as):
    toolkit = small_toolkit()
    organisation(owner=factories.user())
    now = dt.datetime.now(dt.UTC)
    _closing_in(toolkit, 7, now)
    db.session.commit()
    login_as("staff")
    assert "Reminders are being sent to 1 person in 1 organisation that have not answered." in client.post(
        f"/staff/toolkits/{toolkit.slug}/remind", follow_redirects=True
    ).get_data(as_text=True)
    app.config["TOOLKIT_REMINDER_HOUR"] = 0
    try:
        with app.test_request_context():
            assert reminders.send_due_reminders(now) == {}
    finally:
        app.config.pop("TOOLKIT_REMINDER_HOUR")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_everyone_answered_sends_nothing_and_records_nothing(app, db):
    toolkit = small_toolkit()
    user = factories.user()
    _respond(db, toolkit, organisation(owner=user), user, {questions(toolkit)["Name"].html_id: "x"})
    now = _london(2026, 11, 23, 10)
    _closing_in(toolkit, 1, now)
    db.session.commit()
    with app.test_request_context():
        assert reminders.send_due_reminders(now) == {}
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_worker_sends_the_reminder_through_smtp(app, db, smtp_server):
    """The real worker loop runs the periodic job (no request context) and delivers the e-mail."""
    assert "toolkit_reminders" in PERIODIC_JOBS
    toolkit = small_toolkit()
    waiting_user = factories.user()
    waiting = organisation(owner=waiting_user)
    _closing_in(toolkit, 1, dt.datetime.now(dt.UTC))
    db.session.commit()
    app.config["TOOLKIT_REMINDER_HOUR"] = 0  # whatever time the tests run
    PERIODIC_JOBS["toolkit_reminders"].last_run = 0.0  # due on the worker's first pass
    stop = threading.Event()
    thread = threading.Thread(target=run_worker, args=(app, stop, 0.05), daemon=True)
    thread.start()
    try:
        [message] = smtp_server.wait_for(1)
    finally:
        stop.set()
        thread.join(5)
        app.config.pop("TOOLKIT_REMINDER_HOUR")
    assert not thread.is_alive()
    assert message["To"] == waiting_user.email
    assert message["Subject"] == f"Reminder: {toolkit.title}"
    text = body_of(message)
    assert f"{waiting.name} has not yet submitted its answers" in text
    assert ".\n\nOne person can answer for the whole organisation" in text.replace("\r\n", "\n")  # own paragraph
    assert f"/toolkits/{toolkit.slug}/respond?org={waiting.id}" in text
    # Running the job again the same day (a restarted worker) sends nothing more.
    with app.app_context():
        PERIODIC_JOBS["toolkit_reminders"].func()
        db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_reminders_say_who_in_words_and_list_organisations_that_cannot_be_reminded(client, db, login_as):
    """Five organisations have not answered; two have members (three people), three have nobody with an
    account: the page says so, lists the three with a link to invite them, and the e-mail gives the
    toolkit's own estimated time."""
    from app.toolkits import services as svc
    from tests.pages import page_text

    toolkit = small_toolkit()
    organisation("Alpha Group", owner=factories.user(), members=[factories.user()])
    organisation("Beta Group", owner=factories.user())
    for name in ("Gamma Group", "Delta Group", "Epsilon Group"):
        org = organisation(name)
        org.email = f"{name.split()[0].lower()}@example.org"
    db.session.commit()
    login_as("staff")
    page = page_text(client.get(f"/staff/toolkits/{toolkit.slug}/results"))
    assert "A reminder would go to 3 people in 2 organisations." in page
    assert "3 organisations that have not answered cannot be reminded, because nobody there has an account" in page
    html = client.get(f"/staff/toolkits/{toolkit.slug}/results").get_data(as_text=True)
    assert 'href="mailto:gamma@example.org?subject=' in html and "invite them by email" in html
    done = page_text(client.post(f"/staff/toolkits/{toolkit.slug}/remind", follow_redirects=True))
    assert "Reminders are being sent to 3 people in 2 organisations that have not answered." in done
    assert "3 organisations have no member with an account, so cannot be reminded" in done
    minutes = svc.estimated_minutes(svc.load_definition(toolkit))
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "toolkit_reminder")).first()
    assert f"It takes about {minutes} minutes" in mail.body_text
    assert "20 minutes" not in mail.body_text or minutes == 20


def test_the_results_page_lists_only_the_first_organisations_that_cannot_be_reminded(client, db, login_as):
    """A directory of thousands of groups without accounts made the results page megabytes long (bench)."""
    from app.toolkits.reminders import UNREACHABLE_SHOWN
    from tests.factories.groups import organisation
    from tests.factories.toolkits import small_toolkit
    from tests.pages import page_text

    toolkit = small_toolkit()
    for n in range(UNREACHABLE_SHOWN + 5):
        organisation(f"Quiet Group {n:03d}")
    db.session.commit()
    login_as("staff")
    response = client.get(f"/staff/toolkits/{toolkit.slug}/results")
    text = page_text(response)
    assert f"{UNREACHABLE_SHOWN + 5} organisations that have not answered cannot be reminded" in text
    assert f"(the first {UNREACHABLE_SHOWN} by name are below)" in text
    listed = response.get_data(as_text=True).split('id="cannot-remind"')[1].split("</ul>")[0]
    assert listed.count("<li>") == UNREACHABLE_SHOWN and "Quiet Group 000" in listed
