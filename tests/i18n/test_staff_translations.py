"""The staff page of translation progress, /staff/translations (issue 22)."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from app.i18n import catalogues
from app.i18n.languages import LANGUAGES, TRANSLATED
from app.security import STAFF, access_of
from tests.pages import page_text

URL = "/staff/translations"


def test_it_declares_staff_access(app):
    assert access_of(app.view_functions["staff.translations"]) == STAFF


def test_anonymous_people_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_members_are_refused(client, login_as):
    login_as("member")
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_see_each_language_with_its_progress(client, login_as, role):
    login_as(role)
    response = client.get(URL)
    assert response.status_code == 200
    root = lxml_html.fromstring(response.get_data(as_text=True))
    assert root.xpath("string(//h1)") == "Translations"
    for code in TRANSLATED:
        language, progress = LANGUAGES[code], catalogues.progress(code)
        [row] = root.xpath(f"//tr[@id='language-{code}']")
        cells = [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
        # Named in itself (marked with its own language and direction) and in English.
        [native] = row.xpath(f".//span[@lang='{language.tag}']")
        assert native.text_content() == language.native_name and native.get("dir") == language.direction
        assert language.english_name in cells[0]
        assert cells[1:] == [
            f"{progress.total:,}",
            f"{progress.translated_percent}%",
            f"{progress.reviewed_percent}%",
            f"{progress.public_percent}%",
        ]


def test_the_page_explains_how_to_review(client, login_as):
    login_as("staff")
    text = page_text(client.get(URL))
    assert "Every translation starts as a draft" in text
    assert "How to review a translation" in text
    assert "turn off “Needs work”" in text
    assert "Keep anything that looks like %(name)s exactly as it is" in text
    assert "HTML tags such as <a> and </a>" in text  # shown as text, not made into a link
    assert "docs/translating.md" in text
    assert 'href="#how-to-review"' in client.get(URL).get_data(as_text=True)


def test_counts_to_translate_and_to_review(client, login_as, monkeypatch):
    fake = catalogues.Progress(code="bn", total=120, translated=100, reviewed=40, public_total=90, public_translated=88)
    monkeypatch.setattr(catalogues, "progress", lambda code: fake)
    login_as("staff")
    text = page_text(client.get(URL))
    assert "20 messages still to translate" in text
    assert "60 translations not yet reviewed" in text
    assert "83%" in text and "33%" in text and "97%" in text  # 100/120, 40/120, 88/90, rounded down


def test_a_missing_catalogue_is_said_not_crashed(client, login_as, monkeypatch):
    def missing(code):
        raise FileNotFoundError(code)

    monkeypatch.setattr(catalogues, "progress", missing)
    login_as("staff")
    response = client.get(URL)
    assert response.status_code == 200
    assert page_text(response).count("No catalogue yet") == len(TRANSLATED)


def test_in_bengali_the_figures_are_in_bengali_digits(client, login_as, monkeypatch):
    fake = catalogues.Progress(code="bn", total=1234, translated=617, reviewed=0, public_total=10, public_translated=10)
    monkeypatch.setattr(catalogues, "progress", lambda code: fake)
    login_as("staff")
    text = page_text(client.get(URL + "?lang=bn"))
    assert "১,২৩৪" in text and "৫০%" in text and "১০০%" in text and "০%" in text


def test_in_urdu_the_page_is_right_to_left(client, login_as):
    login_as("admin")
    response = client.get(URL + "?lang=ur")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.get_data(as_text=True)
