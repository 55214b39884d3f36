"""Staff pages under /staff/toolkits: builder, preview, JSON definitions, clone, results,
exports, reminders, reopening a response and the "You said" editor."""

from __future__ import annotations

import datetime as dt
import json

from flask import Response as FlaskResponse
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.audit import record
from app.db import utcnow
from app.extensions import db
from app.forms import ConfirmForm
from app.groups.models import Organisation
from app.htmx import is_partial, vary_on_htmx
from app.security import sanitize_html, staff_required
from app.template_helpers import LONDON
from app.toolkits import bp, exports
from app.toolkits import results as results_mod
from app.toolkits import services as svc
from app.toolkits.forms import ImportForm, QuestionForm, ReopenForm, SectionForm, ToolkitForm, YouSaidForm
from app.toolkits.models import Question, Response, Section, Toolkit
from app.toolkits.question_types import type_named
from app.toolkits.reminders import send_reminders
from app.toolkits.template import mental_health_definition

END_OF_DAY = dt.time(23, 59, 59)


def _toolkit_or_404(slug: str) -> Toolkit:
    toolkit = svc.toolkit_by_slug(slug[:220])
    if toolkit is None:
        abort(404)
    return toolkit


def _section_or_404(toolkit: Toolkit, section_id: int) -> Section:
    section = db.session.get(Section, section_id)
    if section is None or section.toolkit_id != toolkit.id:
        abort(404)
    return section


