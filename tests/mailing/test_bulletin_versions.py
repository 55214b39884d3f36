"""Bulletins in other languages (issue 22, part 2): a version per language written by staff, each
subscriber gets theirs (or English) through the real outbox, the archive offers every version."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from app.mail.worker import drain_outbox
from app.mailing import services
from app.mailing.models import BulletinItemVersion, BulletinVersion, Subscriber
from tests.conftest import body_of
from tests.factories import mailing as mf

BN_TITLE = "কর্মসংস্থান বুলেটিন: ডিসেম্বর"
BN_INTRO = "এই মাসের বুলেটিনে আপনাকে স্বাগতম।"
BN_HEADING = "কমিউনিটি তহবিল এখন খোলা"


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def _subscriber(email: str, code: str | None) -> Subscriber:
    subscriber = mf.subscriber(email=email)
    subscriber.language = code
    return subscriber


def _bengali_version(client, bulletin, *, only_first_item=True):
    data = {"title": BN_TITLE, "intro": BN_INTRO, f"heading_{bulletin.items[0].id}": BN_HEADING,
            f"body_{bulletin.items[0].id}": "১০,০০০ পাউন্ড পর্যন্ত অনুদান।"}  # fmt: skip
    if not only_first_item:
        for item in bulletin.items[1:]:
            data[f"heading_{item.id}"], data[f"body_{item.id}"] = "শিরোনাম", "অনুচ্ছেদ।"
    return client.post(f"/staff/bulletins/{bulletin.id}/languages/bn", data=data)


def _parsed(message):
    """The message as a mail client reads it: re-parsed from its bytes with the default policy."""
    return message_from_bytes(message.as_bytes(), policy=policy.default)


def test_english_and_bengali_versions_reach_en_bn_and_so_subscribers(app, client, db, staff, smtp_server):
    english, bengali, somali = (
        _subscriber("en@example.org", "en"),
        _subscriber("bn@example.org", "bn"),
        _subscriber("so@example.org", "so"),
    )
    bulletin = mf.bulletin(title="Employment bulletin: December")
    db.session.commit()
    response = _bengali_version(client, bulletin)
    assert response.status_code == 303
    assert client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"}).status_code == 303

    drain_outbox()
    messages = smtp_server.wait_for(3)
    assert len(messages) == 3
    by_address = {str(m["To"]): _parsed(m) for m in messages}
    archive = f"/bulletins/{bulletin.slug}"

    for address in (english.email, somali.email):
        message = by_address[address]
        assert message["Subject"] == "Employment bulletin: December"
        assert message["Content-Language"] == "en-GB"
        assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
        text, html = body_of(message), body_of(message, "html")
        assert "Item 1" in text and BN_HEADING not in text
        # The other version linked at the top, named in itself.
        assert text.index("This bulletin in other languages:") < text.index("EMPLOYMENT BULLETIN")
        assert f"বাংলা: http://localhost{archive}?lang=bn" in text
        assert '<html lang="en-GB">' in html
        assert f'href="http://localhost{archive}?lang=bn" lang="bn"' in html and ">বাংলা</a>" in html
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    message = by_address[bengali.email]
    assert message["Subject"] == BN_TITLE
    assert message["Content-Language"] == "bn"
    text, html = body_of(message), body_of(message, "html")
    assert BN_TITLE in text and BN_INTRO in text and BN_HEADING in text
    assert "Item 2" in text  # the item without a translation, in English
    assert f"English: http://localhost{archive}?lang=en" in text
    assert '<html lang="bn">' in html and BN_HEADING in html
    assert re.search(r'<div style="[^"]*" lang="en-GB">\s*<p[^>]*>[^<]*</p>\s*<h2[^>]*>Item 2</h2>', html)
    # Counted links in every version (app/mailing/clicks.py): the items' links go through /r/.
    assert "http://localhost/r/" in html
    # Preferences and unsubscribe links open in their language (app/i18n prefer()).
    token = services.manage_token(db.session.get(Subscriber, bengali.id))
    page = client.get(f"/mailing-list/preferences/{token}")
    assert '<html lang="bn"' in page.get_data(as_text=True)
    assert "portal_lang" not in page.headers.get("Set-Cookie", "")
    page = client.get(f"/mailing-list/unsubscribe/{token}")
    assert '<html lang="bn"' in page.get_data(as_text=True)


def test_urdu_version_is_right_to_left_in_the_email(app, client, db, staff, smtp_server):
    reader = _subscriber("ur@example.org", "ur")
    bulletin = mf.bulletin(title="News", items=1)
    db.session.commit()
    data = {"title": "خبریں", "intro": "خوش آمدید", f"heading_{bulletin.items[0].id}": "فنڈ",
            f"body_{bulletin.items[0].id}": "گرانٹس"}  # fmt: skip
    assert client.post(f"/staff/bulletins/{bulletin.id}/languages/ur", data=data).status_code == 303
    client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    drain_outbox()
    (message,) = smtp_server.wait_for(1)
    message = _parsed(message)
    assert message["To"] == reader.email and message["Subject"] == "خبریں" and message["Content-Language"] == "ur"
    assert '<html lang="ur" dir="rtl">' in body_of(message, "html")


def test_editor_shows_english_beside_fields_marked_with_the_language(client, db, staff):
    bulletin = mf.bulletin(title="News")
    db.session.commit()
    page = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert (
        'id="languages"' in page
        and 'Add <span lang="bn" dir="ltr">বাংলা</span> (Bengali) version' in page
        and "(Urdu) version" in page
    )
    page = client.get(f"/staff/bulletins/{bulletin.id}/languages/ur").get_data(as_text=True)
    assert "govuk-grid-column-one-half" in page and "Body of item 1." in page
    assert re.search(r'<input[^>]*name="title"[^>]*(lang="ur"[^>]*dir="rtl"|dir="rtl"[^>]*lang="ur")', page)
    assert re.search(r'<textarea[^>]*name="body_\d+"[^>]*(lang="ur"|dir="rtl")', page)
    assert client.get(f"/staff/bulletins/{bulletin.id}/languages/en").status_code == 404
    assert client.get(f"/staff/bulletins/{bulletin.id}/languages/fr").status_code == 404


def test_editor_bad_input_shows_an_error_summary_and_keeps_what_was_typed(client, db, staff):
    bulletin = mf.bulletin(title="News")
    db.session.commit()
    first = bulletin.items[0].id
    response = client.post(
        f"/staff/bulletins/{bulletin.id}/languages/bn",
        data={"title": "", "intro": BN_INTRO, f"heading_{first}": BN_HEADING, f"body_{first}": ""},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter the title in this language" in page and 'href="#title"' in page
    assert f'href="#body_{first}"' in page and "leave both empty to show this item in English" in page
    assert BN_INTRO in page and BN_HEADING in page  # nothing lost
    assert db.session.scalar(select(BulletinVersion)) is None
    too_long = client.post(f"/staff/bulletins/{bulletin.id}/languages/bn", data={"title": "ক" * 151})
    assert "150 characters or fewer" in too_long.get_data(as_text=True)


def test_status_partly_translated_then_complete_edit_and_remove(client, db, staff):
    bulletin = mf.bulletin(title="News")
    db.session.commit()
    _bengali_version(client, bulletin)
    page = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    assert "Partly translated: 1 of 2 items" in page
    _bengali_version(client, bulletin, only_first_item=False)
    assert "Complete" in client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
    preview = client.get(f"/staff/bulletins/{bulletin.id}/preview?version=bn").get_data(as_text=True)
    assert BN_TITLE in preview and "?version=bn" in preview
    web = client.get(f"/staff/bulletins/{bulletin.id}/preview/web?version=bn").get_data(as_text=True)
    assert BN_HEADING in web and 'lang="bn"' in web
    assert '<html lang="bn"' in web  # the page as its reader sees it, its own words in Bengali too
    email = client.get(f"/staff/bulletins/{bulletin.id}/preview/email.html?version=bn").get_data(as_text=True)
    assert '<html lang="bn">' in email and BN_INTRO in email
    # Emptying an item's two fields takes its translation away (the item falls back to English).
    first = bulletin.items[0].id
    client.post(f"/staff/bulletins/{bulletin.id}/languages/bn", data={"title": BN_TITLE, f"heading_{first}": ""})
    assert len(db.session.scalars(select(BulletinItemVersion)).all()) == 0
    client.post(f"/staff/bulletins/{bulletin.id}/languages/bn/delete")
    db.session.expire_all()
    assert db.session.scalar(select(BulletinVersion)) is None


def test_only_a_draft_can_get_a_version(client, db, staff):
    bulletin = mf.bulletin(title="News", status="sent")
    db.session.commit()
    response = client.get(f"/staff/bulletins/{bulletin.id}/languages/bn")
    assert response.status_code in (302, 303)
    response = client.post(f"/staff/bulletins/{bulletin.id}/languages/bn", data={"title": BN_TITLE})
    assert response.status_code in (302, 303)
    assert db.session.scalar(select(BulletinVersion)) is None


@pytest.mark.parametrize("role", ["member", None])
def test_members_and_visitors_cannot_reach_the_editor(client, db, login_as, role):
    bulletin = mf.bulletin(title="News")
    db.session.commit()
    if role:
        login_as(role)
    for method, path in (
        ("get", f"/staff/bulletins/{bulletin.id}/languages/bn"),
        ("post", f"/staff/bulletins/{bulletin.id}/languages/bn"),
        ("post", f"/staff/bulletins/{bulletin.id}/languages/bn/delete"),
    ):
        response = getattr(client, method)(path, data={"title": "x"})
        assert response.status_code in (302, 401, 403, 404), (method, path, response.status_code)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]
    assert db.session.scalar(select(BulletinVersion)) is None


def test_signup_with_bengali_and_the_confirmation_in_bengali(app, client, db, smtp_server):
    topic = mf.topics()[0]
    db.session.commit()
    page = client.get("/mailing-list").get_data(as_text=True)
    assert "Which language would you like the bulletin in?" in page
    assert re.search(r'value="en"\s+checked', page)  # the page's language until they choose
    assert 'lang="bn" dir="ltr"' in page and "বাংলা" in page and 'lang="ur" dir="rtl"' in page
    client.post(
        "/mailing-list",
        data={"email": "new@example.org", "name": "New Person", "topics": [str(topic.id)], "consent": "y",
              "language": "bn"},
    )  # fmt: skip
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email == "new@example.org"))
    assert subscriber.language == "bn"
    drain_outbox()
    (message,) = smtp_server.wait_for(1)
    assert _parsed(message)["Content-Language"] == "bn"
    # A Somali page's form starts on Somali.
    page = client.get("/mailing-list?lang=so").get_data(as_text=True)
    assert re.search(r'value="so"\s+checked', page)


def test_preferences_change_the_language(client, db):
    subscriber = _subscriber("reader@example.org", None)
    db.session.commit()
    token = services.manage_token(subscriber)
    page = client.get(f"/mailing-list/preferences/{token}").get_data(as_text=True)
    assert '<html lang="en-GB"' in page and re.search(r'value="en"\s+checked', page)
    topic_ids = [str(t) for t in services.topic_ids_of(subscriber)]
    response = client.post(f"/mailing-list/preferences/{token}", data={"topics": topic_ids, "language": "so"})
    assert '<html lang="so"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).language == "so"
    # The switcher still wins over the subscriber's language.
    assert '<html lang="ur"' in client.get(f"/mailing-list/preferences/{token}?lang=ur").get_data(as_text=True)


def test_the_archive_offers_each_version_and_the_feed_stays_english(client, db):
    bulletin = mf.bulletin(title="Employment bulletin", status="sent")
    bulletin.versions.append(BulletinVersion(language="bn", title=BN_TITLE, intro=BN_INTRO))
    bulletin.items[0].versions.append(BulletinItemVersion(language="bn", heading=BN_HEADING, body="অনুচ্ছেদ।"))
    db.session.commit()
    path = f"/bulletins/{bulletin.slug}"
    page = client.get(path).get_data(as_text=True)
    assert '<h1 class="govuk-heading-xl">Employment bulletin</h1>' in page
    assert f'href="{path}?lang=bn"' in page and ">বাংলা</a>" in page
    page = client.get(f"{path}?lang=bn").get_data(as_text=True)
    assert '<html lang="bn"' in page and BN_TITLE in page and BN_HEADING in page
    assert f'href="{path}?lang=en"' in page
    assert re.search(r'<article [^>]*lang="en-GB"', page)  # the untranslated item, marked English
    # No Somali version: a Somali reader gets English, marked as English on their Somali page.
    page = client.get(f"{path}?lang=so").get_data(as_text=True)
    assert '<html lang="so"' in page and '<div lang="en-GB">' in page and "Employment bulletin" in page
    feed = client.get("/bulletins.atom").get_data(as_text=True)
    assert "Employment bulletin" in feed and BN_TITLE not in feed


def test_a_subscribers_link_does_not_change_a_signed_in_persons_language(client, db, login_as):
    person = login_as("staff")
    person.language = "so"
    subscriber = _subscriber("reader@example.org", "bn")
    db.session.commit()
    token = services.manage_token(subscriber)
    response = client.get(f"/mailing-list/preferences/{token}")
    assert '<html lang="bn"' in response.get_data(as_text=True)
    assert "portal_lang" not in response.headers.get("Set-Cookie", "")
    db.session.expire_all()
    assert db.session.get(type(person), person.id).language == "so"
    assert '<html lang="so"' in client.get("/bulletins").get_data(as_text=True)


def test_staff_see_the_subscribers_bulletin_language(client, db, staff):
    chosen, unchosen = _subscriber("bn-reader@example.org", "bn"), _subscriber("old@example.org", None)
    db.session.commit()
    page = client.get(f"/staff/mailing-list/{chosen.id}").get_data(as_text=True)
    assert "Bulletin language" in page and '<span lang="bn" dir="ltr">বাংলা</span>' in page
    page = client.get(f"/staff/mailing-list/{unchosen.id}").get_data(as_text=True)
    assert "English</span> (not chosen)" in page


def test_the_home_page_shows_the_latest_bulletin_in_the_readers_version(client, db, staff):
    import datetime as dt

    bulletin = mf.bulletin(title="Employment bulletin: December")
    db.session.commit()
    assert _bengali_version(client, bulletin).status_code == 303
    bulletin.status, bulletin.sent_at = "sent", dt.datetime.now(dt.UTC)
    db.session.commit()
    bengali = client.get("/?lang=bn").get_data(as_text=True)
    assert BN_TITLE in bengali and BN_HEADING in bengali
    second = bulletin.items[1].heading
    assert re.search(rf'<li lang="en-GB" dir="ltr">{re.escape(second)}</li>', bengali)  # not translated: marked
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "Employment bulletin: December" in english and BN_TITLE not in english
