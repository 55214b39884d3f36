"""URL slugs, shared by every feature that gives its pages readable addresses."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import or_, select

from app.extensions import db

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(value: str | None, max_length: int = 200, fallback: str = "item") -> str:
    """Lower-case ASCII words joined by hyphens ("Café & Co" → "cafe-co"); `fallback` when nothing is left."""
    value = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", value.lower()).strip("-")[:max_length].strip("-") or fallback


def unique_slug(model, base: str, *, exclude_id: int | None = None, **scope) -> str:
    """`base`, or `base-2`, `base-3`… : the first not taken by another row of `model` within `scope`.

    One query fetches every slug that could clash (a slug holds only [a-z0-9-], so LIKE needs no escaping).
    """
    column = model.slug
    query = select(column).where(or_(column == base, column.like(f"{base}-%")))
    query = query.where(*[getattr(model, key) == value for key, value in scope.items()])
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    taken = set(db.session.scalars(query))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
