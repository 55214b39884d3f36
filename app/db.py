"""Database helpers shared by every feature: UTC timestamps, engine set-up, query counting."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator


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
