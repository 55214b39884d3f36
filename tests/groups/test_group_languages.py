"""A group's description in other languages and the languages it works in (issue 22 part 2): members
and staff write the Bengali, Somali or Urdu description beside the English one; the public profile
shows the reader's language when there is one (marked with lang and dir), English otherwise; the
languages the group works in are named in the reader's language; the directory search finds the
translated text; the HSDS feed publishes the languages, valid against the UK profile."""

from __future__ import annotations

import re
from html import unescape as html_unescape

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit import AuditEvent
from app.groups.models import GroupDescription, Organisation
from app.groups.oruk_schemas import problems
from tests import factories
from tests.factories.groups import organisation, tag
from tests.pages import page_text
from tests.sweep.support import signed_in

BENGALI = "আমরা বাংলাদেশি নারীদের মানসিক স্বাস্থ্য নিয়ে কাজ করি।"
URDU = "ہم خواتین کی ذہنی صحت کے لیے کام کرتے ہیں۔"


@pytest.fixture
def group(db):
    owner = factories.user(email="ruksana@example.org")
    org = organisation(
        "Shadwell Sisters",
        owner=owner,
        description="We support women with their mental health.",
        tags=[tag("language", "Bengali"), tag("language", "Sylheti"), tag("language", "English")],
    )
    db.session.commit()
    return org, owner


def _save(client, org, language, text):
    return client.post(f"/my-group/{org.id}/descriptions/{language}", data={"description": text})


def test_a_member_adds_a_bengali_description_beside_the_english(client, login_as, group, db):
    org, owner = group
    login_as(owner)
    listing = page_text(client.get(f"/my-group/{org.id}/descriptions"))
    assert "Your description in other languages" in listing and listing.count("Not added yet") == 3
    form = client.get(f"/my-group/{org.id}/descriptions/bn").get_data(as_text=True)
    assert 'lang="en"' in form and "We support women with their mental health." in form
    assert re.search(r'<textarea[^>]*lang="bn"[^>]*dir="ltr"|<textarea[^>]*dir="ltr"[^>]*lang="bn"', form)
    response = _save(client, org, "bn", f"  {BENGALI}  ")
    assert response.status_code == 303
    [row] = db.session.scalars(select(GroupDescription).where(GroupDescription.group_id == org.id))
    assert (row.language, row.description, row.updated_by_id) == ("bn", BENGALI, owner.id)
    done = page_text(client.get(response.headers["Location"]))
    assert BENGALI in done and done.count("Not added yet") == 2
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "group.edited"))
    assert event.details["description_language"] == "bn" and event.actor_id == owner.id
    # Changing keeps one row.
    assert _save(client, org, "bn", "নতুন লেখা").status_code == 303
    assert [r.description for r in db.session.scalars(select(GroupDescription))] == ["নতুন লেখা"]


def test_urdu_is_written_right_to_left(client, login_as, group):
    org, owner = group
    login_as(owner)
    form = client.get(f"/my-group/{org.id}/descriptions/ur").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*dir="rtl"', form) and re.search(r'<textarea[^>]*lang="ur"', form)


def test_empty_or_too_long_is_explained_and_nothing_is_lost(client, login_as, group, db):
    org, owner = group
    login_as(owner)
    empty = client.post(f"/my-group/{org.id}/descriptions/so", data={"description": "   "})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "There is a problem" in html
    assert re.search(r"href=\"#description\">Enter your group(&#39;|&#x27;|')s description in this language", html)
    long_text = "Soomaali " * 300
    too_long = client.post(f"/my-group/{org.id}/descriptions/so", data={"description": long_text})
    html = too_long.get_data(as_text=True)
    assert "Description must be 2,000 characters or fewer" in html and long_text.strip() in html
    assert db.session.scalar(select(GroupDescription)) is None


def test_remove_after_asking(client, login_as, group, db):
    org, owner = group
    login_as(owner)
    _save(client, org, "so", "Waxaan caawinnaa haweenka.")
    ask = page_text(client.get(f"/my-group/{org.id}/descriptions/so/remove"))
    assert "Are you sure you want to remove your description in Somali?" in ask
    done = client.post(f"/my-group/{org.id}/descriptions/so/remove", follow_redirects=True)
    assert "Your description in Somali has been removed." in page_text(done)
    assert db.session.scalar(select(GroupDescription)) is None
    assert client.get(f"/my-group/{org.id}/descriptions/so/remove").status_code == 404


