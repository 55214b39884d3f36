"""Open Referral UK 3.0 read API (/api/hsds/): public, read-only, public fields only (issue 18 §1).

Each listed group is an HSDS organization, and its work is one HSDS service. Its public venues
(GroupLocation) are HSDS locations, and the service at each is a service_at_location. Tag kinds are
taxonomies and tags are taxonomy terms, linked to services and organizations as attributes. Ids are
stable UUIDs stored on the rows (or derived from them). The portal's own OpenAPI document, served
at /api/hsds/openapi.json, is the UK profile's with what this feed adds and how it reads each
parameter (app/groups/hsds_params.py). `flask hsds check` walks the feed as the ORUK validator does.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

from flask import current_app, jsonify, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.groups import bp
from app.groups.hsds_params import MAX_PER_PAGE, ApiError, ListParams, list_params
from app.groups.languages import LANGUAGE_NAMES
from app.groups.languages import code_for as language_code
from app.groups.locations import bounding_box, distance_m
from app.groups.models import LEGAL_FORMS, TAG_KINDS, GroupLocation, Organisation, Tag, organisation_tags
from app.groups.services import DirectoryFilters, filtered_ids
from app.security import public

HSDS_VERSION = "3.0"
PROFILE_URL = "https://github.com/openreferral/uk-profile"
NAMESPACE = uuid.UUID("6f1d5c6e-8a4b-4f0e-9f51-1c0de7a0c0de")
_ID_SCHEMES = {"GB-SC": "SC", "GB-NIC": "NIC"}
# What a service or organization page loads with each group.
_WITH = (selectinload(Organisation.tags), selectinload(Organisation.check))

__all__ = ["MAX_PER_PAGE", "ApiError"]


def taxonomy_id(kind: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy:{kind}"))


def service_id(org: Organisation) -> str:
    return org.service_uuid


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    body = {"error": error.message}
    if error.parameter:
        body["parameter"] = error.parameter
    response = jsonify(body)
    response.status_code = error.status
    return response


@bp.after_app_request
def _cors(response):
    # Every response under /api/, errors (404, 405, 400, 500) included: ORUK compliance.
    if request.path.startswith("/api/"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        if response.status_code == 200:
            response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _page_body(total: int, params: ListParams, items: list) -> dict:
    total_pages = max(1, math.ceil(total / params.per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": params.page,
        "size": len(items),
        "first_page": params.page == 1,
        "last_page": params.page >= total_pages,
        "empty": not items,
        "contents": items,
    }


def _page(query, count_query, serialise, params: ListParams) -> dict:
    total = db.session.scalar(count_query) or 0
    rows = db.session.scalars(query.limit(params.per_page).offset(params.offset)).all() if params.offset < total else []
    return _page_body(total, params, [serialise(row) for row in rows])


def _page_of_list(items: list, params: ListParams) -> dict:
    return _page_body(len(items), params, items[params.offset : params.offset + params.per_page])


def _clean(data: dict) -> dict:
    """Optional fields are left out rather than sent as null or empty."""
    return {k: v for k, v in data.items() if v not in (None, "", [])}


# --- serialisers ----------------------------------------------------------------------------


def _term(tag: Tag) -> dict:
    return _clean(
        {
            "id": tag.uuid,
            "code": tag.slug,
            "name": tag.name,
            "description": f"{TAG_KINDS[tag.kind]}: {tag.name}",
            "taxonomy": TAG_KINDS[tag.kind],
            "taxonomy_id": taxonomy_id(tag.kind),
            "language": "en",
        }
    )


def _taxonomy(kind: str) -> dict:
    return {
        "id": taxonomy_id(kind),
        "name": TAG_KINDS[kind],
        "description": f"{TAG_KINDS[kind]} used by the community-group directory",
        "uri": url_for("groups.hsds_taxonomy", taxonomy_uuid=taxonomy_id(kind), _external=True),
        "version": "1",
    }


def _attributes(owner_id: str, org: Organisation, kinds) -> list[dict]:
    return [
        {
            "id": str(uuid.uuid5(NAMESPACE, f"attribute:{owner_id}:{tag.uuid}")),
            "link_id": owner_id,
            "link_type": TAG_KINDS[tag.kind],
            "link_entity": "service" if owner_id != org.uuid else "organization",
            "taxonomy_term_id": tag.uuid,
            "taxonomy_term": _term(tag),
        }
        for tag in org.tags
        if tag.kind in kinds and not tag.retired
    ]


def _languages(org: Organisation) -> list[dict]:
    """The languages the service is delivered in (HSDS 3.0 `language`, issue 22): the group's
    "language" tags that have an ISO 639 code (app/groups/languages.py), named in English."""
    result = []
    for tag in org.tags:
        code = language_code(tag)
        if code is not None and not tag.retired:
            result.append(
                {
                    "id": str(uuid.uuid5(NAMESPACE, f"language:{service_id(org)}:{code}")),
                    "service_id": service_id(org),
                    "name": LANGUAGE_NAMES[code],
                    "code": code,
                }
            )
    return result


def _identifiers(org: Organisation) -> list[dict]:
    if not org.is_public("registration"):
        return []
    result = []
    if org.charity_number:
        scheme = "GB-CHC"
        for candidate, prefix in _ID_SCHEMES.items():
            if org.charity_number.startswith(prefix):
                scheme = candidate
        result.append(("charity number", scheme, org.charity_number))
    if org.company_number:
        result.append(("company number", "GB-COH", org.company_number))
    return [
        {
            "id": str(uuid.uuid5(NAMESPACE, f"identifier:{org.uuid}:{scheme}")),
            "organization_id": org.uuid,
            "identifier_scheme": scheme,
            "identifier_type": kind,
            "identifier": value,
        }
        for kind, scheme, value in result
    ]


def _phones(org: Organisation, owner: str) -> list[dict]:
    if not (org.phone and org.is_public("phone")):
        return []
    return [{"id": str(uuid.uuid5(NAMESPACE, f"phone:{org.uuid}:{owner}")), "number": org.phone,
             f"{owner}_id": org.uuid if owner == "organization" else service_id(org)}]  # fmt: skip


def assured_date(org: Organisation) -> str | None:
    """The date the listing was last checked: confirmed by its owners or by staff for them (issue
    18 §2), else approved by staff."""
    check = org.check
    when = (check.confirmed_at if check is not None else None) or org.reviewed_at
    return when.astimezone(dt.UTC).date().isoformat() if when else None


def organization(org: Organisation, full: bool = False) -> dict:
    data = {
        "id": org.uuid,
        "name": org.name,
        "description": org.description or org.name,
        "email": org.email if org.is_public("email") else None,
        "website": org.website if org.is_public("website") else None,
        "year_incorporated": org.founded_year if org.is_public("founded_year") else None,
        "legal_status": LEGAL_FORMS.get(org.legal_form, org.legal_form),
        "uri": url_for("groups.profile", slug=org.slug, _external=True),
        "phones": _phones(org, "organization"),
        "organization_identifiers": _identifiers(org),
        "attributes": _attributes(org.uuid, org, ("theme", "community", "language", "area")),
    }
    if full:
        data["services"] = [service(org, nested=True)]
    return _clean(data)


def service(org: Organisation, nested: bool = False, locations: list[GroupLocation] | None = None) -> dict:
    data = {
        "id": service_id(org),
        "organization_id": org.uuid,
        "name": org.name,
        "description": org.description or org.name,
        "url": org.website if org.is_public("website") else None,
        "email": org.email if org.is_public("email") else None,
        "status": "active",
        "assured_date": assured_date(org),
        "last_modified": _timestamp(org.updated_at),
        "phones": _phones(org, "service"),
        "attributes": _attributes(service_id(org), org, ("theme", "community", "language", "service_type")),
        "languages": _languages(org),
    }
    if locations is not None:
        data["service_at_locations"] = [
            service_at_location(loc, org, full=True, with_service=False) for loc in locations
        ]
    if not nested:
        data["organization"] = organization(org)
    return _clean(data)


def _city(loc: GroupLocation) -> str:
    parts = [p.strip() for p in (loc.address_1 or "").split(",") if p.strip()]
    return parts[-1] if len(parts) > 1 else (loc.city or "London")


def location(loc: GroupLocation, org: Organisation, full: bool = False) -> dict:
    data = {
        "id": loc.uuid,
        "location_type": "physical",
        "name": loc.name or org.name,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
    }
    if full:
        street = ", ".join(p.strip() for p in (loc.address_1 or "").split(",")[:-1]) or loc.address_1 or loc.name
        data["addresses"] = [
            {
                "id": str(uuid.uuid5(NAMESPACE, f"address:{loc.uuid}")),
                "location_id": loc.uuid,
                "address_1": street or org.name,
                "city": _city(loc),
                "state_province": current_app.config.get("HSDS_STATE_PROVINCE", "Greater London"),
                "postal_code": loc.postcode,
                "country": "GB",
                "address_type": "physical",
            }
        ]
    return _clean(data)


def service_at_location(loc: GroupLocation, org: Organisation, full: bool = False, with_service: bool = True) -> dict:
    data = {
        "id": loc.service_at_location_uuid,
        "service_id": service_id(org),
        "location_id": loc.uuid,
        "location": location(loc, org, full=full),
    }
    if with_service:
        data["service"] = service(org, nested=not full)
    return data


# --- queries ---------------------------------------------------------------------------------


def _listed_ids(params: ListParams):
    """select(Organisation.id) of listed groups matching the search, taxonomy and date filters."""
    ids = filtered_ids(DirectoryFilters(q=params.search))
    if params.modified_after is not None:
        ids = ids.where(Organisation.updated_at >= params.modified_after)
    if params.taxonomy_term_id is not None:
        ids = ids.where(
            Organisation.id.in_(
                select(organisation_tags.c.organisation_id)
                .join(Tag, Tag.id == organisation_tags.c.tag_id)
                .where(Tag.uuid == params.taxonomy_term_id, Tag.retired.is_(False))
            )
        )
    if params.taxonomy_id is not None:
        kinds = [k for k in TAG_KINDS if taxonomy_id(k) == params.taxonomy_id]
        ids = ids.where(
            Organisation.id.in_(
                select(organisation_tags.c.organisation_id)
                .join(Tag, Tag.id == organisation_tags.c.tag_id)
                .where(Tag.kind.in_(kinds or [""]), Tag.retired.is_(False))
            )
        )
    return ids


def _organisations(params: ListParams):
    ids = _listed_ids(params)
    query = select(Organisation).where(Organisation.id.in_(ids)).options(*_WITH)
    query = query.order_by(func.lower(Organisation.name), Organisation.id)
    return query, select(func.count()).select_from(ids.subquery())


def _approved(org_uuid: str, by_service: bool = False) -> Organisation:
    query = select(Organisation).where(Organisation.status == "approved").options(*_WITH)
    column = Organisation.service_uuid if by_service else Organisation.uuid
    org = db.session.scalar(query.where(column == org_uuid[:36]))
    if org is None:
        raise ApiError(404, "There is no listed service or organization with this id.")
    return org


def public_locations(org: Organisation) -> list[GroupLocation]:
    return list(
        db.session.scalars(
            select(GroupLocation)
            .where(GroupLocation.organisation_id == org.id, GroupLocation.public.is_(True))
            .order_by(GroupLocation.position, GroupLocation.id)
        )
    )


def _located(params: ListParams):
    """select of (GroupLocation, Organisation) for public venues of listed matching groups."""
    ids = _listed_ids(params)
    return (
        select(GroupLocation, Organisation)
        .join(Organisation, Organisation.id == GroupLocation.organisation_id)
        .where(GroupLocation.public.is_(True), Organisation.id.in_(ids))
        .options(*_WITH)
    )


def _service_at_locations_near(params: ListParams) -> dict:
    """Nearest first from the postcode's centre, within `proximity` metres when given."""
    lat, lon = params.point
    ids = _listed_ids(params)
    query = (
        select(GroupLocation.id, GroupLocation.latitude, GroupLocation.longitude)
        .join(Organisation, Organisation.id == GroupLocation.organisation_id)
        .where(GroupLocation.public.is_(True), GroupLocation.latitude.is_not(None), Organisation.id.in_(ids))
    )
    if params.proximity is not None:
        south, north, west, east = bounding_box(lat, lon, params.proximity)
        query = query.where(GroupLocation.latitude.between(south, north), GroupLocation.longitude.between(west, east))
    found = []
    for location_id, lat2, lon2 in db.session.execute(query):
        d = distance_m(lat, lon, lat2, lon2)
        if params.proximity is None or d <= params.proximity:
            found.append((d, location_id))
    found.sort()
    page_ids = [location_id for _d, location_id in found[params.offset : params.offset + params.per_page]]
    rows = {
        loc.id: (loc, org) for loc, org in db.session.execute(_located(params).where(GroupLocation.id.in_(page_ids)))
    }
    items = [service_at_location(*rows[i]) for i in page_ids if i in rows]
    return _page_body(len(found), params, items)


