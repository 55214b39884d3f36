"""Open Referral UK 3.0 conformance of /api/hsds/ (issue 18 §1): every endpoint and parameter of the UK
profile, items valid against the profile's compiled schemas (resolved locally), locations placed
from the offline postcode table, JSON errors with CORS, and `flask hsds check`."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.groups.hsds import taxonomy_id
from app.groups.hsds_check import run_check
from app.groups.hsds_params import MAX_PER_PAGE
from app.groups.locations import load_demo_centroids, place_all_locations
from app.groups.models import GroupLocation, ListingCheck, PostcodeCentroid
from app.groups.oruk_schemas import problems
from tests.factories.groups import organisation, tag

UK_LISTS = ("services", "service_at_locations", "taxonomies", "taxonomy_terms", "organizations")


def _no_nulls(value, path="") -> list[str]:
    """Paths of null or empty optional values anywhere in a response."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _no_nulls(v, f"{path}/{k}")]
    if isinstance(value, list):
        return (
            [f"{path} (empty list)"]
            if not value
            else [p for i, v in enumerate(value) for p in _no_nulls(v, f"{path}/{i}")]
        )
    return [path] if value is None or value == "" else []


@pytest.fixture
def feed(db):
    """Three listed groups with venues at known postcodes (the demo's centroid table), one private
    venue, one pending group with a public venue."""
    load_demo_centroids()
    diabetes, somali = tag("theme", "Diabetes"), tag("community", "Somali")
    near = organisation("Aldgate Diabetes Group", tags=[diabetes, somali], address="12 Commercial Road, London",
                        postcode="E1 6AN", public_fields=["website", "address"],
                        website="https://a.example.org")  # fmt: skip
    middle = organisation("Bow Elders", tags=[tag("theme", "Older people")], postcode="E3 4SS",
                          address="1 Roman Road, London", public_fields=["address"])  # fmt: skip
    far = organisation("Canary Wharf Somali Group", tags=[somali], postcode="E14 2BG", address="9 Dock St, London",
                       public_fields=["address"])  # fmt: skip
    private = organisation("Private Venue Group", postcode="E1 0AA", address="My home, London")
    pending = organisation("Pending Group", status="pending", postcode="E1 6AN", public_fields=["address"])
    db.session.add(ListingCheck(organisation_id=near.id, confirmed_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC)))
    db.session.flush()
    from app.groups.locations import sync_main_location

    for org in (near, middle, far, private, pending):
        sync_main_location(org)
    db.session.add(GroupLocation(organisation_id=near.id, position=1, name="Aldgate hall", postcode="E1 1BB",
                                 address_1="3 Hall Lane, London"))  # fmt: skip
    db.session.flush()
    place_all_locations()
    db.session.commit()
    return {"near": near, "middle": middle, "far": far, "private": private, "pending": pending}


def test_root_names_version_profile_and_its_own_openapi_document(client, feed):
    response = client.get("/api/hsds/")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.json
    assert body["version"] == "3.0" and "uk-profile" in body["profile"]
    assert not problems("root", body)
    assert body["openapi_url"].endswith("/api/hsds/openapi.json")
    doc = client.get("/api/hsds/openapi.json")
    assert doc.status_code == 200 and doc.headers["Access-Control-Allow-Origin"] == "*"
    spec = doc.json
    assert spec["openapi"].startswith("3.") and spec["servers"][0]["url"].endswith("/api/hsds")
    for path in ("/", "/services", "/services/{id}", "/taxonomies", "/taxonomies/{id}", "/taxonomy_terms",
                 "/taxonomy_terms/{id}", "/service_at_locations", "/service_at_locations/{id}", "/organizations",
                 "/organizations/{id}"):  # fmt: skip
        assert "get" in spec["paths"][path], path
    sal_params = {p["$ref"].rsplit("/", 1)[1] for p in spec["paths"]["/service_at_locations"]["get"]["parameters"]}
    assert {"search", "page", "per_page", "taxonomy_term_id", "taxonomy_id", "minimum_age", "maximum_age", "day",
            "start_time", "end_time", "postcode", "proximity"} <= sal_params  # fmt: skip
    assert str(MAX_PER_PAGE) in spec["components"]["parameters"]["per_page"]["description"]


