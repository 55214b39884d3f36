"""The one full-text search for organisations (DESIGN §7).

SQLite: an FTS5 table over organisations.search_document, kept in sync by triggers created in
the migration. PostgreSQL: a stored generated tsvector column (search_fts) with a GIN index. The user's
text is never passed to either engine's query syntax as typed: it is cut into words (letters,
digits and combining marks only), and each word becomes a quoted prefix term, so quotes, `*`,
NEAR, OR, brackets and emoji are plain text, and "diab" finds "diabetes" on both engines.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import Integer, bindparam, text

from app.extensions import db
from app.groups.models import Organisation

MAX_TERMS = 8
MAX_TERM_LENGTH = 40


def search_terms(query: str | None) -> list[str]:
    """Words of the query, lower-cased; every other character separates words."""
    cleaned = "".join(ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in (query or "")[:500]).lower()
    terms = []
    for word in cleaned.split():
        # A word cannot start with a combining mark.
        word = word.lstrip("".join(ch for ch in word if unicodedata.category(ch)[0] == "M"))
        if word and word not in terms:
            terms.append(word[:MAX_TERM_LENGTH])
    return terms[:MAX_TERMS]


def matching_ids(query: str | None) -> list[int] | None:
    """Ids of organisations (any status) matching every word of `query` as a prefix, or None when
    the query has no words: the same match as text_match(), for the directory index
    (app/groups/directory.py), which keeps only the listed groups.

    PostgreSQL: the same tsquery on the stored tsvector. (Forcing the GIN index, which EXPLAIN
    ANALYZE suggests is 3x faster for a broad prefix, measured no faster from the application: both
    plans visit most heap pages of the table for "health" at 10,000 groups.)
    SQLite: the FTS5 table's rowids directly."""
    terms = search_terms(query)
    if not terms:
        return None
    # The ids come back as one comma-separated string: a broad word matches thousands of groups,
    # and fetching them as rows costs more (in the driver and SQLAlchemy) than the search itself.
    if db.engine.dialect.name == "postgresql":
        tsquery = " & ".join(f"'{term}':*" for term in terms)
        statement = text(
            "SELECT string_agg(id::text, ',') FROM organisations "
            "WHERE search_fts @@ to_tsquery('simple'::regconfig, :fts_query)"
        )
        params = {"fts_query": tsquery}
    else:
        statement = text("SELECT group_concat(rowid) FROM organisations_fts WHERE organisations_fts MATCH :fts_query")
        params = {"fts_query": " ".join(f'"{term}"*' for term in terms)}
    ids = db.session.scalar(statement, params)
    return [int(n) for n in ids.split(",")] if ids else []


_PARSED: dict[str, str] = {}
_PARSED_MAX = 4096
_PREFIX_TERM = re.compile(r"'((?:[^']|'')+)':\*")


def postgres_prefixes(query: str | None) -> list[str] | None:
    """PostgreSQL's own reading of the query's words: the lexemes of the same tsquery that
    matching_ids() and text_match() run, for the directory index's in-process match
    (app/groups/directory.py). None when the query has no words, or when PostgreSQL's tsquery is
    anything but prefix lexemes ANDed (its parser can split a word into a phrase): then the
    caller runs the search in the database."""
    terms = search_terms(query)
    if not terms:
        return None
    tsquery = " & ".join(f"'{term}':*" for term in terms)
    # The parse depends only on the text (the 'simple' configuration has no dictionary data), so it
    # is remembered per process: live search repeats the same few prefixes, and a round trip to
    # PostgreSQL costs more than the in-process match it feeds. Bounded, oldest dropped first.
    parsed = _PARSED.get(tsquery)
    if parsed is None:
        statement = text("SELECT to_tsquery('simple'::regconfig, :fts_query)::text")
        parsed = db.session.scalar(statement, {"fts_query": tsquery})
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[tsquery] = parsed or ""
    prefixes = []
    for part in (parsed or "").split(" & "):
        found = _PREFIX_TERM.fullmatch(part)
        if found is None:
            return None
        prefixes.append(found.group(1).replace("''", "'"))
    return prefixes


def text_match(query: str | None):
    """A WHERE clause matching organisations whose name, description or tags contain every
    word of `query` (as a prefix), or None when the query has no words."""
    terms = search_terms(query)
    if not terms:
        return None
    if db.engine.dialect.name == "postgresql":
        tsquery = " & ".join(f"'{term}':*" for term in terms)
        # search_fts: a stored generated tsvector with a GIN index (migration 0008).
        return text("organisations.search_fts @@ to_tsquery('simple'::regconfig, :fts_query)").bindparams(
            bindparam("fts_query", tsquery)
        )
    match = " ".join(f'"{term}"*' for term in terms)
    return Organisation.id.in_(
        text("SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH :fts_query")
        .bindparams(bindparam("fts_query", match))
        .columns(rowid=Integer)
    )
