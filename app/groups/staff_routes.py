"""Staff: review queue, decisions, edit, archive/restore, merge, taxonomy."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit import record
from app.db import child_or_404, utcnow
from app.extensions import db
from app.forms import ConfirmForm
from app.groups import bp, csvio, freshness
from app.groups import services as svc
from app.groups.forms import DecisionForm, ImportForm, MergeForm, MergeTagForm, RenameTagForm, TagForm
from app.groups.models import (
    STATUS_LABELS,
    STATUSES,
    TAG_KIND_LABELS,
    TAG_KINDS,
    GroupImportBatch,
    Membership,
    Organisation,
    Tag,
)
from app.groups.review_queue import QUEUE_STATUSES, waiting_for_decision
from app.groups.routes import WITH_TAGS, Coedit, details_form
from app.htmx import is_partial, render
from app.i18n import _, ngettext
from app.pagination import govuk_pagination, paginate
from app.security import staff_required
from app.spreadsheets import ImportRefused


@bp.route("/staff/groups")
@staff_required
def staff_groups():
    status = request.args.get("status") if request.args.get("status") in STATUSES else ""
    q = (request.args.get("q") or "").strip()[:200]
    query = select(Organisation).options(selectinload(Organisation.tags))
    if status:
        query = query.where(Organisation.status == status)
    else:
        query = query.where(Organisation.status.in_(QUEUE_STATUSES))
    if q:
        query = query.where(func.lower(Organisation.name).like(f"%{q.lower()}%"))
    query = query.order_by(Organisation.created_at, Organisation.id)
    pager = paginate(query, per_page=current_app.config.get("PAGE_SIZE", 20))
    counts = dict(db.session.execute(select(Organisation.status, func.count()).group_by(Organisation.status)).all())
    context = {
        "pager": pager,
        "status": status,
        "q": q,
        "counts": counts,
        "waiting": waiting_for_decision(),
        "status_labels": STATUS_LABELS,
        "decision_form": DecisionForm(),
        "pagination": govuk_pagination(pager, "groups.staff_groups", status=status, q=q),
    }
    return render("groups/staff/queue.html", "groups/staff/_queue.html", **context)


@bp.route("/staff/groups/<int:org_id>")
@staff_required
def staff_group(org_id: int):
    org = child_or_404(Organisation, org_id, load=WITH_TAGS)
    members = db.session.scalars(
        select(Membership).where(Membership.organisation_id == org.id).options(selectinload(Membership.user))
    ).all()
    merge_form = MergeForm()
    merge_form.target.choices = _merge_choices(org)
    return render_template(
        "groups/staff/group.html",
        org=org,
        members=members,
        decision_form=DecisionForm(),
        action_form=ConfirmForm(),
        merge_form=merge_form,
        listing_check=freshness.describe(org),  # issue 18 §2
    )


def _merge_choices(org: Organisation) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id != org.id, Organisation.status.in_(("approved", "pending", "changes_requested")))
        .order_by(Organisation.name)
    )
    return [("", _("Choose a group"))] + [(str(i), n) for i, n in rows]


def _decision_response(org: Organisation, message: str, form: DecisionForm | None = None, status: int = 200):
    if is_partial():
        return (
            render_template("groups/staff/_row.html", org=org, message=message, decision_form=form or DecisionForm()),
            status,
        )
    if status == 200:
        flash(message, "success")
    else:
        flash(message, "important")
    return redirect(request.form.get("back") if request.form.get("back") == url_for("groups.staff_group", org_id=org.id)
                    else url_for("groups.staff_groups"), code=303)  # fmt: skip


@bp.route("/staff/groups/<int:org_id>/approve", methods=["POST"])
@staff_required
def staff_approve(org_id: int):
    org = child_or_404(Organisation, org_id, load=WITH_TAGS)
    if org.status not in (*QUEUE_STATUSES, "rejected"):
        return _already(org)
    emailed = svc.decide(org, "approve", current_user)
    db.session.commit()
    done = _("%(name)s is approved and now listed.", name=org.name)
    return _decision_response(org, f"{done} {svc.told_sentence(emailed)}")


def _already(org: Organisation):
    label = str(org.status_label).lower()
    return _decision_response(org, _("%(name)s is already %(status)s.", name=org.name, status=label), status=409)


def _with_message(org_id: int, decision: str):
    org = child_or_404(Organisation, org_id, load=WITH_TAGS)
    form = DecisionForm()
    if org.status not in QUEUE_STATUSES:
        return _already(org)
    if not form.validate_on_submit():
        return _decision_response(
            org, str(form.message.errors[0]) if form.message.errors else _("Try again."), form, 422
        )
    emailed = svc.decide(org, decision, current_user, reason=form.message.data)
    db.session.commit()
    if decision == "reject":
        done = _("%(name)s was not accepted.", name=org.name)
    else:
        done = _("Changes requested from %(name)s.", name=org.name)
    return _decision_response(org, f"{done} {svc.told_sentence(emailed)}")


@bp.route("/staff/groups/<int:org_id>/reject", methods=["POST"])
@staff_required
def staff_reject(org_id: int):
    return _with_message(org_id, "reject")


@bp.route("/staff/groups/<int:org_id>/request-changes", methods=["POST"])
@staff_required
def staff_request_changes(org_id: int):
    return _with_message(org_id, "request_changes")


@bp.route("/staff/groups/<int:org_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit(org_id: int):
    org = child_or_404(Organisation, org_id, load=WITH_TAGS)
    form = details_form(org)
    form.submit.label.text = _("Save changes")
    details = Coedit(org)
    merged = details.data(form) if form.validate_on_submit() else None
    if merged is not None:
        svc.apply_fields(org, *merged)
        record("group.staff_edited", org, name=org.name)
        db.session.commit()
        flash(_("%(name)s has been saved.", name=org.name), "success")
        return redirect(url_for("groups.staff_group", org_id=org.id), code=303)
    return render_template("groups/edit.html", form=form, org=org, staff_edit=True, coedit=details)


@bp.route("/staff/groups/<int:org_id>/archive", methods=["POST"])
@staff_required
def staff_archive(org_id: int):
    org = child_or_404(Organisation, org_id, load=WITH_TAGS)
    svc.set_archived(org, True, current_user)
    db.session.commit()
    flash(_("%(name)s has been archived and is no longer listed.", name=org.name), "success")
    return redirect(url_for("groups.staff_group", org_id=org.id), code=303)


@bp.route("/staff/groups/<int:org_id>/restore", methods=["POST"])
@staff_required
def staff_restore(org_id: int):
    org = child_or_404(Organisation, org_id, load=WITH_TAGS)
    svc.set_archived(org, False, current_user)
    db.session.commit()
    flash(_("%(name)s has been restored to the directory.", name=org.name), "success")
    return redirect(url_for("groups.staff_group", org_id=org.id), code=303)


@bp.route("/staff/groups/<int:org_id>/merge", methods=["POST"])
@staff_required
def staff_merge(org_id: int):
    org = child_or_404(Organisation, org_id, load=WITH_TAGS)
    form = MergeForm()
    form.target.choices = _merge_choices(org)
    target = None
    if form.validate_on_submit():
        try:
            target = db.session.get(Organisation, int(form.target.data))
        except ValueError:
            target = None
    if target is None or target.id == org.id:
        flash(_("Choose the group to keep."), "important")
        return redirect(url_for("groups.staff_group", org_id=org.id), code=303)
    details = svc.merge_organisations(org, target, current_user)
    db.session.commit()
    flash(
        _(
            "%(name)s was merged into %(target)s: %(members)s members and %(tags)s tags moved.",
            name=org.name,
            target=target.name,
            members=details["members_moved"],
            tags=details["tags_moved"],
        ),
        "success",
    )
    return redirect(url_for("groups.staff_group", org_id=target.id), code=303)


# --- taxonomy ------------------------------------------------------------------------------


@bp.route("/staff/taxonomy", methods=["GET", "POST"])
@staff_required
def staff_taxonomy():
    kind = request.args.get("kind") if request.args.get("kind") in TAG_KINDS else "theme"
    form = TagForm(data={"kind": kind})
    if form.validate_on_submit():
        if svc.find_tag(form.kind.data, form.name.data):
            form.name.errors.append(_("There is already a tag called %(name)s", name=form.name.data))
        else:
            tag = svc.add_tag(form.kind.data, form.name.data)
            record("tag.added", tag, kind=tag.kind, name=tag.name)
            db.session.commit()
            flash(_("%(name)s added.", name=tag.name), "success")
            return redirect(url_for("groups.staff_taxonomy", kind=tag.kind), code=303)
    usage = dict(
        db.session.execute(
            select(Tag.id, func.count())
            .select_from(Tag)
            .join(svc.organisation_tags, svc.organisation_tags.c.tag_id == Tag.id)
            .where(Tag.kind == kind)
            .group_by(Tag.id)
        ).all()
    )
    tags = db.session.scalars(select(Tag).where(Tag.kind == kind).order_by(Tag.retired, Tag.name)).all()
    return render_template(
        "groups/staff/taxonomy.html", form=form, kind=kind, tag_kinds=TAG_KIND_LABELS, tags=tags, usage=usage,
        action_form=ConfirmForm(),
    )  # fmt: skip


@bp.route("/staff/taxonomy/<int:tag_id>", methods=["GET", "POST"])
@staff_required
def staff_tag_detail(tag_id: int):
    tag = child_or_404(Tag, tag_id)
    rename_form = RenameTagForm(prefix="rename", data={"name": tag.name} if request.method == "GET" else None)
    merge_form = MergeTagForm(prefix="merge")
    merge_form.target.choices = [(0, _("Choose a tag"))] + [
        (t.id, t.name) for t in svc.active_tags(tag.kind) if t.id != tag.id
    ]
    if rename_form.submit.data and rename_form.validate_on_submit():
        other = svc.find_tag(tag.kind, rename_form.name.data)
        if other is not None and other.id != tag.id:
            rename_form.name.errors.append(
                _("There is already a tag called %(name)s: merge instead", name=rename_form.name.data)
            )
        else:
            svc.rename_tag(tag, rename_form.name.data)
            db.session.commit()
            flash(_("Renamed to %(name)s.", name=tag.name), "success")
            return redirect(url_for("groups.staff_taxonomy", kind=tag.kind), code=303)
    if merge_form.submit.data and merge_form.validate_on_submit():
        target = db.session.get(Tag, merge_form.target.data)
        if target is None or target.kind != tag.kind or target.id == tag.id:
            merge_form.target.errors.append(_("Choose the tag to keep"))
        else:
            name, kind = tag.name, tag.kind
            moved = svc.merge_tags(tag, target)
            db.session.commit()
            flash(
                ngettext(
                    "%(name)s merged into %(target)s: %(num)s group moved.",
                    "%(name)s merged into %(target)s: %(num)s groups moved.",
                    moved,
                    name=name,
                    target=target.name,
                ),
                "success",
            )
            return redirect(url_for("groups.staff_taxonomy", kind=kind), code=303)
    return render_template(
        "groups/staff/tag.html", tag=tag, rename_form=rename_form, merge_form=merge_form, tag_kinds=TAG_KIND_LABELS,
        action_form=ConfirmForm(), form=None,
    )  # fmt: skip


@bp.route("/staff/taxonomy/<int:tag_id>/retire", methods=["POST"])
@staff_required
def staff_retire_tag(tag_id: int):
    tag = child_or_404(Tag, tag_id)
    svc.set_retired(tag, not tag.retired)
    db.session.commit()
    if tag.retired:
        flash(_("%(name)s retired: it is no longer offered.", name=tag.name), "success")
    else:
        flash(_("%(name)s is offered again.", name=tag.name), "success")
    return redirect(url_for("groups.staff_taxonomy", kind=tag.kind), code=303)


# --- CSV export and import -------------------------------------------------------------------


@bp.route("/staff/groups/export.csv")
@staff_required
def staff_export_csv():
    """What the directory's current filters show (same parameters as /groups), streamed."""
    filters = svc.DirectoryFilters.from_args(request.args)
    record("groups.exported", None, filters={k: v for k, v in filters.params().items() if v})
    db.session.commit()
    stamp = utcnow().strftime("%Y-%m-%d")
    response = current_app.response_class(
        stream_with_context(csvio.export_lines(filters)), mimetype="text/csv", headers={"Cache-Control": "no-store"}
    )
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="groups-{stamp}.csv"'
    return response


