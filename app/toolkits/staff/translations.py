"""Translating a toolkit's texts (issue 22): per language how much is translated, and a side-by-side
editor (English read-only beside the language's field) for the toolkit's own texts and for each
section's title, questions, hints and option labels. Staff only; every save is audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.db import first_or_404
from app.extensions import db
from app.i18n import LANGUAGES, _
from app.security import staff_required
from app.toolkits import bp
from app.toolkits import services as svc
from app.toolkits import translations as tr
from app.toolkits.models import TRANSLATION_LANGUAGES


@bp.route("/staff/toolkits/<slug>/translations")
@staff_required
def staff_translations(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    definition = svc.load_definition(toolkit)
    return render_template(
        "toolkits/staff/translations.html", toolkit=toolkit, definition=definition, progress=tr.progress(definition)
    )


@bp.route("/staff/toolkits/<slug>/translations/<language>/about", methods=["GET", "POST"])
@bp.route("/staff/toolkits/<slug>/translations/<language>/section/<int:section_id>", methods=["GET", "POST"])
@staff_required
def staff_translate(slug: str, language: str, section_id: int | None = None):
    if language not in TRANSLATION_LANGUAGES:
        abort(404)
    toolkit = first_or_404(svc.toolkit_at(slug))
    definition = svc.load_definition(toolkit)
    section = None
    if section_id is None:
        texts = tr.toolkit_texts(toolkit)
    else:
        section = definition.section(section_id)
        if section is None:
            abort(404)  # a section of another toolkit
        texts = tr.section_texts(section, definition.by_section.get(section.id, []))
    part = section.title if section else _("About this toolkit")
    target = LANGUAGES[language]
    stored = tr.load(toolkit.id, language)
    values = {t.key: stored.get(t.key, "") for t in texts}
    form = {"values": values, "was": {t.html_id: values[t.key] for t in texts}, "errors": {}, "conflicts": {}}
    if request.method == "POST":
        form = _save(toolkit, target, texts, stored, part)
        if not form["errors"]:
            return redirect(url_for("toolkits.staff_translations", slug=toolkit.slug), code=303)
    return render_template(
        "toolkits/staff/translate.html",
        toolkit=toolkit,
        section=section,
        part=part,
        target=target,
        texts=texts,
        error_list=[{"text": message, "href": f"#{field}"} for field, message in form["errors"].items()],
        **form,
    )


def _save(toolkit, target, texts: list[tr.Text], stored: dict, part: str) -> dict:
    """Save what this person changed (app/coedit.py): with bad input nothing; around a clash, the rest.
    Returns what the form shows if it is shown again: values, `__was` values, errors and clashes."""
    sent = tr.submission(texts, request.form, stored)
    form = {"values": sent.values, "was": sent.was, "errors": sent.errors, "conflicts": sent.conflicts}
    if sent.errors and not (sent.conflicts and sent.to_save):
        return form
    changed = tr.save(toolkit, target.code, sent.to_save, sent.values, current_user)
    db.session.commit()
    # The language named in itself (as the header's switcher does), never in English inside a sentence.
    flash(
        _(
            "%(language)s translation of “%(part)s” saved (%(num)s changed).",
            language=target.native_name,
            part=part,
            num=changed,
        ),
        "success",
    )
    if sent.conflicts:  # saved around the clashes: show what is stored now, the clashing fields as typed
        stored = tr.load(toolkit.id, target.code)
        form["values"] = {
            t.key: sent.values[t.key] if t.html_id in sent.conflicts else stored.get(t.key, "") for t in texts
        }
        form["was"] = {t.html_id: stored.get(t.key, "") for t in texts}
    return form
