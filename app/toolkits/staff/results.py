"""Results (filtered by a directory tag), the CSV and XLSX exports, reminders to organisations
that have not answered, and the "You said" findings editor."""

from __future__ import annotations

from urllib.parse import quote

from flask import flash, redirect, render_template, request, url_for

from app.audit import record
from app.db import first_or_404, utcnow
from app.extensions import db
from app.htmx import render
from app.i18n import _, current_language, ngettext
from app.security import sanitize_html, staff_required
from app.toolkits import bp, disclosure, exports, reminders, translations
from app.toolkits import results as results_mod
from app.toolkits import services as svc
from app.toolkits.forms import YouSaidForm
from app.toolkits.models import Question, Toolkit
from app.toolkits.reminders import send_reminders


def _filters() -> list:
    """The directory tags the results are narrowed to, one per kind at most (theme, community and area
    combine: organisations carrying all of them); `tag=<kind>:<slug>` is the older single filter."""
    found = {}
    kind, _, slug = (request.args.get("tag") or "").partition(":")
    legacy = results_mod.find_filter_tag(kind, slug[:140])
    if legacy is not None:
        found[legacy.kind] = legacy
    for kind in results_mod.FILTER_KINDS:
        tag = results_mod.find_filter_tag(kind, (request.args.get(kind) or "")[:140])
        if tag is not None:
            found[kind] = tag
    return [found[k] for k in results_mod.FILTER_KINDS if k in found]


def filter_args(tags: list) -> dict[str, str]:
    return {t.kind: t.slug for t in tags}


