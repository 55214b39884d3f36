"""Database helpers shared by every feature: UTC timestamps, engine set-up, query counting,
CHECK constraint text and the loaders that turn a missing row into a 404."""

from __future__ import annotations

import datetime as dt
import threading

from flask import abort
from sqlalchemy import DateTime, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import selectinload
from sqlalchemy.types import TypeDecorator

from app.extensions import db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always returns aware UTC datetimes.

    SQLite has no time-zone type, so without this a value read back would be naive
    on SQLite and aware on PostgreSQL; comparing them would then fail on one engine only.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # Only SQLite connections have these pragmas; psycopg connections are left alone.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class QueryCounter:
    """Counts SQL statements per thread; used by tests' query budgets and bench mode."""

    def __init__(self) -> None:
        self._local = threading.local()

    @property
    def count(self) -> int:
        return getattr(self._local, "count", 0)

    def reset(self) -> None:
        self._local.count = 0

    def increment(self) -> None:
        self._local.count = self.count + 1


query_counter = QueryCounter()


@event.listens_for(Engine, "before_cursor_execute")
def _count_query(conn, cursor, statement, parameters, context, executemany):
    query_counter.increment()


def managed_by_migrations_only(name: str | None) -> bool:
    """Full-text search objects (SQLite FTS5 tables and their shadow tables, PostgreSQL GIN
    indexes and the stored tsvector column) are created by migrations, not models: autogenerate
    and model checks skip them. Their names contain "_fts". So is the directory's version counter
    (migration 0013_directory, kept by triggers; app/groups/directory.py)."""
    return bool(name) and ("_fts" in name or name == "directory_version")


def include_name(name, type_, parent_names) -> bool:
    """Alembic include_name hook (migrations/env.py and the migration tests)."""
    return not (type_ in ("table", "index", "column") and managed_by_migrations_only(name))


def one_of(column: str, values) -> str:
    """SQL text for a CHECK constraint that `column` holds one of `values` (strings)."""
    quoted = ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)
    return f"{column} IN ({quoted})"


def first_or_404(stmt):
    """The first row a select finds, or a 404."""
    row = db.session.scalars(stmt).first()
    if row is None:
        abort(404)
    return row


def child_or_404(model, ident, parent=None, load=()):
    """A row by primary key, or a 404; with `parent` it must also belong to that parent (by its
    foreign key), so an id from another parent's URL is not found either (no IDOR). `load` names
    relationships to load with it."""
    if load:  # a select, not session.get: loader options do not apply to a row already in the session
        (key,) = inspect(model).primary_key
        options = [selectinload(relationship) for relationship in load]
        row = db.session.scalars(select(model).where(key == ident).options(*options)).first()
    else:
        row = db.session.get(model, ident)
    if row is None or (parent is not None and not _belongs_to(row, parent)):
        abort(404)
    return row


def _belongs_to(row, parent) -> bool:
    mapper, parent_mapper = inspect(type(row)), inspect(type(parent))
    for column in mapper.local_table.columns:
        for key in column.foreign_keys:
            if key.column.table is parent_mapper.local_table:
                child_value = getattr(row, mapper.get_property_by_column(column).key)
                return child_value == getattr(parent, parent_mapper.get_property_by_column(key.column).key)
    raise TypeError(f"{type(row).__name__} has no foreign key to {type(parent).__name__}")
