"""Every page in every language (issue 22): the whole-site sweep again with the reader's language set
to Bengali, Somali and Urdu. Plural rules, Bengali digits and right-to-left are exercised on every page
a role can open: no server error (a {% trans %} whose plural count is not a number only fails where a
catalogue has plural rules), no placeholder left unfilled, and <html lang dir> says the language."""

from __future__ import annotations

import re

import pytest

from app.i18n.languages import LANGUAGES, TRANSLATED
from app.i18n.selection import COOKIE
from tests.sweep import support

UNFILLED = re.compile(r"%\(\w+\)s")
# The translations page teaches reviewers to keep "%(name)s" as it is: there it is the text itself.
SHOWS_PLACEHOLDERS = {"/staff/translations"}
# The bulletin e-mail's own HTML (the preview's frame) is in the language of the version it shows,
# as subscribers get it, whatever the staff member's page language (issue 22, bulletin versions).
EMAIL_DOCUMENTS = {"mailing.staff_preview_email"}


@pytest.fixture
def demo(app, db):
    support.seed_demo()
    return db


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
def test_every_page_works_in_each_language(app, client, demo, role, code):
    client.set_cookie(COOKIE, code)
    visits, _ = support.sweep(app, client, role)
    language = LANGUAGES[code]
    crashes = [f"{v.status} {v.route.url}" for v in visits if v.status >= 500]
    assert not crashes, f"server errors in {code} as {role}: {crashes}"
    pages = [v for v in visits if v.status == 200 and v.body]
    unfilled = [
        f"{v.route.url}: {UNFILLED.search(v.body).group(0)}"
        for v in pages
        if UNFILLED.search(v.body) and v.route.url not in SHOWS_PLACEHOLDERS
    ]
    assert not unfilled, f"placeholders left in {code} as {role}: {unfilled}"
    html_tags = {
        v.route.url: (re.search(r"<html[^>]*>", v.body) or re.search("", "")).group(0)
        for v in pages
        if v.route.endpoint not in EMAIL_DOCUMENTS
    }
    wrong_lang = [
        url
        for url, tag in html_tags.items()
        if f'lang="{language.tag}"' not in tag or (language.rtl and 'dir="rtl"' not in tag)
    ]
    assert not wrong_lang, f"pages not marked as {code}: {wrong_lang}"
    assert len(pages) > 20
