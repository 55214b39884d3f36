"""Accounts (callers commit)."""

from __future__ import annotations

import itertools

from app.auth.models import User
from app.db import utcnow
from app.extensions import db

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery"


def user(role: str = "member", *, email: str | None = None, name: str | None = None, password: str = PASSWORD,
         confirmed: bool = True, active: bool = True) -> User:  # fmt: skip
    n = next(_counter)
    obj = User(
        email=(email or f"person{n}@example.org").lower(),
        name=name or f"Test Person {n}",
        role=role,
        active=active,
        confirmed_at=utcnow() if confirmed else None,
    )
    obj.set_password(password)
    db.session.add(obj)
    db.session.flush()
    return obj
