"""Benchmark data at the issues' sizes (`flask generate-load-data`, cli.py): groups, subscribers, events
with registrations, action-plan actions and toolkit responses, one module each. Everything big is
written with bulk INSERTs (one executemany per chunk), so 10,000 subscribers or 100,000 registrations
take seconds, on SQLite and PostgreSQL. Demo content for people to read is in each feature's demo.py."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import func, insert, select

from app.extensions import db

CHUNK = 2000


def _chunks(rows: Iterable[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def bulk(model, rows: Iterable[dict]) -> int:
    count = 0
    for chunk in _chunks(rows):
        db.session.execute(insert(model), chunk)
        count += len(chunk)
    return count


def next_number(column) -> int:
    return (db.session.scalar(select(func.max(column))) or 0) + 1


FIRST_NAMES = ["Amina", "Kwame", "Nasreen", "Tunde", "Priya", "Wei", "Fatima", "Marek", "Grace", "Yusuf"]
LAST_NAMES = ["Yusuf", "Mensah", "Begum", "Adeyemi", "Patel", "Chen", "Ali", "Nowak", "Okafor", "Hassan"]


def person_name(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
