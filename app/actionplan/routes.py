"""Public and members' pages: plans, the overview with filters, actions, updates, the board report, exports."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.actionplan import bp
from app.actionplan.board_docx import board_report_docx
from app.actionplan.exporter import export_csv, export_xlsx
from app.actionplan.forms import ProgressForm
from app.actionplan.models import (
    PLAN_STATUS_LABELS,
    QUICK_WIN_LABELS,
    RAG_LABELS,
    RAG_TAG_CLASSES,
    STATUS_LABELS,
    STATUS_TAG_CLASSES,
    Action,
    ActionPlan,
    ProgressUpdate,
    StatusChange,
)
from app.actionplan.richtext import canonical_html
from app.actionplan.services import (
    Filters,
    add_progress_update,
    apply_filters,
    board_report,
    can_update_action,
    filter_choices,
    plan_actions,
    plan_or_404,
    summarise,
    themes_of,
    visible_plans_query,
)
from app.agenda_reports import network_meeting_days
from app.db import first_or_404
from app.extensions import db
from app.htmx import hx_push_url, hx_redirect, is_partial, render
from app.i18n import _
from app.security import public, signed_in_required

LABELS = {
    "statuses": STATUS_LABELS,
    "status_tags": STATUS_TAG_CLASSES,
    "rag": RAG_LABELS,
    "rag_tags": RAG_TAG_CLASSES,
    "quick_win": QUICK_WIN_LABELS,
    "plan_statuses": PLAN_STATUS_LABELS,
}


@bp.record_once
def _labels(state) -> None:
    # A Jinja global (not a context processor) so imported macros see the labels too.
    state.app.jinja_env.globals["ap"] = LABELS


@bp.route("/action-plans")
@public
def index():
    plans = db.session.scalars(visible_plans_query()).all()
    counts: dict[int, dict[str, int]] = {}
    if plans:
        rows = db.session.execute(
            select(Action.plan_id, Action.status, func.count())
            .where(Action.plan_id.in_([p.id for p in plans]))
            .group_by(Action.plan_id, Action.status)
        ).all()
        for plan_id, status, count in rows:
            counts.setdefault(plan_id, {})[status] = count
    return render_template("actionplan/index.html", plans=plans, counts=counts)


@bp.route("/action-plans/<slug>")
@public
def plan(slug: str):
    plan = plan_or_404(slug)
    filters = Filters.from_args(request.args)
    actions = plan_actions(plan)
    themes = themes_of(plan)
    shown = apply_filters(actions, filters)
    context = {
        "plan": plan,
        "filters": filters,
        "themes": themes,
        "summaries": summarise(themes, actions, shown),
        "shown_count": len(shown),
        "total": len(actions),
        "choices": filter_choices(actions),
        "today": dt.date.today(),
    }
    response = render("actionplan/plan.html", "actionplan/_actions.html", **context)
    if is_partial():  # the address bar gets the tidy, shareable URL (no empty parameters)
        hx_push_url(response, url_for("actionplan.plan", slug=plan.slug, **filters.params()))
    return response


def _action_of(plan: ActionPlan, number: str) -> Action:
    """The plan's action with that number, with what its page shows (404 if there is none)."""
    return first_or_404(
        select(Action)
        .where(Action.plan_id == plan.id, Action.number == number)
        .options(selectinload(Action.theme), selectinload(Action.lead_users))
    )


def _timeline(action: Action) -> list[dict]:
    """Progress updates and status changes, newest first."""
    updates = db.session.scalars(
        select(ProgressUpdate).where(ProgressUpdate.action_id == action.id).options(selectinload(ProgressUpdate.author))
    ).all()
    changes = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.action_id == action.id)
        .options(selectinload(StatusChange.changed_by))
        .order_by(StatusChange.changed_at, StatusChange.id)
    ).all()
    items = [
        {"kind": "update", "item": u, "sort": (u.dated or u.created_at.date(), u.created_at, u.id)} for u in updates
    ]
    items += [{"kind": "change", "item": c, "sort": (c.changed_at.date(), c.changed_at, c.id)} for c in changes]
    return sorted(items, key=lambda i: i["sort"], reverse=True)


def _action_context(plan, action, form=None, message=None):
    return {
        "plan": plan,
        "action": action,
        "timeline": _timeline(action),
        "can_update": can_update_action(action),
        "form": form or ProgressForm(formdata=None, data={"dated": dt.date.today()}),
        "message": message,
        "today": dt.date.today(),
    }


@bp.route("/action-plans/<slug>/actions/<number>")
@public
def action(slug: str, number: str):
    plan = plan_or_404(slug)
    action = _action_of(plan, number)
    return render_template("actionplan/action.html", **_action_context(plan, action))