def test_only_the_groups_members_and_staff_may_edit(client, login_as, group, db):
    org, _owner = group
    other_owner = factories.user(email="other@example.org")
    other = organisation("Bow Elders", owner=other_owner)
    db.session.commit()
    login_as(other_owner)
    for url in (f"/my-group/{org.id}/descriptions", f"/my-group/{org.id}/descriptions/bn"):
        assert client.get(url).status_code == 404
    assert _save(client, org, "bn", "অন্য দল").status_code == 404
    assert client.post(f"/my-group/{org.id}/descriptions/bn/remove").status_code == 404
    assert db.session.scalar(select(GroupDescription)) is None
    # Their own group: fine; an unknown or source language: 404.
    assert client.get(f"/my-group/{other.id}/descriptions/bn").status_code == 200
    for code in ("en", "fr", "xx"):
        assert client.get(f"/my-group/{other.id}/descriptions/{code}").status_code == 404
    login_as("staff")
    assert _save(client, org, "ur", URDU).status_code == 303
    assert db.session.scalar(select(GroupDescription.language)) == "ur"


def test_signed_out_is_sent_to_sign_in(client, group):
    org, _owner = group
    response = client.get(f"/my-group/{org.id}/descriptions")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_profile_shows_the_readers_language_else_english(client, login_as, group, db):
    org, owner = group
    login_as(owner)
    _save(client, org, "bn", BENGALI)
    client.get("/logout")
    with client.session_transaction() as session:
        session.clear()
    bengali = client.get(f"/groups/{org.slug}?lang=bn").get_data(as_text=True)
    assert re.search(r'<div id="description" lang="bn" dir="ltr">\s*<p[^>]*>' + BENGALI, bengali)
    assert 'hreflang="en-GB"' in bengali and f"/groups/{org.slug}?lang=en" in bengali
    # Languages are named in the reader's language (Babel), Sylheti from the catalogue.
    assert "বাংলা" in page_text(bengali) and "ইংরেজি" in page_text(bengali)
    urdu = client.get(f"/groups/{org.slug}?lang=ur").get_data(as_text=True)
    assert re.search(r'<div id="description" lang="en-GB" dir="ltr">\s*<p[^>]*>We support women', urdu)
    assert f"/groups/{org.slug}?lang=bn" in urdu and 'lang="bn"' in urdu
    english = page_text(client.get(f"/groups/{org.slug}?lang=en"))
    assert "We support women with their mental health." in english and BENGALI not in english
    assert "This description is also available in: বাংলা" in english
    assert "Languages used Bengali, English and Sylheti" in english  # joined as en-GB joins lists


def test_profile_without_translations_says_nothing_about_them(client, group):
    org, _owner = group
    page = client.get(f"/groups/{org.slug}?lang=so").get_data(as_text=True)
    assert 'id="other-languages"' not in page and 'lang="en-GB" dir="ltr"' in page


def test_directory_search_finds_the_translated_text(client, login_as, group):
    org, owner = group
    login_as(owner)
    assert "Shadwell Sisters" not in page_text(client.get("/groups?q=মানসিক"))
    _save(client, org, "bn", BENGALI)
    assert "Shadwell Sisters" in page_text(client.get("/groups?q=মানসিক"))
    client.post(f"/my-group/{org.id}/descriptions/bn/remove")
    assert "Shadwell Sisters" not in page_text(client.get("/groups?q=মানসিক"))


def test_hsds_service_carries_its_languages_and_validates(client, group, db):
    org, _owner = group
    org = db.session.scalar(
        select(Organisation).where(Organisation.id == org.id).options(selectinload(Organisation.tags))
    )
    org.tags = [*org.tags, tag("language", "British Sign Language"), tag("language", "Klingon")]
    db.session.commit()
    body = client.get(f"/api/hsds/services/{org.service_uuid}").json
    assert not problems("service", body)
    languages = {item["code"]: item["name"] for item in body["languages"]}
    assert languages == {"bn": "Bengali", "syl": "Sylheti", "en": "English", "bfi": "British Sign Language"}
    assert {item["service_id"] for item in body["languages"]} == {org.service_uuid}
    assert len({item["id"] for item in body["languages"]}) == 4
    listing = client.get("/api/hsds/services").json
    assert not problems("service_list", listing, page=True)


def test_languages_are_named_in_the_readers_language(app):
    from flask_babel import force_locale

    from app.groups.languages import LANGUAGE_NAMES, name_of

    with app.test_request_context("/?lang=en"):
        assert [name_of(c) for c in ("bn", "syl", "fa", "bfi")] == [
            "Bengali",
            "Sylheti",
            "Farsi",
            "British Sign Language",
        ]
        assert name_of("bn", "Bangla (our name)") == "Bangla (our name)"  # staff's tag name wins in English
    with app.test_request_context("/?lang=ur"), force_locale("ur"):
        assert name_of("bn") == "بنگلہ" and name_of("en") == "انگریزی"
        assert name_of("syl")  # from the catalogue (English until the translation is in)
    assert len(LANGUAGE_NAMES) >= 28 and "syl" in LANGUAGE_NAMES and "bfi" in LANGUAGE_NAMES


