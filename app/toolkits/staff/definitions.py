"""Toolkits as a whole: the staff list, creating one (blank or from the mental health template),
its settings, importing and exporting definitions as JSON, and cloning for the next round."""

from __future__ import annotations

import datetime as dt
import json

from flask import Response as FlaskResponse
from flask import flash, render_template, request
from sqlalchemy import func, select

from app.audit import record
from app.db import first_or_404
from app.extensions import db
from app.i18n import _
from app.security import sanitize_html, staff_required
from app.spreadsheets import MAX_JSON_BYTES, ImportRefused, load_json
from app.times import london_to_utc, to_london
from app.toolkits import bp
from app.toolkits import services as svc
from app.toolkits.forms import ImportForm, ToolkitForm
from app.toolkits.models import Response, Section, Toolkit
from app.toolkits.staff.common import to_builder
from app.toolkits.template import mental_health_definition

END_OF_DAY = dt.time(23, 59, 59)


@bp.route("/staff/toolkits")
@staff_required
def staff_index():
    toolkits = db.session.scalars(select(Toolkit).order_by(Toolkit.created_at.desc(), Toolkit.id.desc())).all()
    counts = {
        tid: (int(sub or 0), int(drafts or 0))
        for tid, sub, drafts in db.session.execute(
            select(
                Response.toolkit_id,
                func.count().filter(Response.status == "submitted"),
                func.count().filter(Response.status == "draft"),
            ).group_by(Response.toolkit_id)
        )
    }
    return render_template("toolkits/staff/index.html", toolkits=toolkits, counts=counts, form=None)


@bp.route("/staff/toolkits/from-template", methods=["POST"])
@staff_required
def staff_from_template():
    toolkit = svc.toolkit_from_json(mental_health_definition())
    record("toolkit.created", toolkit, title=toolkit.title, source="template")
    db.session.commit()
    flash(
        _(
            "“%(title)s” has been created as a draft. Check the questions, set the dates, then publish it.",
            title=toolkit.title,
        ),
        "success",
    )
    return to_builder(toolkit)


def _fill_toolkit(toolkit: Toolkit, form: ToolkitForm) -> None:
    toolkit.title = form.title.data
    toolkit.description = sanitize_html(form.description.data)
    toolkit.opens_at = london_to_utc(form.opens.data) if form.opens.data else None
    toolkit.closes_at = london_to_utc(form.closes.data, END_OF_DAY) if form.closes.data else None
    toolkit.audience = form.audience.data
    toolkit.status = form.status.data
    toolkit.suppression_threshold = form.suppression_threshold.data


@bp.route("/staff/toolkits/new", methods=["GET", "POST"])
@staff_required
def staff_new():
    form = ToolkitForm()
    if form.validate_on_submit():
        toolkit = Toolkit(you_said_question_ids=[])
        _fill_toolkit(toolkit, form)
        toolkit.slug = svc.new_slug(toolkit.title)
        db.session.add(toolkit)
        db.session.flush()
        db.session.add(Section(toolkit_id=toolkit.id, position=1, title="About your organisation", description=""))
        record("toolkit.created", toolkit, title=toolkit.title, source="blank")
        db.session.commit()
        flash(_("“%(title)s” has been created.", title=toolkit.title), "success")
        return to_builder(toolkit)
    return render_template("toolkits/staff/toolkit_form.html", form=form, toolkit=None)


@bp.route("/staff/toolkits/<slug>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    if request.method == "GET":
        form = ToolkitForm(
            data={
                "title": toolkit.title,
                "description": toolkit.description,
                "opens": to_london(toolkit.opens_at).date() if toolkit.opens_at else None,
                "closes": to_london(toolkit.closes_at).date() if toolkit.closes_at else None,
                "audience": toolkit.audience,
                "status": toolkit.status,
                "suppression_threshold": toolkit.suppression_threshold,
            }
        )
    else:
        form = ToolkitForm()
    if form.validate_on_submit():
        if form.audience.data != toolkit.audience and svc.has_responses(toolkit):
            form.audience.errors = [_("Who answers cannot change once there are responses")]
        else:
            _fill_toolkit(toolkit, form)
            record("toolkit.updated", toolkit, title=toolkit.title, status=toolkit.status)
            db.session.commit()
            flash(_("“%(title)s” has been saved.", title=toolkit.title), "success")
            return to_builder(toolkit)
    return render_template("toolkits/staff/toolkit_form.html", form=form, toolkit=toolkit)


@bp.route("/staff/toolkits/import", methods=["GET", "POST"])
@staff_required
def staff_import():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(MAX_JSON_BYTES + 1) if upload else b""  # one byte over is enough to refuse
        if not raw:
            form.file.errors = [_("Choose a JSON file exported from a toolkit")]
        else:
            try:
                toolkit = svc.toolkit_from_json(load_json(raw))
            except (ImportRefused, svc.DefinitionError) as exc:
                db.session.rollback()
                form.file.errors = [str(exc)]
            else:
                record("toolkit.created", toolkit, title=toolkit.title, source="import")
                db.session.commit()
                flash(_("“%(title)s” has been imported as a draft.", title=toolkit.title), "success")
                return to_builder(toolkit)
    return render_template("toolkits/staff/import.html", form=form)


@bp.route("/staff/toolkits/<slug>/definition.json")
@staff_required
def staff_export_definition(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    body = json.dumps(svc.definition_to_json(svc.load_definition(toolkit)), indent=2, ensure_ascii=False)
    return FlaskResponse(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{toolkit.slug}-definition.json"'},
    )


@bp.route("/staff/toolkits/<slug>/clone", methods=["POST"])
@staff_required
def staff_clone(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    copy = svc.clone(toolkit)
    record("toolkit.cloned", copy, source=toolkit.slug)
    db.session.commit()
    flash(
        _("A copy of “%(title)s” has been made for the next round. Rename it and set its dates.", title=toolkit.title),
        "success",
    )
    return to_builder(copy)
