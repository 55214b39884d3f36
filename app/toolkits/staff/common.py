"""What the staff pages share: answering a builder change (the builder region for htmx, otherwise
a redirect back to the builder). Pages load their toolkit with first_or_404(svc.toolkit_at(slug))
and its sections, questions and responses with child_or_404(..., parent=toolkit)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from app.htmx import is_partial
from app.toolkits import services as svc
from app.toolkits.forms import SectionForm
from app.toolkits.models import Toolkit


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


def builder_refusal(toolkit: Toolkit, message: str):
    """A change the builder refuses: the region with the reason as a 409 for htmx, else a flash."""
    if is_partial():
        return render_template("toolkits/staff/_builder.html", **builder_context(toolkit, message)), 409
    flash(message, "important")
    return to_builder(toolkit)
