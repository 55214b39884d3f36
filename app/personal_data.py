"""Self-service data rights (issue 19): each feature registers what it holds about a signed-in
person, so the account page can show it, download it (JSON and CSV) and say what deleting the
account removes and what is kept. A plug-in point like the others: features register from their
own package; the account page (app/auth) calls every registration without importing a feature."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.spreadsheets import escape_formula


@dataclass
class AccountRow:
    """A line on the account page: what the feature holds, and where to change it."""

    key: str
    value: str
    link: str | None = None
    link_text: str | None = None


@dataclass
class PersonalData:
    name: str
    export: Callable[[Any], Any]  # user -> JSON-ready data
    on_delete: Callable[[Any], None] | None = None  # user -> None, before the account is anonymised
    account_rows: Callable[[Any], list[AccountRow]] | None = None


REGISTRY: dict[str, PersonalData] = {}


def register_personal_data(
    name: str,
    export: Callable[[Any], Any],
    *,
    on_delete: Callable[[Any], None] | None = None,
    account_rows: Callable[[Any], list[AccountRow]] | None = None,
) -> None:
    REGISTRY[name] = PersonalData(name, export, on_delete, account_rows)


def export_all(user: Any) -> dict[str, Any]:
    return {name: entry.export(user) for name, entry in sorted(REGISTRY.items())}


def rows_for_account(user: Any) -> list[AccountRow]:
    return [row for _n, entry in sorted(REGISTRY.items()) if entry.account_rows for row in entry.account_rows(user)]


def delete_all(user: Any) -> None:
    for _name, entry in sorted(REGISTRY.items()):
        if entry.on_delete is not None:
            entry.on_delete(user)


def _flatten(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, out)
    elif isinstance(value, list):
        for number, item in enumerate(value, start=1):
            _flatten(f"{prefix}.{number}", item, out)
    else:
        out.append((prefix, "" if value is None else str(value)))


def as_csv(data: dict[str, Any]) -> str:
    """Every value on its own row: where it is (section.field, numbered in lists) and the value;
    values are formula-escaped so a spreadsheet never runs one."""
    rows: list[tuple[str, str]] = []
    _flatten("", data, rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["What", "Value"])
    for where, value in rows:
        writer.writerow([where, escape_formula(value)])
    return buffer.getvalue()