@pytest.mark.parametrize("name", UK_LISTS)
def test_every_list_and_its_first_item_validate_with_no_nulls(client, feed, name):
    list_kind = {"services": "service_list", "service_at_locations": "service_at_location_list",
                 "organizations": "organization_list", "taxonomies": "taxonomy"}.get(name, "taxonomy_term")  # fmt: skip
    body = client.get(f"/api/hsds/{name}").json
    assert not problems(list_kind, body, page=True)
    assert body["contents"] and not _no_nulls(body["contents"])
    item_kind = {"services": "service", "service_at_locations": "service_at_location",
                 "organizations": "organization"}.get(name, list_kind)  # fmt: skip
    item = client.get(f"/api/hsds/{name}/{body['contents'][0]['id']}")
    assert item.status_code == 200 and item.headers["Access-Control-Allow-Origin"] == "*"
    assert not problems(item_kind, item.json)
    assert not _no_nulls(item.json)


def test_a_broken_item_does_not_validate(client, feed):
    item = client.get("/api/hsds/services").json["contents"][0]
    assert problems("service", {**item, "status": "open"})  # not in the enum
    assert problems("service", {k: v for k, v in item.items() if k != "name"})  # required


def test_service_carries_venues_assured_date_and_real_last_modified(client, feed):
    near = feed["near"]
    body = client.get(f"/api/hsds/services/{near.service_uuid}").json
    assert body["assured_date"] == "2026-11-20"
    assert body["last_modified"] == near.updated_at.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )
    venues = body["service_at_locations"]
    assert [v["location"]["addresses"][0]["postal_code"] for v in venues] == ["E1 6AN", "E1 1BB"]
    first = venues[0]["location"]
    assert first["latitude"] == pytest.approx(51.5203) and first["longitude"] == pytest.approx(-0.0727)
    assert first["addresses"][0]["address_1"] == "12 Commercial Road" and first["addresses"][0]["city"] == "London"


def test_private_venues_and_pending_groups_are_not_published(client, feed):
    body = client.get("/api/hsds/service_at_locations?per_page=50").json
    names = [sal["service"]["name"] for sal in body["contents"]]
    assert sorted(names) == [
        "Aldgate Diabetes Group",
        "Aldgate Diabetes Group",
        "Bow Elders",
        "Canary Wharf Somali Group",
    ]
    private = db_location(feed["private"])
    assert client.get(f"/api/hsds/service_at_locations/{private.service_at_location_uuid}").status_code == 404
    pending = db_location(feed["pending"])
    assert client.get(f"/api/hsds/service_at_locations/{pending.service_at_location_uuid}").status_code == 404


def db_location(org) -> GroupLocation:
    from app.extensions import db

    return db.session.scalar(select(GroupLocation).where(GroupLocation.organisation_id == org.id))


def test_taxonomy_term_id_and_taxonomy_id_filter_services(client, feed):
    somali = tag("community", "Somali")
    names = lambda url: sorted(s["name"] for s in client.get(url).json["contents"])  # noqa: E731
    both = ["Aldgate Diabetes Group", "Canary Wharf Somali Group"]
    assert names(f"/api/hsds/services?taxonomy_term_id={somali.uuid}") == both
    assert names(f"/api/hsds/services?taxonomy_id={taxonomy_id('community')}") == both
    assert names(f"/api/hsds/services?taxonomy_id={taxonomy_id('theme')}&search=bow") == ["Bow Elders"]
    assert names("/api/hsds/services?taxonomy_term_id=00000000-0000-4000-8000-000000000000") == []
    sal = client.get(f"/api/hsds/service_at_locations?taxonomy_term_id={somali.uuid}").json
    assert {s["service"]["name"] for s in sal["contents"]} == {"Aldgate Diabetes Group", "Canary Wharf Somali Group"}


