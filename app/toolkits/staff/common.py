"""What the staff pages share: loading a toolkit, section or question from the URL (404 when it
is not there or not this toolkit's), and answering a builder change (the builder region for htmx,
otherwise a redirect back to the builder)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from app.extensions import db
from app.forms import ConfirmForm
from app.htmx import is_partial
from app.toolkits import services as svc
from app.toolkits.forms import SectionForm
from app.toolkits.models import Question, Section, Toolkit


def toolkit_or_404(slug: str) -> Toolkit:
    toolkit = svc.toolkit_by_slug(slug[:220])
    if toolkit is None:
        abort(404)
    return toolkit


def section_or_404(toolkit: Toolkit, section_id: int) -> Section:
    section = db.session.get(Section, section_id)
    if section is None or section.toolkit_id != toolkit.id:
        abort(404)
    return section


def question_or_404(toolkit: Toolkit, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.toolkit_id != toolkit.id:
        abort(404)
    return question


def csrf_or_400() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def to_builder(toolkit: Toolkit):
    return redirect(url_for("toolkits.staff_toolkit", slug=toolkit.slug), code=303)


def builder_context(toolkit: Toolkit, message: str | None = None) -> dict:
    definition = svc.load_definition(toolkit)
    return {
        "toolkit": toolkit,
        "definition": definition,
        "answered": svc.answered_question_ids(toolkit),
        "locked": svc.has_responses(toolkit),
        "message": message,
        "section_form": SectionForm(formdata=None),
    }


def builder_response(toolkit: Toolkit, message: str, anchor: str = ""):
    if is_partial():
        return render_template("toolkits/staff/_builder.html", **builder_context(toolkit, message))
    flash(message, "success")
    return redirect(url_for("toolkits.staff_toolkit", slug=toolkit.slug) + anchor, code=303)
