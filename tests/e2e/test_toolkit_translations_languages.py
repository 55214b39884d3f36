"""A translated toolkit in a real browser (issue 22 part 2), in Urdu (right to left) and Bengali.

Staff translate a section side by side with the English (the field for the language is marked with
its lang and dir); a member whose page is in that language answers it: the question and the option
read in her language, an untranslated option in English (lang="en"), and leaving out a required answer
names the question in her language in the error summary, with nothing she chose lost. axe checks every
page; the editor and the section are looked at 320 and 1280 px (tests/e2e/screens/translated-*.png)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.i18n.languages import LANGUAGES
from tests import factories
from tests.e2e.test_joining_journeys import _sign_out
from tests.e2e.test_languages import (
    _error_summary_at_the_start,
    _in_language,
    _phone_and_screenshots,
    _submit,
    _ticks_at_the_start,
)
from tests.factories.groups import organisation
from tests.factories.toolkits import questions, sections, small_toolkit

pytestmark = pytest.mark.e2e

WORDS = {
    "ur": {"First": "پہلا حصہ", "Name": "نام", "Size": "سائز", "Small": "چھوٹا"},
    "bn": {"First": "প্রথম অংশ", "Name": "নাম", "Size": "আকার", "Small": "ছোট"},
}


@pytest.mark.parametrize("code", ["ur", "bn"])
def test_staff_translate_then_a_member_answers_with_an_error(site, db, code):
    toolkit = small_toolkit()
    factories.user(role="staff", email="kwame@example.org", name="Kwame Mensah")
    amina = factories.user(name="Amina Hussain", email="amina@example.org")
    org = organisation("Bangla Wellbeing Circle", owner=amina)
    db.session.commit()
    q = questions(toolkit)
    first = sections(toolkit)[0]
    words = WORDS[code]
    language = LANGUAGES[code]
    page = site.page

    # Staff: the translations page, then the section's editor in the language.
    site.sign_in("kwame@example.org")
    site.goto(f"/staff/toolkits/{toolkit.slug}/translations")
    expect(page.locator(f"#language-{code}")).to_be_visible()
    _phone_and_screenshots(site, f"translated-{code}-overview")
    with page.expect_navigation():
        page.locator(f'a[href$="/translations/{code}/section/{first.id}"]').click()
    site.axe_check()
    fields = {
        "First": f"#t-section-{first.id}-title",
        "Name": f"#t-question-{q['Name'].id}-label",
        "Size": f"#t-question-{q['Size'].id}-label",
        "Small": f"#t-question-{q['Size'].id}-option-small",
    }
    for english, selector in fields.items():
        field = page.locator(selector)
        expect(field).to_have_attribute("lang", language.tag)
        expect(field).to_have_attribute("dir", language.direction)
        field.fill(words[english])
    _phone_and_screenshots(site, f"translated-{code}-editor")
    _submit(site, "main form button[type=submit]")
    expect(page.locator(f"#language-{code}")).to_be_visible()
    expect(page.locator(f"#language-{code} + p")).to_contain_text("4 of")  # title, two questions, an option
    _sign_out(site)

    # The member answers the section in the language.
    site.sign_in("amina@example.org")
    section = f"/toolkits/{toolkit.slug}/respond/section/{first.id}?org={org.id}&lang={code}"
    site.goto(section)
    rtl = _in_language(page, code)
    expect(page.locator("main h1")).to_have_text(words["First"])
    size = page.locator(f"#question-{q['Size'].html_id}")
    expect(size.locator("legend")).to_contain_text(words["Size"])
    expect(size.locator("label[for$='-2']")).to_have_attribute("lang", "en")  # "Large", untranslated
    small = size.locator("input[value=small]")
    expect(page.locator(f"label[for='{small.get_attribute('id')}']")).to_have_text(words["Small"])
    with page.expect_response(lambda r: "/autosave" in r.url and r.status == 200):
        small.check()
    _submit(site, "main button[name=action][value=continue]")
    _error_summary_at_the_start(page, rtl)
    expect(page.locator(".govuk-error-summary")).to_contain_text(words["Name"])
    _ticks_at_the_start(page, rtl)
    expect(page.locator(f"#question-{q['Size'].html_id} input[value=small]")).to_be_checked()  # nothing lost
    _phone_and_screenshots(site, f"translated-{code}-section-error")
