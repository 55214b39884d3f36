"""Choosing the language (issue 22, DESIGN §9a): `?lang=`, then the account, then the cookie, then the
browser's Accept-Language, then English; the choice is remembered; `<html lang dir>`, the headers and
the header's switcher follow it."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from lxml import html as lxml_html

from app.i18n.languages import LANGUAGES
from app.i18n.selection import COOKIE
from tests import factories


def _html_tag(response) -> tuple[str, str]:
    """(lang, dir) of the page's <html> element."""
    root = lxml_html.fromstring(response.get_data(as_text=True))
    return root.get("lang"), root.get("dir")


def _lang(response) -> str:
    return _html_tag(response)[0]


def _cookie(response) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{COOKIE}="):
            return header
    return None


# --- the order: ?lang= > account > cookie > Accept-Language > English ---------------------------------


def test_english_when_nothing_says_otherwise(client, db):
    assert _lang(client.get("/")) == "en-GB"


def test_accept_language_decides_a_first_visit(client, db):
    assert _lang(client.get("/", headers={"Accept-Language": "ur-PK,ur;q=0.9,en;q=0.5"})) == "ur"
    assert _lang(client.get("/", headers={"Accept-Language": "so"})) == "so"
    # A language the portal does not speak is passed over for the next the browser asks for.
    assert _lang(client.get("/", headers={"Accept-Language": "fr, bn;q=0.8"})) == "bn"
    assert _lang(client.get("/", headers={"Accept-Language": "fr, de;q=0.8"})) == "en-GB"


def test_the_cookie_beats_accept_language(client, db):
    client.set_cookie(COOKIE, "so")
    assert _lang(client.get("/", headers={"Accept-Language": "ur"})) == "so"


def test_the_account_beats_the_cookie(client, login_as, db):
    user = login_as("member")
    user.language = "ur"
    db.session.commit()
    client.set_cookie(COOKIE, "so")
    assert _lang(client.get("/", headers={"Accept-Language": "bn"})) == "ur"


def test_the_address_beats_the_account_the_cookie_and_the_browser(client, login_as, db):
    user = login_as("member")
    user.language = "ur"
    db.session.commit()
    client.set_cookie(COOKIE, "so")
    assert _lang(client.get("/?lang=bn", headers={"Accept-Language": "ur"})) == "bn"


@pytest.mark.parametrize("value", ["xx", "EN-US", "../bn", "bn%00", "b" * 200, ""])
def test_an_unknown_language_in_the_address_is_ignored(client, db, value):
    client.set_cookie(COOKIE, "so")
    response = client.get("/", query_string={"lang": value})
    assert response.status_code == 200
    assert _lang(response) == "so"  # the cookie, as if ?lang= were not there
    assert _cookie(response) is None  # and nothing is remembered


def test_an_unknown_cookie_or_account_value_is_ignored(client, login_as, db):
    client.set_cookie(COOKIE, "klingon")
    assert _lang(client.get("/", headers={"Accept-Language": "bn"})) == "bn"
    user = login_as("member")
    user.language = "zz"
    db.session.commit()
    assert _lang(client.get("/", headers={"Accept-Language": "bn"})) == "bn"


def test_the_code_is_read_case_insensitively(client, db):
    assert _lang(client.get("/?lang=UR")) == "ur"


# --- remembering the choice ------------------------------------------------------------------------------


def test_choosing_a_language_sets_the_cookie(client, db):
    response = client.get("/?lang=ur")
    header = _cookie(response)
    assert header is not None and header.startswith(f"{COOKIE}=ur;")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=" in header
    assert _lang(client.get("/")) == "ur"  # the next page, without ?lang=, stays in Urdu
    assert _cookie(client.get("/?lang=ur")) is None  # already remembered: not set again


def test_a_page_that_fails_remembers_nothing(client, db):
    response = client.get("/no-such-page?lang=bn")
    assert response.status_code == 404
    assert _cookie(response) is None


def test_a_signed_in_persons_choice_is_saved_in_their_account(client, login_as, db):
    user = login_as("member")
    assert user.language is None
    client.get("/?lang=so")
    db.session.refresh(user)
    assert user.language == "so"
    # Their account now decides, even in a browser without the cookie.
    client.delete_cookie(COOKIE)
    assert _lang(client.get("/", headers={"Accept-Language": "bn"})) == "so"


def test_the_account_language_follows_them_to_another_browser(app, db):
    user = factories.user(email="amina@example.org")
    user.language = "bn"
    db.session.commit()
    browser = app.test_client()
    response = browser.post(
        "/login", data={"email": "amina@example.org", "password": factories.PASSWORD}, follow_redirects=True
    )
    assert response.status_code == 200
    assert _lang(browser.get("/")) == "bn"


