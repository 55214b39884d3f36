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
    stored = tr.load(toolkit.id, language)
    values = {t.key: stored.get(t.key, "") for t in texts}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, errors = tr.read_form(texts, request.form)
        if not errors:
            changed = tr.save(toolkit, language, texts, values, current_user)
            db.session.commit()
            flash(
                _(
                    "%(language)s translation of “%(part)s” saved (%(num)s changed).",
                    language=LANGUAGES[language].english_name,
                    part=part,
                    num=changed,
                ),
                "success",
            )
            return redirect(url_for("toolkits.staff_translations", slug=toolkit.slug), code=303)
    return render_template(
        "toolkits/staff/translate.html",
        toolkit=toolkit,
        section=section,
        part=part,
        target=LANGUAGES[language],
        texts=texts,
        values=values,
        errors=errors,
        error_list=[{"text": message, "href": f"#{field}"} for field, message in errors.items()],
    )
