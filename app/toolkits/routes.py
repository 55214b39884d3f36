"""Public toolkit pages, responding (task list, sections, autosave, check answers, submit)
and the published "You said" page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.models import User
from app.db import first_or_404, utcnow
from app.extensions import db
from app.groups.models import Organisation
from app.htmx import hx_redirect, is_partial
from app.i18n import _, current_language
from app.security import has_role, public, signed_in_required
from app.template_helpers import date_format
from app.times import clock
from app.toolkits import bp, coediting, disclosure, translations
from app.toolkits import services as svc
from app.toolkits.models import AnswerRevision, Response, Toolkit


@dataclass
class Respondent:
    toolkit: Toolkit
    organisation: Organisation | None
    response: Response | None
    key: str

    @property
    def org_id(self) -> int | None:
        return self.organisation.id if self.organisation else None


def _refuse(message: str):
    """403 with a page that says why (the shared error page is generic)."""
    if is_partial():
        abort(make_response(message, 403))
    abort(make_response(render_template("toolkits/not_allowed.html", message=message), 403))


def _respondent(slug: str) -> Respondent:
    """Who is answering, for which organisation; refuses anyone who may not (no IDOR: the
    organisation comes from the URL but must be one of the user's approved organisations)."""
    toolkit = first_or_404(svc.toolkit_at(slug, public=True))
    organisation = None
    if toolkit.audience == "organisation":
        organisations = svc.respondable_organisations(current_user)
        wanted = request.args.get("org", "")
        if wanted:
            organisation = next((o for o in organisations if str(o.id) == wanted), None)
            if organisation is None:
                _refuse(_("You can only answer for an organisation you belong to."))
        elif len(organisations) == 1:
            organisation = organisations[0]
        elif not organisations:
            _refuse(
                _(
                    "Only members of organisations listed in the directory can answer this toolkit. "
                    "Ask your organisation to join the network, or ask a colleague to add you to it."
                )
            )
        else:
            abort(redirect(url_for("toolkits.detail", slug=toolkit.slug), code=303))
    key = svc.respondent_key(toolkit, organisation, current_user)
    return Respondent(toolkit, organisation, svc.find_response(toolkit, key), key)


def _definition(toolkit: Toolkit) -> svc.Definition:
    """The definition in the reader's language (English where a text is not translated)."""
    return translations.localise(svc.load_definition(toolkit), current_language().code)


def _url(endpoint: str, who: Respondent, **kwargs) -> str:
    return url_for(endpoint, slug=who.toolkit.slug, org=who.org_id, **kwargs)


def _last_saved(response: Response | None) -> tuple[Response | None, str | None]:
    if response is None or response.updated_by_id is None:
        return response, None
    user = db.session.get(User, response.updated_by_id)
    return response, user.name if user else None


# --- public pages --------------------------------------------------------------------------


@bp.route("/toolkits")
@public
def index():
    toolkits = db.session.scalars(
        select(Toolkit).where(Toolkit.status != "draft").order_by(Toolkit.opens_at.desc(), Toolkit.id.desc())
    ).all()
    return render_template("toolkits/index.html", toolkits=toolkits)


@bp.route("/toolkits/<slug>")
@public
def detail(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug, public=True))
    organisations = svc.respondable_organisations(current_user) if toolkit.audience == "organisation" else []
    responses = {}
    if current_user.is_authenticated:
        keys = (
            [f"org:{o.id}" for o in organisations]
            if toolkit.audience == "organisation"
            else [f"user:{current_user.id}"]
        )
        for response in db.session.scalars(
            select(Response).where(Response.toolkit_id == toolkit.id, Response.respondent_key.in_(keys))
        ):
            responses[response.respondent_key] = response
    return render_template(
        "toolkits/detail.html",
        toolkit=translations.local_toolkit(toolkit, current_language().code),
        organisations=organisations,
        responses=responses,
        you_said=bool(toolkit.you_said_published_at),
        minutes=svc.estimated_minutes(svc.load_definition(toolkit)),
    )


# --- responding ----------------------------------------------------------------------------