def _question_or_404(toolkit: Toolkit, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.toolkit_id != toolkit.id:
        abort(404)
    return question


def _csrf_or_400() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _builder(toolkit: Toolkit):
    return redirect(url_for("toolkits.staff_toolkit", slug=toolkit.slug), code=303)


# --- list, create, import --------------------------------------------------------------------


@bp.route("/staff/toolkits")
@staff_required
def staff_index():
    toolkits = db.session.scalars(select(Toolkit).order_by(Toolkit.created_at.desc(), Toolkit.id.desc())).all()
    counts = {
        tid: (int(sub or 0), int(drafts or 0))
        for tid, sub, drafts in db.session.execute(
            select(
                Response.toolkit_id,
                func.count().filter(Response.status == "submitted"),
                func.count().filter(Response.status == "draft"),
            ).group_by(Response.toolkit_id)
        )
    }
    return render_template("toolkits/staff/index.html", toolkits=toolkits, counts=counts, form=None)


@bp.route("/staff/toolkits/from-template", methods=["POST"])
@staff_required
def staff_from_template():
    _csrf_or_400()
    toolkit = svc.toolkit_from_json(mental_health_definition())
    record("toolkit.created", toolkit, title=toolkit.title, source="template")
    db.session.commit()
    flash(
        f"“{toolkit.title}” has been created as a draft. Check the questions, set the dates, then publish it.",
        "success",
    )
    return _builder(toolkit)


def _fill_toolkit(toolkit: Toolkit, form: ToolkitForm) -> None:
    toolkit.title = form.title.data
    toolkit.description = sanitize_html(form.description.data)
    toolkit.opens_at = (
        dt.datetime.combine(form.opens.data, dt.time(0, 0), tzinfo=LONDON).astimezone(dt.UTC)
        if form.opens.data
        else None
    )
    toolkit.closes_at = (
        dt.datetime.combine(form.closes.data, END_OF_DAY, tzinfo=LONDON).astimezone(dt.UTC)
        if form.closes.data
        else None
    )
    toolkit.audience = form.audience.data
    toolkit.status = form.status.data
    toolkit.suppression_threshold = form.suppression_threshold.data


@bp.route("/staff/toolkits/new", methods=["GET", "POST"])
@staff_required
def staff_new():
    form = ToolkitForm()
    if form.validate_on_submit():
        toolkit = Toolkit(you_said_question_ids=[])
        _fill_toolkit(toolkit, form)
        toolkit.slug = svc.new_slug(toolkit.title)
        db.session.add(toolkit)
        db.session.flush()
        db.session.add(Section(toolkit_id=toolkit.id, position=1, title="About your organisation", description=""))
        record("toolkit.created", toolkit, title=toolkit.title, source="blank")
        db.session.commit()
        flash(f"“{toolkit.title}” has been created.", "success")
        return _builder(toolkit)
    return render_template("toolkits/staff/toolkit_form.html", form=form, toolkit=None)


@bp.route("/staff/toolkits/<slug>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit(slug: str):
    toolkit = _toolkit_or_404(slug)
    if request.method == "GET":
        form = ToolkitForm(
            data={
                "title": toolkit.title,
                "description": toolkit.description,
                "opens": toolkit.opens_at.astimezone(LONDON).date() if toolkit.opens_at else None,
                "closes": toolkit.closes_at.astimezone(LONDON).date() if toolkit.closes_at else None,
                "audience": toolkit.audience,
                "status": toolkit.status,
                "suppression_threshold": toolkit.suppression_threshold,
            }
        )
    else:
        form = ToolkitForm()
    if form.validate_on_submit():
        if form.audience.data != toolkit.audience and svc.has_responses(toolkit):
            form.audience.errors = ["Who answers cannot change once there are responses"]
        else:
            _fill_toolkit(toolkit, form)
            record("toolkit.updated", toolkit, title=toolkit.title, status=toolkit.status)
            db.session.commit()
            flash(f"“{toolkit.title}” has been saved.", "success")
            return _builder(toolkit)
    return render_template("toolkits/staff/toolkit_form.html", form=form, toolkit=toolkit)


@bp.route("/staff/toolkits/import", methods=["GET", "POST"])
@staff_required
def staff_import():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(2_000_001) if upload else b""
        if not raw:
            form.file.errors = ["Choose a JSON file exported from a toolkit"]
        elif len(raw) > 2_000_000:
            form.file.errors = ["The file must be smaller than 2 MB"]
        else:
            try:
                data = json.loads(raw.decode("utf-8-sig"))
                toolkit = svc.toolkit_from_json(data)
            except (UnicodeDecodeError, json.JSONDecodeError):
                form.file.errors = ["The file is not valid JSON: export it again from the toolkit's page"]
            except svc.DefinitionError as exc:
                db.session.rollback()
                form.file.errors = [str(exc)]
            else:
                record("toolkit.created", toolkit, title=toolkit.title, source="import")
                db.session.commit()
                flash(f"“{toolkit.title}” has been imported as a draft.", "success")
                return _builder(toolkit)
    return render_template("toolkits/staff/import.html", form=form)


@bp.route("/staff/toolkits/<slug>/definition.json")
@staff_required
def staff_export_definition(slug: str):
    toolkit = _toolkit_or_404(slug)
    body = json.dumps(svc.definition_to_json(svc.load_definition(toolkit)), indent=2, ensure_ascii=False)
    return FlaskResponse(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{toolkit.slug}-definition.json"'},
    )


@bp.route("/staff/toolkits/<slug>/clone", methods=["POST"])
@staff_required
def staff_clone(slug: str):
    toolkit = _toolkit_or_404(slug)
    _csrf_or_400()
    copy = svc.clone(toolkit)
    record("toolkit.cloned", copy, source=toolkit.slug)
    db.session.commit()
    flash(f"A copy of “{toolkit.title}” has been made for the next round. Rename it and set its dates.", "success")
    return _builder(copy)


# --- builder ---------------------------------------------------------------------------------


def _builder_context(toolkit: Toolkit, message: str | None = None) -> dict:
    definition = svc.load_definition(toolkit)
    return {
        "toolkit": toolkit,
        "definition": definition,
        "answered": svc.answered_question_ids(toolkit),
        "locked": svc.has_responses(toolkit),
        "message": message,
        "section_form": SectionForm(formdata=None),
    }


def _builder_response(toolkit: Toolkit, message: str, anchor: str = ""):
    if is_partial():
        return render_template("toolkits/staff/_builder.html", **_builder_context(toolkit, message))
    flash(message, "success")
    return redirect(url_for("toolkits.staff_toolkit", slug=toolkit.slug) + anchor, code=303)


@bp.route("/staff/toolkits/<slug>")
@staff_required
def staff_toolkit(slug: str):
    toolkit = _toolkit_or_404(slug)
    return render_template("toolkits/staff/toolkit.html", **_builder_context(toolkit))


@bp.route("/staff/toolkits/<slug>/sections", methods=["POST"])
@staff_required
def staff_add_section(slug: str):
    toolkit = _toolkit_or_404(slug)
    form = SectionForm()
    if not form.validate_on_submit():
        context = _builder_context(toolkit)
        context["section_form"] = form
        return render_template("toolkits/staff/toolkit.html", **context)
    position = db.session.scalar(select(func.max(Section.position)).where(Section.toolkit_id == toolkit.id)) or 0
    section = Section(toolkit_id=toolkit.id, position=position + 1, title=form.title.data,
                      description=form.description.data or "")  # fmt: skip
    db.session.add(section)
    record("toolkit.section_added", toolkit, title=section.title)
    db.session.commit()
    flash(f"Added the section “{section.title}”.", "success")
    return redirect(url_for("toolkits.staff_toolkit", slug=toolkit.slug) + f"#section-{section.id}", code=303)


@bp.route("/staff/toolkits/<slug>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit_section(slug: str, section_id: int):
    toolkit = _toolkit_or_404(slug)
    section = _section_or_404(toolkit, section_id)
    form = (
        SectionForm(data={"title": section.title, "description": section.description})
        if request.method == "GET"
        else SectionForm()
    )
    if request.method == "POST" and form.validate_on_submit():
        section.title = form.title.data
        section.description = form.description.data or ""
        record("toolkit.section_changed", toolkit, section_id=section.id, title=section.title)
        db.session.commit()
        flash(f"Saved the section “{section.title}”.", "success")
        return _builder(toolkit)
    return render_template("toolkits/staff/section_form.html", form=form, toolkit=toolkit, section=section)


@bp.route("/staff/toolkits/<slug>/sections/<int:section_id>/move/<direction>", methods=["POST"])
@staff_required
def staff_move_section(slug: str, section_id: int, direction: str):
    toolkit = _toolkit_or_404(slug)
    section = _section_or_404(toolkit, section_id)
    if direction not in ("up", "down"):
        abort(404)
    _csrf_or_400()
    sections = svc.load_definition(toolkit).sections
    moved = svc.move(sections, next(s for s in sections if s.id == section.id), -1 if direction == "up" else 1)
    db.session.commit()
    message = (
        f"Moved the section “{section.title}” {direction} to number {section.position}."
        if moved
        else f"The section “{section.title}” cannot move {direction}."
    )
    return _builder_response(toolkit, message, f"#section-{section.id}")


@bp.route("/staff/toolkits/<slug>/sections/<int:section_id>/delete", methods=["POST"])
@staff_required
def staff_delete_section(slug: str, section_id: int):
    toolkit = _toolkit_or_404(slug)
    section = _section_or_404(toolkit, section_id)
    _csrf_or_400()
    definition = svc.load_definition(toolkit)
    answered = svc.answered_question_ids(toolkit)
    if any(q.id in answered for q in definition.by_section.get(section.id, [])):
        message = f"The section “{section.title}” cannot be deleted: organisations have answered its questions."
        if is_partial():
            return render_template("toolkits/staff/_builder.html", **_builder_context(toolkit, message)), 409
        flash(message, "important")
        return _builder(toolkit)
    title = section.title
    db.session.delete(section)
    db.session.flush()
    svc.renumber(svc.load_definition(toolkit).sections)
    record("toolkit.section_removed", toolkit, title=title)
    db.session.commit()
    return _builder_response(toolkit, f"Deleted the section “{title}”.")


def _condition_choices(
    definition: svc.Definition, question: Question | None, section: Section
) -> list[tuple[str, str]]:
    """Options of choice questions that come before this question (conditions look backwards).
    A new question goes at the end of its section, so every question up to that section counts."""
    order = [s.id for s in definition.sections]
    choices = [("", "Always show it")]
    for candidate in definition.questions:
        if question is not None and candidate.id == question.id:
            break
        if question is None and order.index(candidate.section_id) > order.index(section.id):
            break
        if candidate.kind.condition_source:
            for option in candidate.choices:
                choices.append(
                    (f"{candidate.id}:{option['id']}", f"“{candidate.label}” is answered “{option['label']}”")
                )
    return choices


def _question_form(definition, question: Question | None, section: Section) -> QuestionForm:
    if request.method == "GET" and question is not None:
        form = QuestionForm(
            data={
                "type": question.type,
                "label": question.label,
                "hint": question.hint,
                "required": question.required,
                "options": "\n".join(o["label"] for o in question.options or []),
                "allow_other": question.allow_other,
                "min_value": question.min_value,
                "max_value": question.max_value,
                "rank_top": question.rank_top,
                "scale_min_label": question.scale_min_label,
                "scale_max_label": question.scale_max_label,
                "show_if": f"{question.show_if_question_id}:{question.show_if_option}"
                if question.show_if_question_id
                else "",
            }
        )
    else:
        form = QuestionForm()
    form.show_if.choices = _condition_choices(definition, question, section)
    return form


def _apply_question(
    question: Question, form: QuestionForm, *, answered: bool, answered_options: set[str]
) -> str | None:
    """Copy the form onto the question; refuse changes of meaning once answered."""
    if answered and form.type.data != question.type:
        form.type.errors = ["The type cannot change once organisations have answered this question"]
        return "type"
    lines = form.option_lines() if type_named(form.type.data).has_options else []
    existing = {o["label"].lower(): o for o in question.options or []}
    new_options, taken = [], {o["id"] for o in question.options or []}
    for line in lines:
        if line.lower() in existing:
            new_options.append({"id": existing[line.lower()]["id"], "label": line})
        else:
            option_id = svc.option_id_for(line, taken)
            taken.add(option_id)
            new_options.append({"id": option_id, "label": line})
    kept = {o["id"] for o in new_options}
    removed = [o["label"] for o in question.options or [] if o["id"] not in kept and o["id"] in answered_options]
    if removed:
        form.options.errors = [
            f"Options that organisations have chosen cannot be removed or renamed: {', '.join(removed)}. "
            "You can add new options."
        ]
        return "options"
    if answered and question.allow_other and not form.allow_other.data and "other" in answered_options:
        form.allow_other.errors = ["“Other” cannot be turned off once organisations have chosen it"]
        return "allow_other"
    question.type = form.type.data
    question.label = form.label.data
    question.hint = form.hint.data or ""
    question.required = bool(form.required.data)
    question.options = new_options
    question.kind.keep_settings(form)
    if form.show_if.data:
        parent_id, option_id = form.show_if.data.split(":", 1)
        question.show_if_question_id, question.show_if_option = int(parent_id), option_id
    else:
        question.show_if_question_id, question.show_if_option = None, None
    return None


@bp.route("/staff/toolkits/<slug>/sections/<int:section_id>/questions/new", methods=["GET", "POST"])
@staff_required
def staff_new_question(slug: str, section_id: int):
    toolkit = _toolkit_or_404(slug)
    section = _section_or_404(toolkit, section_id)
    definition = svc.load_definition(toolkit)
    form = _question_form(definition, None, section)
    if form.validate_on_submit():
        position = len(definition.by_section.get(section.id, [])) + 1
        question = Question(toolkit_id=toolkit.id, section_id=section.id, position=position, options=[])
        _apply_question(question, form, answered=False, answered_options=set())
        db.session.add(question)
        record("toolkit.question_added", toolkit, label=question.label, type=question.type)
        db.session.commit()
        flash(f"Added the question “{question.label}”.", "success")
        return redirect(url_for("toolkits.staff_toolkit", slug=toolkit.slug) + f"#question-{question.id}", code=303)
    return render_template(
        "toolkits/staff/question_form.html", form=form, toolkit=toolkit, section=section, question=None
    )


@bp.route("/staff/toolkits/<slug>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit_question(slug: str, question_id: int):
    toolkit = _toolkit_or_404(slug)
    question = _question_or_404(toolkit, question_id)
    definition = svc.load_definition(toolkit)
    section = definition.section(question.section_id)
    form = _question_form(definition, question, section)
    used = svc.answered_options(question)
    answered = bool(used)
    if request.method == "POST" and form.validate_on_submit():
        problem = _apply_question(question, form, answered=answered, answered_options=used)
        if problem is None:
            record("toolkit.question_changed", toolkit, question_id=question.id, label=question.label)
            db.session.commit()
            flash(f"Saved the question “{question.label}”.", "success")
            return redirect(url_for("toolkits.staff_toolkit", slug=toolkit.slug) + f"#question-{question.id}", code=303)
    return render_template(
        "toolkits/staff/question_form.html",
        form=form,
        toolkit=toolkit,
        section=section,
        question=question,
        answered=answered,
    )


@bp.route("/staff/toolkits/<slug>/questions/<int:question_id>/move/<direction>", methods=["POST"])
@staff_required
def staff_move_question(slug: str, question_id: int, direction: str):
    toolkit = _toolkit_or_404(slug)
    question = _question_or_404(toolkit, question_id)
    if direction not in ("up", "down"):
        abort(404)
    _csrf_or_400()
    siblings = svc.load_definition(toolkit).by_section.get(question.section_id, [])
    target = next(q for q in siblings if q.id == question.id)
    step = -1 if direction == "up" else 1
    index = siblings.index(target) + step
    blocked = 0 <= index < len(siblings) and (
        (step < 0 and target.show_if_question_id == siblings[index].id)
        or (step > 0 and siblings[index].show_if_question_id == target.id)
    )
    moved = not blocked and svc.move(siblings, target, step)
    db.session.commit()
    if blocked:
        message = (
            f"“{target.label}” cannot move {direction}: "
            "a conditional question must come after the question it depends on."
        )
    elif moved:
        message = f"Moved “{target.label}” {direction} to number {target.position} in its section."
    else:
        message = f"“{target.label}” cannot move {direction}."
    return _builder_response(toolkit, message, f"#question-{question.id}")


@bp.route("/staff/toolkits/<slug>/questions/<int:question_id>/delete", methods=["POST"])
@staff_required
def staff_delete_question(slug: str, question_id: int):
    toolkit = _toolkit_or_404(slug)
    question = _question_or_404(toolkit, question_id)
    _csrf_or_400()
    if svc.answered_options(question):
        message = (
            f"“{question.label}” cannot be deleted because organisations have answered it. "
            "You can change its wording instead."
        )
        if is_partial():
            return render_template("toolkits/staff/_builder.html", **_builder_context(toolkit, message)), 409
        flash(message, "important")
        return _builder(toolkit)
    label, section_id = question.label, question.section_id
    for dependant in db.session.scalars(select(Question).where(Question.show_if_question_id == question.id)):
        dependant.show_if_question_id, dependant.show_if_option = None, None
    db.session.delete(question)
    db.session.flush()
    svc.renumber(svc.load_definition(toolkit).by_section.get(section_id, []))
    record("toolkit.question_removed", toolkit, label=label)
    db.session.commit()
    return _builder_response(toolkit, f"Deleted the question “{label}”.")


@bp.route("/staff/toolkits/<slug>/preview/<int:section_id>")
@staff_required
def staff_preview(slug: str, section_id: int):
    from app.toolkits.routes import _section_context

    toolkit = _toolkit_or_404(slug)
    definition = svc.load_definition(toolkit)
    section = definition.section(section_id)
    if section is None:
        abort(404)
    context = _section_context(None, definition, section, {}, {}, editable=True, preview=True)
    following = definition.next_section(section)
    return render_template("toolkits/staff/preview.html", following=following, **context)


# --- responses, results, exports, reminders -----------------------------------------------------


def _results_args():
    kind, _, slug = (request.args.get("tag") or "").partition(":")
    tag = results_mod.find_filter_tag(kind, slug[:140])
    return (kind if tag else None), tag


@bp.route("/staff/toolkits/<slug>/results")
@staff_required
def staff_results(slug: str):
    toolkit = _toolkit_or_404(slug)
    definition = svc.load_definition(toolkit)
    kind, tag = _results_args()
    results = results_mod.compute(toolkit, definition.questions, tag=tag)
    context = {"toolkit": toolkit, "definition": definition, "results": results, "tag": tag, "kind": kind}
    if is_partial():  # the filter form with htmx: just the results region (the form stays as it is)
        page = render_template("toolkits/staff/_results.html", **context)
    else:
        page = render_template("toolkits/staff/results.html", tags=results_mod.filter_tags(), **context)
    return vary_on_htmx(make_response(page))


@bp.route("/staff/toolkits/<slug>/responses")
@staff_required
def staff_responses(slug: str):
    toolkit = _toolkit_or_404(slug)
    rows = db.session.execute(
        select(Response, Organisation.name)
        .outerjoin(Organisation, Organisation.id == Response.organisation_id)
        .where(Response.toolkit_id == toolkit.id)
        .order_by(Organisation.name, Response.id)
    ).all()
    return render_template("toolkits/staff/responses.html", toolkit=toolkit, rows=rows)


def _response_or_404(toolkit: Toolkit, response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None or response.toolkit_id != toolkit.id:
        abort(404)
    return response


@bp.route("/staff/toolkits/<slug>/responses/<int:response_id>", methods=["GET", "POST"])
@staff_required
def staff_response(slug: str, response_id: int):
    toolkit = _toolkit_or_404(slug)
    response = _response_or_404(toolkit, response_id)
    form = ReopenForm()
    if request.method == "POST" and form.validate_on_submit():
        response.reopened_until = utcnow() + dt.timedelta(days=form.days.data)
        organisation = db.session.get(Organisation, response.organisation_id) if response.organisation_id else None
        record("toolkit.response_reopened", toolkit, response_id=response.id,
               organisation=organisation.name if organisation else None, days=form.days.data)  # fmt: skip
        db.session.commit()
        flash(
            f"The response{' from ' + organisation.name if organisation else ''} can be changed until "
            f"{response.reopened_until.astimezone(LONDON):%-d %B %Y}.",
            "success",
        )
        return redirect(url_for("toolkits.staff_response", slug=toolkit.slug, response_id=response.id), code=303)
    definition = svc.load_definition(toolkit)
    rows = svc.answers_of(response)
    organisation = db.session.get(Organisation, response.organisation_id) if response.organisation_id else None
    return render_template(
        "toolkits/staff/response.html",
        toolkit=toolkit,
        response=response,
        organisation=organisation,
        copy=svc.answer_copy(definition, rows),
        form=form,
        open=toolkit.is_open(),
    )


@bp.route("/staff/toolkits/<slug>/results.csv")
@staff_required
def staff_export_csv(slug: str):
    toolkit = _toolkit_or_404(slug)
    return exports.csv_response(toolkit)


@bp.route("/staff/toolkits/<slug>/results.xlsx")
@staff_required
def staff_export_xlsx(slug: str):
    toolkit = _toolkit_or_404(slug)
    return exports.xlsx_response(toolkit)


@bp.route("/staff/toolkits/<slug>/remind", methods=["POST"])
@staff_required
def staff_remind(slug: str):
    toolkit = _toolkit_or_404(slug)
    _csrf_or_400()
    if not toolkit.is_open():
        flash("Reminders can only be sent while the toolkit is open.", "important")
        return redirect(url_for("toolkits.staff_results", slug=toolkit.slug), code=303)
    sent = send_reminders(toolkit)
    if sent is None:
        flash("Reminders for this toolkit have already been sent today. You can send them again tomorrow.", "important")
    else:
        record("toolkit.reminders_sent", toolkit, recipients=sent)
        flash(f"Reminders are being sent to {sent} people in organisations that have not answered.", "success")
    db.session.commit()
    return redirect(url_for("toolkits.staff_results", slug=toolkit.slug), code=303)


@bp.route("/staff/toolkits/<slug>/you-said", methods=["GET", "POST"])
@staff_required
def staff_you_said(slug: str):
    toolkit = _toolkit_or_404(slug)
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
    if request.method == "POST" and form.validate_on_submit():
        allowed = {q.id for q in publishable}
        chosen = [int(v) for v in form.questions.data or [] if v.isdigit() and int(v) in allowed]
        if form.publish.data and toolkit.status == "draft":
            form.publish.errors = ["Publish the toolkit before you publish what organisations said"]
        elif len(chosen) != len(form.questions.data or []):
            form.questions.errors = ["Choose only questions listed here (free text is never published)"]
        else:
            toolkit.you_said_question_ids = chosen
            toolkit.you_said_summary = sanitize_html(form.summary.data)
            was_published = bool(toolkit.you_said_published_at)
            toolkit.you_said_published_at = (toolkit.you_said_published_at or utcnow()) if form.publish.data else None
            record("toolkit.you_said_saved", toolkit, questions=chosen, published=bool(form.publish.data),
                   newly_published=bool(form.publish.data) and not was_published)  # fmt: skip
            db.session.commit()
            flash(
                "“This is what you said” has been " + ("published." if form.publish.data else "saved as a draft."),
                "success",
            )
            return redirect(url_for("toolkits.staff_you_said", slug=toolkit.slug), code=303)
    return render_template("toolkits/staff/you_said.html", form=form, toolkit=toolkit)


__all__ = ["current_user"]
