"""The builder page and its sections: add, edit, move and delete a section, and preview one as a
respondent would see it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from app import ordering
from app.audit import record
from app.db import child_or_404, first_or_404
from app.extensions import db
from app.i18n import _, current_language
from app.security import staff_required
from app.toolkits import bp, translations
from app.toolkits import services as svc
from app.toolkits.forms import SectionForm
from app.toolkits.models import Section
from app.toolkits.routes import section_context
from app.toolkits.staff.common import builder_context, builder_refusal, builder_response, to_builder


@bp.route("/staff/toolkits/<slug>")
@staff_required
def staff_toolkit(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    return render_template("toolkits/staff/toolkit.html", **builder_context(toolkit))


@bp.route("/staff/toolkits/<slug>/sections", methods=["POST"])
@staff_required
def staff_add_section(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    form = SectionForm()
    if not form.validate_on_submit():
        context = builder_context(toolkit)
        context["section_form"] = form
        return render_template("toolkits/staff/toolkit.html", **context)
    position = db.session.scalar(select(func.max(Section.position)).where(Section.toolkit_id == toolkit.id)) or 0
    section = Section(toolkit_id=toolkit.id, position=position + 1, title=form.title.data,
                      description=form.description.data or "")  # fmt: skip
    db.session.add(section)
    record("toolkit.section_added", toolkit, title=section.title)
    db.session.commit()
    flash(_("Added the section “%(title)s”.", title=section.title), "success")
    return redirect(url_for("toolkits.staff_toolkit", slug=toolkit.slug) + f"#section-{section.id}", code=303)


@bp.route("/staff/toolkits/<slug>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit_section(slug: str, section_id: int):
    toolkit = first_or_404(svc.toolkit_at(slug))
    section = child_or_404(Section, section_id, parent=toolkit)
    form = (
        SectionForm(data={"title": section.title, "description": section.description})
        if request.method == "GET"
        else SectionForm()
    )
    if request.method == "POST" and form.validate_on_submit():
        section.title = form.title.data
        section.description = form.description.data or ""
        record("toolkit.section_changed", toolkit, section_id=section.id, title=section.title)
        db.session.commit()
        flash(_("Saved the section “%(title)s”.", title=section.title), "success")
        return to_builder(toolkit)
    return render_template("toolkits/staff/section_form.html", form=form, toolkit=toolkit, section=section)


@bp.route("/staff/toolkits/<slug>/sections/<int:section_id>/move/<direction>", methods=["POST"])
@staff_required
def staff_move_section(slug: str, section_id: int, direction: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    section = child_or_404(Section, section_id, parent=toolkit)
    step = ordering.step(direction)
    sections = svc.load_definition(toolkit).sections
    moved = ordering.move(sections, next(s for s in sections if s.id == section.id), step)
    db.session.commit()
    up = step < 0
    if moved and up:
        message = _(
            "Moved the section “%(title)s” up to number %(position)s.", title=section.title, position=section.position
        )
    elif moved:
        message = _(
            "Moved the section “%(title)s” down to number %(position)s.", title=section.title, position=section.position
        )
    elif up:
        message = _("The section “%(title)s” cannot move up.", title=section.title)
    else:
        message = _("The section “%(title)s” cannot move down.", title=section.title)
    return builder_response(toolkit, message, f"#section-{section.id}")


@bp.route("/staff/toolkits/<slug>/sections/<int:section_id>/delete", methods=["POST"])
@staff_required
def staff_delete_section(slug: str, section_id: int):
    toolkit = first_or_404(svc.toolkit_at(slug))
    section = child_or_404(Section, section_id, parent=toolkit)
    definition = svc.load_definition(toolkit)
    answered = svc.answered_question_ids(toolkit)
    if any(q.id in answered for q in definition.by_section.get(section.id, [])):
        message = _(
            "The section “%(title)s” cannot be deleted: organisations have answered its questions.", title=section.title
        )
        return builder_refusal(toolkit, message)
    title = section.title
    db.session.delete(section)
    db.session.flush()
    ordering.renumber(svc.load_definition(toolkit).sections)
    record("toolkit.section_removed", toolkit, title=title)
    db.session.commit()
    return builder_response(toolkit, _("Deleted the section “%(title)s”.", title=title))


@bp.route("/staff/toolkits/<slug>/preview/<int:section_id>")
@staff_required
def staff_preview(slug: str, section_id: int):
    toolkit = first_or_404(svc.toolkit_at(slug))
    # As a member reading in the staff member's page language would see it.
    definition = translations.localise(svc.load_definition(toolkit), current_language().code)
    section = definition.section(section_id)
    if section is None:
        abort(404)
    context = section_context(None, definition, section, {}, {}, editable=True, preview=True)
    following = definition.next_section(section)
    return render_template("toolkits/staff/preview.html", following=following, **context)
