"""Responses: the list, one response's answers, and reopening a submitted response for changes."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.audit import record
from app.db import child_or_404, first_or_404, utcnow
from app.extensions import db
from app.groups.models import Organisation
from app.i18n import _
from app.security import staff_required
from app.template_helpers import date_format
from app.toolkits import bp
from app.toolkits import services as svc
from app.toolkits.forms import ReopenForm
from app.toolkits.models import Response


@bp.route("/staff/toolkits/<slug>/responses")
@staff_required
def staff_responses(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    rows = db.session.execute(
        select(Response, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Response.organisation_id)
        .where(Response.toolkit_id == toolkit.id)
        .order_by(Organisation.name, Response.id)
    ).all()
    return render_template("toolkits/staff/responses.html", toolkit=toolkit, rows=rows)


@bp.route("/staff/toolkits/<slug>/responses/<int:response_id>", methods=["GET", "POST"])
@staff_required
def staff_response(slug: str, response_id: int):
    toolkit = first_or_404(svc.toolkit_at(slug))
    response = child_or_404(Response, response_id, parent=toolkit)
    form = ReopenForm()
    if request.method == "POST" and form.validate_on_submit():
        response.reopened_until = utcnow() + dt.timedelta(days=form.days.data)
        organisation = db.session.get(Organisation, response.organisation_id) if response.organisation_id else None
        record("toolkit.response_reopened", toolkit, response_id=response.id,
               organisation=organisation.name if organisation else None, days=form.days.data)  # fmt: skip
        db.session.commit()
        until = date_format(response.reopened_until)
        if organisation:
            flash(
                _("The response from %(name)s can be changed until %(day)s.", name=organisation.name, day=until),
                "success",
            )
        else:
            flash(_("The response can be changed until %(day)s.", day=until), "success")
        return redirect(url_for("toolkits.staff_response", slug=toolkit.slug, response_id=response.id), code=303)
    definition = svc.load_definition(toolkit)
    rows = svc.answers_of(response)
    organisation = db.session.get(Organisation, response.organisation_id) if response.organisation_id else None
    return render_template(
        "toolkits/staff/response.html",
        toolkit=toolkit,
        response=response,
        organisation=organisation,
        copy=svc.answer_copy(definition, rows),
        form=form,
        open=toolkit.is_open(),
    )
