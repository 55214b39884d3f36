"""Progress updates: who may add them (object-level), HTMX, validation, status history, reminders."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.actionplan.models import Action, ProgressUpdate, StatusChange
from app.actionplan.services import send_reminders
from app.db import utcnow
from app.mail.models import OutboxMessage
from app.mail.worker import drain_outbox
from tests import factories
from tests.conftest import body_of

URL = "/action-plans/race-equality/actions/{}/updates"


def _action(db, number):
    return db.session.scalar(select(Action).where(Action.number == number))


def _link(db, number, user):
    action = db.session.scalar(select(Action).where(Action.number == number).options(selectinload(Action.lead_users)))
    action.lead_users.append(user)
    db.session.commit()
    return action


def _form(body="Centres opened in two libraries", status="in_progress", date=("5", "10", "2026")):
    return {"dated": list(date), "status": status, "body": body}


def test_lead_officer_adds_an_update_to_their_action_with_htmx(client, db, imported_plan, login_as):
    officer = factories.user(name="Lena Kowalski")
    _link(db, "3.1", officer)
    login_as(officer)
    page = client.get("/action-plans/race-equality/actions/3.1").get_data(as_text=True)
    assert "Add a progress update" in page
    response = client.post(URL.format("3.1"), data=_form(), headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.lstrip().startswith('<div id="action-timeline">')
    assert "Progress update added to action 3.1." in text and "5 October 2026" in text
    # the status tag at the top of the page changes in the same swap (out of band)
    status_line = text.split('id="action-status"')[1]
    assert status_line.startswith(' hx-swap-oob="true">') and "In progress" in status_line.split("</p>")[0]
    update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.action_id == _action(db, "3.1").id))
    assert update.body == "<p>Centres opened in two libraries</p>" and update.author_id == officer.id
    assert update.source == "manual"
    action = _action(db, "3.1")
    assert action.status == "in_progress"
    change = db.session.scalar(
        select(StatusChange).where(StatusChange.action_id == action.id, StatusChange.source == "update")
    )
    assert (change.from_status, change.to_status, change.changed_by_id) == ("not_started", "in_progress", officer.id)


def test_lead_officer_of_one_action_cannot_update_another(client, db, imported_plan, login_as):
    officer = factories.user()
    _link(db, "3.1", officer)
    login_as(officer)
    assert client.post(URL.format("3.2"), data=_form()).status_code == 403
    assert "Add a progress update" not in client.get("/action-plans/race-equality/actions/3.2").get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count()).select_from(ProgressUpdate).where(ProgressUpdate.source == "manual"))
        == 0
    )


def test_member_and_anonymous_cannot_add_updates(client, db, imported_plan, login_as):
    assert client.post(URL.format("3.1"), data=_form()).status_code == 401
    login_as("member")
    assert client.post(URL.format("3.1"), data=_form()).status_code == 403


def test_update_for_an_action_of_another_plan_is_not_found(client, db, imported_plan, login_as):
    login_as("staff")
    assert client.post("/action-plans/other-plan/actions/3.1/updates", data=_form()).status_code == 404
    assert client.post(URL.format("99.9"), data=_form()).status_code == 404


def test_staff_update_without_javascript_redirects_and_sanitises(client, db, imported_plan, login_as):
    login_as("staff")
    response = client.post(
        URL.format("2.3"),
        data=_form(body='<p onclick="x()">Budget <b>agreed</b></p><script>alert(1)</script>', status="completed"),
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/action-plans/race-equality/actions/2.3")
    update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.source == "manual"))
    assert update.body == "<p>Budget <b>agreed</b></p>"
    assert _action(db, "2.3").status == "completed"


def test_invalid_update_keeps_what_was_typed(client, db, imported_plan, login_as):
    login_as("staff")
    response = client.post(
        URL.format("3.1"), data=_form(body="Half written", date=("31", "2", "2026")), headers={"HX-Request": "true"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Date of the update must be a real date" in text and "Half written" in text
    response = client.post(URL.format("3.1"), data=_form(body="   "))
    assert response.status_code == 200 and "Enter what has happened" in response.get_data(as_text=True)


def test_reminders_go_once_per_period_to_lead_officers_of_stale_actions(app, client, db, imported_plan, smtp_server):
    officer = factories.user(name="Lena Kowalski", email="lena@example.org")
    factories.user(email="other@example.org")
    _link(db, "3.1", officer)
    _link(db, "2.3", officer)
    later = utcnow() + dt.timedelta(weeks=7)
    assert send_reminders(now=later) == 2
    db.session.commit()
    assert send_reminders(now=later) == 0  # the same period: nothing new
    assert send_reminders(now=later + dt.timedelta(days=1)) == 0
    db.session.commit()
    assert send_reminders(now=utcnow()) == 0  # nothing is stale yet
    drain_outbox()
    messages = smtp_server.wait_for(2)
    assert len(messages) == 2 and all(m["To"] == "lena@example.org" for m in messages)
    subjects = sorted(m["Subject"] for m in messages)
    assert subjects == ["Action 2.3 needs a progress update", "Action 3.1 needs a progress update"]
    assert "/action-plans/race-equality/actions/" in body_of(messages[0])
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_reminders_skip_completed_actions_and_recent_updates(app, client, db, imported_plan, login_as):
    officer = factories.user()
    _link(db, "3.1", officer)
    _link(db, "3.2", officer)
    action = _action(db, "3.2")
    action.status = "completed"
    db.session.commit()
    app.config["ACTIONPLAN_REMINDER_WEEKS"] = 2
    login_as(officer)
    client.post(URL.format("3.1"), data=_form())
    assert send_reminders(now=utcnow() + dt.timedelta(days=7)) == 0
    assert send_reminders(now=utcnow() + dt.timedelta(days=15)) == 1
