"""The portal's own OpenAPI document (/api/hsds/openapi.json, the root's `openapi_url`): the UK
profile's document (app/groups/oruk/openapi.json) with this feed's server, its organization
operations, `modified_after`, its errors, and how each parameter is read (app/groups/hsds_params.py),
so the document says what is implemented."""

from __future__ import annotations

import copy
from functools import cache

from app.groups.hsds_params import DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_PROXIMITY_M, OPERATIONS
from app.groups.oruk_schemas import PROFILE_BASE, openapi

_ERROR = {
    "description": "A bad parameter (400) or no such item (404). `parameter` names the bad parameter.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_READING = {
    "page": "Page number, from 1. A page past the last is an empty page.",
    "per_page": f"Items per page, from 1 (default {DEFAULT_PER_PAGE}); "
    f"above {MAX_PER_PAGE} it is read as {MAX_PER_PAGE}.",
    "search": "Full-text search of the name, description and taxonomy terms: every word, as a prefix.",
    "minimum_age": "A number from 0 to 150. Groups in this directory state no age limits (all ages are "
    "welcome), so every service matches.",
    "maximum_age": "A number from 0 to 150, not less than minimum_age. Groups in this directory state no "
    "age limits (all ages are welcome), so every service matches.",
    "day": "MO, TU, WE, TH, FR, SA or SU (or the full name). This directory holds no opening times, so "
    "the value is checked and narrows nothing.",
    "start_time": "HH:MM or HH:MM:SS. This directory holds no opening times, so the value is checked and "
    "narrows nothing.",
    "end_time": "HH:MM or HH:MM:SS. This directory holds no opening times, so the value is checked and "
    "narrows nothing.",
    "postcode": "A UK postcode: results are ordered nearest first from its centre. A postcode the "
    "directory's postcode table cannot place is a 400.",
    "proximity": f"Metres from the postcode's centre (1 to {MAX_PROXIMITY_M}); needs postcode.",
    "taxonomy_term_id": "The UUID of a taxonomy term: services with that term.",
    "taxonomy_id": "The UUID of a taxonomy: services with any term from it.",
}
_MODIFIED_AFTER = {
    "name": "modified_after",
    "in": "query",
    "required": False,
    "description": "An ISO 8601 date-time: items modified on or after it.",
    "schema": {"type": "string", "format": "date-time"},
}


def _page_of(schema: str) -> dict:
    return {
        "properties": {"contents": {"type": "array", "items": {"$ref": PROFILE_BASE + schema}}},
        "allOf": [{"$ref": "#/components/schemas/Page"}],
    }


def _get(operation_id: str, summary: str, schema: dict, parameters: list) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": parameters,
            "responses": {
                "200": {"description": summary, "content": {"application/json": {"schema": schema}}},
                "400": _ERROR,
                "404": _ERROR,
            },
        }
    }


def _organization_paths(ref) -> dict:
    by_id = _get(
        "getOrganizationById", "A fully nested organization.", {"$ref": PROFILE_BASE + "compiled/organization.json"}, []
    )
    by_id["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    listed = _get("getPaginatedListOfOrganizations", "A paginated list of organizations.",
                  _page_of("compiled/organization_list.json"),
                  [ref("page"), ref("per_page"), ref("search"), ref("modified_after")])  # fmt: skip
    return {"/organizations": listed, "/organizations/{id}": by_id}


@cache
def _document() -> dict:
    doc = copy.deepcopy(openapi())
    components = doc["components"]
    for name, text in _READING.items():
        components["parameters"][name]["description"] = text
    components["parameters"]["per_page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}
    components["parameters"]["page"]["schema"] = {"type": "integer", "minimum": 1}
    components["parameters"]["modified_after"] = _MODIFIED_AFTER
    components["schemas"]["Error"] = {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}, "parameter": {"type": "string"}},
    }

    def ref(name: str) -> dict:
        return {"$ref": f"#/components/parameters/{name}"}

    paths = doc["paths"]
    for path, operation in (("/services", "services"), ("/service_at_locations", "service_at_locations"),
                            ("/taxonomies", "taxonomies"), ("/taxonomy_terms", "taxonomy_terms")):  # fmt: skip
        wanted = ["page", "per_page", *OPERATIONS[operation]]
        paths[path]["get"]["parameters"] = [ref(name) for name in wanted]
    # The profile's document gives the service schema for a service_at_location by id; this feed
    # answers with the profile's service_at_location (docs/decisions.md, issue 18).
    item = paths["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    item["schema"] = {"$ref": PROFILE_BASE + "compiled/service_at_location.json"}
    # The profile's document swaps the two taxonomy_terms operation ids.
    paths["/taxonomy_terms"]["get"]["operationId"] = "getPaginatedListOfTaxonomyTerms"
    paths["/taxonomy_terms/{id}"]["get"]["operationId"] = "getTaxonomyTermById"
    for spec in paths.values():
        for method, operation in spec.items():
            if method == "get":
                operation["responses"].setdefault("400", _ERROR)
                operation["responses"].setdefault("404", _ERROR)
    paths.update(_organization_paths(ref))
    return doc


def openapi_document(base_url: str) -> dict:
    doc = copy.deepcopy(_document())
    doc["info"]["title"] = "Community group directory: Open Referral UK 3.0 feed"
    doc["info"]["description"] = (
        "Open Referral UK 3.0 profile of HSDS 3.0. Every response, errors included, has "
        'Access-Control-Allow-Origin: *. Errors are JSON: {"error": ..., "parameter": ...}.'
    )
    doc["servers"] = [{"url": base_url}]
    return doc
