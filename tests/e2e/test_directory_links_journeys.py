"""Browser journeys for the directory leftovers and the events ↔ directory links, in Chromium with axe:
type-ahead over long checkbox lists (and the plain lists without JavaScript), group apologies with
htmx, and the staff import preview."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.events.models import Registration
from app.extensions import db as _db
from app.groups.models import Organisation
from app.groups.seed import seed_taxonomy
from tests import factories
from tests.factories import events as event_helpers
from tests.factories.groups import organisation

pytestmark = pytest.mark.e2e


def _fill_required(page) -> None:
    page.get_by_label("Name of your group", exact=True).fill("Poplar Bengali Carers")
    page.get_by_label("Unincorporated group").check()
    page.get_by_label("What does your group do?").fill("Support for carers, in Bengali and Sylheti.")
    page.get_by_label("Contact person", exact=True).fill("Ruksana Ali")


def _application(app) -> Organisation:
    with app.app_context():
        return _db.session.scalar(
            select(Organisation)
            .where(Organisation.name == "Poplar Bengali Carers")
            .options(selectinload(Organisation.tags))
        )


def test_type_ahead_filters_long_lists_and_announces_matches(site, app, db):
    seed_taxonomy()
    factories.user(email="ruksana@example.org", name="Ruksana Ali")
    db.session.commit()
    page = site.page
    site.sign_in("ruksana@example.org")
    site.goto("/groups/apply")

    languages = page.get_by_role("group", name="Languages used")
    search = page.get_by_label("Search languages used")
    expect(search).to_be_visible()
    expect(languages.get_by_label("Somali")).to_be_visible()
    search.fill("beng")
    expect(languages.get_by_label("Bengali", exact=True)).to_be_visible()
    expect(languages.get_by_label("Somali")).to_be_hidden()
    status = languages.get_by_role("status")
    total = languages.locator("input[type=checkbox]").count()  # every language the taxonomy offers
    expect(status).to_have_text(f"1 of {total} match “beng”")
    site.axe_check()

    # Keyboard only: Enter in the search box does not submit; Tab reaches the option; Space ticks it.
    search.press("Enter")
    assert page.url.endswith("/groups/apply")
    search.press("Tab")
    expect(languages.get_by_label("Bengali", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(languages.get_by_label("Bengali", exact=True)).to_be_checked()

    # A ticked option stays visible whatever is typed; Escape clears the search.
    search.fill("xyz")
    expect(status).to_have_text("No languages used match “xyz”")
    expect(languages.get_by_label("Bengali", exact=True)).to_be_visible()
    expect(languages.get_by_label("Arabic")).to_be_hidden()
    search.press("Escape")
    expect(languages.get_by_label("Arabic")).to_be_visible()

    # Accents are ignored, and the single-choice area list filters too.
    page.get_by_label("Search area or ward").fill("poplar")
    areas = page.get_by_role("group", name="Area or ward")
    expect(areas.get_by_label("Poplar")).to_be_visible()
    expect(areas.get_by_label("Whitechapel")).to_be_hidden()
    areas.get_by_label("Poplar").check()
    page.get_by_label("Search themes of work").fill("mental")
    page.get_by_role("group", name="Themes of work").get_by_label("Mental health").check()
    site.axe_check()
    assert page.locator("[style]").count() == 0

    _fill_required(page)
    site.submit("Send application")
    expect(page.get_by_text("Application sent")).to_be_visible()
    org = _application(app)
    assert sorted(t.name for t in org.tags) == ["Bengali", "Mental health", "Poplar"]


def test_plain_checkboxes_work_without_javascript(site_without_js, app, db):
    seed_taxonomy()
    factories.user(email="ruksana@example.org", name="Ruksana Ali")
    db.session.commit()
    site = site_without_js
    page = site.page
    site.sign_in("ruksana@example.org")
    site.goto("/groups/apply")
    expect(page.get_by_label("Search languages used")).to_have_count(0)
    page.get_by_role("group", name="Languages used").get_by_label("Sylheti").check()
    page.get_by_role("group", name="Themes of work").get_by_label("Diabetes").check()
    page.get_by_role("group", name="Area or ward").get_by_label("Poplar").check()
    _fill_required(page)
    site.submit("Send application")
    expect(page.get_by_text("Application sent")).to_be_visible()
    assert sorted(t.name for t in _application(app).tags) == ["Diabetes", "Poplar", "Sylheti"]


def test_member_sends_group_apologies_with_htmx(site, app, db):
    member = factories.user(email="farah@example.org", name="Farah Ahmed")
    organisation("Somali Parents Network", owner=member)
    partner = organisation("Borough Wellbeing Partnership")
    meeting = event_helpers.event(
        kind="network_meeting", audience="members", title="BAME network meeting", partners=[partner]
    )
    db.session.commit()
    page = site.page
    site.sign_in("farah@example.org")
    site.goto(f"/events/{meeting.slug}")
    expect(page.get_by_text("Hosted with Borough Wellbeing Partnership")).to_be_visible()
    expect(page.get_by_role("link", name="Borough Wellbeing Partnership")).to_have_attribute(
        "href", re.compile(r"/groups/borough-wellbeing-partnership")
    )
    expect(page.get_by_text("Register as Farah Ahmed from Somali Parents Network")).to_be_visible()
    page.get_by_role("button", name="Send apologies for my group").click()
    expect(page.get_by_role("heading", name="You have sent your apologies for Somali Parents Network")).to_be_visible()
    expect(page.locator("#portal-live-region")).to_have_text("Apologies sent")
    assert page.url.endswith(f"/events/{meeting.slug}")  # swapped in place
    site.axe_check()
    with app.app_context():
        registration = _db.session.scalar(select(Registration).where(Registration.email == "farah@example.org"))
        assert registration.status == "apologies" and registration.organisation_name == "Somali Parents Network"


def test_staff_import_preview_lists_row_errors(site, app, db, tmp_path):
    seed_taxonomy()
    factories.user(role="staff", email="staff@example.org")
    db.session.commit()
    page = site.page
    site.sign_in("staff@example.org")
    site.goto("/staff/groups/import")
    upload = tmp_path / "groups.csv"
    upload.write_bytes(
        "Name,Legal form,What the group does,Postcode,Themes\n"
        "Good Group,Faith group,Prayer and support,E1 6AN,Mental health\n"
        "Bad Group,Faith group,Prayer,NOWHERE,Astrology\n".encode("cp1252")
    )
    page.get_by_label("Upload a CSV file").set_input_files(str(upload))
    site.submit("Check the file")
    expect(page.get_by_text("Nothing can be imported until these problems are fixed")).to_be_visible()
    expect(page.get_by_role("link", name="Row 3: Postcode “NOWHERE” is not a real UK postcode")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
