"""Staff: a draft bulletin's versions in other languages (issue 22), written beside the English."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from app.audit import record
from app.db import child_or_404
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _, language
from app.mailing import bp, versions
from app.mailing.forms import version_form
from app.mailing.models import Bulletin
from app.mailing.staff.bulletins import ensure_draft
from app.security import staff_required


def _target(code: str):
    if code not in versions.VERSION_LANGUAGES:
        abort(404)
    return language(code)


def _form_data(bulletin: Bulletin, code: str) -> dict:
    version = bulletin.version(code)
    data = {"title": version.title, "intro": version.intro} if version else {}
    for item in bulletin.items:
        translated = item.version(code)
        if translated is not None:
            data[f"heading_{item.id}"], data[f"body_{item.id}"] = translated.heading, translated.body
    return data


@bp.route("/staff/bulletins/<int:bulletin_id>/languages/<code>", methods=["GET", "POST"])
@staff_required
def staff_bulletin_version(bulletin_id: int, code: str):
    """The English read-only on one side, this language's fields on the other. Only a draft."""
    bulletin = child_or_404(Bulletin, bulletin_id)
    target = _target(code)
    ensure_draft(bulletin)
    if request.method == "POST":
        form = version_form(bulletin.items)
    else:
        form = version_form(bulletin.items, formdata=None, data=_form_data(bulletin, code))
    if form.validate_on_submit():
        items = {
            item.id: (form[f"heading_{item.id}"].data or "", form[f"body_{item.id}"].data or "")
            for item in bulletin.items
        }
        verb = "bulletin.version_edited" if bulletin.version(code) else "bulletin.version_added"
        versions.save(bulletin, code, form.title.data, form.intro.data or "", items)
        record(verb, bulletin, language=code)
        db.session.commit()
        flash(_("The %(language)s version has been saved.", language=target.native_name), "success")
        return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id, _anchor="languages"), code=303)
    return render_template(
        "mailing/staff/version.html",
        bulletin=bulletin,
        target=target,
        form=form,
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
