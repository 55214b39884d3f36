"""The public directory's filters (issue 18 §3 and "near a postcode" of §1): OR within a facet, AND
across facets, a count per option, the folded filters on a phone, and the empty states."""

from __future__ import annotations

import re

import pytest

from app.groups.locations import load_demo_centroids, place_all_locations, sync_main_location
from tests.factories.groups import organisation, tag
from tests.pages import page_text

HX = {"HX-Request": "true"}


@pytest.fixture
def groups(db):
    load_demo_centroids()
    shadwell, whitechapel, bow = tag("area", "Shadwell"), tag("area", "Whitechapel"), tag("area", "Bow")
    diabetes, housing = tag("theme", "Diabetes"), tag("theme", "Housing")
    made = {
        "a": organisation("Alpha Diabetes", tags=[shadwell, diabetes], postcode="E1 6AN", public_fields=["address"]),
        "b": organisation("Beta Housing", tags=[whitechapel, housing], postcode="E1 1BB", public_fields=["address"]),
        "c": organisation(
            "Gamma Diabetes", tags=[whitechapel, diabetes], postcode="E14 2BG", public_fields=["address"]
        ),
        "d": organisation("Delta Bow", tags=[bow, diabetes], postcode="E3 4SS"),  # address not public
    }
    db.session.flush()
    for org in made.values():
        sync_main_location(org)
    db.session.flush()
    place_all_locations()
    db.session.commit()
    return made


def _names(html: str) -> list[str]:
    return [
        n
        for n in re.findall(r'class="govuk-link[^"]*" href="/groups/[^"]+">([^<]+)</a>', html)
        if n != "Apply to add your group"
    ]


def _count(html: str, kind: str, slug: str) -> int | None:
    found = re.search(rf'for="f-{kind}-{slug}">[^<]*<span[^>]*>\((\d+)\)', html)
    return int(found.group(1)) if found else None


def test_or_within_a_facet_and_across_facets(client, groups):
    html = client.get("/groups?area=shadwell&area=whitechapel").get_data(as_text=True)
    assert "3 groups found" in html
    html = client.get("/groups?area=shadwell&area=whitechapel&theme=diabetes").get_data(as_text=True)
    assert "2 groups found" in html
    assert "Alpha Diabetes" in html and "Gamma Diabetes" in html and "Beta Housing" not in html


def test_each_option_counts_what_it_would_give(client, groups):
    html = client.get("/groups?area=shadwell&theme=diabetes").get_data(as_text=True)
    # Areas counted with the theme as it is (diabetes): Shadwell 1, Whitechapel 1, Bow 1.
    assert (_count(html, "area", "shadwell"), _count(html, "area", "whitechapel"), _count(html, "area", "bow")) == (
        1,
        1,
        1,
    )
    # Themes counted with the areas as they are (Shadwell): diabetes 1, housing none (not listed).
    assert _count(html, "theme", "diabetes") == 1 and _count(html, "theme", "housing") is None
    both = client.get("/groups?area=shadwell&area=whitechapel").get_data(as_text=True)
    assert (_count(both, "theme", "diabetes"), _count(both, "theme", "housing")) == (2, 1)


def test_filter_toggle_says_how_many_are_on_and_results_follow(client, groups):
    html = client.get("/groups?area=shadwell&area=whitechapel&theme=diabetes").get_data(as_text=True)
    details = html.index('id="directory-filters"')
    assert "<details" in html[details - 40 : details] and " open" not in html[details - 40 : details + 60]
    assert "Filter results" in html and "(3 selected)" in html
    assert html.index('id="q"') < details < html.index('id="directory-results"')
    fragment = client.get("/groups?theme=diabetes", headers=HX).get_data(as_text=True)
    assert 'id="filter-count" hx-swap-oob="true"> (1 selected)' in fragment


def test_the_form_queues_only_the_newest_request(client, groups):
    html = client.get("/groups").get_data(as_text=True)
    assert 'hx-sync="this:queue last"' in html and re.search(r"/static/directory(\.[0-9a-f]+)?\.js", html)


