"""A group's other venues (issue 18: "a group may have several [locations], or none public"): members
add, change and remove them; public, placed ones are found "near a postcode" and served as HSDS
locations; a private one never shows; another group's venues are out of reach."""

from __future__ import annotations

import re

import pytest

from app.groups.locations import load_demo_centroids
from app.groups.models import GroupLocation
from tests import factories
from tests.factories.groups import organisation
from tests.pages import page_text


@pytest.fixture
def group(db):
    load_demo_centroids()
    owner = factories.user(email="amina@example.org")
    org = organisation("Shadwell Sisters", owner=owner)
    db.session.commit()
    return org, owner


def _add(client, org, **data):
    form = {"name": "Bow Community Hall", "address": "1 Roman Road", "postcode": "e3 4ss", "public": "y"}
    form.update(data)
    return client.post(f"/my-group/{org.id}/venues", data=form, follow_redirects=True)


def test_a_member_adds_a_venue_that_the_directory_finds_near_its_postcode(client, login_as, group, db):
    org, owner = group
    login_as(owner)
    page = page_text(client.get(f"/my-group/{org.id}/venues"))
    assert "Where your group meets" in page and "You have not added any other venues." in page
    done = page_text(_add(client, org))
    assert "Bow Community Hall has been added to your group's venues." in done
    assert "1 Roman Road" in done and "E3 4SS" in done and "Found by “near a postcode” Yes" in done
    [venue] = db.session.query(GroupLocation).filter_by(organisation_id=org.id).filter(GroupLocation.position > 0)
    assert venue.position >= 1 and venue.latitude is not None
    near = page_text(client.get("/groups?near=E3 4SS&within=1"))
    assert "Shadwell Sisters" in near and "Less than 0.1 miles away" in near
    feed = client.get("/api/hsds/service_at_locations?postcode=E3 4SS&proximity=1").get_json()
    assert [item["location"]["name"] for item in feed["contents"]] == ["Bow Community Hall"]


def test_a_private_venue_is_kept_but_never_shown(client, login_as, group):
    org, owner = group
    login_as(owner)
    _add(client, org, public="")
    assert "Shadwell Sisters" not in page_text(client.get("/groups?near=E3 4SS&within=1"))
    assert "On the public directory No" in page_text(client.get(f"/my-group/{org.id}/venues"))


def test_a_postcode_not_on_the_map_is_saved_and_says_so(client, login_as, group):
    org, owner = group
    login_as(owner)
    done = page_text(_add(client, org, postcode="SW1A 1AA"))
    assert "We do not have SW1A 1AA on our map yet" in done and "Everything else is saved." in done
    assert "Found by “near a postcode” No" in done


def test_a_bad_postcode_is_explained_by_the_field_and_keeps_what_was_typed(client, login_as, group):
    org, owner = group
    login_as(owner)
    response = client.post(
        f"/my-group/{org.id}/venues", data={"name": "Hall", "address": "2 High St", "postcode": "nope"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in html
    assert re.search(r'href="#postcode">Enter a real UK postcode, like E1 6AN', html)
    assert 'value="Hall"' in html and "2 High St" in html and 'value="nope"' in html
    empty = client.post(f"/my-group/{org.id}/venues", data={"postcode": "E3 4SS"}).get_data(as_text=True)
    assert "Enter the name of the venue" in empty


def test_change_and_remove_after_asking(client, login_as, group, db):
    org, owner = group
    login_as(owner)
    _add(client, org)
    venue = db.session.query(GroupLocation).filter(GroupLocation.organisation_id == org.id,
                                                   GroupLocation.position > 0).one()  # fmt: skip
    edit = f"/my-group/{org.id}/venues/{venue.id}/edit"
    assert 'value="Bow Community Hall"' in client.get(edit).get_data(as_text=True)
    done = client.post(edit, data={"name": "Bow Hall", "address": "1 Roman Road", "postcode": "E3 4SS"},
                       follow_redirects=True)  # fmt: skip
    assert "Your changes to Bow Hall have been saved." in page_text(done)
    assert "On the public directory No" in page_text(done)  # the tick box was left unticked
    ask = page_text(client.get(f"/my-group/{org.id}/venues/{venue.id}/remove"))
    assert "Are you sure you want to remove Bow Hall?" in ask
    gone = client.post(f"/my-group/{org.id}/venues/{venue.id}/remove", follow_redirects=True)
    assert "Bow Hall has been removed from your group's venues." in page_text(gone)
    assert db.session.get(GroupLocation, venue.id) is None


def test_venues_are_only_for_the_groups_own_members(client, login_as, group, db):
    org, owner = group
    login_as(owner)
    _add(client, org)
    venue = db.session.query(GroupLocation).filter(GroupLocation.organisation_id == org.id,
                                                   GroupLocation.position > 0).one()  # fmt: skip
    bilal = factories.user(email="bilal@example.org")
    other = organisation("Another Group", owner=bilal)
    db.session.commit()
    login_as(bilal)
    for path in (f"/my-group/{org.id}/venues", f"/my-group/{org.id}/venues/{venue.id}/edit",
                 f"/my-group/{org.id}/venues/{venue.id}/remove"):  # fmt: skip
        assert client.get(path).status_code == 404
    assert client.post(f"/my-group/{org.id}/venues/{venue.id}/remove").status_code == 404
    # Their own group's page cannot reach this venue by its id either.
    assert client.get(f"/my-group/{other.id}/venues/{venue.id}/edit").status_code in (403, 404)
    assert db.session.get(GroupLocation, venue.id) is not None


def test_signed_out_people_are_asked_to_sign_in(client, group):
    org, _owner = group
    response = client.get(f"/my-group/{org.id}/venues")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
