"""Staff: bulletins (/staff/bulletins): the list, creating, composing, previewing and deleting a draft."""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.audit import record
from app.db import child_or_404
from app.extensions import db
from app.forms import ConfirmForm
from app.htmx import hx_redirect
from app.i18n import _, current_language, language
from app.i18n.selection import prefer
from app.mailing import bp, versions
from app.mailing import services as mailing
from app.mailing.delivery import render_bulletin
from app.mailing.figures import delivery_figures
from app.mailing.forms import BulletinForm, ItemForm
from app.mailing.models import ITEM_KINDS, Bulletin, Topic
from app.mailing.sources import SOURCES as CONTENT_SOURCES
from app.pagination import govuk_pagination, paginate
from app.security import staff_required


def ensure_draft(bulletin: Bulletin) -> None:
    """Send staff back to the bulletin (ending the request) if it was sent or scheduled meanwhile."""
    if not bulletin.editable:
        flash(_("This bulletin has been sent or scheduled, so it can no longer be changed."), "important")
        abort(hx_redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id)))


@bp.route("/staff/bulletins")
@staff_required
def staff_bulletins():
    query = select(Bulletin).order_by(Bulletin.created_at.desc(), Bulletin.id.desc())
    pager = paginate(query, per_page=25)
    figures = delivery_figures(b.id for b in pager.items if b.status != "draft")
    return render_template(
        "mailing/staff/bulletins.html",
        pager=pager,
        figures=figures,
        pagination=govuk_pagination(pager, "mailing.staff_bulletins"),
    )


def _apply_details(bulletin: Bulletin, form: BulletinForm) -> None:
    bulletin.title = form.title.data
    bulletin.intro = form.intro.data or ""
    ids = {int(t) for t in form.topics.data}
    bulletin.topics = list(db.session.scalars(select(Topic).where(Topic.id.in_(ids))))


@bp.route("/staff/bulletins/new", methods=["GET", "POST"])
@staff_required
def staff_bulletin_new():
    form = BulletinForm()
    form.topics.choices = mailing.topic_choices()
    if form.validate_on_submit():
        bulletin = Bulletin(created_by_id=current_user.id, slug=mailing.unique_slug(form.title.data))
        _apply_details(bulletin, form)
        db.session.add(bulletin)
        record("bulletin.created", bulletin, title=bulletin.title)
        db.session.commit()
        flash(_("Bulletin created. Now add its items."), "success")
        return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)
    return render_template("mailing/staff/bulletin_new.html", form=form)


def compose_context(bulletin: Bulletin, item_form: ItemForm | None = None, details: BulletinForm | None = None):
    """What the composer page (and its items fragment) shows."""
    if details is None:
        details = BulletinForm(
            formdata=None,
            data={"title": bulletin.title, "intro": bulletin.intro, "topics": [str(t.id) for t in bulletin.topics]},
        )
        details.topics.choices = mailing.topic_choices()
    sources = []
    if bulletin.editable:
        for source in CONTENT_SOURCES.values():
            try:
                candidates = source.candidates(5)
            except Exception:  # a broken source must not break the composer
                current_app.logger.exception("content source %s failed", source.name)
                candidates = []
            sources.append((source, candidates))
    return {
        "bulletin": bulletin,
        "details": details,
        "item_form": item_form or ItemForm(formdata=None),
        "action_form": ConfirmForm(),
        "sources": sources,
        "kinds": ITEM_KINDS,
        "recipients": mailing.recipient_count(bulletin),
        "version_statuses": versions.statuses(bulletin),
        "test_versions": versions.available(bulletin),
        "test_version": versions.version_code(bulletin, current_language().code),
    }


@bp.route("/staff/bulletins/<int:bulletin_id>", methods=["GET", "POST"])
@staff_required
def staff_bulletin(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    details = None
    if request.method == "POST":
        ensure_draft(bulletin)
        details = BulletinForm()
        details.topics.choices = mailing.topic_choices()
        if details.validate_on_submit():
            _apply_details(bulletin, details)
            record("bulletin.edited", bulletin)
            db.session.commit()
            flash(_("Bulletin details saved."), "success")
            return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)
    return render_template("mailing/staff/compose.html", **compose_context(bulletin, details=details))


def _preview_version(bulletin: Bulletin) -> str:
    """The version a preview shows: `?version=<code>` (one staff wrote), else English (issue 22)."""
    return versions.version_code(bulletin, request.args.get("version"))


@bp.route("/staff/bulletins/<int:bulletin_id>/preview")
@staff_required
def staff_preview(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    code = _preview_version(bulletin)
    rendered = render_bulletin(bulletin, base_url=request.host_url, code=code)
    return render_template(
        "mailing/staff/preview.html",
        bulletin=bulletin,
        text=rendered["text"],
        version=language(code),
        versions=versions.available(bulletin),
    )


@bp.route("/staff/bulletins/<int:bulletin_id>/preview/web")
@staff_required
def staff_preview_web(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    shown = versions.shown_in(bulletin, _preview_version(bulletin))
    if request.args.get("version"):
        prefer(shown.language.code)  # the page as this version's readers see it, its own words included
    links = [
        (other, url_for("mailing.staff_preview_web", bulletin_id=bulletin.id, version=other.code))
        for other in versions.available(bulletin)
        if other.code != shown.language.code
    ]
    return render_template("mailing/bulletin.html", bulletin=shown, version_links=links, preview=True)


@bp.route("/staff/bulletins/<int:bulletin_id>/preview/email.html")
@staff_required
def staff_preview_email(bulletin_id: int):
    """The e-mail's HTML exactly as sent, shown in a frame on the preview page."""
    bulletin = child_or_404(Bulletin, bulletin_id)
    rendered = render_bulletin(bulletin, base_url=request.host_url, code=_preview_version(bulletin))
    response = make_response(rendered["html"])
    # E-mail HTML needs inline styles; this document has no script and only staff see it.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/staff/bulletins/<int:bulletin_id>/delete", methods=["POST"])
@staff_required
def staff_bulletin_delete(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    if bulletin.status != "draft":
        flash(_("Only a draft can be deleted."), "important")
        return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)
    record("bulletin.deleted", bulletin, title=bulletin.title)
    db.session.delete(bulletin)
    db.session.commit()
    flash(_("Draft deleted."), "success")
    return redirect(url_for("mailing.staff_bulletins"), code=303)
