"""The HSDS 3.0 API: every response validates against the shared schemas; public fields only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.factories.groups import organisation, tag

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "hsds-3.0"


@pytest.fixture(scope="module")
def validator_for():
    resources = []
    for path in SCHEMAS.glob("*.json"):
        if path.name == "openapi.json":
            continue
        resources.append(
            (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
        )
    registry = Registry().with_resources(resources)
    openapi = json.loads((SCHEMAS / "openapi.json").read_text())
    page_schema = openapi["components"]["schemas"]["Page"]
    root_schema = openapi["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    def _validator(name: str, page: bool = False):
        if name == "root":
            schema = root_schema
        elif page:
            schema = {
                **page_schema,
                "required": [
                    "total_items",
                    "total_pages",
                    "page_number",
                    "size",
                    "first_page",
                    "last_page",
                    "empty",
                    "contents",
                ],
                "properties": {
                    **page_schema["properties"],
                    "contents": {"type": "array", "items": {"$ref": f"{name}.json"}},
                },
            }
        else:
            schema = {"$ref": f"{name}.json"}
        return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())

    return _validator


def _check(validator, data):
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


@pytest.fixture
def data(db):
    theme, community = tag("theme", "Diabetes"), tag("community", "Somali")
    listed = organisation(
        "Somali Diabetes Group",
        tags=[theme, community, tag("area", "Whitechapel")],
        website="https://somali.example.org",
        email="private@example.org",
        phone="020 7946 0123",
        founded_year=2001,
        charity_number="SC012345",
        public_fields=["website", "registration"],
    )
    organisation("Hidden Pending Group", status="pending")
    organisation("Archived Group", status="archived")
    db.session.commit()
    return listed


def test_root(client, validator_for):
    response = client.get("/api/hsds/")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json["version"] == "3.0"
    _check(validator_for("root"), response.json)


def test_organizations_list_and_item(client, data, validator_for):
    response = client.get("/api/hsds/organizations")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.json
    _check(validator_for("organization", page=True), body)
    assert body["total_items"] == 1 and [o["name"] for o in body["contents"]] == ["Somali Diabetes Group"]
    org = body["contents"][0]
    assert org["id"] == data.uuid
    assert org["website"] == "https://somali.example.org"
    assert "email" not in org and "phones" not in org  # not public
    assert org["organization_identifiers"][0]["identifier_scheme"] == "GB-SC"
    assert "founded" not in json.dumps(org) and "year_incorporated" not in org
    terms = {a["taxonomy_term"]["name"] for a in org["attributes"]}
    assert {"Diabetes", "Somali", "Whitechapel"} <= terms
    item = client.get(f"/api/hsds/organizations/{data.uuid}")
    _check(validator_for("organization"), item.json)
    assert "private@example.org" not in item.get_data(as_text=True)


def test_services(client, data, validator_for):
    body = client.get("/api/hsds/services").json
    _check(validator_for("service", page=True), body)
    service = body["contents"][0]
    assert service["organization_id"] == data.uuid and service["status"] == "active"
    item = client.get(f"/api/hsds/services/{service['id']}")
    _check(validator_for("service"), item.json)
    assert item.json["id"] == data.service_uuid


def test_taxonomies_and_terms(client, data, validator_for):
    taxonomies = client.get("/api/hsds/taxonomies").json
    _check(validator_for("taxonomy", page=True), taxonomies)
    themes = next(t for t in taxonomies["contents"] if t["name"] == "Themes of work")
    terms = client.get("/api/hsds/taxonomy_terms", query_string={"taxonomy_id": themes["id"], "per_page": 100}).json
    _check(validator_for("taxonomy_term", page=True), terms)
    assert terms["contents"] and all(t["taxonomy_id"] == themes["id"] for t in terms["contents"])
    assert "Diabetes" in {t["name"] for t in terms["contents"]}
    all_terms = client.get("/api/hsds/taxonomy_terms?search=somali").json
    assert {t["name"] for t in all_terms["contents"]} == {"Somali"}  # a community and a language


def test_paging_search_and_modified_after(client, db, data, validator_for):
    for i in range(4):
        organisation(f"Paged Group {i}")
    db.session.commit()
    body = client.get("/api/hsds/organizations?per_page=2&page=2").json
    _check(validator_for("organization", page=True), body)
    assert (body["total_items"], body["total_pages"], body["page_number"], body["size"]) == (5, 3, 2, 2)
    assert not body["first_page"] and not body["last_page"]
    assert client.get("/api/hsds/organizations?search=diab").json["total_items"] == 1
    assert client.get("/api/hsds/organizations?search=%22NEAR(*").status_code == 200
    assert client.get("/api/hsds/organizations?modified_after=2999-01-01T00:00:00Z").json["total_items"] == 0
    assert client.get("/api/hsds/organizations?modified_after=2000-01-01").json["total_items"] == 5


@pytest.mark.parametrize(
    "url",
    ["/api/hsds/organizations?page=abc", "/api/hsds/organizations?per_page=0", "/api/hsds/services?modified_after=x",
     "/api/hsds/organizations/not-a-uuid", "/api/hsds/services/00000000-0000-0000-0000-000000000000"],
)  # fmt: skip
def test_bad_requests_are_json_errors(client, data, url):
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert response.is_json and "error" in response.json
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_pending_groups_are_not_exposed(client, db, data):
    hidden = organisation("Another Pending", status="pending")
    db.session.commit()
    assert client.get(f"/api/hsds/organizations/{hidden.uuid}").status_code == 404
