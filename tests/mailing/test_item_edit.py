"""Editing a bulletin item in place: inline with HTMX, on its own page without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.mailing.models import Bulletin, BulletinItem
from tests.factories import mailing as mf

HX = {"HX-Request": "true"}


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def _fields(item, **changes) -> dict[str, str]:
    data = {"kind": item.kind, "heading": item.heading, "body": item.body, "link": item.link or ""}
    data.update(changes)
    return {f"item-{item.id}-{name}": value for name, value in data.items()}


def _edits(db) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "bulletin.item_edited")))


def test_edit_an_item_without_javascript(client, db, staff):
    bulletin = mf.bulletin(items=2)
    db.session.commit()
    first, second = bulletin.items
    page = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert f'href="/staff/bulletins/{bulletin.id}/items/{second.id}/edit"' in page
    assert 'Edit<span class="govuk-visually-hidden">: Item 2</span>' in page

    form = client.get(f"/staff/bulletins/{bulletin.id}/items/{second.id}/edit")
    text = form.get_data(as_text=True)
    assert form.status_code == 200 and "<html" in text and "Edit item 2" in text
    assert f'id="item-{second.id}-heading"' in text and 'value="Item 2"' in text  # filled in
    assert "Body of item 2." in text

    response = client.post(
        f"/staff/bulletins/{bulletin.id}/items/{second.id}/edit",
        data=_fields(second, kind="job", heading="Outreach worker", body="Part-time.\n\nApply by Friday.",
                     link="https://example.org/jobs/7"),
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/bulletins/{bulletin.id}#bulletin-item-{second.id}")
    db.session.expire_all()
    edited = db.session.get(BulletinItem, second.id)
    assert (edited.kind, edited.heading, edited.body, edited.link, edited.position) == (
        "job", "Outreach worker", "Part-time.\n\nApply by Friday.", "https://example.org/jobs/7", 1)  # fmt: skip
    assert db.session.get(BulletinItem, first.id).heading == "Item 1"  # the other item is untouched
    (event,) = _edits(db)
    assert event.actor_id == staff.id and event.object_id == str(bulletin.id)
    assert event.details["item_id"] == second.id and set(event.details["changed"]) == {
        "kind",
        "heading",
        "body",
        "link",
    }
    compose = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert "Item ‘Outreach worker’ saved." in compose

    # Saving without a change records nothing; removing the link is a change.
    edited = db.session.get(BulletinItem, second.id)
    client.post(f"/staff/bulletins/{bulletin.id}/items/{second.id}/edit", data=_fields(edited))
    assert len(_edits(db)) == 1
    client.post(f"/staff/bulletins/{bulletin.id}/items/{second.id}/edit", data=_fields(edited, link=""))
    db.session.expire_all()
    assert db.session.get(BulletinItem, second.id).link is None
    assert _edits(db)[-1].details["changed"] == ["link"]


def test_edit_an_item_inline_with_htmx(client, db, staff):
    bulletin = mf.bulletin(items=2)
    db.session.commit()
    first, second = bulletin.items
    response = client.get(f"/staff/bulletins/{bulletin.id}/items/{first.id}/edit", headers=HX)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert fragment.lstrip().startswith(f'<li class="portal-bulletin-items__item" id="bulletin-item-{first.id}">')
    assert "<html" not in fragment and "Edit item 1: Item 1" in fragment
    assert f'hx-post="/staff/bulletins/{bulletin.id}/items/{first.id}/edit"' in fragment
    assert f'hx-target="#bulletin-item-{first.id}"' in fragment and "data-focus-after-swap" in fragment

    response = client.post(
        f"/staff/bulletins/{bulletin.id}/items/{first.id}/edit", data=_fields(first, heading="Funding fair"), headers=HX
    )
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in fragment
    assert f'id="bulletin-item-{first.id}"' in fragment and "<form" in fragment  # its move/remove buttons
    assert 'data-announce="Item ‘Funding fair’ saved."' in fragment and ">Funding fair</h3>" in fragment
    assert "Add an item" not in fragment  # only the item is swapped: the add form keeps what was typed
    db.session.expire_all()
    assert [i.heading for i in db.session.get(Bulletin, bulletin.id).items] == ["Funding fair", "Item 2"]

    # Cancel puts the item back as it is (and without HTMX goes back to the composer).
    cancel = client.get(f"/staff/bulletins/{bulletin.id}/items/{second.id}", headers=HX).get_data(as_text=True)
    assert f'id="bulletin-item-{second.id}"' in cancel and ">Item 2</h3>" in cancel and "<html" not in cancel
    plain = client.get(f"/staff/bulletins/{bulletin.id}/items/{second.id}")
    assert plain.status_code == 302 and plain.headers["Location"].endswith(f"#bulletin-item-{second.id}")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"heading": ""}, "Enter a heading for the item"),
        ({"body": "  "}, "Enter a paragraph for the item"),
        ({"link": "javascript:alert(document.cookie)"}, "Enter a link that starts with https://"),
        ({"link": " JavaScript:alert(1)"}, "Enter a link that starts with https://"),
        ({"link": "data:text/html,<script>x</script>"}, "Enter a link that starts with https://"),
        ({"link": "ftp://example.org/file"}, "Enter a link that starts with https://"),
        ({"heading": "Two\nlines"}, "must not contain line breaks"),
        ({"kind": "advert"}, "Not a valid choice"),
    ],
)
def test_bad_edits_are_refused_and_keep_what_was_typed(client, db, staff, changes, message):
    bulletin = mf.bulletin(items=1)
    db.session.commit()
    (item,) = bulletin.items
    url = f"/staff/bulletins/{bulletin.id}/items/{item.id}/edit"
    data = _fields(item, body=changes.get("body", "A new paragraph typed by staff."), **{
        k: v for k, v in changes.items() if k != "body"})  # fmt: skip
    page = client.post(url, data=data)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "There is a problem" in text and message in text
    if "body" not in changes:
        assert "A new paragraph typed by staff." in text  # nothing typed is lost
    partial = client.post(url, data=data, headers=HX)
    assert partial.status_code == 422
    fragment = partial.get_data(as_text=True)
    assert message in fragment and "<html" not in fragment and f'id="bulletin-item-{item.id}"' in fragment
    db.session.expire_all()
    unchanged = db.session.get(BulletinItem, item.id)
    assert (unchanged.heading, unchanged.body, unchanged.link) == ("Item 1", "Body of item 1.", "https://example.org/1")
    assert _edits(db) == []


@pytest.mark.parametrize("status", ["scheduled", "sending", "sent"])
def test_items_can_be_edited_only_in_a_draft(client, db, staff, status):
    bulletin = mf.bulletin(items=1, status=status)
    db.session.commit()
    (item,) = bulletin.items
    url = f"/staff/bulletins/{bulletin.id}/items/{item.id}/edit"
    assert client.get(url).status_code == 303
    response = client.post(url, data=_fields(item, heading="Changed after sending"))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/bulletins/{bulletin.id}")
    partial = client.post(url, data=_fields(item, heading="Changed after sending"), headers=HX)
    assert partial.status_code == 204 and partial.headers["HX-Redirect"] == f"/staff/bulletins/{bulletin.id}"
    page = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert "can no longer be changed" in page and f"/items/{item.id}/edit" not in page
    db.session.expire_all()
    assert db.session.get(BulletinItem, item.id).heading == "Item 1"
    assert _edits(db) == []


def test_an_item_of_another_bulletin_cannot_be_edited(client, db, staff):
    one, other = mf.bulletin(), mf.bulletin()
    db.session.commit()
    item = other.items[0]
    assert client.get(f"/staff/bulletins/{one.id}/items/{item.id}/edit").status_code == 404
    url = f"/staff/bulletins/{one.id}/items/{item.id}/edit"
    assert client.post(url, data=_fields(item, heading="Hijacked")).status_code == 404
    assert client.get(f"/staff/bulletins/{one.id}/items/{item.id}", headers=HX).status_code == 404
    assert client.get(f"/staff/bulletins/999999/items/{item.id}/edit").status_code == 404
    assert db.session.scalar(select(func.count()).where(BulletinItem.heading == "Hijacked")) == 0


def test_members_and_visitors_cannot_edit_items(app, client, db, login_as):
    bulletin = mf.bulletin(items=1)
    db.session.commit()
    item = bulletin.items[0]
    url = f"/staff/bulletins/{bulletin.id}/items/{item.id}/edit"
    assert app.test_client().get(url).status_code in (302, 401)
    login_as("member")
    assert client.get(url).status_code == 403
    assert client.post(url, data=_fields(item, heading="Member edit")).status_code == 403
    db.session.expire_all()
    assert db.session.get(BulletinItem, item.id).heading == "Item 1"


def test_two_staff_editing_one_item_keep_each_others_changes(app, client, db, staff):
    """The re-walk: two people with the same item open; each saves only what they changed, and the same
    field changed by both is shown with the other's text, not overwritten (app/coedit.py)."""
    import re
    from html import unescape

    from tests import factories
    from tests.sweep.support import signed_in

    bulletin = mf.bulletin(items=1)
    other = factories.user(email="colleague@example.org", role="staff")
    db.session.commit()
    (item,) = bulletin.items
    url = f"/staff/bulletins/{bulletin.id}/items/{item.id}/edit"
    second = app.test_client()
    with second.session_transaction() as session:
        signed_in(session, other)

    def opened(browser) -> dict[str, str]:
        html = browser.get(url).get_data(as_text=True)
        return {name: unescape(value) for name, value in re.findall(r'name="([\w-]+__was)" value="([^"]*)"', html)}

    mine, theirs = opened(client), opened(second)
    assert len(mine) == 4 and mine == theirs
    assert client.post(url, data={**_fields(item, heading="New heading"), **mine}).status_code == 303
    assert second.post(url, data={**_fields(item, body="New body."), **theirs}).status_code == 303
    db.session.expire_all()
    saved = db.session.get(BulletinItem, item.id)
    assert (saved.heading, saved.body) == ("New heading", "New body.")
    clash = second.post(url, data={**_fields(item, heading="Their heading", body="New body."), **theirs})
    html = clash.get_data(as_text=True)
    assert clash.status_code == 200 and "Someone else saved a change to this while you were editing" in html
    assert re.search(r'portal-conflict">.*New heading', html, re.S) and 'value="Their heading"' in html
    db.session.expire_all()
    assert db.session.get(BulletinItem, item.id).heading == "New heading"
