"""Staff area: plans, themes, actions, and the web import (upload → preview → confirm)."""

from __future__ import annotations

import gc
import io
import warnings

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.actionplan.models import Action, ActionPlan, ImportBatch, StatusChange, Theme
from app.audit import AuditEvent
from tests import factories
from tests.actionplan.conftest import fixture_bytes


def _upload(client, name, content=None, plan_id="new", title="Race Equality Action Plan"):
    data = {
        "file": (io.BytesIO(content if content is not None else fixture_bytes(name)), name),
        "plan_id": plan_id,
        "new_plan_title": title,
    }
    return client.post("/staff/action-plans/import", data=data, content_type="multipart/form-data")


def test_staff_create_plan_theme_and_action(client, db, login_as):
    login_as("staff")
    response = client.post(
        "/staff/action-plans/new",
        data={
            "title": "Health inequalities plan",
            "description": "Our plan.",
            "visibility": "members",
            "status": "published",
        },
    )
    assert response.status_code == 303
    plan = db.session.scalar(select(ActionPlan))
    assert (plan.slug, plan.visibility, plan.description) == ("health-inequalities-plan", "members", "<p>Our plan.</p>")
    assert client.get(f"/staff/action-plans/{plan.id}/actions/new").status_code == 303  # needs a theme first
    response = client.post(f"/staff/action-plans/{plan.id}/themes/new", data={"name": "Health", "position": "1"})
    assert response.status_code == 303
    theme = db.session.scalar(select(Theme))
    lead = factories.user(email="lead@example.org")
    db.session.commit()
    form = {
        "theme_id": theme.id, "number": "4.10", "headline": "Diabetes checks in mosques",
        "detail": "", "deliverables": "",
        "wider_benefits": "", "timescale": "March 2027", "quick_win": "yes", "quick_win_note": "",
        "lead_services": "Public Health / NHS", "lead_officers": "Amina Yusuf", "lead_user_emails": "LEAD@example.org",
        "status": "in_progress", "rag": "green", "target_date": ["31", "3", "2027"],
    }  # fmt: skip
    response = client.post(f"/staff/action-plans/{plan.id}/actions/new", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    action = db.session.scalar(select(Action).options(selectinload(Action.lead_users)))
    assert action.lead_services == ["Public Health", "NHS"] and [u.id for u in action.lead_users] == [lead.id]
    assert action.status == "in_progress" and action.target_date.isoformat() == "2027-03-31"
    assert db.session.scalar(select(StatusChange.to_status)) == "in_progress"
    # a clash and an unknown e-mail are explained next to the fields, and nothing typed is lost
    form.update(lead_user_emails="nobody@example.org")
    page = client.post(f"/staff/action-plans/{plan.id}/actions/new", data=form).get_data(as_text=True)
    assert "This plan already has an action 4.10" in page and "There is no account for nobody@example.org" in page
    assert "Diabetes checks in mosques" in page
    verbs = set(db.session.scalars(select(AuditEvent.verb)))
    assert {"actionplan.created", "actionplan.theme_saved", "actionplan.action_saved"} <= verbs


def test_staff_edit_and_delete_action_checks_the_plan(client, db, imported_plan, login_as):
    login_as("staff")
    other = ActionPlan(title="Other", slug="other")
    db.session.add(other)
    db.session.commit()
    action = db.session.scalar(select(Action).where(Action.number == "3.1"))
    assert client.get(f"/staff/action-plans/{other.id}/actions/{action.id}/edit").status_code == 404
    assert client.post(f"/staff/action-plans/{other.id}/actions/{action.id}/delete").status_code == 404
    page = client.get(f"/staff/action-plans/{imported_plan.id}/actions/{action.id}/edit").get_data(as_text=True)
    assert "Hate crime reporting centres" in page
    assert client.post(f"/staff/action-plans/{imported_plan.id}/actions/{action.id}/delete").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Action)) == 7


def test_web_import_preview_then_confirm(client, db, login_as):
    login_as("staff")
    response = _upload(client, "council_messy.tsv")
    assert response.status_code == 303
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0  # a dry run so far
    assert "Council workforce and culture (2 actions)" in preview
    assert "Row 12: Numbering jumps from 3.2 to 3.4" in preview
    assert "Row 9: Quick win for 2.3 is not yes or no" in preview
    assert "Import 8 actions" in preview
    done = client.post(response.headers["Location"])
    assert done.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Action)) == 8
    plan = db.session.scalar(select(ActionPlan))
    assert plan.title == "Race Equality Action Plan" and plan.status == "draft"
    # confirming the same batch twice does nothing more
    client.post(response.headers["Location"])
    assert db.session.scalar(select(func.count()).select_from(ActionPlan)) == 1
    # a second upload of the same file into the plan changes nothing
    again = _upload(client, "council_messy.tsv", plan_id=str(plan.id))
    second = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Importing this file changes nothing" in second and "Import (nothing will change)" in second
    message = client.post(again.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "nothing had changed" in message
    assert db.session.scalar(select(AuditEvent.verb).where(AuditEvent.verb == "actionplan.imported").limit(1))


def test_web_import_refuses_bad_files_next_to_the_field(client, db, login_as, app):
    login_as("staff")
    page = _upload(client, "no_header.csv").get_data(as_text=True)
    assert "could not find the column headings" in page and "govuk-error-summary" in page
    page = _upload(client, "empty.csv").get_data(as_text=True)
    assert "The file is empty" in page
    with warnings.catch_warnings():
        # Werkzeug's *test client* spools a large request body to a temporary file it never closes.
        warnings.simplefilter("ignore", ResourceWarning)
        page = _upload(client, "big.csv", content=b"x" * (10 * 1024 * 1024 + 1)).get_data(as_text=True)
        gc.collect()
    assert "larger than 10 MB" in page
    page = _upload(client, "plan.pdf", content=b"%PDF-1.4").get_data(as_text=True)
    assert "must be a CSV, TSV or Excel" in page
    page = _upload(client, "council_messy.tsv", title="").get_data(as_text=True)
    assert "Enter a title for the new plan" in page
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_web_import_with_row_errors_cannot_be_confirmed(client, db, login_as):
    login_as("staff")
    content = b"Theme,Action No,What actions are we taking\nHealth,1.1,Good\nHealth,,No number here\n"
    response = _upload(client, "rows.csv", content=content)
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing can be imported until these problems are fixed" in preview
    assert "Row 3: Row has an action but no action number" in preview
    assert "This cannot be worked out until the problems above are fixed" in preview
    assert "changes nothing" not in preview
    assert "Import 1 actions" not in preview
    client.post(response.headers["Location"])
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0