@bp.route("/staff/groups/import", methods=["GET", "POST"])
@staff_required
def staff_import_groups():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            content = upload.read(csvio.MAX_BYTES + 1)
        finally:
            upload.close()
        filename = (upload.filename or "upload.csv").replace("\\", "/").rsplit("/", 1)[-1][:255]
        problem = None
        if len(content) > csvio.MAX_BYTES:
            problem = _("The file is larger than 2 MB. Split it into smaller files and import each one")
        elif not filename.lower().endswith((".csv", ".txt", ".tsv", ".xlsx")):
            problem = _("The file must be a CSV file. In your spreadsheet, choose Save as and then CSV")
        else:
            try:
                csvio.parse(content)
            except ImportRefused as exc:
                problem = str(exc)
        if problem:
            form.file.errors.append(problem)
        else:
            batch = GroupImportBatch(filename=filename, content=content, created_by_id=current_user.id, summary={})
            db.session.add(batch)
            db.session.commit()
            return redirect(url_for("groups.staff_import_preview", batch_id=batch.id), code=303)
    return render_template("groups/staff/import.html", form=form, max_mb=csvio.MAX_BYTES // (1024 * 1024))


@bp.route("/staff/groups/import/<int:batch_id>", methods=["GET", "POST"])
@staff_required
def staff_import_preview(batch_id: int):
    batch = child_or_404(GroupImportBatch, batch_id)
    try:
        parsed = csvio.parse(batch.content)
    except ImportRefused as exc:  # checked on upload; the directory may have changed since
        flash(str(exc), "important")
        return redirect(url_for("groups.staff_import_groups"), code=303)
    if request.method == "POST" and batch.committed_at is None and parsed.ok:
        try:
            result = csvio.apply(parsed, current_user)
            batch.committed_at = utcnow()
            batch.summary = result.as_dict()
            db.session.commit()
        except Exception:
            db.session.rollback()  # all or nothing
            raise
        flash(
            _(
                "Imported %(file)s: %(added)s groups added, %(updated)s updated, %(unchanged)s unchanged.",
                file=batch.filename,
                added=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            ),
            "success",
        )
        return redirect(url_for("groups.staff_import_preview", batch_id=batch.id), code=303)
    return render_template(
        "groups/staff/import_preview.html",
        batch=batch,
        parsed=parsed,
        used_columns=[csvio.COLUMNS[key] for key in parsed.columns],
        action_form=ConfirmForm(),
    )