def test_a_page_past_the_end_says_so(client, groups, app):
    app.config["PAGE_SIZE"] = 2
    html = client.get("/groups?page=99").get_data(as_text=True)
    text = page_text(html)
    assert "There is no page 99: the results end at page 2." in text
    assert "No groups match" not in text
    assert 'href="/groups?page=2"' in html
    empty = page_text(client.get("/groups?q=zzzznothing").get_data(as_text=True))
    assert "0 groups found" in empty and "No groups match" in empty and "There is no page" not in empty


def test_near_a_postcode(client, groups):
    html = client.get("/groups?near=e1 6an&within=1").get_data(as_text=True)
    # Alpha (E1 6AN) and Beta (E1 1BB, under a mile) have public venues; Gamma is ~3 miles away;
    # Delta does not show its address.
    assert "2 groups found within 1 mile of E1 6AN" in page_text(html)
    assert set(_names(html)) - {"Apply to add your group"} == {"Alpha Diabetes", "Beta Housing"}
    wide = client.get("/groups?near=E16AN&within=5").get_data(as_text=True)
    assert "3 groups found within 5 miles of E1 6AN" in page_text(wide)
    assert "(1 selected)" in wide


def test_near_a_postcode_lists_the_nearest_first_with_how_far(client, groups):
    """Issue 18: with a postcode the results come nearest first (unless the reader picks another
    order), each saying how far its nearest public venue is; the distance is never kept in the cached
    results markup, so a plain search shows none."""
    wide = client.get("/groups?near=E1 1BB&within=5").get_data(as_text=True)
    assert _names(wide)[:3] == ["Beta Housing", "Alpha Diabetes", "Gamma Diabetes"]
    text = page_text(wide)
    assert "Less than 0.1 miles away" in text  # Beta, at that postcode
    assert re.findall(r"[\d.]+ miles? away", text) == ["0.1 miles away", "0.4 miles away", "1.9 miles away"]
    assert '<option value="nearest" selected' in wide
    by_name = client.get("/groups?near=E1 1BB&within=5&sort=name").get_data(as_text=True)
    assert _names(by_name)[:3] == ["Alpha Diabetes", "Beta Housing", "Gamma Diabetes"]
    assert "miles away" in page_text(by_name)
    plain = client.get("/groups").get_data(as_text=True)
    assert "miles away" not in page_text(plain)
    fragment = client.get("/groups?near=E1 1BB&within=5", headers=HX).get_data(as_text=True)
    assert _names(fragment)[:2] == ["Beta Housing", "Alpha Diabetes"]


@pytest.mark.parametrize(
    ("near", "message"),
    [("not a postcode", "Enter a UK postcode, like E1 6AN"), ("SW1A 1AA", "We cannot find SW1A 1AA")],
)
def test_a_postcode_that_cannot_be_placed_is_explained(client, groups, near, message):
    response = client.get("/groups", query_string={"near": near})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in page_text(html) and "govuk-form-group--error" in html
    assert "4 groups found" in page_text(html)  # the filter is left off
    fragment = client.get("/groups", query_string={"near": near}, headers=HX).get_data(as_text=True)
    assert 'id="near-error" class="govuk-error-message" hx-swap-oob="true">' in fragment and message in fragment


def test_test_delay_hook_only_when_testing(app, client, groups):
    import time

    app.config["DIRECTORY_TEST_DELAY_MS"] = 300
    started = time.monotonic()
    client.get("/groups")
    assert time.monotonic() - started >= 0.3
    app.testing = False
    try:
        started = time.monotonic()
        client.get("/groups")
        assert time.monotonic() - started < 0.3
    finally:
        app.testing = True


def test_fragment_query_count_with_facets(client, groups, query_budget):
    client.get("/groups?theme=diabetes&theme=housing&area=bow", headers=HX)  # build the index
    with query_budget(3):
        client.get("/groups?theme=diabetes&area=bow&area=shadwell&q=alpha", headers=HX)


def test_a_remembered_search_follows_a_change_to_the_directory(client, groups, db):
    """The directory remembers each search's matches until the directory changes (performance): a
    group renamed after a search is found by the same search at once."""
    assert "0 groups found" in page_text(client.get("/groups?q=zebra", headers=HX).get_data(as_text=True))
    groups["b"].name = "Zebra Housing"
    groups["b"].search_document = "Zebra Housing"
    db.session.commit()
    html = client.get("/groups?q=zebra", headers=HX).get_data(as_text=True)
    assert "1 group found" in page_text(html) and _names(html) == ["Zebra Housing"]
