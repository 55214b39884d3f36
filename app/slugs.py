"""URL slugs, shared by every feature that gives its pages readable addresses."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import or_, select

from app.extensions import db

_HYPHENS = re.compile(r"-{2,}")


def _slug_char(ch: str) -> str:
    """Latin letters folded to ASCII ("é" → "e"), letters, marks and digits of other scripts kept as
    they are (a Bengali or Urdu name keeps its script in the address, issue 22), anything else a hyphen."""
    if ch.isascii():
        return ch.lower() if ch.isalnum() else "-"
    if unicodedata.category(ch)[0] not in "LMN":
        return "-"
    if unicodedata.name(ch, "").startswith("LATIN"):
        return unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode().lower() or "-"
    return "" if unicodedata.category(ch) == "Mn" and unicodedata.combining(ch) and ch < "\u0370" else ch


def slugify(value: str | None, max_length: int = 200, fallback: str = "item") -> str:
    """Words joined by hyphens: "Café & Co" → "cafe-co", "বাংলা মহিলা সমিতি" → "বাংলা-মহিলা-সমিতি";
    `fallback` when nothing is left."""
    text = "".join(_slug_char(ch) for ch in unicodedata.normalize("NFKC", value or ""))
    return _HYPHENS.sub("-", text).strip("-")[:max_length].strip("-") or fallback


def unique_slug(model, base: str, *, exclude_id: int | None = None, **scope) -> str:
    """`base`, or `base-2`, `base-3`… : the first not taken by another row of `model` within `scope`.

    One query fetches every slug that could clash (a slug holds only letters, digits and hyphens, so LIKE
    needs no escaping).
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