# --- routes ----------------------------------------------------------------------------------


@bp.route("/api/hsds/")
@public
def hsds_root():
    return jsonify(
        {
            "version": HSDS_VERSION,
            "profile": PROFILE_URL,
            "openapi_url": url_for("groups.hsds_openapi", _external=True),
        }
    )


@bp.route("/api/hsds/openapi.json")
@public
def hsds_openapi():
    from app.groups.hsds_openapi import openapi_document

    return jsonify(openapi_document(url_for("groups.hsds_root", _external=True).rstrip("/")))


@bp.route("/api/hsds/organizations")
@public
def hsds_organizations():
    params = list_params("organizations")
    query, count = _organisations(params)
    return jsonify(_page(query, count, organization, params))


@bp.route("/api/hsds/organizations/<org_id>")
@public
def hsds_organization(org_id: str):
    return jsonify(organization(_approved(org_id), full=True))


@bp.route("/api/hsds/services")
@public
def hsds_services():
    params = list_params("services")
    query, count = _organisations(params)
    return jsonify(_page(query, count, service, params))


@bp.route("/api/hsds/services/<service_uuid>")
@public
def hsds_service(service_uuid: str):
    org = _approved(service_uuid, by_service=True)
    return jsonify(service(org, locations=public_locations(org)))


