"""Public pages that belong to no single feature: home, statements, health check; and the staff
page that edits the home page's welcome text."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.orm import defer

from app.actionplan.richtext import canonical_html, html_for_export
from app.audit import record
from app.events import services as event_services
from app.events.models import Event
from app.extensions import db
from app.groups import services as group_services
from app.i18n import _, current_language
from app.mailing import services as mailing_services
from app.main import bp
from app.main.forms import WelcomeForm
from app.main.models import WELCOME, SiteContent, site_content
from app.security import public, staff_required
from app.toolkits import services as toolkit_services
from app.toolkits.models import Toolkit

HOME_EVENTS = 4
HOME_TOOLKITS = 3
HOME_FINDINGS = 3
# The home page lists toolkits by title and dates: their published findings (large JSON, decoded on
# every row) and descriptions are not read (raiseload: a later read fails loudly, not quietly slowly).
LISTED_ONLY = [
    defer(column, raiseload=True)
    for column in (
        Toolkit.you_said_snapshot,
        Toolkit.you_said_summary,
        Toolkit.you_said_question_ids,
        Toolkit.description,
    )
]


@bp.route("/")
@public
def index():
    """The front door: each feature's own queries, a fixed number of them whatever the data."""
    meeting = event_services.next_network_meeting()
    events_query = event_services.upcoming_query(include_cancelled=False)
    if meeting is not None:
        events_query = events_query.where(Event.id != meeting.id)
    memberships = group_services.memberships_for(current_user) if current_user.is_authenticated else []
    return render_template(
        "main/index.html",
        welcome=site_content(WELCOME),
        meeting=meeting,
        events=db.session.scalars(events_query.limit(HOME_EVENTS)).all(),
        toolkits=db.session.scalars(toolkit_services.open_query().options(*LISTED_ONLY).limit(HOME_TOOLKITS)).all(),
        findings=db.session.scalars(
            toolkit_services.published_findings_query().options(*LISTED_ONLY).limit(HOME_FINDINGS)
        ).all(),
        bulletin=mailing_services.latest_bulletin(current_language().code),
        memberships=memberships,
    )


@bp.route("/staff/home-page", methods=["GET", "POST"])
@staff_required
def staff_edit_home_page():
    content = site_content(WELCOME)
    form = WelcomeForm()
    if not form.is_submitted() and content is not None:
        form.body.data = html_for_export(content.body)
    if form.validate_on_submit():
        body = canonical_html(form.body.data or "")
        if not body and content is not None and content.body and not form.confirm_empty.data:
            form.body.errors.append(
                _(
                    "The welcome text is empty. To remove it and show the standard text, tick the box below the "
                    "text, then save. To keep it, go back to this page without saving."
                )
            )
            return render_template("main/edit_home_page.html", form=form, content=content, confirm_empty=True)
        if content is None:
            content = SiteContent(key=WELCOME)
            db.session.add(content)
        if content.body != body:
            content.body = body
            content.updated_by_id = current_user.id
            record("site_content.edited", content, key=WELCOME)
        db.session.commit()
        flash(_("The home page's welcome text has been saved."), "success")
        return redirect(url_for("main.staff_edit_home_page"), code=303)
    return render_template("main/edit_home_page.html", form=form, content=content)


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("main/privacy.html")


@bp.route("/healthz")
@public
def healthz():
    """Liveness and database check for load balancers and the benchmark floor."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # report, never raise: a health check must answer
        db.session.rollback()
        return jsonify(status="error", database="error", detail=type(exc).__name__), 503
    return jsonify(status="ok", database=database, engine=db.engine.dialect.name)