def test_the_directory_language_facet_is_named_in_the_readers_language(client, group):
    bengali = client.get("/groups?lang=bn").get_data(as_text=True)
    assert re.search(r'for="f-language-bengali">বাংলা ', bengali)
    assert re.search(r'for="f-language-english">ইংরেজি ', bengali)
    english = client.get("/groups?lang=en&language=bengali").get_data(as_text=True)
    assert re.search(r'for="f-language-bengali">Bengali ', english) and "Shadwell Sisters" in english


def test_a_merge_keeps_the_targets_descriptions_and_fills_gaps_from_the_duplicate(client, login_as, db):
    keep = organisation("Somali Parents Network")
    duplicate = organisation("Somali Parents Network UK", status="pending")
    db.session.add_all([
        GroupDescription(group_id=keep.id, language="so", description="Kan la hayo"),
        GroupDescription(group_id=duplicate.id, language="so", description="Kan labaad"),
        GroupDescription(group_id=duplicate.id, language="ur", description=URDU),
    ])  # fmt: skip
    db.session.commit()
    login_as("staff")
    assert client.post(f"/staff/groups/{duplicate.id}/merge", data={"target": str(keep.id)}).status_code == 303
    rows = {(r.group_id, r.language): r.description for r in db.session.scalars(select(GroupDescription))}
    assert rows == {(keep.id, "so"): "Kan la hayo", (keep.id, "ur"): URDU, (duplicate.id, "so"): "Kan labaad"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "group.merged"))
    assert event.details["descriptions_moved"] == 1
    assert "Somali Parents Network" in page_text(client.get("/groups?q=ذہنی"))


def test_staff_reach_it_from_the_staff_area_and_go_back_there(client, login_as, group):
    org, _owner = group
    login_as("staff")
    staff_page = client.get(f"/staff/groups/{org.id}").get_data(as_text=True)
    assert f'href="/my-group/{org.id}/descriptions"' in staff_page
    page = client.get(f"/my-group/{org.id}/descriptions").get_data(as_text=True)
    assert f'href="/staff/groups/{org.id}"' in page and f'href="/staff/groups/{org.id}/edit"' in page
    assert f'href="/my-group/{org.id}"' not in page


def _other_languages(html: str) -> list[str]:
    """The hreflang of each link in the profile's "also available in" line."""
    line = re.search(r'<p[^>]*id="other-languages">(.*?)</p>', html, re.S)
    return re.findall(r'hreflang="([^"]+)"', line.group(1)) if line else []


def test_the_other_languages_are_listed_in_the_switchers_order(client, group, db):
    org, _owner = group
    db.session.add_all([GroupDescription(group_id=org.id, language=code, description=text)
                        for code, text in (("ur", URDU), ("bn", BENGALI))])  # fmt: skip
    db.session.commit()
    somali = client.get(f"/groups/{org.slug}?lang=so").get_data(as_text=True)
    assert "We support women with their mental health." in somali
    assert _other_languages(somali) == ["bn", "ur"]  # English is the one shown
    urdu = client.get(f"/groups/{org.slug}?lang=ur").get_data(as_text=True)
    assert URDU in urdu and "We support women" not in urdu
    assert _other_languages(urdu) == ["en-GB", "bn"]


def _opened_with(client, org, language) -> str:
    html = client.get(f"/my-group/{org.id}/descriptions/{language}").get_data(as_text=True)
    return html_unescape(re.search(r'name="description__was" value="([^"]*)"', html).group(1))


