"""The public directory's listing and facet counts from an in-process index (issue 3, speed).

What a search costs is dominated by work that does not depend on the search: which groups are
listed, their order, and which tags each has. That is read once into a small per-process index
(bitsets: one Python int per tag, bit n set when approved group n has the tag) and kept until the
directory changes. A request then costs at most three small queries:

1. the directory's version (`directory_version`, bumped by database triggers in the transaction of
   every write to organisations, organisation_tags or tags, whatever code or tool does the write;
   migration 0013_directory), which says whether this process's index is still current;
2. the full-text match, only when there is a query. SQLite: `search.matching_ids`, the same FTS5
   MATCH as `search.text_match`. PostgreSQL: `search.postgres_prefixes` asks PostgreSQL to parse
   the same tsquery, and the prefixes are looked up in the index's copy of the stored tsvectors'
   lexemes (falling back to the SQL match if the parse is not plain prefixes ANDed);
3. the rows of the page's groups not shown since the index was built (name, slug, description,
   tag ids), rendered once each.

Counting a facet is then `(tag_bits & matching).bit_count()` (microseconds for 10,000 groups)
instead of a join of the matching groups with every tag link, and the total is one `bit_count()`.
The version is read before the index is built, so an index is never newer-keyed than its data;
an index built from data a little newer than its version is replaced at the next version change.
Only read-only requests may build the index: one built inside a transaction that wrote to those
tables and then rolled back would be keyed with a version number the next writer reuses.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from flask import current_app, get_template_attribute
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup, escape
from sqlalchemy import bindparam, text

from app.extensions import db
from app.groups.languages import tag_names
from app.groups.search import matching_ids, postgres_prefixes, search_terms
from app.i18n import _
from app.i18n.formatting import number
from app.i18n.selection import current_language

FACET_KINDS = ("theme", "community", "language", "area")
WORD_MEMO = 512  # searches remembered per directory version (SQLite), a few KB each at 10,000 groups
LISTED = "approved"
_CACHE_KEY = "groups.directory_index"


class TagInfo(NamedTuple):
    kind: str
    name: str
    slug: str


@dataclass
class Entry:
    """One row of the results list: what the template reads from a group."""

    id: int
    name: str
    slug: str
    description: str
    tags: list[TagInfo]
    html: Markup | None = None

    def tags_of(self, kind: str) -> list[TagInfo]:
        return [t for t in self.tags if t.kind == kind]

    @property
    def area(self) -> TagInfo | None:
        areas = self.tags_of("area")
        return areas[0] if areas else None


@dataclass
class FacetTag:
    kind: str
    name: str
    slug: str
    retired: bool
    bits: int
    name_html: Markup
    slug_html: Markup


class FacetItem:
    """One facet checkbox. Attributes (not dict keys, which Jinja finds only after a failed
    attribute lookup) and text escaped once per index build: _facets.html renders about 80."""

    __slots__ = ("count", "name", "selected", "slug")

    def __init__(self, name: Markup, slug: Markup, count: int, selected: bool):
        self.name, self.slug, self.count, self.selected = name, slug, count, selected


@dataclass
class DirectoryIndex:
    version: int | None
    listed: int = 0  # bitset of approved group ids
    by_name: list[int] = field(default_factory=list)  # approved ids, ORDER BY lower(name), id
    by_newest: list[int] = field(default_factory=list)  # approved ids, ORDER BY created_at DESC, id DESC
    facet_tags: list[FacetTag] = field(default_factory=list)  # ORDER BY name (retired included)
    by_slug: dict[tuple[str, str], FacetTag] = field(default_factory=dict)
    # PostgreSQL only: the stored tsvectors' lexemes (sorted) and the listed groups having each;
    # each lexeme's bitset is made on first use.
    lexemes: list[str] | None = None
    postings: dict[str, list[int]] = field(default_factory=dict)
    lexeme_bits: dict[str, int] = field(default_factory=dict)
    # Filled as pages are shown, per language: the kept markup carries the page's words (issue 22).
    entries: dict[tuple[str, int], Entry] = field(default_factory=dict)
    # SQLite: the groups each recent search's words matched (FTS5), until the directory changes: live
    # search repeats the same few prefixes as people type ("he", "hea", "heal"...), so each costs one
    # FTS5 query per version, not one per keystroke of every reader (docs/performance.md).
    word_bits: dict[str, int] = field(default_factory=dict)
    # "language" facet tags named in each reader's language: (language code, slug) -> name.
    language_names: dict[tuple[str, str], Markup] = field(default_factory=dict)

    def words_bits(self, query: str | None) -> int | None:
        """Groups (any status) whose search text has every word of `query` as a prefix, or None when
        the query has no words; remembered for the last WORD_MEMO searches of this version."""
        key = " ".join(search_terms(query))
        if not key:
            return None
        bits = self.word_bits.get(key)
        if bits is None:
            bits = bitset(matching_ids(query) or [])
            if len(self.word_bits) >= WORD_MEMO:
                self.word_bits.pop(next(iter(self.word_bits)))
            self.word_bits[key] = bits
        return bits

    def prefix_bits(self, prefix: str) -> int:
        """Groups with a lexeme starting with `prefix`: what tsquery 'prefix':* matches."""
        bits = 0
        lexemes = self.lexemes or []
        for i in range(bisect.bisect_left(lexemes, prefix), len(lexemes)):
            lexeme = lexemes[i]
            if not lexeme.startswith(prefix):
                break
            found = self.lexeme_bits.get(lexeme)
            if found is None:
                found = self.lexeme_bits[lexeme] = bitset(self.postings[lexeme])
            bits |= found
        return bits

    tag_by_id: dict[int, tuple[int, TagInfo]] = field(default_factory=dict)  # id -> (name order, tag)


_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def bitset(ids) -> int:
    """A Python int with bit n set for every n in ids (ids >= 0). One byte per id is set in a
    loop and the bytes become the int in C: a third faster than setting bits in the loop."""
    ids = list(ids)
    if not ids:
        return 0
    flags = bytearray(max(ids) + 1)
    for n in ids:
        flags[n] = 1
    return int(flags.translate(_DIGITS)[::-1], 2)


# Id lists come back as one comma-separated string (string_agg / group_concat), not as rows.
_SQL = {
    "postgresql": {
        "listed": "SELECT id, created_at, tsvector_to_array(search_fts) FROM organisations "
        "WHERE status = :listed ORDER BY lower(name), id",
        "links": "SELECT tag_id, string_agg(organisation_id::text, ',') FROM organisation_tags GROUP BY tag_id",
        "entries": "SELECT o.id, o.name, o.slug, o.description, (SELECT string_agg(ot.tag_id::text, ',') "
        "FROM organisation_tags ot WHERE ot.organisation_id = o.id) FROM organisations o WHERE o.id IN :ids",
    },
    "sqlite": {
        "listed": "SELECT id, created_at FROM organisations WHERE status = :listed ORDER BY lower(name), id",
        "links": "SELECT tag_id, group_concat(organisation_id) FROM organisation_tags GROUP BY tag_id",
        "entries": "SELECT o.id, o.name, o.slug, o.description, (SELECT group_concat(ot.tag_id) "
        "FROM organisation_tags ot WHERE ot.organisation_id = o.id) FROM organisations o WHERE o.id IN :ids",
    },
}


def _dialect() -> str:
    return "postgresql" if db.engine.dialect.name == "postgresql" else "sqlite"


def current_version() -> int | None:
    return db.session.scalar(text("SELECT version FROM directory_version WHERE id = 1"))


def _ids(joined: str | None) -> list[int]:
    return [int(n) for n in joined.split(",")] if joined else []


def _build(version: int | None) -> DirectoryIndex:
    """Three queries, each returning few rows: the cost of fetching 10,000 rows through the ORM
    (1.4 s with SQLAlchemy's row and datetime processing) is avoided with plain text SQL, and
    tag links come back as one comma-separated list per tag."""
    index = DirectoryIndex(version)
    # In the database's own order: lower() and the collation differ between engines and Python.
    rows = db.session.execute(text(_SQL[_dialect()]["listed"]), {"listed": LISTED}).all()
    index.by_name = [row[0] for row in rows]
    # created_at DESC, id DESC, as the database orders it: created_at is never null, and the raw
    # values compare as it compares them (ISO text on SQLite, timestamps on PostgreSQL).
    index.by_newest = [row[0] for row in sorted(rows, key=lambda r: (r[1], r[0]), reverse=True)]
    index.listed = bitset(index.by_name)
    if _dialect() == "postgresql":
        for org_id, _created, lexemes in rows:
            for lexeme in lexemes or ():
                index.postings.setdefault(lexeme, []).append(org_id)
        index.lexemes = sorted(index.postings)
    tags = db.session.execute(
        text("SELECT id, kind, name, slug, retired FROM tags ORDER BY name, id")
    ).all()  # in the database's own name order, as the relationship (order_by=Tag.name) and facets sort
    # Every group's links (no join): the bitsets keep the listed groups only.
    links = db.session.execute(text(_SQL[_dialect()]["links"])).all()
    groups_of_tag = dict(links)
    for position, (tag_id, kind, name, slug, retired) in enumerate(tags):
        index.tag_by_id[tag_id] = (position, TagInfo(kind, name, slug))
        if kind not in FACET_KINDS:
            continue
        bits = bitset(_ids(groups_of_tag.get(tag_id))) & index.listed
        facet = FacetTag(kind, name, slug, bool(retired), bits, escape(name), escape(slug))
        index.facet_tags.append(facet)
        index.by_slug[(kind, slug)] = facet  # keyed by the slug as stored
    return index


def directory_index() -> DirectoryIndex:
    """This process's index, rebuilt when the directory's version has changed."""
    version = current_version()
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is not None and version is not None and cached.version == version:
        return cached
    index = _build(version)
    current_app.extensions[_CACHE_KEY] = index
    return index


class ListPagination(Pagination):
    """Flask-SQLAlchemy's Pagination over items and a total worked out already."""

    def _query_items(self) -> list:
        return self._query_args["fetch"](self._query_offset, self.per_page)

    def _query_count(self) -> int:
        return self._query_args["total"]


@dataclass
class Listing:
    pager: ListPagination
    facets: dict[str, list[dict]]


@dataclass
class Match:
    """The groups matching a search, as bitsets: `base` (words and postcode), `by_kind` (per
    facet, the groups with any of its ticked tags: OR within a facet) and `bits` (all of it,
    AND across facets)."""

    base: int
    by_kind: dict[str, int]
    bits: int

    def without(self, kind: str) -> int:
        """What would match with the facet `kind` unticked: the base for its options' counts."""
        bits = self.base
        for other, other_bits in self.by_kind.items():
            if other != kind:
                bits &= other_bits
        return bits


def matching(filters, index: DirectoryIndex) -> Match:
    """Approved groups matching the search words, the postcode, and in each facet any ticked tag."""
    base = index.listed
    prefixes = postgres_prefixes(filters.q) if index.lexemes is not None else None
    if prefixes is not None:
        # In process, from PostgreSQL's own lexemes (the stored tsvectors) and its own parse of
        # the query: the same groups as the tsquery, without evaluating 10,000 tsvectors.
        for prefix in prefixes:
            base &= index.prefix_bits(prefix)
    else:
        words = index.words_bits(filters.q)
        if words is not None:
            base &= words
    if filters.near_ids is not None:
        base &= bitset(filters.near_ids)
    by_kind = {}
    for kind, slugs in filters.selected.items():
        union = 0
        for slug in slugs:
            tag = index.by_slug.get((kind, slug))
            union |= tag.bits if tag is not None else 0
        by_kind[kind] = union
    bits = base
    for union in by_kind.values():
        bits &= union
    return Match(base, by_kind, bits)


def _page_ids(order: list[int], bits: int, everything: bool, offset: int, limit: int) -> list[int]:
    if everything:
        return order[offset : offset + limit]
    flags = bits.to_bytes(bits.bit_length() // 8 + 1, "little")
    size = len(flags) * 8
    found: list[int] = []
    skip = offset
    for org_id in order:
        if org_id < size and flags[org_id >> 3] >> (org_id & 7) & 1:
            if skip:
                skip -= 1
                continue
            found.append(org_id)
            if len(found) == limit:
                break
    return found


def distance_in_miles(metres: float) -> str:
    """ "0.4 miles away", "Less than 0.1 miles away": a group's distance on a "near a postcode" search."""
    from app.groups.services import METRES_PER_MILE  # the services module imports this one

    miles = round(metres / METRES_PER_MILE, 1)
    if miles < 0.1:
        return _("Less than 0.1 miles away")
    return _("%(miles)s miles away", miles=number(miles)) if miles != 1 else _("1 mile away")


def _entries(ids: list[int], index: DirectoryIndex, distances: dict[int, float] | None = None) -> list[Entry]:
    """The page's groups in `ids` order, each with its tags (by name) from the index and its
    results-list markup (templates/groups/_result.html), both kept in the index (per language) until
    the directory changes: a group already shown costs neither a row nor a render again. With
    `distances` (a "near a postcode" search) each says how far it is, drawn for this request only."""
    lang = current_language().code
    missing = [org_id for org_id in ids if (lang, org_id) not in index.entries]
    render = get_template_attribute("groups/_result.html", "result")
    if missing:
        statement = text(_SQL[_dialect()]["entries"]).bindparams(bindparam("ids", expanding=True))
        for org_id, name, slug, description, tag_ids in db.session.execute(statement, {"ids": missing}):
            tags = sorted(index.tag_by_id[n] for n in _ids(tag_ids) if n in index.tag_by_id)
            entry = Entry(org_id, name, slug, description, [info for _, info in tags])
            entry.html = render(entry)
            index.entries[(lang, org_id)] = entry
    found = [index.entries[(lang, org_id)] for org_id in ids if (lang, org_id) in index.entries]
    if distances is None:
        return found
    return [replace(entry, html=render(entry, distance_in_miles(distances[entry.id]))) for entry in found]


def facet_counts(filters, index: DirectoryIndex, match: Match) -> dict[str, list[FacetItem]]:
    """Tags of each facet kind with the number of results each would give: the groups matching all
    but that facet's own ticks, with the tag (OR within a facet). A selected tag stays listed even
    when nothing matches, so it can be unticked; retired tags are not listed."""
    result: dict[str, list[FacetItem]] = {kind: [] for kind in FACET_KINDS}
    base_of = {kind: match.without(kind) for kind in FACET_KINDS}
    lang = current_language().code
    for tag in index.facet_tags:
        if tag.retired:
            continue
        n = (tag.bits & base_of[tag.kind]).bit_count()
        selected = filters.is_selected(tag.kind, tag.slug)
        if n or selected:
            name = tag.name_html if tag.kind != "language" else _language_name(index, tag, lang)
            result[tag.kind].append(FacetItem(name, tag.slug_html, n, selected))
    if lang != "en":
        result["language"].sort(key=lambda item: str(item.name))
    return result


def _language_name(index: DirectoryIndex, tag: FacetTag, lang: str) -> Markup:
    """A "language" tag named in the reader's language (app/groups/languages.py), escaped once per
    language and index."""
    key = (lang, tag.slug)
    if key not in index.language_names:
        index.language_names[key] = escape(tag_names([tag])[0])
    return index.language_names[key]


def listing(filters, page: int, per_page: int) -> Listing:
    index = directory_index()
    match = matching(filters, index)
    bits = match.bits
    everything = bits == index.listed
    order = index.by_newest if filters.sort == "newest" else index.by_name
    if filters.near_ids is not None and filters.sort == "nearest":
        order = filters.near_ids  # nearest first (app/groups/locations.groups_near)

    def fetch(offset: int, limit: int) -> list[Entry]:
        return _entries(_page_ids(order, bits, everything, offset, limit), index, filters.near_distances)

    pager = ListPagination(page=page, per_page=per_page, error_out=False, fetch=fetch, total=bits.bit_count())
    return Listing(pager=pager, facets=facet_counts(filters, index, match))
