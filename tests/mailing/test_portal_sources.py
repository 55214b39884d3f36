"""The bulletin composer offers the portal's own content: upcoming public events and action-plan
progress, each added with one click as an ordinary item."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.actionplan.models import Action, ActionPlan, ProgressUpdate, Theme, number_sort_key
from app.db import utcnow
from app.events.models import Event
from app.mailing.models import BulletinItem
from tests.factories import mailing as mf

HX = {"HX-Request": "true"}


def _event(db, title, audience="anyone", days=20, cancelled=False):
    start = utcnow() + dt.timedelta(days=days)
    event = Event(kind="networking", title=title, slug=title.lower().replace(" ", "-"), starts_at=start,
                  ends_at=start + dt.timedelta(hours=3), venue="Town Hall", audience=audience,
                  description="<p>Respond to the commission&#39;s <b>findings</b>.</p><script>x</script>",
                  cancelled_at=utcnow() if cancelled else None)  # fmt: skip
    db.session.add(event)
    return event


def _progress(db, plan_status="published", visibility="public"):
    plan = ActionPlan(title="Race Equality Plan", slug=f"plan-{plan_status}-{visibility}", status=plan_status,
                      visibility=visibility)  # fmt: skip
    theme = Theme(plan=plan, name="Health", position=1)
    action = Action(plan=plan, theme=theme, number="4.10", sort_key=number_sort_key("4.10"),
                    headline="Mental health support in community languages")  # fmt: skip
    body = "<p>Two <b>new</b> peer groups started.</p>"
    update = ProgressUpdate(action=action, dated=dt.date(2026, 11, 2), status="in_progress", body=body,
                            fingerprint=f"fp-{plan.slug}")  # fmt: skip
    db.session.add_all([plan, theme, action, update])
    return update


def test_composer_offers_events_and_action_plan_progress(client, db, login_as):
    login_as("staff")
    _event(db, "Networking evening")
    _event(db, "Members only meeting", audience="members")
    _event(db, "Cancelled workshop", cancelled=True)
    _progress(db)
    _progress(db, plan_status="draft")
    bulletin = mf.bulletin(items=0)
    db.session.commit()

    page = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert "Upcoming events" in page and "Networking evening" in page
    assert "Members only meeting" not in page and "Cancelled workshop" not in page
    assert "Action-plan progress updates" in page
    assert "action 4.10: Mental health support in community languages" in page
    assert page.count('name="source" value="action_plans"') == 1  # the draft plan's update is not offered
    assert page.count('name="source" value="events"') == 1  # members-only and cancelled events are not

    event = db.session.scalar(select(Event).where(Event.title == "Networking evening"))
    client.post(f"/staff/bulletins/{bulletin.id}/items/from-source", data={"source": "events", "key": str(event.id)},
                headers=HX)  # fmt: skip
    update = db.session.scalar(select(ProgressUpdate).join(Action).join(ActionPlan).where(
        ActionPlan.status == "published"))  # fmt: skip
    client.post(f"/staff/bulletins/{bulletin.id}/items/from-source",
                data={"source": "action_plans", "key": str(update.id)}, headers=HX)  # fmt: skip

    items = db.session.scalars(select(BulletinItem).order_by(BulletinItem.position)).all()
    assert [i.kind for i in items] == ["event", "news"]
    assert items[0].heading == "Networking evening"
    assert "Town Hall" in items[0].body and "Respond to the commission's findings." in items[0].body
    assert "<" not in items[0].body and "x" not in items[0].body.split("findings.")[-1]
    assert items[0].link == f"http://localhost/events/{event.slug}"
    assert items[1].body == "2 November 2026: Two new peer groups started."
    assert items[1].link == "http://localhost/action-plans/plan-published-public/actions/4.10"


def test_members_only_event_cannot_be_added_by_key(client, db, login_as):
    login_as("staff")
    hidden = _event(db, "Members only meeting", audience="members")
    bulletin = mf.bulletin(items=0)
    db.session.commit()
    client.post(f"/staff/bulletins/{bulletin.id}/items/from-source", data={"source": "events", "key": str(hidden.id)})
    assert db.session.scalar(select(BulletinItem)) is None
