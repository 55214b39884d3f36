"""A group's description in other languages in a real browser (issue 22 part 2): a member adds a
Bengali description (with a mistake first: an empty field), the English one beside the field at 1280 px
and above it at 320 px; then a visitor reads the profile in Bengali (the Bengali description, marked
lang="bn") and in Urdu (right to left, the English description marked lang="en-GB" dir="ltr", with a link
to the Bengali). axe on every page; screenshots in tests/e2e/screens/group-languages-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db as _db
from tests import factories
from tests.e2e.test_joining_journeys import _look
from tests.factories.groups import organisation, tag

pytestmark = pytest.mark.e2e
BENGALI = "আমরা বাংলাদেশি নারীদের মানসিক স্বাস্থ্য নিয়ে কাজ করি।"


@pytest.fixture
def group(app):
    with app.app_context():
        owner = factories.user(email="ruksana@example.org", name="Ruksana Ali")
        org = organisation(
            "Shadwell Sisters",
            owner=owner,
            description="We support Bangladeshi women with their mental health. We meet every Tuesday.",
            tags=[tag("language", "Bengali"), tag("language", "Sylheti"), tag("language", "English")],
        )
        _db.session.commit()
        return org.id, org.slug


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_member_adds_a_bengali_description_and_readers_see_it_in_their_language(request, javascript, group):
    org_id, slug = group
    site = request.getfixturevalue("site" if javascript else "site_without_js")
    page = site.page
    site.sign_in("ruksana@example.org")
    site.goto(f"/my-group/{org_id}?lang=en")
    with page.expect_navigation():
        page.get_by_role("link", name="Your description in other languages").click()
    site.axe_check()
    with page.expect_navigation():
        page.get_by_role("link", name="Add (Bengali)").click()
    site.axe_check()
    field = page.get_by_label("Your description in Bengali")
    expect(field).to_have_attribute("lang", "bn")
    expect(field).to_have_attribute("dir", "ltr")
    english = page.locator('[lang="en"].govuk-inset-text')
    expect(english).to_contain_text("We meet every Tuesday.")
    # Side by side at desktop width, the English above the field on a phone.
    assert abs(english.bounding_box()["y"] - field.bounding_box()["y"]) < 150
    assert english.bounding_box()["x"] < field.bounding_box()["x"]
    suffix = "js" if javascript else "nojs"
    if javascript:
        _look(site, "group-languages-edit")
        page.set_viewport_size({"width": 320, "height": 900})
        assert english.bounding_box()["y"] + english.bounding_box()["height"] <= field.bounding_box()["y"]
        page.set_viewport_size({"width": 1280, "height": 900})

    site.submit("Save description")  # empty: an error, by the field
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your group's description in this language")
    page.get_by_label("Your description in Bengali").fill(BENGALI)
    site.submit("Save description")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your description in Bengali has been saved.")
    expect(page.locator('.govuk-summary-card [lang="bn"]')).to_have_text(BENGALI)
    _look(site, f"group-languages-list-{suffix}")

    # A visitor reading in Bengali sees the Bengali description and the languages named in Bengali.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    site.goto(f"/groups/{slug}?lang=bn")
    description = page.locator("#description")
    expect(description).to_have_attribute("lang", "bn")
    expect(description).to_have_text(BENGALI)
    expect(page.locator(".govuk-summary-list")).to_contain_text("বাংলা")
    expect(page.locator("#other-languages a")).to_have_text("English")
    _look(site, f"group-languages-profile-bn-{suffix}")

    # In Urdu (right to left) the English description is marked as English, left to right.
    site.goto(f"/groups/{slug}?lang=ur")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    description = page.locator("#description")
    expect(description).to_have_attribute("lang", "en-GB")
    expect(description).to_have_attribute("dir", "ltr")
    expect(description).to_contain_text("We meet every Tuesday.")
    expect(page.locator("#other-languages a")).to_have_count(1)
    expect(page.locator('#other-languages a[lang="bn"]')).to_have_text("বাংলা")
    _look(site, f"group-languages-profile-ur-{suffix}")
    with page.expect_navigation():
        page.locator('#other-languages a[lang="bn"]').click()
    site.axe_check()
    expect(page.locator("#description")).to_have_text(BENGALI)


def test_two_tabs_editing_the_urdu_description_and_the_urdu_footer_at_320px(site, group):
    """The later save of two tabs does not replace the earlier: it shows their text and keeps the typed
    one; then the Urdu footer at 320 px keeps each English name whole (<bdi>)."""
    org_id, slug = group
    page = site.page
    site.sign_in("ruksana@example.org")
    site.goto(f"/my-group/{org_id}/descriptions/ur?lang=en")
    other = page.context.new_page()
    other.goto(page.url)
    other.get_by_label("Your description in Urdu").fill("دوسرے ٹیب کی تحریر")
    with other.expect_navigation():
        other.get_by_role("button", name="Save description").click()
    other.close()
    page.get_by_label("Your description in Urdu").fill("میری تحریر")
    site.submit("Save description")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Someone else saved a change to this")
    expect(page.locator('.portal-conflict [lang="ur"]')).to_have_text("دوسرے ٹیب کی تحریر")
    expect(page.get_by_label("Your description in Urdu")).to_have_value("میری تحریر")
    site.axe_check()
    _look(site, "group-languages-conflict")
    site.submit("Save description")  # having seen theirs, the second save goes through
    expect(page.locator(".govuk-notification-banner")).to_contain_text("has been saved")
    expect(page.locator('.govuk-summary-card [lang="ur"]')).to_have_text("میری تحریر")

    site.goto(f"/groups/{slug}?lang=ur")
    page.set_viewport_size({"width": 320, "height": 900})
    names = page.locator("footer bdi")
    expect(names).to_have_count(2)
    for index in range(2):
        name = names.nth(index)
        # Each name reads left to right as one piece: its words in order, none moved to another run.
        order = name.evaluate(
            """(el) => { const words = []; const text = el.firstChild; let at = 0;
              for (const word of text.data.split(' ')) { const r = document.createRange();
                r.setStart(text, at); r.setEnd(text, at + word.length); at += word.length + 1;
                const box = r.getBoundingClientRect(); words.push([Math.round(box.top), box.left]); }
              return words.every((w, i) => i === 0 || w[0] > words[i - 1][0] || w[1] > words[i - 1][1]); }"""
        )
        assert order, name.text_content()
        # ... and on one line: not split around the Urdu words at 320 px.
        assert name.evaluate("(el) => el.getClientRects().length") == 1, name.text_content()
    page.locator("footer").screenshot(path="tests/e2e/screens/group-languages-footer-ur-320.png")
    page.set_viewport_size({"width": 1280, "height": 900})
