"""Open Referral HSDS 3.0 read API (/api/hsds/): public, read-only, public fields only.

Each listed group is an HSDS organization, and its work is one HSDS service. Tag kinds are
taxonomies and tags are taxonomy terms (themes and communities included), linked to services
and organizations as attributes. Ids are stable UUIDs stored on the rows (or derived from them).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

from flask import jsonify, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.groups import bp
from app.groups.models import TAG_KINDS, Organisation, Tag
from app.groups.services import DirectoryFilters, filtered_ids
from app.security import public

HSDS_VERSION = "3.0"
NAMESPACE = uuid.UUID("6f1d5c6e-8a4b-4f0e-9f51-1c0de7a0c0de")
MAX_PER_PAGE = 200
_ID_SCHEMES = {"GB-SC": "SC", "GB-NIC": "NIC"}


def taxonomy_id(kind: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy:{kind}"))


def service_id(org: Organisation) -> str:
    return org.service_uuid


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    response = jsonify({"error": error.message})
    response.status_code = error.status
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.after_app_request
def _cors(response):
    if request.path.startswith("/api/hsds"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers.setdefault("Cache-Control", "public, max-age=60")
    return response


def _int_arg(name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ApiError(400, f"{name} must be a whole number") from exc
    if value < 1:
        raise ApiError(400, f"{name} must be 1 or more")
    return min(value, maximum)


def _modified_after() -> dt.datetime | None:
    raw = request.args.get("modified_after")
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
        # In UTC here, so a date at the edge of the calendar (0001-01-01T00:00:00+14:00) is
        # refused as a bad parameter rather than overflowing when the query binds it.
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except ValueError as exc:
        raise ApiError(400, "modified_after must be an ISO 8601 date-time, like 2026-11-01T00:00:00Z") from exc
    except OverflowError as exc:
        raise ApiError(400, "modified_after is outside the range of dates the directory holds") from exc


def _page(query, count_query, serialise) -> dict:
    page = _int_arg("page", 1, 1_000_000)
    per_page = _int_arg("per_page", 50, MAX_PER_PAGE)
    total = db.session.scalar(count_query) or 0
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    total_pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not items,
        "contents": [serialise(item) for item in items],
    }


def _clean(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


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
        "uri": url_for("groups.hsds_taxonomy_terms", taxonomy_id=taxonomy_id(kind), _external=True),
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


def organization(org: Organisation, full: bool = False) -> dict:
    data = {
        "id": org.uuid,
        "name": org.name,
        "description": org.description or "",
        "email": org.email if org.is_public("email") else None,
        "website": org.website if org.is_public("website") else None,
        "year_incorporated": org.founded_year if org.is_public("founded_year") else None,
        "legal_status": org.legal_form_label,
        "uri": url_for("groups.profile", slug=org.slug, _external=True),
        "phones": _phones(org, "organization"),
        "organization_identifiers": _identifiers(org),
        "attributes": _attributes(org.uuid, org, ("theme", "community", "language", "area")),
    }
    if full:
        data["services"] = [service(org, nested=True)]
    return _clean(data)


def service(org: Organisation, nested: bool = False) -> dict:
    data = {
        "id": service_id(org),
        "organization_id": org.uuid,
        "name": org.name,
        "description": org.description or "",
        "url": org.website if org.is_public("website") else None,
        "email": org.email if org.is_public("email") else None,
        "status": "active",
        "last_modified": org.updated_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "phones": _phones(org, "service"),
        "attributes": _attributes(service_id(org), org, ("theme", "community", "language", "service_type")),
    }
    if not nested:
        data["organization"] = organization(org)
    return _clean(data)


def _organisations_query():
    filters = DirectoryFilters(q=(request.args.get("search") or "").strip()[:200])
    ids = filtered_ids(filters)
    modified = _modified_after()
    if modified is not None:
        ids = ids.where(Organisation.updated_at >= modified)
    query = (
        select(Organisation)
        .where(Organisation.id.in_(ids))
        .options(selectinload(Organisation.tags))
        .order_by(func.lower(Organisation.name), Organisation.id)
    )
    count = select(func.count()).select_from(ids.subquery())
    return query, count


def _approved(org_uuid: str, by_service: bool = False) -> Organisation:
    query = select(Organisation).where(Organisation.status == "approved").options(selectinload(Organisation.tags))
    column = Organisation.service_uuid if by_service else Organisation.uuid
    org = db.session.scalar(query.where(column == org_uuid[:36]))
    if org is None:
        raise ApiError(404, "Not found")
    return org


@bp.route("/api/hsds/")
@public
def hsds_root():
    return jsonify(
        {
            "version": HSDS_VERSION,
            "profile": "https://openreferral.org/",
            "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
        }
    )


@bp.route("/api/hsds/organizations")
@public
def hsds_organizations():
    query, count = _organisations_query()
    return jsonify(_page(query, count, organization))


@bp.route("/api/hsds/organizations/<org_id>")
@public
def hsds_organization(org_id: str):
    return jsonify(organization(_approved(org_id), full=True))


@bp.route("/api/hsds/services")
@public
def hsds_services():
    query, count = _organisations_query()
    return jsonify(_page(query, count, service))


@bp.route("/api/hsds/services/<service_uuid>")
@public
def hsds_service(service_uuid: str):
    return jsonify(service(_approved(service_uuid, by_service=True)))


@bp.route("/api/hsds/taxonomies")
@public
def hsds_taxonomies():
    kinds = list(TAG_KINDS)
    return jsonify(
        {
            "total_items": len(kinds),
            "total_pages": 1,
            "page_number": 1,
            "size": len(kinds),
            "first_page": True,
            "last_page": True,
            "empty": False,
            "contents": [_taxonomy(k) for k in kinds],
        }
    )


@bp.route("/api/hsds/taxonomy_terms")
@public
def hsds_taxonomy_terms():
    query = select(Tag).where(Tag.retired.is_(False)).order_by(Tag.kind, Tag.name, Tag.id)
    wanted = request.args.get("taxonomy_id")
    if wanted:
        kinds = [k for k in TAG_KINDS if taxonomy_id(k) == wanted]
        query = query.where(Tag.kind.in_(kinds or [""]))
    search = (request.args.get("search") or "").strip()[:100]
    if search:
        query = query.where(func.lower(Tag.name).like(f"%{search.lower()}%"))
    count = select(func.count()).select_from(query.subquery())
    return jsonify(_page(query, count, _term))