def test_postcode_orders_nearest_first_and_proximity_limits(client, feed):
    body = client.get("/api/hsds/service_at_locations?postcode=e1 6an").json
    postcodes = [s["location"]["latitude"] for s in body["contents"]]
    assert len(postcodes) == 4
    names = [s["service"]["name"] for s in body["contents"]]
    assert names[0] == "Aldgate Diabetes Group" and names[-1] == "Canary Wharf Somali Group"
    near = client.get("/api/hsds/service_at_locations?postcode=E16AN&proximity=1500").json
    assert near["total_items"] == 2 and {s["service"]["name"] for s in near["contents"]} == {"Aldgate Diabetes Group"}
    assert not problems("service_at_location_list", near, page=True)
    paged = client.get("/api/hsds/service_at_locations?postcode=E1 6AN&per_page=3&page=2").json
    assert (paged["size"], paged["total_items"], paged["last_page"]) == (1, 4, True)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("page=abc", "page"), ("page=0", "page"), ("per_page=-1", "per_page"),
     ("taxonomy_term_id=nope", "taxonomy_term_id"),
     ("taxonomy_id=1", "taxonomy_id"), ("minimum_age=old", "minimum_age"), ("maximum_age=200", "maximum_age"),
     ("minimum_age=40&maximum_age=18", "minimum_age"), ("day=Funday", "day"), ("start_time=25:00", "start_time"),
     ("end_time=9am", "end_time"), ("start_time=18:00&end_time=09:00", "start_time"),
     ("modified_after=yesterday", "modified_after"), ("postcode=NOT A POSTCODE", "postcode"),
     ("postcode=SW1A 1AA", "postcode"), ("proximity=500", "proximity"), ("postcode=E1 6AN&proximity=far", "proximity"),
     ("postcode=E1 6AN&proximity=nan", "proximity")],
)  # fmt: skip
def test_bad_values_are_json_400_naming_the_parameter(client, feed, query, parameter):
    response = client.get(f"/api/hsds/service_at_locations?{query}")
    assert response.status_code == 400 and response.is_json
    assert response.json["parameter"] == parameter and parameter in response.json["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_good_values_of_every_parameter_are_accepted_and_unknown_ones_ignored(client, feed):
    query = ("search=group&page=1&per_page=10&minimum_age=5&maximum_age=90&day=MO&start_time=09:00&end_time=17:30:00"
             f"&taxonomy_id={taxonomy_id('theme')}&postcode=E1 6AN&proximity=20000&colour=blue&full=true")  # fmt: skip
    response = client.get(f"/api/hsds/service_at_locations?{query}")
    assert response.status_code == 200, response.json
    assert client.get("/api/hsds/services?day=monday&minimum_age=12.5").json["total_items"] == 4
    assert client.get("/api/hsds/services?colour=blue").json["total_items"] == 4


def test_pagination_is_the_profiles_page(client, feed):
    body = client.get("/api/hsds/services?per_page=3&page=2").json
    assert (body["total_items"], body["total_pages"], body["page_number"], body["size"]) == (4, 2, 2, 1)
    assert (body["first_page"], body["last_page"], body["empty"]) == (False, True, False)
    past = client.get("/api/hsds/services?per_page=2&page=9").json
    assert (past["size"], past["empty"], past["contents"], past["page_number"], past["last_page"]) == (
        0,
        True,
        [],
        9,
        True,
    )
    big = client.get(f"/api/hsds/taxonomy_terms?per_page={MAX_PER_PAGE * 10}").json
    assert big["size"] == min(big["total_items"], MAX_PER_PAGE)
    assert client.get("/api/hsds/taxonomies?per_page=2&page=3").json["size"] == 1


def test_items_by_id(client, feed):
    theme_id = taxonomy_id("theme")
    assert client.get(f"/api/hsds/taxonomies/{theme_id}").json["name"] == "Themes of work"
    term = tag("theme", "Diabetes")
    assert client.get(f"/api/hsds/taxonomy_terms/{term.uuid}").json["taxonomy_id"] == theme_id
    for path in ("taxonomies", "taxonomy_terms", "service_at_locations", "services", "organizations"):
        missing = client.get(f"/api/hsds/{path}/00000000-0000-4000-8000-000000000000")
        assert missing.status_code == 404 and missing.is_json and missing.headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_paths_and_methods_are_json_with_cors(client, feed):
    for response, status in ((client.get("/api/hsds/nothing-here"), 404), (client.post("/api/hsds/services"), 405),
                             (client.delete("/api/hsds/services"), 405)):  # fmt: skip
        assert response.status_code == status and response.is_json and "error" in response.json
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_check_passes_on_demo_data_and_every_item_validates(app, db):
    from tests.sweep.support import seed_demo

    seed_demo()
    report = run_check(app, every_page=True, today=dt.date(2026, 11, 15))
    assert report.passed, [line for line in report.lines if line[0] == "fail"]
    assert report.count("pass") >= 15
    assert all("assured_date" in message for status, message in report.lines if status == "warn")
    sal = run_check(app)
    assert sal.passed
    assert (
        db.session.scalar(select(func.count()).select_from(GroupLocation).where(GroupLocation.latitude.is_(None))) == 0
    )


def test_check_passes_on_load_data(app, db):
    from bench.loaddata.groups import generate_groups

    generate_groups(300)
    db.session.commit()
    report = run_check(app, every_page=True)
    assert report.passed, [line for line in report.lines if line[0] == "fail"]


def test_check_reports_a_failure(app, db, feed, monkeypatch):
    from app.groups import hsds

    monkeypatch.setattr(hsds, "HSDS_VERSION", "2.0")
    report = run_check(app)
    assert not report.passed and any("version" in message for status, message in report.lines if status == "fail")


def test_hsds_check_command(app, db):
    from tests.sweep.support import seed_demo

    seed_demo()
    result = app.test_cli_runner().invoke(args=["hsds", "check"])
    assert result.exit_code == 0, result.output
    assert "PASS" in result.output and "0 failed" in result.output


# --- the postcode table -----------------------------------------------------------------------


def test_postcodes_load_onspd_layout(app, db, tmp_path):
    path = tmp_path / "onspd.csv"
    path.write_text('pcd,pcd2,pcds,lat,long\n"E1  6AN","E1  6AN","E1 6AN",51.5203,-0.0727\n'
                    '"ZZ991AA","ZZ99 1AA","ZZ99 1AA",99.999999,0.000000\n'
                    '"E3  4SS","E3  4SS","E3 4SS",51.527,-0.033\n')  # fmt: skip
    result = app.test_cli_runner().invoke(args=["postcodes", "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "Loaded 2 postcodes (ONS Postcode Directory); 1 without a location skipped" in result.output
    assert "Loading postcodes" in result.output
    assert db.session.get(PostcodeCentroid, "E34SS").latitude == pytest.approx(51.527)


def test_postcodes_load_codepoint_layout_converts_the_grid(app, db, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text('"E1 6AN",10,533500,181500,"E92000001","E19000003","E18000007","","E09000030","E05009317"\n')
    result = app.test_cli_runner().invoke(args=["postcodes", "load", str(path)])
    assert result.exit_code == 0, result.output
    row = db.session.get(PostcodeCentroid, "E16AN")
    assert row.latitude == pytest.approx(51.5167, abs=0.001) and row.longitude == pytest.approx(-0.0774, abs=0.001)


def test_postcodes_load_is_all_or_nothing(app, db, feed, tmp_path):
    before = db.session.scalar(select(func.count()).select_from(PostcodeCentroid))
    path = tmp_path / "bad.csv"
    path.write_text("pcds,lat,long\nE1 6AN,51.5,-0.07\nE1 0AA,north,-0.05\n")
    result = app.test_cli_runner().invoke(args=["postcodes", "load", str(path)])
    assert result.exit_code != 0 and "Line 3" in result.output and "Nothing was loaded" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PostcodeCentroid)) == before
    other = tmp_path / "other.csv"
    other.write_text("name,size\nfoo,1\n")
    result = app.test_cli_runner().invoke(args=["postcodes", "load", str(other)])
    assert result.exit_code != 0 and "neither" in result.output


def test_a_new_table_places_the_venues(app, db, feed, tmp_path):
    path = tmp_path / "moved.csv"
    path.write_text("pcds,lat,long\nE1 6AN,52.0,-1.0\n")
    assert app.test_cli_runner().invoke(args=["postcodes", "load", str(path)]).exit_code == 0
    db.session.expire_all()
    located = db_location(feed["near"])
    assert (located.latitude, located.longitude) == (52.0, -1.0)
    assert db_location(feed["far"]).latitude is None  # E14 2BG is not in the new table