@bp.route("/toolkits/<slug>/respond")
@signed_in_required
def respond(slug: str):
    who = _respondent(slug)
    definition = _definition(who.toolkit)
    rows = svc.answers_of(who.response)
    statuses = svc.section_statuses(definition, who.response, rows)
    response, saved_by = _last_saved(who.response)
    return render_template(
        "toolkits/task_list.html",
        who=who,
        toolkit=definition.toolkit,
        definition=definition,
        statuses=statuses,
        status_labels=svc.SECTION_STATUSES,
        completed=sum(1 for s in statuses.values() if s == "completed"),
        editable=svc.can_edit(who.toolkit, who.response),
        response=response,
        saved_by=saved_by,
    )


def section_context(who, definition, section, values, errors, editable, preview=False, saved=None):
    """The section page's questions; `saved` (a SaveResult) after a save that comes back to the page
    carries the versions the fields now stand for and any conflicts with a colleague's change."""
    rows = svc.answers_of(who.response) if who else {}
    selected = _selected_options(rows, values)
    questions = definition.by_section.get(section.id, [])
    in_section = {q.id for q in questions}
    versions = saved.versions if saved else coediting.versions_of(who.response if who else None, list(in_section))
    conflicts = saved.conflicts if saved else {}
    items = []
    for question in questions:
        value = values.get(question.id, question.kind.value_from_rows(rows.get(question.id, [])))
        parent_id = question.show_if_question_id
        conditional = bool(parent_id and question.show_if_option)
        if conditional and parent_id not in in_section and not svc.is_visible(question, selected):
            continue  # depends on an earlier section's answer that rules it out
        parent = definition.by_id.get(parent_id) if conditional else None
        items.append(
            {
                "question": question,
                "value": value,
                "error": errors.get(question.id),
                "conditional": conditional and parent_id in in_section,
                "parent": parent,
                "parent_option": parent.option_label(question.show_if_option) if parent else "",
                "shown": svc.is_visible(question, selected),
                "version": versions.get(question.id, 0),
                "conflict": conflicts.get(question.id),
            }
        )
    return _section_page(items, errors, editable, section, definition, preview)


def _selected_options(rows: dict, values: dict) -> dict[int, set[str]]:
    """Options chosen in each question, stored or (winning) just posted: for show-if conditions."""
    selected = {qid: {a.option_id for a in answers} for qid, answers in rows.items()}
    for qid, value in values.items():
        if isinstance(value, dict) and "selected" in value:
            selected[qid] = set(value["selected"])
    return selected


def _section_page(items: list[dict], errors: dict, editable: bool, section, definition, preview: bool) -> dict:
    error_list = []
    for item in items:
        question = item["question"]
        if item["conflict"] is not None:
            error_list.append({"text": item["conflict"].message, "href": f"#resolve-{question.html_id}"})
        elif question.id in errors:
            error_list.append({"text": errors[question.id], "href": f"#{question.html_id}"})
    return {
        "items": items,
        "errors": errors,
        "error_list": error_list,
        "editable": editable,
        "section": section,
        "definition": definition,
        "toolkit": definition.toolkit,
        "preview": preview,
        "position": [s.id for s in definition.sections].index(section.id) + 1,
    }


@bp.route("/toolkits/<slug>/respond/section/<int:section_id>", methods=["GET", "POST"])
@signed_in_required
def section(slug: str, section_id: int):
    who = _respondent(slug)
    definition = _definition(who.toolkit)
    current = definition.section(section_id)
    if current is None:
        abort(404)  # a section of another toolkit
    editable = svc.can_edit(who.toolkit, who.response)
    result = None
    if request.method == "POST":
        if not editable:
            flash(_closed_message(who.toolkit), "important")
            return redirect(_url("toolkits.respond", who), code=303)
        who.response = who.response or svc.get_or_create_response(who.toolkit, who.organisation, current_user)
        later = request.form.get("action") == "later"
        result = svc.save_section(definition, who.response, current, request.form, current_user, require=not later)
        coediting.mark_present(who.response, current.id, current_user)
        db.session.commit()
        if not result.errors and not result.conflicts:
            for message in result.resolved:
                flash(message, "success")
            return _after_save(who, definition, current, later)
    elif editable and who.response is not None:
        coediting.mark_present(who.response, current.id, current_user)
        db.session.commit()
    return _section_page_response(who, definition, current, editable, result)


