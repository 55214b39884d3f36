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
from app.toolkits.models import ToolkitTranslation
from tests import factories
from tests.e2e.test_joining_journeys import SCREENS, _sign_out
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


# How far the heading's letters (ink, not boxes: Nastaliq draws well outside its line) stay below the
# caption's: each line's baseline found with an empty inline-block put at its start or end, and the
# tallest and deepest letters of the text measured with the element's own fonts (canvas measureText).
LETTERS_APART = """() => {
  const ink = (el, atEnd) => {
    const style = getComputedStyle(el);
    const context = document.createElement("canvas").getContext("2d");
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const metrics = context.measureText(el.textContent.trim());
    const mark = document.createElement("span");
    mark.style.display = "inline-block";
    atEnd ? el.append(mark) : el.prepend(mark);
    const baseline = mark.getBoundingClientRect().bottom;
    mark.remove();
    return [baseline - metrics.actualBoundingBoxAscent, baseline + metrics.actualBoundingBoxDescent];
  };
  const [, captionBottom] = ink(document.querySelector("main .govuk-caption-l"), true);
  const [headingTop] = ink(document.querySelector("main h1"), false);
  return headingTop - captionBottom;
}"""


def test_urdu_heading_letters_clear_the_caption(site, db):
    """The section page in Urdu, its toolkit title (the caption) and section title in Urdu: at 1280 and
    320 px the heading's tall Nastaliq letters do not reach into the caption line above it (tester,
    December 2026; screenshots tests/e2e/screens/translated-ur-heading-*.png)."""
    toolkit = small_toolkit()
    amina = factories.user(name="Amina Hussain", email="amina@example.org")
    org = organisation("Bangla Wellbeing Circle", owner=amina)
    first = sections(toolkit)[0]
    staff = factories.user(role="staff")
    for kind, oid, name, text in (
        ("toolkit", toolkit.id, "title", "چھوٹی ٹول کٹ"),
        ("section", first.id, "title", "لوگ جن کی آپ مدد کرتے ہیں"),
    ):
        db.session.add(
            ToolkitTranslation(
                toolkit_id=toolkit.id,
                language="ur",
                object_type=kind,
                object_id=oid,
                field=name,
                text=text,
                updated_by_id=staff.id,
            )
        )
    db.session.commit()
    page = site.page
    site.sign_in("amina@example.org")
    site.goto(f"/toolkits/{toolkit.slug}/respond/section/{first.id}?org={org.id}&lang=ur")
    top = page.locator("main .govuk-caption-l")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        gap = page.evaluate(LETTERS_APART)
        box = top.bounding_box()
        heading = page.locator("main h1").bounding_box()
        page.screenshot(
            path=str(SCREENS / f"translated-ur-heading-{width}.png"),
            clip={
                "x": 0,
                "y": box["y"] - 20,
                "width": width,
                "height": heading["y"] + heading["height"] - box["y"] + 40,
            },
        )
        assert gap >= 0, f"at {width} px the heading's letters reach {-gap:.0f} px into the caption's"
    _phone_and_screenshots(site, "translated-ur-heading-page")
