"""Issue 20 §2 (clean output: plain-text CSV/XLSX, the staff plan's link, the status swap, the .docx
board report) and §3 (imported history is not news; the board report since the last board meeting)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select

from app.actionplan.importing.apply import apply_import
from app.actionplan.importing.plan import parse_file
from app.actionplan.models import Action, ActionPlan, ProgressUpdate
from app.actionplan.services import add_progress_update, board_report
from app.db import utcnow
from app.times import to_london
from tests import factories
from tests.actionplan.conftest import fixture_bytes


def _plan(db, name="council_2026.tsv", slug="race-2026", **fields):
    plan = ActionPlan(title="Race equality 2026", slug=slug, status="published", visibility="public", **fields)
    apply_import(parse_file(fixture_bytes(name), name), plan)
    db.session.commit()
    return plan


# --- exports ------------------------------------------------------------------------------------


def test_csv_export_is_plain_text_keeps_n_a_and_names_its_charset_once(client, db):
    _plan(db)
    response = client.get("/action-plans/race-2026.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Type"].count("charset") == 1
    text = response.get_data().decode("utf-8-sig")
    assert "<" not in text and "&amp;" not in text  # no tags, no escaped markup
    rows = {r[1]: r for r in list(csv.reader(io.StringIO(text)))[1:]}
    assert rows["1.1"][8] == "N/A" and rows["1.1"][7] == "CR&S"
    assert rows["2.2"][7:9] == ["None", "Various"]
    assert (
        rows["1.1"][2]
        == "Hate crime action plan: Refresh the hate crime action plan with partners.\nPublish it on the website."
    )
    assert "• Assemblies\n• Mentoring" in rows["1.3"][2]  # list items as lines
    assert rows["1.1"][9] == "Completed:\nPlan refreshed and agreed by the board."


def test_xlsx_export_is_plain_wrapped_with_a_frozen_filtered_header_and_real_dates(client, db):
    from openpyxl import load_workbook

    _plan(db)
    response = client.get("/action-plans/race-2026.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:M{sheet.max_row}"
    assert sheet["A1"].font.bold and sheet["C2"].alignment.wrap_text
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert values and not any("<p>" in v or "<b>" in v or "<li>" in v for v in values)
    last_updated = sheet.cell(row=2, column=13)
    assert isinstance(last_updated.value, dt.datetime) and last_updated.number_format == "DD/MM/YYYY"
    assert "N/A" in [c.value for c in sheet["I"]]


# --- pages ----------------------------------------------------------------------------------------


def test_staff_plan_page_shows_the_public_page_as_a_link(client, db, login_as):
    plan = _plan(db)
    login_as("staff")
    page = client.get(f"/staff/action-plans/{plan.id}").get_data(as_text=True)
    assert '<a class="govuk-link" href="/action-plans/race-2026">/action-plans/race-2026</a>' in page
    assert "&lt;a" not in page


def test_an_update_that_changes_the_status_swaps_the_status_tag_too(client, db, login_as):
    _plan(db)
    login_as("staff")
    page = client.get("/action-plans/race-2026/actions/2.3").get_data(as_text=True)
    assert 'id="action-status"' in page and "In progress" in page.split('id="action-status"')[1].split("</p>")[0]
    response = client.post(
        "/action-plans/race-2026/actions/2.3/updates",
        data={"status": "completed", "body": "All placements filled", "dated": ["", "", ""]},
        headers={"HX-Request": "true"},
    )
    text = response.get_data(as_text=True)
    swapped = text.split('id="action-status" hx-swap-oob="true">')[1].split("</p>")[0]
    assert "Completed" in swapped and "In progress" not in swapped


def test_imported_updates_show_their_own_date_or_undated_imported(client, db):
    _plan(db)
    page = client.get("/action-plans/race-2026/actions/1.2").get_data(as_text=True)
    assert "12 January 2022" in page
    page = client.get("/action-plans/race-2026/actions/2.2").get_data(as_text=True)
    assert f"Undated, imported {utcnow().day} " in page


# --- reports ---------------------------------------------------------------------------------------


def test_imported_history_is_never_news_in_the_board_report(client, db, login_as):
    plan = _plan(db)
    since = dt.date.today() - dt.timedelta(days=30)
    report = board_report(plan, since)
    assert (len(report.updates), len(report.by_action), len(report.new_actions)) == (0, 0, 0)
    staff = login_as("staff")
    action = db.session.scalar(select(Action).where(Action.number == "2.3"))
    add_progress_update(action, dated=None, status="completed", body="<p>Placements filled</p>", user=staff)
    db.session.commit()
    report = board_report(plan, since)
    assert [u.body for u in report.updates] == ["<p>Placements filled</p>"] and list(report.by_action) == [action.id]
    page = client.get(f"/action-plans/race-2026/report?since={since.isoformat()}").get_data(as_text=True)
    assert "1 action with news" in page and "Plan refreshed" not in page


def test_imported_history_never_counts_as_this_quarters_updates_in_the_funder_report(db):
    from app.reports.figures import progress_updates
    from app.reports.periods import Period

    plan = _plan(db)
    today = dt.date.today()
    period = Period(today - dt.timedelta(days=10), today)
    assert progress_updates(period) == 0  # 10 imported updates, some undated, none of them news
    action = db.session.scalar(select(Action).where(Action.plan_id == plan.id, Action.number == "1.1"))
    user = factories.user()
    add_progress_update(action, dated=today, status=None, body="<p>Board agreed</p>", user=user)
    db.session.commit()
    assert progress_updates(period) == 1
    assert db.session.query(ProgressUpdate).count() == 11


def test_board_report_since_the_last_board_meeting(client, db, login_as):
    today = dt.date.today()
    last, earlier, future = today - dt.timedelta(days=20), today - dt.timedelta(days=120), today + dt.timedelta(days=9)
    plan = _plan(db, board_dates=[earlier.isoformat(), last.isoformat(), future.isoformat()])
    page = client.get("/action-plans/race-2026/report").get_data(as_text=True)
    assert f"What changed since {last.day} " in page  # the default: since the last board meeting
    assert f'<option value="{last.isoformat()}" selected>The last meeting (board meeting)' in page
    assert future.isoformat() not in page  # a meeting still to come is not offered
    page = client.get(f"/action-plans/race-2026/report?meeting={earlier.isoformat()}").get_data(as_text=True)
    assert f"What changed since {earlier.day} " in page
    page = client.get("/action-plans/race-2026/report?meeting=2001-01-01").get_data(as_text=True)
    assert "Choose one of the meeting dates" in page and "govuk-error-summary" in page
    # staff enter the dates on the plan; a date that is not a date is explained next to the field
    login_as("staff")
    form = {"title": plan.title, "description": "", "visibility": "public", "status": "published"}
    page = client.post(f"/staff/action-plans/{plan.id}/edit", data={**form, "board_dates": "12/03/2026\nsoon"})
    assert "Board meeting dates must be real dates" in page.get_data(as_text=True)
    assert "12/03/2026\nsoon" in page.get_data(as_text=True)  # nothing typed is lost
    client.post(f"/staff/action-plans/{plan.id}/edit", data={**form, "board_dates": "12/03/2026\n2026-01-15"})
    db.session.refresh(plan)
    assert plan.board_dates == ["2026-01-15", "2026-03-12"]


def test_board_report_offers_the_network_meetings_too(client, db):
    from tests.factories import events as eh

    today = dt.date.today()
    board = today - dt.timedelta(days=40)
    _plan(db, board_dates=[board.isoformat()])
    held = eh.event(days=-12, kind="network_meeting")
    eh.event(days=-5, kind="networking")  # not a network meeting
    eh.event(days=-3, kind="network_meeting", cancelled_at=held.starts_at)  # cancelled
    eh.event(days=6, kind="network_meeting")  # still to come
    db.session.commit()
    page = client.get("/action-plans/race-2026/report").get_data(as_text=True)
    held_day = to_london(held.starts_at).date()
    assert f'<option value="{held_day.isoformat()}" selected>The last meeting (network meeting)' in page
    assert f'<option value="{board.isoformat()}" >Board meeting, ' in page
    assert page.count("<option value=") == 2
    assert f"What changed since {held_day.day} " in page


def test_board_report_as_a_word_document(client, db, login_as):
    from docx import Document

    plan = _plan(db)
    staff = login_as("staff")
    action = db.session.scalar(select(Action).where(Action.plan_id == plan.id, Action.number == "2.3"))
    add_progress_update(action, dated=dt.date.today(), status="completed", body="<p>Placements filled</p>", user=staff)
    db.session.commit()
    page = client.get("/action-plans/race-2026/report").get_data(as_text=True)
    assert 'id="report-docx"' in page
    since = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    response = client.get(f"/action-plans/race-2026/report.docx?since={since}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert f"race-2026-board-report-{since}.docx" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.get_data()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Race equality 2026: board report" in text
    assert "2.3 Apprenticeships for care leavers" in text and "Placements filled" in text
    assert "Status changed from In progress to Completed" in text
    assert "1 action with news" in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Status", "Actions"]
    assert [c.text for c in table.rows[-1].cells] == ["Total", "6"]


def test_staff_action_form_keeps_the_label_and_lead_notes(client, db, login_as):
    plan = _plan(db)
    login_as("staff")
    action = db.session.scalar(select(Action).where(Action.plan_id == plan.id, Action.number == "1.1"))
    url = f"/staff/action-plans/{plan.id}/actions/{action.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Hate crime action plan"' in page and 'value="N/A"' in page
    form = {
        "theme_id": action.theme_id, "number": "1.1", "label": "Hate crime", "headline": action.headline,
        "quick_win": "yes", "status": "completed", "lead_services": "CR&S", "lead_officers": "TBC", "rag": "",
        "target_date": ["", "", ""], "lead_user_emails": "",
    }  # fmt: skip
    assert client.post(url, data=form).status_code == 303
    db.session.refresh(action)
    assert (action.label, action.lead_services, action.lead_officers, action.lead_officer_note) == (
        "Hate crime", ["CR&S"], [], "TBC",
    )  # fmt: skip
    overview = client.get("/action-plans/race-2026").get_data(as_text=True)
    assert "Hate crime: Refresh the hate crime action plan with partners." in overview


def test_typed_update_with_bold_keeps_its_paragraphs():
    """walk2: "leave a blank line between paragraphs" was ignored once the text had any <b>."""
    from app.actionplan.richtext import canonical_html

    stored = canonical_html("Mentors recruited: <b>10</b>.\r\n\r\nNext: a second cohort\r\nin spring.")
    assert stored == "<p>Mentors recruited: <b>10</b>.</p><p>Next: a second cohort<br>in spring.</p>"
