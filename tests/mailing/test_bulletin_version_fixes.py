"""Fixes to bulletin versions after a tester's walk (issue 22): two staff editing one version at once,
the English changing after a version was saved, an empty translated introduction, the test e-mail
in a chosen version, languages named once."""

from __future__ import annotations

import html
import re

import pytest

from app.mail.worker import drain_outbox
from tests import factories
from tests.conftest import body_of
from tests.factories import mailing as mf
from tests.sweep.support import signed_in

BN_TITLE = "কর্মসংস্থান বুলেটিন"
BN_INTRO = "এই মাসের বুলেটিনে আপনাকে স্বাগতম।"
CONFLICT = "Someone else saved a change to this while you were editing: see their text, then save again"
CHANGED = "English changed since this version was saved — check it"


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def _client_for(app, db, role):
    client = app.test_client()
    user = factories.user(role=role)
    db.session.commit()
    with client.session_transaction() as session:
        signed_in(session, user)
    return client


def _fields(page: str) -> dict[str, str]:
    """Every named input and textarea of the editor as a browser would post it."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        data[name] = html.unescape(value)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = html.unescape(value).lstrip("\n")
    data.pop("csrf_token", None)
    return data


def _version(client, bulletin, **extra):
    first, second = (item.id for item in bulletin.items)
    data = {"title": BN_TITLE, "intro": BN_INTRO, f"heading_{first}": "প্রথম", f"body_{first}": "প্রথম অনুচ্ছেদ।",
            f"heading_{second}": "দ্বিতীয়", f"body_{second}": "দ্বিতীয় অনুচ্ছেদ।", **extra}  # fmt: skip
    return client.post(f"/staff/bulletins/{bulletin.id}/languages/bn", data=data)


def test_two_staff_editing_different_fields_both_keep_their_change(app, client, db, staff):
    bulletin = mf.bulletin()
    db.session.commit()
    assert _version(client, bulletin).status_code == 303
    first = bulletin.items[0].id
    path = f"/staff/bulletins/{bulletin.id}/languages/bn"
    admin = _client_for(app, db, "admin")
    opened_by_a = _fields(client.get(path).get_data(as_text=True))
    opened_by_b = _fields(admin.get(path).get_data(as_text=True))
    assert opened_by_a["intro__was"] == BN_INTRO and f"body_{first}__was" in opened_by_b

    assert client.post(path, data={**opened_by_a, "intro": "নতুন ভূমিকা।"}).status_code == 303
    assert admin.post(path, data={**opened_by_b, f"body_{first}": "নতুন অনুচ্ছেদ।"}).status_code == 303

    db.session.expire_all()
    assert bulletin.version("bn").intro == "নতুন ভূমিকা।"
    assert bulletin.items[0].version("bn").body == "নতুন অনুচ্ছেদ।"


def test_a_clash_on_the_same_field_is_shown_and_nothing_is_lost(app, client, db, staff):
    bulletin = mf.bulletin()
    db.session.commit()
    _version(client, bulletin)
    path = f"/staff/bulletins/{bulletin.id}/languages/bn"
    admin = _client_for(app, db, "admin")
    opened_by_a = _fields(client.get(path).get_data(as_text=True))
    opened_by_b = _fields(admin.get(path).get_data(as_text=True))
    assert client.post(path, data={**opened_by_a, "intro": "A-এর ভূমিকা।"}).status_code == 303

    response = admin.post(path, data={**opened_by_b, "intro": "B-এর ভূমিকা।", "title": "B-এর শিরোনাম"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page and CONFLICT in page and 'href="#intro"' in page
    assert "A-এর ভূমিকা।" in page  # their text, shown above the box
    assert ">B-এর ভূমিকা।</textarea>" in page  # mine, still in the box
    assert "Your other changes have been saved" in page
    db.session.expire_all()
    version = bulletin.version("bn")
    assert version.intro == "A-এর ভূমিকা।" and version.title == "B-এর শিরোনাম"  # the non-clashing change saved

    again = _fields(page)
    assert again["intro__was"] == "A-এর ভূমিকা।"
    assert admin.post(path, data=again).status_code == 303  # the next save goes through
    db.session.expire_all()
    assert bulletin.version("bn").intro == "B-এর ভূমিকা।"


def test_english_changing_after_a_version_was_saved_is_flagged(client, db, staff, login_as):
    bulletin = mf.bulletin()
    db.session.commit()
    _version(client, bulletin)
    compose = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert "Complete" in compose and CHANGED not in compose

    bulletin.items[1].body = "The fund is now closed."
    db.session.commit()
    compose = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert CHANGED in compose
    editor = client.get(f"/staff/bulletins/{bulletin.id}/languages/bn").get_data(as_text=True)
    assert editor.count(CHANGED) == 1
    second_item = editor.split("Item 2:")[1]
    assert CHANGED in second_item
    send = client.get(f"/staff/bulletins/{bulletin.id}/send").get_data(as_text=True)
    assert "Check these versions before sending" in send and CHANGED in send

    editor_fields = _fields(editor)
    assert client.post(f"/staff/bulletins/{bulletin.id}/languages/bn", data=editor_fields).status_code == 303
    assert CHANGED not in client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)

    bulletin.intro = "A different welcome."
    db.session.commit()
    editor = client.get(f"/staff/bulletins/{bulletin.id}/languages/bn").get_data(as_text=True)
    assert CHANGED in editor.split("Item 1:")[0]


def test_an_empty_translated_introduction_falls_back_to_the_english_one(client, db, staff):
    bulletin = mf.bulletin()
    db.session.commit()
    _version(client, bulletin, intro="")
    compose = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert "Complete" not in compose and "no introduction" in compose
    send = client.get(f"/staff/bulletins/{bulletin.id}/send").get_data(as_text=True)
    assert "partly translated" in send
    email = client.get(f"/staff/bulletins/{bulletin.id}/preview/email.html?version=bn").get_data(as_text=True)
    assert re.search(r'<div lang="en-GB" dir="ltr">\s*<p[^>]*>Welcome to this month', email)
    web = client.get(f"/staff/bulletins/{bulletin.id}/preview/web?version=bn").get_data(as_text=True)
    assert re.search(r'<div lang="en-GB" dir="ltr">\s*<p[^>]*>Welcome to this month', web)


def test_staff_choose_which_version_a_test_is_sent_in(client, db, staff, smtp_server):
    bulletin = mf.bulletin()
    db.session.commit()
    _version(client, bulletin)
    compose = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert 'name="version" type="radio" value="bn"' in compose or re.search(r'name="version"[^>]*value="bn"', compose)
    assert client.post(f"/staff/bulletins/{bulletin.id}/test", data={"version": "bn"}).status_code == 303
    client.post(f"/staff/bulletins/{bulletin.id}/test", data={"version": "en"})
    client.post(f"/staff/bulletins/{bulletin.id}/test", data={"version": "ur"})  # no Urdu version: English
    drain_outbox()
    bengali, english, fallback = smtp_server.messages[-3:]
    assert bengali["Subject"].endswith(BN_TITLE) and bengali["Content-Language"] == "bn"
    assert BN_INTRO in body_of(bengali)
    assert english["Subject"].endswith(bulletin.title) and english["Content-Language"] == "en-GB"
    assert fallback["Content-Language"] == "en-GB"


def test_languages_are_named_once(client, db, staff):
    bulletin = mf.bulletin()
    db.session.commit()
    _version(client, bulletin)
    page = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert '<span lang="bn" dir="ltr">বাংলা</span> (Bengali)' in page
    assert "Bengali (Bengali)" not in page and "(Bengali)</span>" not in page
    assert "the Bengali version" not in page  # the hidden text names it in itself, once
    bengali = client.get(f"/staff/bulletins/{bulletin.id}?lang=bn").get_data(as_text=True)
    assert "(Bengali)" not in bengali and "বাংলা (বাংলা)" not in bengali
    editor = client.get(f"/staff/bulletins/{bulletin.id}/languages/bn?lang=bn").get_data(as_text=True)
    assert "(Bengali)" not in editor