@bp.route("/staff/toolkits/<slug>/results")
@staff_required
def staff_results(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    # Labels in the staff member's language where translated (counts are by option id either way).
    definition = translations.localise(svc.load_definition(toolkit), current_language().code)
    tags = _filters()
    results = results_mod.compute(toolkit, definition.questions, tag=tags)
    reach = reminders.plan(toolkit) if toolkit.is_open() and toolkit.audience == "organisation" else None
    # The filter form with htmx swaps in just the results region; only the whole page lists the tags.
    return render(
        "toolkits/staff/results.html", "toolkits/staff/_results.html", toolkit=toolkit, definition=definition,
        results=results, tags=tags, chosen={t.kind: t for t in tags}, filter_args=filter_args(tags),
        filter_words=results_mod.filter_words(tags), filter_tags=results_mod.filter_tags, reach=reach,
    )  # fmt: skip


@bp.route("/staff/toolkits/<slug>/results.csv")
@staff_required
def staff_export_csv(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    return exports.csv_response(toolkit, _filters(), drafts=request.args.get("drafts") == "1")


@bp.route("/staff/toolkits/<slug>/results.xlsx")
@staff_required
def staff_export_xlsx(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    return exports.xlsx_response(toolkit, _filters(), drafts=request.args.get("drafts") == "1")


@bp.route("/staff/toolkits/<slug>/remind", methods=["POST"])
@staff_required
def staff_remind(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    if not toolkit.is_open():
        flash(_("Reminders can only be sent while the toolkit is open."), "important")
        return redirect(url_for("toolkits.staff_results", slug=toolkit.slug), code=303)
    sent = send_reminders(toolkit)
    if sent is None:
        flash(
            _("Reminders for this toolkit have already been sent today. You can send them again tomorrow."), "important"
        )
    else:
        record("toolkit.reminders_sent", toolkit, recipients=len(sent.people), organisations=sent.organisations)
        flash(_("Reminders are being sent to %(who)s that have not answered.", who=sent.in_words()), "success")
        if sent.unreachable:
            count = sent.unreachable_total
            flash(
                ngettext(
                    "%(num)s organisation has no member with an account, so cannot be reminded: they are listed on "
                    "this page with a link to invite them.",
                    "%(num)s organisations have no member with an account, so cannot be reminded: they are listed on "
                    "this page with a link to invite them.",
                    count,
                ),
                "important",
            )
    db.session.commit()
    return redirect(url_for("toolkits.staff_results", slug=toolkit.slug), code=303)


@bp.app_template_global()
def toolkit_invite_mailto(org, toolkit) -> str:
    """The staff results page's "invite them by email" link to a group without an account: subject and
    body in the staff member's language, as plain text (a template's `_()` would escape "&" as "&amp;")."""
    subject = _("Please answer “%(title)s”", title=toolkit.title)
    body = _(
        "Hello,\n\n%(group)s is listed in the network directory, and we would like to hear from you in "
        "“%(title)s”.\n\nCreate an account at %(register)s and tell us, and we will add you to %(group)s so "
        "you can answer: %(answer)s",
        group=org.name,
        title=toolkit.title,
        register=url_for("auth.register", _external=True),
        answer=url_for("toolkits.detail", slug=toolkit.slug, _external=True),
    )
    return f"mailto:{org.email}?subject={quote(subject)}&body={quote(body)}"


@bp.route("/staff/toolkits/<slug>/you-said", methods=["GET", "POST"])
@staff_required
def staff_you_said(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug))
    definition = svc.load_definition(toolkit)
    publishable = [q for q in definition.questions if q.kind.publishable]
    if request.method == "GET":
        form = YouSaidForm(
            data={
                "questions": [str(i) for i in toolkit.you_said_question_ids or []],
                "summary": toolkit.you_said_summary,
                "publish": bool(toolkit.you_said_published_at),
            }
        )
    else:
        form = YouSaidForm()
    form.questions.choices = [(str(q.id), q.label) for q in publishable]
    if request.method == "POST" and form.validate_on_submit() and _save_you_said(toolkit, form, publishable):
        db.session.commit()
        if getattr(form, "figures_kept", ""):
            # Saved, but the figures were not refreshed: one plain notice, not a green "published".
            flash(
                _("Your changes are saved, but the published figures have not changed. %(why)s", why=form.figures_kept),
                "important",
            )
        elif form.publish.data:
            flash(_("“This is what you said” has been published."), "success")
        else:
            flash(_("“This is what you said” has been saved as a draft."), "success")
        return redirect(url_for("toolkits.staff_you_said", slug=toolkit.slug), code=303)
    return render_template("toolkits/staff/you_said.html", form=form, toolkit=toolkit,
                           check=_disclosure_check(toolkit, form, publishable))  # fmt: skip


def _disclosure_check(toolkit: Toolkit, form: YouSaidForm, publishable: list[Question]) -> disclosure.Check:
    """What publishing the ticked questions now would show (the page shows it before staff publish)."""
    chosen = {int(v) for v in form.questions.data or [] if str(v).isdigit()}
    return disclosure.check(toolkit, [q for q in publishable if q.id in chosen])


def _you_said_problem(toolkit: Toolkit, form: YouSaidForm, chosen: list[int]) -> tuple[str, str] | None:
    """(field, message) when the choice cannot be saved as it is."""
    if form.publish.data and toolkit.status == "draft":
        return "publish", _("Publish the toolkit before you publish what organisations said")
    if len(chosen) != len(form.questions.data or []):
        return "questions", _("Choose only questions listed here (free text is never published)")
    if form.publish.data and not chosen and toolkit.you_said_published_at:
        # Unticking every question would empty the published page without a word (issue 21 §7).
        return "questions", _(
            "Choose at least one question to keep “This is what you said” published, or untick “Publish” "
            "to take the page down"
        )
    return None


def _take_snapshot(toolkit: Toolkit, form: YouSaidForm, publishable: list[Question], chosen: list[int]) -> bool:
    """Publishing stores the protected figures as they are now (app/toolkits/disclosure.py). While too
    few organisations have answered since the last snapshot, the published figures stay as they were
    (and the questions cannot change: their new figures would be compared with the old)."""
    check = disclosure.check(toolkit, [q for q in publishable if q.id in chosen])
    if not check.blocked:
        toolkit.you_said_snapshot = check.snapshot
        return True
    form.figures_kept = check.blocked
    if sorted(chosen) != sorted(toolkit.you_said_snapshot.get("question_ids", [])):
        form.questions.errors = [
            ngettext(
                "Keep the same questions for now: only %(num)s organisation has answered or changed their answers "
                "since the figures were last published. Publishing new figures now would let anyone compare the two "
                "versions and work out what it said.",
                "Keep the same questions for now: only %(num)s organisations have answered or changed their answers "
                "since the figures were last published. Publishing new figures now would let anyone compare the two "
                "versions and work out what they said.",
                check.changed,
            )
        ]
        return False
    return True


def _save_you_said(toolkit: Toolkit, form: YouSaidForm, publishable: list[Question]) -> bool:
    """Store the chosen questions, summary and publication; False (errors on the form) when refused."""
    allowed = {q.id for q in publishable}
    chosen = [int(v) for v in form.questions.data or [] if v.isdigit() and int(v) in allowed]
    problem = _you_said_problem(toolkit, form, chosen)
    if problem:
        getattr(form, problem[0]).errors = [problem[1]]
        return False
    if form.publish.data and not _take_snapshot(toolkit, form, publishable, chosen):
        return False
    toolkit.you_said_question_ids = chosen
    toolkit.you_said_summary = sanitize_html(form.summary.data)
    was_published = bool(toolkit.you_said_published_at)
    toolkit.you_said_published_at = (toolkit.you_said_published_at or utcnow()) if form.publish.data else None
    record("toolkit.you_said_saved", toolkit, questions=chosen, published=bool(form.publish.data),
           newly_published=bool(form.publish.data) and not was_published)  # fmt: skip
    return True


@bp.route("/staff/toolkits/<slug>/compare")
@staff_required
def staff_crosstab(slug: str):
    """One question's answers by another's (for example barriers by community), for the organisations
    the results filters narrow to; small counts and the cells they could be worked out from are hidden."""
    toolkit = first_or_404(svc.toolkit_at(slug))
    choices = [q for q in svc.load_definition(toolkit).questions if q.kind.counts_options]
    by_id = {str(q.id): q for q in choices}
    rows, columns = by_id.get(request.args.get("rows", "")), by_id.get(request.args.get("columns", ""))
    tags = _filters()
    error, table = None, None
    if rows is not None and rows is columns:
        error = _("Choose two different questions")
    elif rows is not None and columns is not None:
        cells = results_mod.crosstab(toolkit, rows, columns, tag=tags)
        hidden = disclosure.protect_table(cells, toolkit.suppression_threshold)
        table = [[None if (i, j) in hidden else count for j, count in enumerate(line)] for i, line in enumerate(cells)]
    return render_template(
        "toolkits/staff/crosstab.html", toolkit=toolkit, choices=choices, rows=rows, columns=columns, table=table,
        error=error, tags=tags, filter_args=filter_args(tags), filter_words=results_mod.filter_words(tags),
    )  # fmt: skip