def test_two_people_editing_one_description_never_silently_undo_each_other(app, client, login_as, group, db):
    org, owner = group
    login_as(owner)
    assert _save(client, org, "bn", BENGALI).status_code == 303
    second = _staff_browser(app, db)
    # Both open the form on the same text; the staff member saves first.
    mine, theirs = _opened_with(client, org, "bn"), _opened_with(second, org, "bn")
    assert mine == theirs == BENGALI
    first = second.post(
        f"/my-group/{org.id}/descriptions/bn", data={"description": "তাদের লেখা", "description__was": theirs}
    )
    assert first.status_code == 303
    # The owner's later save does not replace it: the form comes back with their text beside it.
    clash = client.post(
        f"/my-group/{org.id}/descriptions/bn", data={"description": "আমার লেখা", "description__was": mine}
    )
    html = clash.get_data(as_text=True)
    assert clash.status_code == 200 and "There is a problem" in html
    assert "Someone else saved a change to this while you were editing: see their text, then save again" in html
    assert re.search(r'class="govuk-inset-text portal-conflict">.*lang="bn"[^>]*>তাদের লেখা<', html, re.S)
    assert re.search(r"<textarea[^>]*>\s*আমার লেখা</textarea>", html)
    assert 'name="description__was" value="তাদের লেখা"' in html
    assert db.session.scalar(select(GroupDescription.description)) == "তাদের লেখা"
    # Having seen it, saving again (the form now carries their text as the start) goes through.
    again = client.post(
        f"/my-group/{org.id}/descriptions/bn", data={"description": "আমার লেখা", "description__was": "তাদের লেখা"}
    )
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(GroupDescription.description)) == "আমার লেখা"


def test_an_unchanged_save_keeps_someone_elses_newer_text(client, login_as, group, db):
    org, owner = group
    login_as(owner)
    assert _save(client, org, "ur", URDU).status_code == 303
    db.session.scalar(select(GroupDescription)).description = "نئی تحریر"
    db.session.commit()
    kept = client.post(f"/my-group/{org.id}/descriptions/ur", data={"description": URDU, "description__was": URDU})
    assert kept.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(GroupDescription.description)) == "نئی تحریر"


def test_somali_names_bengali_as_a_language_not_a_country(app, client, group):
    from flask_babel import force_locale

    from app.groups.languages import LANGUAGE_NAMES, name_of
    from app.i18n import _

    with app.test_request_context("/?lang=so"), force_locale("so"):
        # CLDR's Somali says "Bangladesh"; ours (the catalogue's "Bengali": draft "Bangaali") instead.
        assert name_of("bn") == _("Bengali") != "Bangladesh"
    # No language is named after a country in a portal language (Somali "Faransiis" is both, rightly).
    from babel import Locale

    for reader in ("bn", "so", "ur"):
        countries = set(Locale.parse(reader).territories.values()) - {"Faransiis"}
        with app.test_request_context(f"/?lang={reader}"), force_locale(reader):
            assert not {name_of(code) for code in LANGUAGE_NAMES} & countries, reader
    org, _owner = group
    assert "Bangladesh" not in page_text(client.get(f"/groups/{org.slug}?lang=so"))


def test_lists_of_languages_are_joined_as_the_readers_language_joins_them(client, group, db):
    org, _owner = group
    db.session.add_all([GroupDescription(group_id=org.id, language=code, description=text)
                        for code, text in (("ur", URDU), ("bn", BENGALI))])  # fmt: skip
    db.session.commit()
    urdu = page_text(client.get(f"/groups/{org.slug}?lang=ur"))
    assert "بنگلہ، انگریزی، اور سلہٹی" in urdu and "بنگلہ, " not in urdu  # CLDR's Urdu list
    also = client.get(f"/groups/{org.slug}?lang=ur").get_data(as_text=True)
    links = re.search(r'id="other-languages">(.*?)</p>', also, re.S).group(1)
    assert re.search(r'>English</a> اور <a [^>]*lang="bn"[^>]*>বাংলা</a>$', links.strip())
    bengali = client.get(f"/groups/{org.slug}?lang=bn").get_data(as_text=True)
    assert "বাংলা, ইংরেজি এবং " in page_text(bengali)
    links = re.search(r'id="other-languages">(.*?)</p>', bengali, re.S).group(1)
    assert re.search(r'>English</a> এবং <a [^>]*lang="ur"[^>]*>اردو</a>$', links.strip())


def test_the_descriptions_page_names_each_language_once(client, login_as, group):
    org, _owner = group
    login_as("staff")
    for reader, name in (("en", "Bengali"), ("bn", "বাংলা"), ("ur", "بنگلہ")):
        html = client.get(f"/my-group/{org.id}/descriptions?lang={reader}").get_data(as_text=True)
        main = html[html.index("<main") : html.index("</main>")]
        assert f"{name} ({name})" not in page_text(main) and f"({name})" in page_text(main)
        assert not re.search(r"(\S+) \(\1\)", page_text(main))


def test_the_footer_keeps_each_english_name_whole_in_urdu(client):
    html = client.get("/?lang=ur").get_data(as_text=True)
    footer = html[html.index("<footer") :]
    assert re.search(r"<bdi>[^<]+</bdi>.*<bdi>[^<]+</bdi>", footer, re.S)


