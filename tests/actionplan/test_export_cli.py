"""Export (CSV and XLSX, formula escaping), the round trip, and `flask action-plans import`."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.actionplan.exporter import HEADERS, export_csv, export_xlsx
from app.actionplan.importing.apply import apply_import
from app.actionplan.importing.plan import parse_file
from app.actionplan.models import Action, ActionPlan, ProgressUpdate
from app.spreadsheets import escape_formula
from tests.actionplan.conftest import FIXTURES, xlsx_bytes


def _words(html: str) -> str:
    from app.text import html_to_text

    return " ".join(html_to_text(html).split())


def _snapshot(db, plan):
    """Everything that makes up a plan, independent of ids and timestamps. Exports are plain text,
    so rich text is compared by its words (bold and lists become plain lines)."""
    actions = db.session.scalars(
        select(Action)
        .where(Action.plan_id == plan.id)
        .options(selectinload(Action.theme), selectinload(Action.updates))
        .order_by(Action.sort_key)
    ).all()
    return [
        (
            a.theme.name, a.theme.secondary, a.theme.position, a.number, a.label, a.headline, _words(a.detail),
            _words(a.deliverables), _words(a.wider_benefits), a.timescale, a.target_date, a.quick_win,
            a.quick_win_note, a.lead_services, a.lead_officers, a.lead_service_note, a.lead_officer_note, a.status,
            a.rag, sorted((u.dated.isoformat() if u.dated else "", u.status or "", _words(u.body)) for u in a.updates),
        )
        for a in actions
    ]  # fmt: skip


def test_csv_export_has_the_council_layout_plus_status_rag_and_last_updated(client, imported_plan):
    response = client.get("/action-plans/race-equality.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="race-equality.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[0][-3:] == ["Status", "RAG", "Last updated"]
    by_number = {r[1]: r for r in rows[1:]}
    assert by_number["1.1"][8] == "Jane Smith / Tom Brown / Ali Khan"
    assert by_number["1.1"][10] == "In progress"
    assert by_number["2.1"][0] == "Education\nJobs and skills"


def test_exports_escape_formulas(client, imported_plan):
    assert [escape_formula(v) for v in ["=1+1", "+44", "-x", "@SUM(A1)", "plain"]] == [
        "'=1+1", "'+44", "'-x", "'@SUM(A1)", "plain",
    ]  # fmt: skip
    rows = list(csv.reader(io.StringIO(client.get("/action-plans/race-equality.csv").get_data().decode("utf-8-sig"))))
    assert {r[1]: r for r in rows[1:]}["3.4"][2] == '\'=HYPERLINK("http://example.org","Community trigger")'


def test_xlsx_export_is_text_only(client, imported_plan):
    from openpyxl import load_workbook

    response = client.get("/action-plans/race-equality.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    numbers = [r[1] for r in rows[1:]]
    assert "3.4" in numbers and all(isinstance(n, str) for n in numbers)
    formula_row = next(r for r in rows if r[1] == "3.4")
    assert formula_row[2].startswith("'=")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_round_trip_export_then_import_gives_the_same_plan(db, imported_plan, kind):
    action = db.session.scalar(select(Action).where(Action.number == "1.2"))
    action.rag = "amber"
    db.session.commit()
    content = export_csv(imported_plan) if kind == "csv" else export_xlsx(imported_plan)
    copy = ActionPlan(title="Copy", slug="copy")
    parsed = parse_file(content, f"export.{kind}")
    assert parsed.errors == []
    apply_import(parsed, copy)
    db.session.commit()
    assert _snapshot(db, copy) == _snapshot(db, imported_plan)
    # and importing the export into the original plan changes nothing
    again = apply_import(parse_file(content, f"export.{kind}"), imported_plan)
    assert not again.changed


def test_cli_dry_run_writes_nothing(app, db, runner=None):
    result = app.test_cli_runner().invoke(
        args=["action-plans", "import", str(FIXTURES / "council_messy.tsv"), "--plan", "Race equality", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "Council workforce and culture: 2 actions" in result.output
    assert "Numbering jumps from 3.2 to 3.4" in result.output
    assert "Nothing was written" in result.output
    assert db.session.scalar(select(func.count()).select_from(ActionPlan)) == 0


def test_cli_imports_and_reimports(app, db):
    runner = app.test_cli_runner()
    args = ["action-plans", "import", str(FIXTURES / "council_messy.tsv"), "--plan", "Race equality"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "8 added" in result.output
    result = runner.invoke(args=args)
    assert "0 added, 0 updated, 8 unchanged, 0 progress updates added" in result.output
    assert db.session.scalar(select(func.count()).select_from(ActionPlan)) == 1
    assert db.session.scalar(select(ActionPlan.slug)) == "race-equality"


def test_cli_refuses_bad_files_clearly(app, db, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["action-plans", "import", str(FIXTURES / "no_header.csv"), "--plan", "X"])
    assert result.exit_code == 1 and "could not find the column headings" in result.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes([["Theme", "Action No", "What actions are we taking"], ["T", "", "No number"]]))
    result = runner.invoke(args=["action-plans", "import", str(bad), "--plan", "X"])
    assert result.exit_code == 1 and "nothing was imported" in result.output
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 0
    assert db.session.scalar(select(func.count()).select_from(ActionPlan)) == 0


def test_control_characters_never_break_the_xlsx_export(client, db, imported_plan):
    """Regression (issue 8 injection sweep): a NUL in a progress update made the XLSX export a 500."""
    from openpyxl import load_workbook

    from app.actionplan.richtext import canonical_html

    assert canonical_html("before\x00after\x07 and\ttab") == "<p>beforeafter and\ttab</p>"
    action = db.session.scalar(select(Action).where(Action.number == "1.1"))
    # Stored before input was cleaned (a NUL cannot reach PostgreSQL at all; other control characters can).
    action.headline = "Old text with a bell\x07 and a backspace\x08"
    db.session.commit()
    response = client.get("/action-plans/race-equality.xlsx")
    assert response.status_code == 200
    rows = list(
        load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert any("Old text with a bell and a backspace" in (r[2] or "") for r in rows)
