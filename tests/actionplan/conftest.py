"""Fixtures for the action-plan tests: fixture files and a small plan built through the importer."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def imported_plan(db):
    """The messy council TSV imported into a published public plan."""
    from app.actionplan.importing.apply import apply_import
    from app.actionplan.importing.plan import parse_file
    from app.actionplan.models import ActionPlan

    plan = ActionPlan(title="Race Equality Action Plan", slug="race-equality", status="published", visibility="public")
    apply_import(parse_file(fixture_bytes("council_messy.tsv"), "council_messy.tsv"), plan)
    db.session.commit()
    return plan
