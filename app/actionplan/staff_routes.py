"""Staff area for action plans: plans, themes, actions, and spreadsheet import."""

from __future__ import annotations

import hashlib

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.actionplan import bp, services
from app.actionplan.forms import ActionForm, ImportForm, PlanForm, ThemeForm
from app.actionplan.importing.apply import apply_import, preview_changes
from app.actionplan.importing.cells import SPLIT_RULES, split_lead_cell
from app.actionplan.importing.plan import ImportOptions, ParsedPlan, parse_file
from app.actionplan.importing.reader import COLUMN_LABELS, MAX_BYTES
from app.actionplan.models import Action, ActionPlan, ImportBatch, Theme
from app.actionplan.richtext import canonical_html
from app.actionplan.services import change_status, themes_of, unique_slug
from app.audit import record
from app.auth.models import User, normalise_email
from app.db import child_or_404, utcnow
from app.extensions import db
from app.i18n import _
from app.security import staff_required
from app.spreadsheets import ImportRefused

PREFIX = "/staff/action-plans"
# The action form shows its leads.
WITH_LEADS = (Action.lead_users,)


@bp.route(PREFIX)
@staff_required
def staff_plans():
    plans = db.session.scalars(select(ActionPlan).order_by(ActionPlan.title)).all()
    counts = dict(db.session.execute(select(Action.plan_id, func.count()).group_by(Action.plan_id)).all())
    return render_template("actionplan/staff/plans.html", plans=plans, counts=counts)


@bp.route(PREFIX + "/new", methods=["GET", "POST"])
@staff_required
def staff_new_plan():
    form = PlanForm()
    if form.validate_on_submit():
        plan = ActionPlan(
            title=form.title.data,
            slug=unique_slug(form.title.data),
            description=canonical_html(form.description.data),
            visibility=form.visibility.data,
            status=form.status.data,
            board_dates=form.meeting_dates,
        )
        db.session.add(plan)
        record("actionplan.created", plan, title=plan.title)
        db.session.commit()
        flash(_("Plan '%(title)s' created.", title=plan.title), "success")
        return redirect(url_for("actionplan.staff_plan", plan_id=plan.id), code=303)
    return render_template("actionplan/staff/plan_form.html", form=form, plan=None)


