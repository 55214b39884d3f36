"""Bulletins in other languages in a real browser (issue 22, part 2): staff write the Urdu version
beside the English (its fields right to left), at 1280 px side by side and at 320 px one above the
other; a reader joins the mailing list choosing Bengali. axe checks every page; screenshots in
tests/e2e/screens/bulletin-languages-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.mailing.models import BulletinVersion, Subscriber
from tests import factories
from tests.e2e.test_joining_journeys import _look
from tests.factories import mailing as mailing_factories

pytestmark = pytest.mark.e2e


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not on the screen"
    return box


def test_staff_write_the_urdu_version_beside_the_english(site, db):
    factories.user(role="staff", email="kwame@example.org", name="Kwame Mensah")
    bulletin = mailing_factories.bulletin(title="Employment bulletin: December", items=2)
    db.session.commit()
    page = site.page
    site.sign_in("kwame@example.org")
    site.goto(f"/staff/bulletins/{bulletin.id}")
    expect(page.locator("#languages")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Add اردو (Urdu) version").click()
    site.axe_check()

    title = page.locator("input[name=title]")
    expect(title).to_have_attribute("lang", "ur")
    expect(title).to_have_attribute("dir", "rtl")
    first_body = page.locator("textarea[name^=body_]").first
    expect(first_body).to_have_attribute("dir", "rtl")
    assert title.evaluate("e => getComputedStyle(e).direction") == "rtl"

    # Side by side at desktop width: the English to the left of the Urdu fields, on one row.
    page.set_viewport_size({"width": 1280, "height": 900})
    english = _box(page.locator(".portal-version-row").first.locator(".govuk-grid-column-one-half").first)
    field = _box(title)
    assert english["x"] + english["width"] <= field["x"] + 2 and abs(english["y"] - field["y"]) < 120
    # Stacked on a phone: both boxes read in one go once the page has settled at the new width (read one
    # after the other, a relayout in between once put the field inside the English box's old height).
    page.set_viewport_size({"width": 320, "height": 900})
    page.wait_for_function("document.fonts.status === 'loaded' && document.documentElement.clientWidth === 320")
    page.wait_for_function(
        """() => {
            const column = ".portal-version-row .govuk-grid-column-one-half";
            const english = document.querySelector(column).getBoundingClientRect();
            const field = document.querySelector("input[name=title]").getBoundingClientRect();
            return field.top >= english.bottom - 2;
        }""",
        timeout=5000,
    )
    page.set_viewport_size({"width": 1280, "height": 900})

    # A mistake: the title left empty, a paragraph without its heading. Nothing typed is lost.
    first_body.fill("گرانٹس اب کھلی ہیں")
    site.submit("Save this version")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("textarea[name^=body_]").first).to_have_value("گرانٹس اب کھلی ہیں")
    _look(site, "bulletin-languages-ur-editor-error")

    page.locator("input[name=title]").fill("روزگار بلیٹن: دسمبر")
    page.locator("input[name^=heading_]").first.fill("کمیونٹی فنڈ")
    site.submit("Save this version")
    expect(page.locator("main")).to_contain_text("Partly translated: no introduction, 1 of 2 items")
    db.session.expire_all()
    assert db.session.scalar(select(BulletinVersion.title)) == "روزگار بلیٹن: دسمبر"

    with page.expect_navigation():
        page.get_by_role("link", name="Preview the اردو (Urdu) version").click()
    site.axe_check()
    frame = page.frame_locator("iframe.portal-email-preview")
    expect(frame.locator("html")).to_have_attribute("dir", "rtl")
    _look(site, "bulletin-languages-ur-preview")
    # At 320 px the frame holds the whole e-mail: nothing cut off at the bottom (tester's walk).
    page.set_viewport_size({"width": 320, "height": 700})
    page.reload()
    frame_element = page.locator("iframe.portal-email-preview")
    expect(frame.locator("body")).to_be_visible()
    page.wait_for_function(
        "() => { const f = document.querySelector('iframe.portal-email-preview');"
        " return f.getBoundingClientRect().height >= f.contentDocument.documentElement.scrollHeight; }"
    )
    assert _box(frame_element)["height"] > 700
    expect(page.locator("#email-preview-hint")).to_be_visible()
    frame_element.scroll_into_view_if_needed()
    page.screenshot(path="tests/e2e/screens/bulletin-languages-ur-preview-320.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    site.goto(f"/staff/bulletins/{bulletin.id}/languages/ur")
    _look(site, "bulletin-languages-ur-editor")


def test_a_reader_joins_choosing_bengali(site, db):
    mailing_factories.topics()
    db.session.commit()
    page = site.page
    site.goto("/mailing-list")
    bengali = page.locator("input[name=language][value=bn]")
    expect(page.locator("input[name=language][value=en]")).to_be_checked()
    expect(page.locator(f"label[for={bengali.get_attribute('id')}]")).to_have_attribute("lang", "bn")
    page.locator("#email").fill("nadia@example.org")
    page.locator("#name").fill("Nadia Hussain")
    page.locator("input[name=topics]").first.check()
    bengali.check()
    page.locator("#consent").check()
    _look(site, "bulletin-languages-bn-signup")
    site.submit("Join the mailing list")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    db.session.expire_all()
    assert db.session.scalar(select(Subscriber.language).where(Subscriber.email == "nadia@example.org")) == "bn"


def test_a_clash_while_two_staff_edit_the_bengali_version(site, db):
    """The tester's walk: someone else saves the introduction while Kwame is typing his. In Bengali,
    the page shows their text above his box, his text stays in it, and the next save goes through."""
    factories.user(role="staff", email="kwame@example.org", name="Kwame Mensah")
    bulletin = mailing_factories.bulletin(title="Employment bulletin: December", items=1)
    bulletin.versions.append(BulletinVersion(language="bn", title="কর্মসংস্থান বুলেটিন", intro="পুরনো ভূমিকা।"))
    db.session.commit()
    page = site.page
    site.sign_in("kwame@example.org")
    site.goto(f"/staff/bulletins/{bulletin.id}/languages/bn?lang=bn")
    page.locator("textarea[name=intro]").fill("কোয়ামের ভূমিকা।")
    bulletin.version("bn").intro = "অন্য কারও ভূমিকা।"  # saved by someone else meanwhile
    db.session.commit()
    page.locator('form[action$="/languages/bn"] button[type=submit]').click()
    page.wait_for_load_state()
    site.axe_check()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".portal-conflict")).to_contain_text("অন্য কারও ভূমিকা।")
    expect(page.locator("textarea[name=intro]")).to_have_value("কোয়ামের ভূমিকা।")
    expect(page.locator(".portal-english-changed")).to_have_count(0)  # the English did not change
    page.set_viewport_size({"width": 320, "height": 900})
    _look(site, "bulletin-languages-bn-clash")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator('form[action$="/languages/bn"] button[type=submit]').click()
    page.wait_for_load_state()
    db.session.expire_all()
    assert bulletin.version("bn").intro == "কোয়ামের ভূমিকা।"
