"""The public directory: full-text search on both engines, facets, sort, paging, query budget."""

from __future__ import annotations

import pytest

from app.extensions import db as _db
from bench.loaddata.groups import generate_groups
from tests.factories.groups import organisation, tag

HX = {"HX-Request": "true"}


@pytest.fixture
def listed(db):
    health = tag("theme", "Mental health")
    diabetes = tag("theme", "Diabetes")
    somali = tag("community", "Somali")
    bengali_lang = tag("language", "Bengali")
    groups = {
        "circle": organisation("Bangla Wellbeing Circle", description="Peer support for women.",
                               tags=[health, bengali_lang]),
        "diabetes": organisation("Sylheti Health Champions", description="Talks about diabetes and diet.",
                                 tags=[diabetes]),
        "somali": organisation("Somali Parents Network", description="Homework clubs and advice.", tags=[somali]),
        "bengali": organisation("ঢাকা কমিউনিটি স্বাস্থ্য", description="স্বাস্থ্য সচেতনতা"),
        "pending": organisation("Pending Diabetes Group", status="pending", description="diabetes"),
        "archived": organisation("Archived Diabetes Group", status="archived", description="diabetes"),
    }  # fmt: skip
    db.session.commit()
    return groups


def _names(client, query_string: str) -> list[str]:
    response = client.get(f"/groups?{query_string}", headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return [name for name in ("Bangla Wellbeing Circle", "Sylheti Health Champions", "Somali Parents Network",
                              "ঢাকা কমিউনিটি স্বাস্থ্য", "Pending Diabetes Group", "Archived Diabetes Group")
            if name in html]  # fmt: skip


def test_prefix_search_finds_description_words(client, listed):
    assert _names(client, "q=diab") == ["Sylheti Health Champions"]


def test_search_covers_tag_names_and_names(client, listed):
    assert _names(client, "q=mental") == ["Bangla Wellbeing Circle"]  # the theme's name
    assert _names(client, "q=somali") == ["Somali Parents Network"]
    assert _names(client, "q=BANGLA+well") == ["Bangla Wellbeing Circle"]


def test_every_word_must_match(client, listed):
    assert _names(client, "q=somali+diabetes") == []


def test_bengali_script_is_searchable(client, listed):
    assert _names(client, "q=স্বাস্থ্য") == ["ঢাকা কমিউনিটি স্বাস্থ্য"]


def test_only_listed_groups_are_shown(client, listed):
    names = _names(client, "")
    assert "Pending Diabetes Group" not in names and "Archived Diabetes Group" not in names
    assert len(names) == 4


@pytest.mark.parametrize(
    "query",
    ['"', '""', "'", "*", "diab*", "NEAR", "NEAR(a b)", "a OR b", "OR", "AND", "NOT", "(", ")", "((diab", "[x]",
     "{x}", "^", "-", "+", ":", "col:diab", "😀", "👩🏽‍🦱 diab", "স্বাস্থ্য*", "\\", "%", "_", "a" * 500,
     "'; DROP TABLE organisations; --", "<script>alert(1)</script>", "diab:*", "diab & |", "!!"],
)  # fmt: skip
def test_odd_input_is_safe(client, listed, query):
    for headers in (HX, {}):
        response = client.get("/groups", query_string={"q": query}, headers=headers)
        assert response.status_code == 200, query
        assert "<script>alert" not in response.get_data(as_text=True)


def test_a_nul_byte_in_the_search_is_refused_plainly(client, listed):
    """No keyboard types a NUL and PostgreSQL cannot search for one: a 400 that says why (issue 15.9)."""
    for headers in (HX, {}):
        response = client.get("/groups", query_string={"q": "diab\x00"}, headers=headers)
        assert response.status_code == 400 and "null character" in response.get_data(as_text=True)


def test_odd_input_still_finds_words(client, listed):
    assert _names(client, "q=%22diab%22*+OR+(") == []  # "or" is a word too, and nothing says "or"
    assert _names(client, "q=%22diab%22*") == ["Sylheti Health Champions"]
    assert _names(client, "q=NEAR(diab)") == []


def test_facets_filter_and_count(client, listed):
    html = client.get("/groups").get_data(as_text=True)
    assert 'id="f-theme-mental-health"' in html and "Mental health <span" in html
    assert "(1)" in html
    assert _names(client, "theme=mental-health") == ["Bangla Wellbeing Circle"]
    assert _names(client, "theme=mental-health&language=bengali") == ["Bangla Wellbeing Circle"]
    assert _names(client, "theme=mental-health&community=somali") == []
    # A selected facet stays visible (so it can be unticked) even with no results.
    html = client.get("/groups?theme=mental-health&community=somali").get_data(as_text=True)
    assert 'id="f-community-somali" name="community" type="checkbox" value="somali" checked' in html
    assert _names(client, "theme=no-such-theme") == []


def test_sort_by_name_and_newest(client, db, listed):
    html = client.get("/groups?sort=name").get_data(as_text=True)
    assert html.index("Bangla Wellbeing Circle") < html.index("Somali Parents Network")
    newest = organisation("Aardvark Newest Group")
    db.session.commit()
    html = client.get("/groups?sort=newest").get_data(as_text=True)
    assert html.index(newest.name) < html.index("Bangla Wellbeing Circle")


def test_full_page_and_fragment(client, listed):
    page = client.get("/groups?q=diab")
    assert "<html" in page.get_data(as_text=True)
    assert "HX-Request" in page.headers["Vary"]
    fragment = client.get("/groups?q=diab", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment
    assert 'data-announce="1 group found"' in fragment
    assert 'id="directory-facets" hx-swap-oob="true"' in fragment
    # Boosted and history-restore requests get the whole page.
    restore = client.get("/groups?q=diab", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_pagination_keeps_filters(client, db):
    theme = tag("theme", "Mental health")
    for i in range(25):
        organisation(f"Group {i:02d}", tags=[theme])
    db.session.commit()
    html = client.get("/groups?theme=mental-health").get_data(as_text=True)
    assert "25 groups found" in html
    assert "page=2" in html and "theme=mental-health" in html
    page2 = client.get("/groups?theme=mental-health&page=2").get_data(as_text=True)
    assert "Group 24" in page2 and "Group 00" not in page2


@pytest.mark.parametrize("count", [50, 500])
def test_constant_query_count(client, db, login_as, query_budget, count):
    generate_groups(count)
    _db.session.commit()
    for url in ("/groups", "/groups?q=wellbeing&theme=mental-health&sort=newest", "/groups?page=2"):
        with query_budget(6):
            assert client.get(url).status_code == 200
        with query_budget(6):
            assert client.get(url, headers=HX).status_code == 200
    login_as("member")
    with query_budget(6):
        assert client.get("/groups?q=support").status_code == 200