def _started(client, url) -> dict:
    html = client.get(url).get_data(as_text=True)
    return {
        f"{name}__was": html_unescape(value) for name, value in re.findall(r'name="(\w+)__was" value="([^"]*)"', html)
    }


def _staff_browser(app, db):
    """A second browser, signed in as a staff member: the other person editing at the same time."""
    second = app.test_client()
    staff = factories.user(email="staff@example.org", role="staff")
    db.session.commit()
    with second.session_transaction() as session:
        signed_in(session, staff)
    return second


def test_two_people_editing_the_groups_english_details_keep_each_others_changes(app, client, login_as, group, db):
    from tests.factories.groups import application_data

    org, owner = group
    login_as(owner)
    second = _staff_browser(app, db)
    mine, theirs = _started(client, f"/my-group/{org.id}/edit"), _started(second, f"/staff/groups/{org.id}/edit")
    assert mine == theirs and mine["description__was"] == "We support women with their mental health."
    assert len(mine) == 19  # every field: ten of text, four single choices, five sets of tick boxes
    text = ("name", "charity_number", "company_number", "description", "contact_name", "address", "postcode",
            "website", "email", "phone")  # fmt: skip
    stored = {key.removesuffix("__was"): value for key, value in mine.items() if value and key[:-5] in text}
    base = {**application_data(legal_form="unincorporated"), **stored}  # fills the required empty ones
    staff_text = "We support women and girls with their mental health."
    first = second.post(f"/staff/groups/{org.id}/edit", data={**base, **theirs, "description": staff_text})
    assert first.status_code == 303, re.findall(r"govuk-error-message.{0,300}", first.get_data(as_text=True), re.S)
    # The owner changed the group's name only: saved, and the staff member's description stays.
    renamed = {**base, **mine, "name": "Shadwell Sisters Circle"}
    assert client.post(f"/my-group/{org.id}/edit", data=renamed).status_code == 303
    db.session.expire_all()
    saved = db.session.get(Organisation, org.id)
    assert (saved.description, saved.name) == (staff_text, "Shadwell Sisters Circle")
    # The owner also changed the description from the page they opened: not saved, their text shown.
    clash = client.post(f"/my-group/{org.id}/edit", data={**renamed, "description": "Ours, rewritten."})
    html = clash.get_data(as_text=True)
    assert clash.status_code == 200 and "There is a problem" in html
    assert 'href="#description">Someone else saved a change to this while you were editing' in html
    assert re.search(r'portal-conflict">.*' + re.escape(staff_text), html, re.S) and "Ours, rewritten." in html
    assert f'name="description__was" value="{staff_text}"' in html
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).description == staff_text
    again = {**renamed, "description__was": staff_text, "description": "Ours, rewritten."}
    assert client.post(f"/my-group/{org.id}/edit", data=again).status_code == 303
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).description == "Ours, rewritten."


def test_tick_boxes_and_choices_are_merged_too(app, client, login_as, group, db):
    """The walk: the owner ticks a theme and changes the year; staff, whose page was opened before, then
    change the phone number only. Both keep their changes; the same year changed twice is a clash."""
    from tests.factories.groups import application_data

    org, owner = group
    login_as(owner)
    base = application_data(legal_form="unincorporated", charity_number="")
    assert client.post(f"/my-group/{org.id}/edit", data=base).status_code == 303  # a full entry to start from
    second = _staff_browser(app, db)
    mine, theirs = _started(client, f"/my-group/{org.id}/edit"), _started(second, f"/staff/groups/{org.id}/edit")
    housing = tag("theme", "Housing")
    db.session.commit()
    ticked = {**base, **mine, "themes": [*base["themes"], str(housing.id)], "founded_year": "2008"}
    assert client.post(f"/my-group/{org.id}/edit", data=ticked).status_code == 303
    phone = {**base, **theirs, "phone": "020 7946 1111"}
    assert second.post(f"/staff/groups/{org.id}/edit", data=phone).status_code == 303
    db.session.expire_all()
    saved = db.session.scalar(
        select(Organisation).where(Organisation.id == org.id).options(selectinload(Organisation.tags))
    )
    assert housing in saved.tags and saved.founded_year == 2008 and saved.phone == "020 7946 1111"
    # Staff, from the page opened before, change the year too: a clash, shown with the owner's year.
    clash = second.post(f"/staff/groups/{org.id}/edit", data={**phone, "founded_year": "2010"})
    html = clash.get_data(as_text=True)
    assert clash.status_code == 200 and 'href="#founded_year">Someone else saved a change' in html
    assert re.search(r'portal-conflict">.*2008', html, re.S)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).founded_year == 2008