@bp.route("/action-plans/<slug>/actions/<number>/updates", methods=["POST"])
@signed_in_required
def add_update(slug: str, number: str):
    plan = plan_or_404(slug)
    action = _action_of(plan, number)
    if not can_update_action(action):
        abort(403)  # a lead officer of one action cannot update another
    form = ProgressForm()
    if form.validate_on_submit():
        body = canonical_html(form.body.data)
        if not body:
            form.body.errors.append(_("Enter what has happened"))
        else:
            add_progress_update(
                action, dated=form.dated.data, status=form.status.data or None, body=body, user=current_user
            )
            db.session.commit()
            message = _("Progress update added to action %(number)s.", number=action.number)
            if is_partial():  # the status tag at the top changes in the same swap (out of band)
                return render_template(
                    "actionplan/_timeline.html", **_action_context(plan, action, message=message), oob=True
                )
            flash(message, "success")
            return hx_redirect(url_for("actionplan.action", slug=plan.slug, number=action.number))
    return render("actionplan/action.html", "actionplan/_timeline.html", **_action_context(plan, action, form=form))


def _since(value: str | None) -> tuple[dt.date, str | None]:
    default = dt.date.today() - dt.timedelta(days=91)
    if not value:
        return default, None
    try:
        since = dt.date.fromisoformat(value.strip())
    except ValueError:
        return default, _("Enter the date as year-month-day, like 2026-09-01")
    if since > dt.date.today():
        return default, _("The date must be today or in the past")
    return since, None


def _meetings(plan: ActionPlan, today: dt.date) -> list[tuple[dt.date, str]]:
    """Past meetings the board report can start from, newest first: the plan's board meeting dates
    and the network meetings (registered by the events side in app/agenda_reports.py)."""
    kinds = dict.fromkeys(network_meeting_days(today), _("Network meeting"))
    kinds.update({day: _("Board meeting") for day in plan.meeting_dates if day <= today})
    return sorted(kinds.items(), reverse=True)


def _report_since(plan: ActionPlan, args) -> dict:
    """The board report's start: a typed date, one of the past meeting dates, or by default the
    last meeting (91 days ago when there is none)."""
    today = dt.date.today()
    meetings = _meetings(plan, today)
    days = [day for day, _kind in meetings]
    since, error, meeting = days[0] if days else today - dt.timedelta(days=91), None, ""
    if args.get("since"):
        since, error = _since(args.get("since"))
    elif args.get("meeting"):
        chosen = next((d for d in days if d.isoformat() == args.get("meeting")), None)
        if chosen is None:
            error = _("Choose one of the meeting dates")
        else:
            since = chosen
    if not args.get("since") and since in days:
        meeting = since.isoformat()
    return {"since": since, "since_error": error, "meetings": meetings, "meeting": meeting}


@bp.route("/action-plans/<slug>/report")
@public
def report(slug: str):
    """The board report: what changed since a date (the previous board meeting)."""
    plan = plan_or_404(slug)
    chosen = _report_since(plan, request.args)
    data = board_report(plan, chosen["since"])
    return render_template(
        "actionplan/report.html",
        plan=plan,
        report=data,
        since_value=request.args.get("since") or "",
        today=dt.date.today(),
        **chosen,
    )


@bp.route("/action-plans/<slug>/report.docx")
@public
def report_docx(slug: str):
    """The board report as a Word document for the board papers."""
    plan = plan_or_404(slug)
    chosen = _report_since(plan, request.args)
    body = board_report_docx(plan, board_report(plan, chosen["since"]), dt.date.today())
    return _download(
        body,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"{plan.slug}-board-report-{chosen['since'].isoformat()}.docx",
    )


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = current_app.response_class(body, content_type=mimetype)  # names its charset once
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/action-plans/<slug>.csv")
@public
def export_plan_csv(slug: str):
    plan = plan_or_404(slug)
    return _download(export_csv(plan), "text/csv; charset=utf-8", f"{plan.slug}.csv")


@bp.route("/action-plans/<slug>.xlsx")
@public
def export_plan_xlsx(slug: str):
    plan = plan_or_404(slug)
    return _download(
        export_xlsx(plan), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f"{plan.slug}.xlsx"
    )


@bp.errorhandler(401)
def _sign_in_first(error):
    """A members-only plan asks an anonymous visitor to sign in, then comes back."""
    from flask import redirect

    from app.security import safe_next

    if request.method == "GET":
        return redirect(url_for("auth.login", next=safe_next(request.full_path.rstrip("?"))))
    return render_template(
        "errors/error.html",
        code=401,
        title=_("Sign in to continue"),
        body=_("You need to sign in to do that."),
    ), 401
