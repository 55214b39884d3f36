"""Builders for directory tests (callers commit)."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from app.extensions import db
from app.groups.models import Membership, Organisation, Tag
from app.groups.seed import seed_taxonomy
from app.groups.services import refresh_search, slugify

_counter = itertools.count(1)


def tag(kind: str, name: str) -> Tag:
    seed_taxonomy()
    found = db.session.scalar(select(Tag).where(Tag.kind == kind, Tag.slug == slugify(name)))
    if found is None:
        found = Tag(kind=kind, name=name, slug=slugify(name))
        db.session.add(found)
        db.session.flush()
    return found


def organisation(name: str | None = None, *, status: str = "approved", description: str = "A community group.",
                 tags: list[Tag] | None = None, owner=None, members=(), **fields) -> Organisation:  # fmt: skip
    n = next(_counter)
    name = name or f"Test Group {n}"
    org = Organisation(
        name=name,
        slug=f"{slugify(name)}-{n}",
        status=status,
        legal_form=fields.pop("legal_form", "unincorporated"),
        description=description,
        **fields,
    )
    org.tags = list(tags or [])
    refresh_search(org)
    db.session.add(org)
    db.session.flush()
    if owner is not None:
        db.session.add(Membership(user_id=owner.id, organisation_id=org.id, role="owner"))
    for member in members:
        db.session.add(Membership(user_id=member.id, organisation_id=org.id, role="member"))
    db.session.flush()
    return org


def application_data(**overrides) -> dict:
    """A valid application form post (tag ids filled in by the caller)."""
    seed_taxonomy()
    theme = tag("theme", "Mental health")
    community = tag("community", "Bangladeshi")
    language = tag("language", "Bengali")
    area = tag("area", "Whitechapel")
    data = {
        "name": "Brick Lane Wellbeing Circle",
        "legal_form": "charity",
        "charity_number": "1123456",
        "company_number": "",
        "description": "Peer support for Bangladeshi women on mental health.",
        "founded_year": "2012",
        "address": "12 Brick Lane\nLondon",
        "postcode": "e1 6ra",
        "area": str(area.id),
        "themes": [str(theme.id)],
        "communities": [str(community.id)],
        "languages": [str(language.id)],
        "beneficiaries": "50-249",
        "website": "www.bricklane-circle.example.org",
        "email": "hello@bricklane-circle.example.org",
        "phone": "020 7946 0000",
        "contact_name": "Ruksana Ali",
        "public_fields": ["website", "email"],
    }
    data.update(overrides)
    return data
