"""Exports staff can use (issue 16 §3): CSV and XLSX honour the results page's filters (theme and
community and area at once) and say which applied, leave drafts out unless asked, use labels; the
XLSX has typed dates and numbers, a frozen header row, filter buttons, column widths, and a second
sheet of summary figures."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from tests import factories
from tests.factories.groups import organisation, tag
from tests.factories.toolkits import questions, small_toolkit
from tests.pages import page_text
from tests.toolkits.test_staff import _respond


def _setup(db):
    toolkit = small_toolkit()
    theme = tag("theme", "Mental health")
    somali = tag("community", "Somali")
    q = questions(toolkit)
    both = organisation("Both Tags Group", owner=(u1 := factories.user()), tags=[theme, somali])
    theme_only = organisation("Theme Only Group", owner=(u2 := factories.user()), tags=[theme])
    drafting = organisation("Drafting Group", owner=(u3 := factories.user()), tags=[theme, somali])
    answer = {q["Name"].html_id: "Amina", q["People"].html_id: "120", q["Size"].html_id: "small",
              f"{q['Funding ends'].html_id}-day": "31", f"{q['Funding ends'].html_id}-month": "3",
              f"{q['Funding ends'].html_id}-year": "2027"}  # fmt: skip
    _respond(db, toolkit, both, u1, answer)
    _respond(db, toolkit, theme_only, u2, answer)
    _respond(db, toolkit, drafting, u3, {q["Name"].html_id: "Draft"}, submit=False)
    db.session.commit()
    return toolkit


def test_results_filters_combine(client, db, login_as):
    toolkit = _setup(db)
    login_as("staff")
    page = page_text(client.get(f"/staff/toolkits/{toolkit.slug}/results?theme=mental-health"))
    assert "Showing organisations tagged “Mental health”." in page
    assert "2 of 3 organisations have submitted" in page
    both = page_text(client.get(f"/staff/toolkits/{toolkit.slug}/results?theme=mental-health&community=somali"))
    assert "Showing organisations tagged “Mental health” and “Somali”." in both
    assert "1 of 2 organisations have submitted" in both
    assert "The downloads hold the submitted responses of the organisations tagged Mental health and Somali" in both


def test_csv_honours_filters_leaves_out_drafts_and_uses_labels(client, db, login_as):
    toolkit = _setup(db)
    login_as("staff")
    everyone = client.get(f"/staff/toolkits/{toolkit.slug}/results.csv")
    rows = list(csv.reader(io.StringIO(everyone.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == ["Both Tags Group", "Theme Only Group"]  # no draft
    assert {r[1] for r in rows[1:]} == {"Submitted"}  # the label, not `submitted`
    with_drafts = client.get(f"/staff/toolkits/{toolkit.slug}/results.csv?drafts=1")
    rows = list(csv.reader(io.StringIO(with_drafts.get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(r[1] for r in rows[1:]) == ["Draft", "Submitted", "Submitted"]
    assert "with-drafts" in with_drafts.headers["Content-Disposition"]
    both = client.get(f"/staff/toolkits/{toolkit.slug}/results.csv?theme=mental-health&community=somali")
    rows = list(csv.reader(io.StringIO(both.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == ["Both Tags Group"]
    assert "mental-health-somali" in both.headers["Content-Disposition"]  # the file's name says the filter


def test_xlsx_is_typed_frozen_filterable_and_has_a_summary_sheet(client, db, login_as):
    toolkit = _setup(db)
    login_as("staff")
    got = client.get(f"/staff/toolkits/{toolkit.slug}/results.xlsx?theme=mental-health")
    assert got.status_code == 200
    book = load_workbook(io.BytesIO(got.data))
    assert book.sheetnames == ["Answers", "Summary"]
    answers = book["Answers"]
    assert answers.freeze_panes == "A2"
    assert answers.auto_filter.ref.startswith("A1:")
    assert answers.column_dimensions["A"].width == 30
    header = [c.value for c in answers[1]]
    first = dict(zip(header, [c.value for c in answers[2]], strict=True))
    assert first["Status"] == "Submitted"
    assert isinstance(first["Submitted"], dt.datetime)
    assert first["Funding ends"] == dt.datetime(2027, 3, 31)  # a typed date
    assert first["People"] == 120  # a number
    assert answers.max_row == 3  # two submitted responses of the theme, no draft
    summary = book["Summary"]
    values = [[c.value for c in row] for row in summary.iter_rows()]
    assert values[0] == ["Question", "Answer", "Organisations", "Per cent"]
    assert values[1][1] == (
        "Responses of organisations tagged Mental health; submitted responses only (drafts left out)."
    )
    assert ["Size", "Small", 2, 100] in values
    assert summary.freeze_panes == "A2"
