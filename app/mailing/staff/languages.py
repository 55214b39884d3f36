"""Staff: a draft bulletin's versions in other languages (issue 22), written beside the English."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from app.audit import record
from app.coedit import Merge, merge, started_values
from app.db import child_or_404
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _, _l, language
from app.mailing import bp, versions
from app.mailing.forms import version_form
from app.mailing.models import Bulletin
from app.mailing.staff.bulletins import ensure_draft
from app.security import staff_required


def _target(code: str):
    if code not in versions.VERSION_LANGUAGES:
        abort(404)
    return language(code)


CONFLICT = _l("Someone else saved a change to this while you were editing: see their text, then save again")


def _form_data(bulletin: Bulletin, code: str) -> dict[str, str]:
    """Every text field of the version as stored now ("" where there is nothing yet)."""
    version = bulletin.version(code)
    data = {"title": version.title if version else "", "intro": version.intro if version else ""}
    for item in bulletin.items:
        translated = item.version(code)
        data[f"heading_{item.id}"] = translated.heading if translated else ""
        data[f"body_{item.id}"] = translated.body if translated else ""
    return data


def _save_merged(bulletin: Bulletin, code: str, form) -> Merge:
    """Write only what this person changed (app/coedit.py); return the fields that clash with
    someone else's save meanwhile (name -> their text), which are not written."""
    stored = _form_data(bulletin, code)
    submitted = {name: form[name].data or "" for name in stored}
    result = merge(stored, submitted, started_values(request.form, stored))
    if result.changes:
        new = {**stored, **result.changes}
        items = {item.id: (new[f"heading_{item.id}"], new[f"body_{item.id}"]) for item in bulletin.items}
        verb = "bulletin.version_edited" if bulletin.version(code) else "bulletin.version_added"
        versions.save(bulletin, code, new["title"], new["intro"], items)
        record(verb, bulletin, language=code)
        db.session.commit()
    if not result.conflicts:
        versions.mark_checked(bulletin, code)
        db.session.commit()
    for name in result.conflicts:
        form[name].errors = [*form[name].errors, str(CONFLICT)]
    return result


@bp.route("/staff/bulletins/<int:bulletin_id>/languages/<code>", methods=["GET", "POST"])
@staff_required
def staff_bulletin_version(bulletin_id: int, code: str):
    """The English read-only on one side, this language's fields on the other. Only a draft."""
    bulletin = child_or_404(Bulletin, bulletin_id)
    target = _target(code)
    ensure_draft(bulletin)
    stored = _form_data(bulletin, code)
    if request.method == "POST":
        form = version_form(bulletin.items)
        # Until saved, the hidden "__was" inputs keep what the person started from.
        was = {**stored, **started_values(request.form, stored)}
    else:
        form = version_form(bulletin.items, formdata=None, data=stored)
        was = stored
    result = Merge()
    if form.validate_on_submit():
        result = _save_merged(bulletin, code, form)
        if not result.conflicts:
            flash(_("The %(language)s version has been saved.", language=target.native_name), "success")
            return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id, _anchor="languages"), code=303)
        # The next save starts from what is stored now, so it goes through.
        was = _form_data(bulletin, code)
    return render_template(
        "mailing/staff/version.html",
        bulletin=bulletin,
        target=target,
        form=form,
        was=was,
        conflicts=result.conflicts,
        saved_some=bool(result.changes),
        english_changed=versions.english_changed(bulletin, code),
        changed_items=versions.changed_items(bulletin, code),
        exists=bulletin.version(code) is not None,
    )


@bp.route("/staff/bulletins/<int:bulletin_id>/languages/<code>/delete", methods=["POST"])
@staff_required
def staff_bulletin_version_delete(bulletin_id: int, code: str):
    bulletin = child_or_404(Bulletin, bulletin_id)
    target = _target(code)
    ensure_draft(bulletin)
    form = ConfirmForm()
    if form.validate_on_submit() and bulletin.version(code) is not None:
        versions.remove(bulletin, code)
        record("bulletin.version_removed", bulletin, language=code)
        db.session.commit()
        flash(_("The %(language)s version has been removed.", language=target.native_name), "success")
    return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id, _anchor="languages"), code=303)