def _after_save(who: Respondent, definition, current, later: bool):
    if later:
        flash(_("Your answers to “%(section)s” have been saved.", section=current.title), "success")
        return redirect(_url("toolkits.respond", who), code=303)
    following = definition.next_section(current)
    if following is not None:
        return redirect(_url("toolkits.section", who, section_id=following.id), code=303)
    return redirect(_url("toolkits.check", who), code=303)


def _section_page_response(who: Respondent, definition, current, editable: bool, result, template=None):
    """The section page (or, after an autosave that found a conflict, its main column)."""
    values, errors = (result.values, result.errors) if result else ({}, {})
    context = section_context(who, definition, current, values, errors, editable, saved=result)
    response, saved_by = _last_saved(who.response)
    return render_template(
        template or "toolkits/section.html",
        who=who,
        response=response,
        saved_by=saved_by,
        present=coediting.others_present(who.response, current.id, current_user),
        resolved=result.resolved if result else [],
        **context,
    )


@bp.route("/toolkits/<slug>/respond/section/<int:section_id>/autosave", methods=["POST"])
@signed_in_required
def autosave(slug: str, section_id: int):
    """HTMX: save what can be saved on every change and say so; never moves the page. The fields'
    versions come back out of band; a conflict with a colleague's change brings back the page's
    main column with the error summary asking which answer to keep (422, swapped in its place)."""
    who = _respondent(slug)
    definition = _definition(who.toolkit)
    current = definition.section(section_id)
    if current is None:
        abort(404)
    if not svc.can_edit(who.toolkit, who.response):
        return render_template("toolkits/_save_status.html", closed=_closed_message(who.toolkit)), 409
    who.response = who.response or svc.get_or_create_response(who.toolkit, who.organisation, current_user)
    result = svc.save_section(
        definition, who.response, current, request.form, current_user, require=False, mark_saved=False
    )
    coediting.mark_present(who.response, current.id, current_user)
    db.session.commit()
    if result.conflicts or result.resolved:
        page = make_response(
            _section_page_response(who, definition, current, True, result, "toolkits/_section_main.html"),
            422 if result.conflicts else 200,
        )
        page.headers["HX-Retarget"] = "#toolkit-section"
        page.headers["HX-Reswap"] = "outerHTML"
        return page
    context = section_context(who, definition, current, result.values, result.errors, True, saved=result)
    refreshed = [item for item in context["items"] if item["question"].id in result.refreshed]
    response, saved_by = _last_saved(who.response)
    return render_template(
        "toolkits/_autosaved.html",
        response=response,
        saved_by=saved_by,
        problems=[(definition.by_id[qid], message) for qid, message in result.errors.items()],
        present=coediting.others_present(who.response, current.id, current_user),
        versions={
            definition.by_id[qid]: version for qid, version in result.versions.items() if qid not in result.refreshed
        },
        refreshed=refreshed,
        editable=True,
    )


def _closed_message(toolkit: Toolkit) -> str:
    if toolkit.not_yet_open():
        return _("This toolkit is not open yet, so answers cannot be saved.")
    return _("This toolkit has closed, so answers can no longer be changed. Contact us if you need to make a change.")


@bp.route("/toolkits/<slug>/respond/check")
@signed_in_required
def check(slug: str):
    who = _respondent(slug)
    definition = _definition(who.toolkit)
    rows = svc.answers_of(who.response)
    missing = svc.missing_required(definition, rows)
    response, saved_by = _last_saved(who.response)
    return render_template(
        "toolkits/check.html",
        who=who,
        toolkit=definition.toolkit,
        copy=svc.answer_copy(definition, rows),
        missing=missing,
        error_list=[
            {
                "text": q.kind.required_message(),
                "href": _url("toolkits.section", who, section_id=q.section_id) + f"#{q.html_id}",
            }
            for q in missing
        ],
        editable=svc.can_edit(who.toolkit, who.response),
        response=response,
        saved_by=saved_by,
        history=coediting.history(who.response, definition.by_id),
    )


