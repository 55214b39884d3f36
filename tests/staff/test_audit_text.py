"""The audit log reads as sentences with names (issue 21 §7)."""

from __future__ import annotations

import datetime as dt
from html import unescape

from app.audit import AuditEvent, record
from app.staff.audit_text import describe, verb_label
from tests import factories
from tests.factories import events as eh
from tests.factories.groups import organisation


def test_sentences_name_the_people_and_things_and_say_when_a_meeting_moved(app, db):
    staff = factories.user(name="Amina Yusuf", role="staff")
    bilal = factories.user(name="Bilal Ahmed")
    org = organisation("Roots Trust", owner=bilal)
    event = eh.event(title="Network meeting")
    db.session.commit()
    may11 = dt.datetime(2027, 5, 11, 17, 0, tzinfo=dt.UTC)
    may18 = dt.datetime(2027, 5, 18, 17, 0, tzinfo=dt.UTC)
    with app.test_request_context():
        rows = [
            record("user.role_changed", bilal, actor=staff, old="member", new="staff", email=bilal.email),
            record("group.approved", org, actor=staff),
            record("event.moved", event, actor=staff, title=event.title, was=may11.isoformat(), now=may18.isoformat()),
            record("group.something_new", org, actor=staff, flagged=True),
        ]
    db.session.commit()
    events = db.session.scalars(db.select(AuditEvent).options(db.joinedload(AuditEvent.actor))).all()
    lines = {line.event.verb: line for line in describe(events)}
    assert len(rows) == 4
    assert lines["user.role_changed"].sentence == "Amina Yusuf changed Bilal Ahmed's role from member to staff"
    assert lines["user.role_changed"].details == ["email: " + bilal.email]
    assert lines["group.approved"].sentence == "Amina Yusuf approved Roots Trust"
    assert lines["event.moved"].sentence == (
        "Amina Yusuf moved Network meeting from 11 May 2027 at 6pm to 18 May 2027 at 6pm"
    )
    # A verb with no sentence yet still reads, and a yes/no detail says yes, not True.
    assert lines["group.something_new"].sentence == "Amina Yusuf: group: something new"
    assert lines["group.something_new"].details == ["flagged: yes"]


def test_a_deleted_target_and_an_anonymous_actor(app, db):
    user = factories.user(name="Gone Person")
    db.session.commit()
    with app.test_request_context():
        record("user.password_reset_requested", user, actor=None)
        record("user.login_failed", None, actor=None, email="who@example.org")
    db.session.commit()
    db.session.delete(user)
    db.session.commit()
    events = db.session.scalars(
        db.select(AuditEvent).options(db.joinedload(AuditEvent.actor)).order_by(AuditEvent.id)
    ).all()
    sentences = [line.sentence for line in describe(events)]
    assert sentences == [
        "Someone asked for a password reset for a user since deleted",
        "Someone failed to sign in as who@example.org",
    ]
    assert verb_label("user.role_changed") == "Role changed"  # every recorded verb has a label (walk fixes)
    assert verb_label("user.no_longer_recorded") == "User: no longer recorded"


def test_the_audit_page_shows_sentences_in_a_fixed_number_of_queries(client, login_as, db, query_budget):
    login_as("admin")
    for n in range(12):
        org = organisation(f"Group {n}")
        db.session.commit()
        with client.application.test_request_context():
            record("group.approved", org)
    db.session.commit()
    with query_budget(12):
        html = unescape(client.get("/staff/audit").get_data(as_text=True))
    assert "approved Group 11" in html


def test_every_verb_the_portal_records_has_a_sentence():
    """A new audit verb without a sentence would read "Event: guest cancelled" in the log."""
    import pathlib
    import re

    from app.staff.audit_text import SENTENCES

    app_dir = pathlib.Path(__file__).resolve().parents[2] / "app"
    verbs = set()
    for path in app_dir.rglob("*.py"):
        text = path.read_text()
        verbs |= set(re.findall(r'\brecord\(\s*"([a-z_]+\.[a-z_.]+)"', text))
        verbs |= set(re.findall(r'\brecord\([^()]*?else\s+"([a-z_]+\.[a-z_.]+)"', text))
    assert verbs, "the scan found no audit verbs"
    assert sorted(verbs - SENTENCES.keys()) == []