@bp.route(PREFIX + "/<int:plan_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit_plan(plan_id: int):
    plan = child_or_404(ActionPlan, plan_id)
    form = PlanForm(obj=plan)
    if request.method == "GET":
        from app.actionplan.richtext import html_for_export

        form.description.data = html_for_export(plan.description)
        form.board_dates.data = "\n".join(d.strftime("%d/%m/%Y") for d in plan.meeting_dates)
    if form.validate_on_submit():
        plan.board_dates = form.meeting_dates
        plan.title = form.title.data
        plan.description = canonical_html(form.description.data)
        plan.visibility = form.visibility.data
        plan.status = form.status.data
        plan.updated_at = utcnow()
        record("actionplan.updated", plan, title=plan.title, status=plan.status, visibility=plan.visibility)
        db.session.commit()
        flash(_("Plan saved."), "success")
        return redirect(url_for("actionplan.staff_plan", plan_id=plan.id), code=303)
    return render_template("actionplan/staff/plan_form.html", form=form, plan=plan)


@bp.route(PREFIX + "/<int:plan_id>")
@staff_required
def staff_plan(plan_id: int):
    """The plan's themes and actions; `?needs_update=1` keeps only the actions with no progress
    update for the dashboard's number of weeks (the staff dashboard links here with it)."""
    plan = child_or_404(ActionPlan, plan_id)
    themes = db.session.scalars(
        select(Theme)
        .where(Theme.plan_id == plan.id)
        .options(selectinload(Theme.actions))
        .order_by(Theme.position, Theme.id)
    ).all()
    weeks = services.stale_weeks()
    stale = services.stale_action_ids(plan.id, weeks)
    only_stale = request.args.get("needs_update") == "1"
    shown = [
        (theme, [a for a in theme.actions if a.id in stale] if only_stale else list(theme.actions)) for theme in themes
    ]
    if only_stale:
        shown = [(theme, actions) for theme, actions in shown if actions]
    return render_template(
        "actionplan/staff/plan.html",
        plan=plan,
        themes=themes,
        shown=shown,
        stale=stale,
        weeks=weeks,
        only_stale=only_stale,
    )


# --- themes -----------------------------------------------------------------------------------


def _theme_name_taken(plan: ActionPlan, name: str, exclude: int | None = None) -> bool:
    query = select(Theme.id).where(Theme.plan_id == plan.id, func.lower(Theme.name) == name.lower())
    if exclude:
        query = query.where(Theme.id != exclude)
    return db.session.scalar(query) is not None


@bp.route(PREFIX + "/<int:plan_id>/themes/new", methods=["GET", "POST"])
@bp.route(PREFIX + "/<int:plan_id>/themes/<int:theme_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_theme(plan_id: int, theme_id: int | None = None):
    plan = child_or_404(ActionPlan, plan_id)
    theme = child_or_404(Theme, theme_id, parent=plan) if theme_id else None
    if theme is None and request.method == "GET":
        position = (db.session.scalar(select(func.max(Theme.position)).where(Theme.plan_id == plan.id)) or 0) + 1
        form = ThemeForm(data={"position": position})
    else:
        form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        if _theme_name_taken(plan, form.name.data, exclude=theme.id if theme else None):
            form.name.errors.append(_("This plan already has a theme with that name"))
        else:
            theme = theme or Theme(plan_id=plan.id)
            theme.name, theme.secondary, theme.position = form.name.data, form.secondary.data or "", form.position.data
            db.session.add(theme)
            record("actionplan.theme_saved", theme, plan=plan.slug, name=theme.name)
            db.session.commit()
            flash(_("Theme '%(name)s' saved.", name=theme.name), "success")
            return redirect(url_for("actionplan.staff_plan", plan_id=plan.id), code=303)
    return render_template("actionplan/staff/theme_form.html", form=form, plan=plan, theme=theme)


# --- actions ----------------------------------------------------------------------------------


def _fill_action_form(form: ActionForm, action: Action) -> None:
    """Stored HTML and lists shown as the text a person types."""
    from app.actionplan.richtext import html_for_export

    form.detail.data = html_for_export(action.detail)
    form.deliverables.data = html_for_export(action.deliverables)
    form.wider_benefits.data = html_for_export(action.wider_benefits)
    form.lead_services.data = " / ".join(action.lead_services or []) or action.lead_service_note
    form.lead_officers.data = " / ".join(action.lead_officers or []) or action.lead_officer_note
    form.lead_user_emails.data = "\n".join(u.email for u in action.lead_users)
    form.rag.data = action.rag or ""


def _lead_users(form: ActionForm) -> list[User] | None:
    """The accounts the form names as leads, or None (with the field's error) when one has none."""
    users, missing = [], []
    for email in {normalise_email(e) for e in form.lead_user_emails.data.replace(",", "\n").split() if e.strip()}:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        (users.append(user) if user else missing.append(email))
    if missing:
        form.lead_user_emails.errors.append(
            _(
                "There is no account for %(emails)s. Invite them first or remove the address",
                emails=", ".join(sorted(missing)),
            )
        )
        return None
    return users


def _number_taken(form: ActionForm, plan: ActionPlan, action: Action | None) -> bool:
    clash = db.session.scalar(
        select(Action.id).where(
            Action.plan_id == plan.id, Action.number == form.number.data, Action.id != (action.id if action else 0)
        )
    )
    if clash:
        form.number.errors.append(_("This plan already has an action %(number)s", number=form.number.data))
    return bool(clash)


def _save_action(form: ActionForm, plan: ActionPlan, action: Action | None, users: list[User]) -> Action:
    created = action is None
    if created:
        action = Action(plan_id=plan.id, status="not_started")
        db.session.add(action)
    action.theme_id = form.theme_id.data
    action.set_number(form.number.data)
    action.headline = " ".join(form.headline.data.split())
    action.label = " ".join((form.label.data or "").split())
    action.detail = canonical_html(form.detail.data)
    action.deliverables = canonical_html(form.deliverables.data)
    action.wider_benefits = canonical_html(form.wider_benefits.data)
    action.timescale = form.timescale.data or ""
    action.target_date = form.target_date.data
    action.quick_win = form.quick_win.data
    action.quick_win_note = form.quick_win_note.data or ""
    action.lead_services, action.lead_service_note = split_lead_cell(form.lead_services.data or "")
    action.lead_officers, action.lead_officer_note = split_lead_cell(form.lead_officers.data or "")
    action.lead_users = users
    action.rag = form.rag.data or None
    action.updated_at = utcnow()
    db.session.flush()
    change_status(action, form.status.data, user=current_user, source="manual")
    record("actionplan.action_saved", action, plan=plan.slug, number=action.number, created=created)
    db.session.commit()
    return action


@bp.route(PREFIX + "/<int:plan_id>/actions/new", methods=["GET", "POST"])
@bp.route(PREFIX + "/<int:plan_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_action(plan_id: int, action_id: int | None = None):

    plan = child_or_404(ActionPlan, plan_id)
    action = child_or_404(Action, action_id, parent=plan, load=WITH_LEADS) if action_id else None
    themes = db.session.scalars(select(Theme).where(Theme.plan_id == plan.id).order_by(Theme.position)).all()
    if not themes:
        flash(_("Add a theme before adding actions."), "important")
        return redirect(url_for("actionplan.staff_theme", plan_id=plan.id), code=303)
    form = ActionForm(obj=action) if action else ActionForm(data={"theme_id": request.args.get("theme", type=int)})
    form.theme_id.choices = [(t.id, t.name) for t in themes]
    if action and request.method == "GET":
        _fill_action_form(form, action)
    if form.validate_on_submit():
        users = _lead_users(form)
        # Both checks run, so both fields show their problem at once.
        if not _number_taken(form, plan, action) and users is not None:
            action = _save_action(form, plan, action, users)
            flash(_("Action %(number)s saved.", number=action.number), "success")
            return redirect(url_for("actionplan.staff_plan", plan_id=plan.id) + f"#action-{action.id}", code=303)
    return render_template("actionplan/staff/action_form.html", form=form, plan=plan, action=action)


@bp.route(PREFIX + "/<int:plan_id>/actions/<int:action_id>/delete", methods=["POST"])
@staff_required
def staff_delete_action(plan_id: int, action_id: int):
    plan = child_or_404(ActionPlan, plan_id)
    action = child_or_404(Action, action_id, parent=plan, load=WITH_LEADS)
    record("actionplan.action_deleted", action, plan=plan.slug, number=action.number, headline=action.headline[:200])
    db.session.delete(action)
    db.session.commit()
    flash(_("Action %(number)s deleted.", number=action.number), "success")
    return redirect(url_for("actionplan.staff_plan", plan_id=plan.id), code=303)


# --- import -----------------------------------------------------------------------------------


def _import_form() -> ImportForm:
    form = ImportForm()
    plans = db.session.scalars(select(ActionPlan).order_by(ActionPlan.title)).all()
    form.plan_id.choices = [("new", _("A new plan")), *((str(p.id), p.title) for p in plans)]
    return form


@bp.route(PREFIX + "/import", methods=["GET", "POST"])
@staff_required
def staff_import():
    form = _import_form()
    if request.method == "GET" and request.args.get("plan"):
        form.plan_id.data = request.args["plan"]
    if form.validate_on_submit():
        upload = form.file.data
        try:
            content = upload.read(MAX_BYTES + 1)
        finally:
            upload.close()  # a large upload is spooled to a temporary file
        filename = (upload.filename or "upload").rsplit("/", 1)[-1][:255]
        problem = None
        if len(content) > MAX_BYTES:
            problem = _(
                "The file is larger than 10 MB. Remove images or other sheets, or save it as CSV, and try again"
            )
        elif not filename.lower().endswith((".csv", ".tsv", ".tab", ".txt", ".xlsx")):
            problem = _("The file must be a CSV, TSV or Excel (.xlsx) file")
        else:
            try:
                parse_file(content, filename)
            except ImportRefused as exc:
                problem = str(exc).rstrip(".")
        if problem:
            form.file.errors.append(problem)
        else:
            batch = ImportBatch(
                filename=filename,
                content=content,
                plan_id=None if form.plan_id.data == "new" else int(form.plan_id.data),
                new_plan_title=form.new_plan_title.data if form.plan_id.data == "new" else None,
                created_by_id=current_user.id,
                summary={"sha256": hashlib.sha256(content).hexdigest()},
            )
            db.session.add(batch)
            db.session.commit()
            return redirect(url_for("actionplan.staff_import_preview", batch_id=batch.id), code=303)
    return render_template("actionplan/staff/import.html", form=form)


def _options(batch: ImportBatch, plan: ActionPlan | None) -> ImportOptions:
    known = [t.name for t in themes_of(plan)] if plan is not None else []
    return ImportOptions.from_json((batch.summary or {}).get("options"), known)


def _save_mapping(batch: ImportBatch, parsed: ParsedPlan, options: ImportOptions) -> None:
    """The mapping step's choices: each column's meaning, how leads split, which variants merge."""
    columns = {}
    for index, _heading, detected in parsed.headings:
        chosen = request.form.get(f"column-{index}", detected or "ignore")
        if chosen in COLUMN_LABELS or chosen == "ignore":
            columns[index] = chosen
    options.columns = columns
    options.split_and = request.form.get("split_and") == "yes"
    merged = set(request.form.getlist("merge"))
    options.keep_themes = {name for name in parsed.variants if name not in merged}
    options.merge_themes = {name for name in parsed.variants if name in merged}
    batch.summary = {**(batch.summary or {}), "options": options.as_json()}
    db.session.commit()


def _commit_import(batch: ImportBatch, plan: ActionPlan | None, parsed: ParsedPlan):
    if plan is None:
        plan = ActionPlan(
            title=batch.new_plan_title, slug=unique_slug(batch.new_plan_title), status="draft", visibility="public"
        )
    result = apply_import(parsed, plan, user=current_user)
    batch.plan_id = plan.id
    batch.committed_at = utcnow()
    batch.summary = {**batch.summary, **result.as_dict()}
    record("actionplan.imported", plan, filename=batch.filename, **result.as_dict())
    db.session.commit()
    if result.changed:
        flash(
            _(
                "Imported %(filename)s: %(added)s actions added, %(updated)s updated, "
                "%(updates)s progress updates added, %(edited)s corrected.",
                filename=batch.filename,
                added=result.actions_added,
                updated=result.actions_updated,
                updates=result.updates_added,
                edited=result.updates_edited,
            )
            if result.updates_edited
            else _(
                "Imported %(filename)s: %(added)s actions added, %(updated)s updated, "
                "%(updates)s progress updates added.",
                filename=batch.filename,
                added=result.actions_added,
                updated=result.actions_updated,
                updates=result.updates_added,
            ),
            "success",
        )
    else:
        flash(
            _("Imported %(filename)s: nothing had changed, so the plan is as it was.", filename=batch.filename),
            "success",
        )
    return redirect(url_for("actionplan.staff_plan", plan_id=plan.id), code=303)


@bp.route(PREFIX + "/import/<int:batch_id>", methods=["GET", "POST"])
@staff_required
def staff_import_preview(batch_id: int):
    """The dry run: the mapping step (columns, lead splitting, theme variants) and exactly what the
    import would change. POST step=mapping saves the choices; any other POST imports."""
    batch = child_or_404(ImportBatch, batch_id)
    plan = db.session.get(ActionPlan, batch.plan_id) if batch.plan_id else None
    options = _options(batch, plan)
    try:
        parsed = parse_file(batch.content, batch.filename, options)
    except ImportRefused as exc:  # the file was checked on upload; this is belt and braces
        flash(str(exc), "important")
        return redirect(url_for("actionplan.staff_import"), code=303)
    if batch.committed_at is None and request.method == "POST":  # CSRFProtect has checked the POST
        if request.form.get("step") == "mapping":
            _save_mapping(batch, parsed, options)
            return redirect(url_for("actionplan.staff_import_preview", batch_id=batch.id) + "#mapping", code=303)
        if parsed.ok:
            return _commit_import(batch, plan, parsed)
    return render_template(
        "actionplan/staff/import_preview.html",
        batch=batch,
        plan=plan,
        parsed=parsed,
        options=options,
        changes=preview_changes(parsed, plan),
        column_labels=COLUMN_LABELS,
        split_rules=SPLIT_RULES,
    )