@bp.route("/toolkits/<slug>/respond/restore/<int:revision_id>", methods=["POST"])
@signed_in_required
def restore(slug: str, revision_id: int):
    """Make an earlier saved value of one answer the answer again (members of the organisation)."""
    who = _respondent(slug)
    revision = db.session.get(AnswerRevision, revision_id)
    if who.response is None or revision is None or revision.response_id != who.response.id:
        abort(404)  # another organisation's history
    if not svc.can_edit(who.toolkit, who.response):
        flash(_closed_message(who.toolkit), "important")
        return redirect(_url("toolkits.check", who), code=303)
    question = _definition(who.toolkit).by_id[revision.question_id]
    before = request.form.get("before") == "1"
    if coediting.restore(who.response, question, revision, current_user, before=before):
        who.response.updated_at, who.response.updated_by_id = utcnow(), current_user.id
        db.session.commit()
        if before:
            message = _(
                "The answer to “%(question)s” is back to the version before the change of %(time)s on %(day)s.",
                question=question.label,
                **_when(revision),
            )
        else:
            message = _(
                "The answer to “%(question)s” is back to the version saved %(time)s on %(day)s.",
                question=question.label,
                **_when(revision),
            )
        flash(message, "success")
    else:
        db.session.rollback()
        flash(
            _(
                "A colleague changed “%(question)s” at the same moment. Check it, then try again.",
                question=question.label,
            ),
            "important",
        )
    return redirect(_url("toolkits.check", who) + f"#history-{question.html_id}", code=303)


def _when(revision: AnswerRevision) -> dict[str, str]:
    return {"time": clock(revision.changed_at), "day": date_format(revision.changed_at)}


@bp.route("/toolkits/<slug>/respond/submit", methods=["POST"])
@signed_in_required
def submit(slug: str):
    who = _respondent(slug)
    if not svc.can_edit(who.toolkit, who.response):
        flash(_closed_message(who.toolkit), "important")
        return redirect(_url("toolkits.respond", who), code=303)
    if who.response is None:
        flash(_("Answer the questions before you submit."), "important")
        return redirect(_url("toolkits.respond", who), code=303)
    definition = _definition(who.toolkit)
    missing = svc.submit(definition, who.response, current_user)
    if missing:
        db.session.rollback()
        return redirect(_url("toolkits.check", who), code=303)
    db.session.commit()
    return hx_redirect(_url("toolkits.submitted", who))


@bp.route("/toolkits/<slug>/respond/submitted")
@signed_in_required
def submitted(slug: str):
    who = _respondent(slug)
    if who.response is None or who.response.status != "submitted":
        return redirect(_url("toolkits.respond", who), code=303)
    return render_template("toolkits/submitted.html", who=who, toolkit=who.toolkit, response=who.response)


# --- "You said" ----------------------------------------------------------------------------


@bp.route("/toolkits/<slug>/you-said")
@public
def you_said(slug: str):
    toolkit = first_or_404(svc.toolkit_at(slug, public=True))
    if not toolkit.you_said_published_at and not has_role(current_user, "staff"):
        abort(404)
    snapshot = published_findings(toolkit)
    code = current_language().code
    texts = translations.load(toolkit.id, code) if code != "en" else {}
    return render_template(
        "toolkits/you_said.html",
        toolkit=translations.local_toolkit(toolkit, code),
        snapshot=snapshot,
        findings=[
            disclosure.for_reader(translations.finding_in(item, texts))
            for item in snapshot["questions"]
            if not item["withheld"]
        ],
        received_by=disclosure.received_by(snapshot),
        threshold=snapshot.get("threshold", toolkit.suppression_threshold),
        preview=not toolkit.you_said_published_at,
    )


def published_findings(toolkit: Toolkit) -> dict:
    """The snapshot "You said" shows: the one staff published (taken now, once, for a page published
    before snapshots were kept); for staff previewing an unpublished page, what publishing would show."""
    if toolkit.you_said_published_at and toolkit.you_said_snapshot:
        return toolkit.you_said_snapshot
    definition = svc.load_definition(toolkit)
    chosen = set(toolkit.you_said_question_ids or [])
    snapshot = disclosure.check(toolkit, [q for q in definition.questions if q.id in chosen]).snapshot
    if toolkit.you_said_published_at:
        toolkit.you_said_snapshot = snapshot
        db.session.commit()
    return snapshot
