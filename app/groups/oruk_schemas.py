"""The Open Referral UK 3.0 profile's schemas, shipped in app/groups/oruk/ (CC BY-SA 4.0, from
OpenReferralUK/uk-profile: see SOURCE) and resolved locally: validating never fetches anything.

Used by `flask hsds check` (app/groups/hsds_check.py) and the tests; the schemas the profile's
OpenAPI document names by their raw.githubusercontent.com address resolve to these files."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "oruk"
PROFILE_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
# What each operation's items must validate against (the profile's OpenAPI responses; the
# service_at_location item is the profile's service_at_location schema, see docs/decisions.md).
ITEM_SCHEMAS = {
    "service": "compiled/service.json",
    "service_list": "compiled/service_list.json",
    "service_at_location": "compiled/service_at_location.json",
    "service_at_location_list": "compiled/service_at_location_list.json",
    "organization": "compiled/organization.json",
    "organization_list": "compiled/organization_list.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
}
PAGE_FIELDS = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents")


@cache
def openapi() -> dict:
    return json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    resources = []
    for relative in ITEM_SCHEMAS.values():
        contents = json.loads((SCHEMA_DIR / relative).read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        resources.append((PROFILE_BASE + relative, resource))
    return Registry().with_resources(resources)


@cache
def validator(kind: str, page: bool = False) -> Draft202012Validator:
    """A validator for one item of `kind` (a key of ITEM_SCHEMAS), or for a Page of them: the
    profile's Page with every field required and `size` items in `contents`."""
    item = {"$ref": PROFILE_BASE + ITEM_SCHEMAS[kind]}
    if page:
        page_schema = openapi()["components"]["schemas"]["Page"]
        schema = {
            **page_schema,
            "required": list(PAGE_FIELDS),
            "properties": {**page_schema["properties"], "contents": {"type": "array", "items": item}},
        }
    elif kind == "root":
        schema = root_schema()
    else:
        schema = item
    return Draft202012Validator(schema, registry=registry(), format_checker=FormatChecker())


def root_schema() -> dict:
    schema = openapi()["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    return {**schema, "required": ["version", "profile", "openapi_url"]}


def root_validator() -> Draft202012Validator:
    return Draft202012Validator(root_schema(), format_checker=FormatChecker())


def problems(kind: str, data, page: bool = False) -> list[str]:
    """Every way `data` fails the schema, as "path: message" lines (empty when it validates)."""
    check = root_validator() if kind == "root" else validator(kind, page)
    errors = sorted(check.iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in errors]