@bp.route("/api/hsds/service_at_locations")
@public
def hsds_service_at_locations():
    params = list_params("service_at_locations")
    if params.point is not None:
        return jsonify(_service_at_locations_near(params))
    query = _located(params).order_by(func.lower(Organisation.name), Organisation.id, GroupLocation.position)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.execute(query.limit(params.per_page).offset(params.offset)).all() if params.offset < total else []
    return jsonify(_page_body(total, params, [service_at_location(loc, org) for loc, org in rows]))


@bp.route("/api/hsds/service_at_locations/<sal_uuid>")
@public
def hsds_service_at_location(sal_uuid: str):
    row = db.session.execute(
        select(GroupLocation, Organisation)
        .join(Organisation, Organisation.id == GroupLocation.organisation_id)
        .where(
            GroupLocation.service_at_location_uuid == sal_uuid[:36],
            GroupLocation.public.is_(True),
            Organisation.status == "approved",
        )
        .options(*_WITH)
    ).first()
    if row is None:
        raise ApiError(404, "There is no listed service at a location with this id.")
    return jsonify(service_at_location(row[0], row[1], full=True))


@bp.route("/api/hsds/taxonomies")
@public
def hsds_taxonomies():
    params = list_params("taxonomies")
    return jsonify(_page_of_list([_taxonomy(k) for k in TAG_KINDS], params))


