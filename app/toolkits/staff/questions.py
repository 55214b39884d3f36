"""Questions in the builder: add, edit (refusing changes of meaning once answered), move (never
above the question a condition depends on) and delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app import ordering
from app.audit import record
from app.db import child_or_404, first_or_404
from app.extensions import db
from app.i18n import _
from app.security import staff_required
from app.toolkits import bp
from app.toolkits import services as svc
from app.toolkits.forms import QuestionForm
from app.toolkits.models import Question, Section
from app.toolkits.question_types import type_named
from app.toolkits.staff.common import builder_refusal, builder_response


def _condition_choices(
    definition: svc.Definition, question: Question | None, section: Section
) -> list[tuple[str, str]]:
    """Options of choice questions that come before this question (conditions look backwards).
    A new question goes at the end of its section, so every question up to that section counts."""
    order = [s.id for s in definition.sections]
    choices = [("", _("Always show it"))]
    for candidate in definition.questions:
        if question is not None and candidate.id == question.id:
            break
        if question is None and order.index(candidate.section_id) > order.index(section.id):
            break
        if candidate.kind.condition_source:
            for option in candidate.choices:
                choices.append(
                    (
                        f"{candidate.id}:{option['id']}",
                        _("“%(question)s” is answered “%(option)s”", question=candidate.label, option=option["label"]),
                    )
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
    """Copy the form onto the question; refuse changes of meaning once answered (returns the
    refused field's name)."""
    new_options = _options_from(question, form.option_lines() if type_named(form.type.data).has_options else [])
    refused = _refused(question, form, new_options, answered=answered, answered_options=answered_options)
    if refused:
        return refused
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


def _refused(
    question: Question, form: QuestionForm, new_options: list[dict], *, answered: bool, answered_options: set[str]
) -> str | None:
    """The field whose change would alter answers already given (with its error set), if any."""
    if answered and form.type.data != question.type:
        form.type.errors = [_("The type cannot change once organisations have answered this question")]
        return "type"
    kept = {o["id"] for o in new_options}
    removed = [o["label"] for o in question.options or [] if o["id"] not in kept and o["id"] in answered_options]
    if removed:
        form.options.errors = [
            _(
                "Options that organisations have chosen cannot be removed or renamed: %(options)s. "
                "You can add new options.",
                options=", ".join(removed),
            )
        ]
        return "options"
    if answered and question.allow_other and not form.allow_other.data and "other" in answered_options:
        form.allow_other.errors = [_("“Other” cannot be turned off once organisations have chosen it")]
        return "allow_other"
    return None


def _options_from(question: Question, lines: list[str]) -> list[dict]:
    """The options staff listed, one a line: a label already offered (in any case) keeps its id,
    so answers stay attached; a new one gets a new id."""
    existing = {o["label"].lower(): o for o in question.options or []}
    new_options, taken = [], {o["id"] for o in question.options or []}
    for line in lines:
        if line.lower() in existing:
            new_options.append({"id": existing[line.lower()]["id"], "label": line})
        else:
            option_id = svc.option_id_for(line, taken)
            taken.add(option_id)
            new_options.append({"id": option_id, "label": line})
    return new_options


@bp.route("/staff/toolkits/<slug>/sections/<int:section_id>/questions/new", methods=["GET", "POST"])
@staff_required
def staff_new_question(slug: str, section_id: int):
    toolkit = first_or_404(svc.toolkit_at(slug))
    section = child_or_404(Section, section_id, parent=toolkit)
    definition = svc.load_definition(toolkit)
    form = _question_form(definition, None, section)
    if form.validate_on_submit():
        position = len(definition.by_section.get(section.id, [])) + 1
        question = Question(toolkit_id=toolkit.id, section_id=section.id, position=position, options=[])
        _apply_question(question, form, answered=False, answered_options=set())
        db.session.add(question)
        record("toolkit.question_added", toolkit, label=question.label, type=question.type)
        db.session.commit()
        flash(_("Added the question “%(question)s”.", question=question.label), "success")
        return redirect(url_for("toolkits.staff_toolkit", slug=toolkit.slug) + f"#question-{question.id}", code=303)
    return render_template(
        "toolkits/staff/question_form.html", form=form, toolkit=toolkit, section=section, question=None
    )


@bp.route("/staff/toolkits/<slug>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit_question(slug: str, question_id: int):
    toolkit = first_or_404(svc.toolkit_at(slug))
    question = child_or_404(Question, question_id, parent=toolkit)
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
            flash(_("Saved the question “%(question)s”.", question=question.label), "success")
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
    toolkit = first_or_404(svc.toolkit_at(slug))
    question = child_or_404(Question, question_id, parent=toolkit)
    step = ordering.step(direction)
    siblings = svc.load_definition(toolkit).by_section.get(question.section_id, [])
    target = next(q for q in siblings if q.id == question.id)
    index = siblings.index(target) + step
    blocked = 0 <= index < len(siblings) and (
        (step < 0 and target.show_if_question_id == siblings[index].id)
        or (step > 0 and siblings[index].show_if_question_id == target.id)
    )
    moved = not blocked and ordering.move(siblings, target, step)
    db.session.commit()
    message = _move_message(target, step < 0, blocked=blocked, moved=moved)
    return builder_response(toolkit, message, f"#question-{question.id}")


@bp.route("/staff/toolkits/<slug>/questions/<int:question_id>/delete", methods=["POST"])
@staff_required
def staff_delete_question(slug: str, question_id: int):
    toolkit = first_or_404(svc.toolkit_at(slug))
    question = child_or_404(Question, question_id, parent=toolkit)
    if svc.answered_options(question):
        message = _(
            "“%(question)s” cannot be deleted because organisations have answered it. "
            "You can change its wording instead.",
            question=question.label,
        )
        return builder_refusal(toolkit, message)
    label, section_id = question.label, question.section_id
    for dependant in db.session.scalars(select(Question).where(Question.show_if_question_id == question.id)):
        dependant.show_if_question_id, dependant.show_if_option = None, None
    db.session.delete(question)
    db.session.flush()
    ordering.renumber(svc.load_definition(toolkit).by_section.get(section_id, []))
    record("toolkit.question_removed", toolkit, label=label)
    db.session.commit()
    return builder_response(toolkit, _("Deleted the question “%(question)s”.", question=label))


def _move_message(target: Question, up: bool, *, blocked: bool, moved: bool) -> str:
    """What moving a question up or down did, in one whole sentence for each case."""
    label = target.label
    if blocked and up:
        return _(
            "“%(question)s” cannot move up: a conditional question must come after the question it depends on.",
            question=label,
        )
    if blocked:
        return _(
            "“%(question)s” cannot move down: a conditional question must come after the question it depends on.",
            question=label,
        )
    if moved and up:
        return _(
            "Moved “%(question)s” up to number %(position)s in its section.", question=label, position=target.position
        )
    if moved:
        return _(
            "Moved “%(question)s” down to number %(position)s in its section.", question=label, position=target.position
        )
    if up:
        return _("“%(question)s” cannot move up.", question=label)
    return _("“%(question)s” cannot move down.", question=label)