# --- <html lang dir>, headers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "tag", "direction"),
    [("en", "en-GB", "ltr"), ("bn", "bn", "ltr"), ("so", "so", "ltr"), ("ur", "ur", "rtl")],
)
def test_html_lang_and_dir_for_each_language(client, db, code, tag, direction):
    response = client.get(f"/groups?lang={code}")
    assert _html_tag(response) == (tag, direction)
    assert response.headers["Content-Language"] == tag
    page = response.get_data(as_text=True)
    # The right-to-left layer is loaded only for a right-to-left language.
    assert bool(re.search(r'<link rel="stylesheet" href="[^"]*/rtl\.[^"]*css"', page)) == (direction == "rtl")


def test_every_registered_language_has_a_direction_and_a_tag(client, db):
    for code, language in LANGUAGES.items():
        assert language.direction in ("ltr", "rtl")
        assert _html_tag(client.get(f"/?lang={code}")) == (language.tag, language.direction)


def test_pages_vary_by_language(client, db):
    response = client.get("/?lang=bn")
    vary = {v.strip().lower() for v in response.headers["Vary"].split(",")}
    assert {"accept-language", "cookie"} <= vary
    assert response.headers["Content-Language"] == "bn"


def test_a_feed_or_file_is_not_labelled_with_the_page_language(client, db):
    response = client.get("/static/app.css?lang=ur")
    assert "Content-Language" not in response.headers


# --- the header's switcher ---------------------------------------------------------------------------


def _switcher(response):
    root = lxml_html.fromstring(response.get_data(as_text=True))
    [nav] = root.xpath("//nav[contains(@class, 'portal-languages')]")
    return root, nav


def test_the_switcher_names_each_language_in_itself_and_marks_the_current_one(client, db):
    response = client.get("/groups?q=food+bank&area=shadwell&area=bow&lang=bn")
    root, nav = _switcher(response)
    items = nav.xpath(".//li")
    assert [item.text_content().strip() for item in items] == ["English", "বাংলা", "Soomaali", "اردو"]
    [current] = nav.xpath(".//*[@aria-current]")
    assert current.tag == "span" and current.text_content() == "বাংলা" and current.get("lang") == "bn"
    links = nav.xpath(".//a")
    assert len(links) == 3  # the current language is not a link
    for link in links:
        assert link.get("lang") == link.get("hreflang")
        query = parse_qs(urlsplit(link.get("href")).query)
        assert urlsplit(link.get("href")).path == "/groups"
        # Every other parameter of the page is kept, in order, repeated ones too.
        assert query["q"] == ["food bank"] and query["area"] == ["shadwell", "bow"]
        assert query["lang"] == [{"English": "en", "Soomaali": "so", "اردو": "ur"}[link.text_content()]]
    # The page's other versions are announced to search engines and browsers too.
    alternates = {a.get("hreflang"): a.get("href") for a in root.xpath("//link[@rel='alternate']")}
    assert set(alternates) == {"en-GB", "so", "ur"}


def test_the_switcher_is_in_english_pages_too_and_needs_no_javascript(client, db):
    _root, nav = _switcher(client.get("/"))
    assert nav.get("aria-label")
    assert [a.get("href") for a in nav.xpath(".//a")] == ["/?lang=bn", "/?lang=so", "/?lang=ur"]
    assert nav.xpath(".//span[@aria-current]")[0].text_content() == "English"
    assert not nav.xpath(".//script|.//button|.//select")


def test_switcher_links_are_escaped(client, db):
    _root, nav = _switcher(client.get('/groups?q="><b>x</b>&lang=so'))
    href = nav.xpath(".//a")[0].get("href")
    assert parse_qs(urlsplit(href).query)["q"] == ['"><b>x</b>']


def test_switcher_links_keep_odd_names_and_paths_in_one_piece(client, db):
    _root, nav = _switcher(client.get("/groups?a%26lang%3Dur=1&lang=so"))
    href = nav.xpath(".//a")[0].get("href")
    assert parse_qs(urlsplit(href).query) == {"a&lang=ur": ["1"], "lang": ["en"]}
    _root, nav = _switcher(client.get("/groups/বাংলা-সমিতি%3Fx?lang=so"))
    href = nav.xpath(".//a")[0].get("href")
    assert urlsplit(href).path == quote("/groups/বাংলা-সমিতি?x")  # the encoded "?" is still part of the path


def test_a_language_picked_before_signing_in_becomes_the_accounts(client, db):
    """walk: picking اردو on the sign-in page, then signing in, showed the account's older Bengali."""
    from app.auth.models import User
    from tests import factories

    amina = factories.user(email="amina@example.org")
    amina.language = "bn"
    db.session.commit()
    client.get("/login?lang=ur")
    response = client.post(
        "/login", data={"email": "amina@example.org", "password": factories.PASSWORD}, follow_redirects=True
    )
    assert '<html lang="ur" dir="rtl"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, amina.id).language == "ur"