@bp.route("/api/hsds/taxonomies/<taxonomy_uuid>")
@public
def hsds_taxonomy(taxonomy_uuid: str):
    for kind in TAG_KINDS:
        if taxonomy_id(kind) == taxonomy_uuid:
            return jsonify(_taxonomy(kind))
    raise ApiError(404, "There is no taxonomy with this id.")


@bp.route("/api/hsds/taxonomy_terms")
@public
def hsds_taxonomy_terms():
    params = list_params("taxonomy_terms")
    query = select(Tag).where(Tag.retired.is_(False)).order_by(Tag.kind, Tag.name, Tag.id)
    if params.taxonomy_id is not None:
        kinds = [k for k in TAG_KINDS if taxonomy_id(k) == params.taxonomy_id]
        query = query.where(Tag.kind.in_(kinds or [""]))
    if params.search:
        words = params.search.lower()[:100].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(Tag.name).like(f"%{words}%", escape="\\"))
    count = select(func.count()).select_from(query.order_by(None).subquery())
    return jsonify(_page(query, count, _term, params))


@bp.route("/api/hsds/taxonomy_terms/<term_uuid>")
@public
def hsds_taxonomy_term(term_uuid: str):
    tag = db.session.scalar(select(Tag).where(Tag.uuid == term_uuid[:36], Tag.retired.is_(False)))
    if tag is None:
        raise ApiError(404, "There is no taxonomy term with this id.")
    return jsonify(_term(tag))
