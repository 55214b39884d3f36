"""Toolkit logic shared by routes, CLI, demo data and jobs: who may respond, loading a
definition, saving sections, task-list statuses, submitting, definitions as JSON, cloning."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import Select, and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from app.db import utcnow
from app.extensions import db
from app.groups.models import Membership, Organisation
from app.i18n import _, _l
from app.mail import enqueue
from app.security import sanitize_html
from app.slugs import slugify, unique_slug
from app.toolkits import coediting
from app.toolkits.models import (
    AUDIENCES,
    TRANSLATION_LANGUAGES,
    Answer,
    Question,
    Response,
    Section,
    Toolkit,
    ToolkitTranslation,
)
from app.toolkits.question_types import type_named

SECTION_STATUSES = {
    "not_started": (_l("Not started"), "govuk-tag--blue"),
    "in_progress": (_l("In progress"), "govuk-tag--light-blue"),
    "completed": (_l("Completed"), None),
}


# --- definitions ---------------------------------------------------------------------------


@dataclass
class Definition:
    toolkit: Toolkit
    sections: list[Section]
    questions: list[Question]  # in order: section position, then question position
    by_section: dict[int, list[Question]] = field(default_factory=dict)
    by_id: dict[int, Question] = field(default_factory=dict)

    def section(self, section_id: int) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def next_section(self, section: Section) -> Section | None:
        ids = [s.id for s in self.sections]
        i = ids.index(section.id)
        return self.sections[i + 1] if i + 1 < len(self.sections) else None


def load_definition(toolkit: Toolkit) -> Definition:
    """Sections and questions in two queries."""
    return load_definitions([toolkit])[toolkit.id]


def load_definitions(toolkits: list[Toolkit]) -> dict[int, Definition]:
    """The definitions of several toolkits in one query (sections with their questions)."""
    ids = [t.id for t in toolkits]
    sections: dict[int, list[Section]] = {i: [] for i in ids}
    questions: dict[int, list[Question]] = {i: [] for i in ids}
    if ids:
        rows = db.session.execute(
            select(Section, Question)
            .outerjoin(Question, Question.section_id == Section.id)
            .where(Section.toolkit_id.in_(ids))
            .order_by(Section.position, Section.id)
        )
        _collect(rows, sections, questions)
    return {t.id: _definition(t, sections[t.id], questions[t.id]) for t in toolkits}


def open_definitions(now: dt.datetime | None = None) -> list[Definition]:
    """The toolkits open for answers now (`open_query`'s order) with their sections and questions, in
    one query: the member dashboard's task-list statuses need no more."""
    rows = db.session.execute(
        open_query(now)
        # The toolkit's columns repeat on every question's row: leave out the large published-findings
        # ones, which a task list never reads (raiseload: a later read fails loudly, not quietly slowly).
        .options(defer(Toolkit.you_said_snapshot, raiseload=True), defer(Toolkit.you_said_summary, raiseload=True))
        .add_columns(Section, Question)
        .outerjoin(Section, Section.toolkit_id == Toolkit.id)
        .outerjoin(Question, Question.section_id == Section.id)
        .order_by(Section.position, Section.id)
    ).all()
    toolkits = list(dict.fromkeys(row[0] for row in rows))
    sections: dict[int, list[Section]] = {t.id: [] for t in toolkits}
    questions: dict[int, list[Question]] = {t.id: [] for t in toolkits}
    _collect([row[1:] for row in rows if row[1] is not None], sections, questions)
    return [_definition(t, sections[t.id], questions[t.id]) for t in toolkits]


def _collect(rows, sections: dict[int, list[Section]], questions: dict[int, list[Question]]) -> None:
    """(section, question or None) rows, sections in order, into per-toolkit lists."""
    seen: set[int] = set()
    for section, question in rows:
        if section.id not in seen:
            seen.add(section.id)
            sections[section.toolkit_id].append(section)
        if question is not None:
            questions[section.toolkit_id].append(question)


def _definition(toolkit: Toolkit, sections: list[Section], questions: list[Question]) -> Definition:
    order = {s.id: i for i, s in enumerate(sections)}
    questions = sorted(questions, key=lambda q: (order.get(q.section_id, 0), q.position, q.id))
    definition = Definition(toolkit, sections, questions)
    for section in sections:
        definition.by_section[section.id] = []
    for question in questions:
        definition.by_section.setdefault(question.section_id, []).append(question)
        definition.by_id[question.id] = question
    return definition


def open_condition(now: dt.datetime):
    """SQL twin of Toolkit.is_open(now): published and inside its window."""
    return and_(
        Toolkit.status == "published",
        or_(Toolkit.opens_at.is_(None), Toolkit.opens_at <= now),
        or_(Toolkit.closes_at.is_(None), Toolkit.closes_at > now),
    )


def open_during_condition(start: dt.datetime, end: dt.datetime):
    """Published and open at some moment in [start, end) (not a draft)."""
    return and_(
        Toolkit.status.in_(("published", "closed")),
        or_(Toolkit.opens_at.is_(None), Toolkit.opens_at < end),
        or_(Toolkit.closes_at.is_(None), Toolkit.closes_at > start),
    )


def toolkit_at(slug: str, *, public: bool = False) -> Select:
    """The toolkit a URL's slug names, for first_or_404 (an over-long slug finds nothing);
    `public` pages do not show a draft."""
    query = select(Toolkit).where(Toolkit.slug == slug[:220])
    return query.where(Toolkit.status != "draft") if public else query


def new_slug(title: str) -> str:
    return unique_slug(Toolkit, slugify(title, fallback="group"))


def has_responses(toolkit: Toolkit) -> bool:
    return db.session.scalar(select(Response.id).where(Response.toolkit_id == toolkit.id).limit(1)) is not None


def answered_question_ids(toolkit: Toolkit) -> set[int]:
    return set(
        db.session.scalars(
            select(Answer.question_id).join(Question, Question.id == Answer.question_id)
            .where(Question.toolkit_id == toolkit.id).distinct()
        )
    )  # fmt: skip


def answered_options(question: Question) -> set[str]:
    return set(db.session.scalars(select(Answer.option_id).where(Answer.question_id == question.id).distinct()))


# --- who responds --------------------------------------------------------------------------


def respondable_organisations(user) -> list[Organisation]:
    """The approved organisations `user` belongs to (a member may respond only for these)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id, Organisation.status == "approved")
            .order_by(Organisation.name)
        )
    )


def respondent_key(toolkit: Toolkit, organisation: Organisation | None, user) -> str:
    return f"org:{organisation.id}" if toolkit.audience == "organisation" else f"user:{user.id}"


def find_response(toolkit: Toolkit, key: str) -> Response | None:
    return db.session.scalar(select(Response).where(Response.toolkit_id == toolkit.id, Response.respondent_key == key))


def get_or_create_response(toolkit: Toolkit, organisation: Organisation | None, user) -> Response:
    """The one shared response; two colleagues starting at once both get the same row."""
    key = respondent_key(toolkit, organisation, user)
    response = find_response(toolkit, key)
    if response is not None:
        return response
    response = Response(
        toolkit_id=toolkit.id,
        respondent_key=key,
        organisation_id=organisation.id if organisation and toolkit.audience == "organisation" else None,
        user_id=user.id if toolkit.audience == "individual" else None,
        updated_by_id=user.id,
        saved_sections=[],
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        response = find_response(toolkit, key)
    return response


def can_edit(toolkit: Toolkit, response: Response | None, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    if toolkit.is_open(now):
        return True
    return bool(response and response.reopened_until and response.reopened_until > now and toolkit.status != "draft")


# --- answers and statuses ------------------------------------------------------------------


def answers_of(response: Response | None) -> dict[int, list[Answer]]:
    if response is None or response.id is None:
        return defaultdict(list)
    return answers_for([response])[response.id]


def answers_for(responses, *, keys_only: bool = False) -> dict[int, dict[int, list[Answer]]]:
    """Answers of several responses in one query: response id → question id → rows. With
    `keys_only` the rows carry only question_id and option_id (all `section_statuses` reads), which
    is much cheaper than loading whole answers for a page of statuses."""
    by_response: dict[int, dict[int, list[Answer]]] = {r.id: defaultdict(list) for r in responses if r.id}
    if by_response:
        columns = (Answer.response_id, Answer.question_id, Answer.option_id) if keys_only else (Answer,)
        query = select(*columns).where(Answer.response_id.in_(list(by_response))).order_by(Answer.id)
        rows = db.session.execute(query) if keys_only else db.session.scalars(query)
        for answer in rows:
            by_response[answer.response_id][answer.question_id].append(answer)
    return by_response


def is_visible(question: Question, selected: dict[int, set[str]]) -> bool:
    if not question.show_if_question_id or not question.show_if_option:
        return True
    return question.show_if_option in selected.get(question.show_if_question_id, set())


def _selected(definition: Definition, rows: dict[int, list[Answer]]) -> dict[int, set[str]]:
    return {qid: {a.option_id for a in answers} for qid, answers in rows.items() if qid in definition.by_id}


def section_statuses(
    definition: Definition, response: Response | None, rows: dict[int, list[Answer]]
) -> dict[int, str]:
    selected = _selected(definition, rows)
    saved = set(response.saved_sections or []) if response else set()
    statuses = {}
    for section in definition.sections:
        visible = [q for q in definition.by_section.get(section.id, []) if is_visible(q, selected)]
        answered = [q for q in visible if rows.get(q.id)]
        missing = [q for q in visible if q.required and not rows.get(q.id)]
        if section.id in saved and not missing:
            statuses[section.id] = "completed"
        elif answered or section.id in saved:
            statuses[section.id] = "in_progress"
        else:
            statuses[section.id] = "not_started"
    return statuses


def missing_required(definition: Definition, rows: dict[int, list[Answer]]) -> list[Question]:
    selected = _selected(definition, rows)
    return [q for q in definition.questions if q.required and is_visible(q, selected) and not rows.get(q.id)]


@dataclass
class SaveResult:
    errors: dict[int, str]  # question id -> message
    values: dict[int, object]  # what to show in the form again
    saved: int  # questions written
    conflicts: dict[int, coediting.Conflict] = field(default_factory=dict)  # changed by someone else meanwhile
    versions: dict[int, int] = field(default_factory=dict)  # the version each question's field now carries
    written: list[int] = field(default_factory=list)  # questions written with this person's answer
    refreshed: list[int] = field(default_factory=list)  # now showing a merged or a colleague's answer
    resolved: list[str] = field(default_factory=list)  # what was kept where a conflict was shown, in words


def save_section(
    definition: Definition,
    response: Response,
    section: Section,
    form,
    user,
    *,
    require: bool,
    mark_saved: bool = True,
) -> SaveResult:
    """Store, question by question, the answers this person changed (app/toolkits/coediting.py:
    unchanged ones are not written back, a colleague's change is never overwritten unseen, choices
    merge); keep the stored answer for any that is not acceptable.

    `mark_saved` (the Save buttons, not autosave) lets the task list call the section Completed.

    `require` (and any submitted response) also reports required questions left empty; a
    submitted response never loses a required answer."""
    questions = definition.by_section.get(section.id, [])
    selected = _selected(definition, answers_of(response))
    current = coediting.current_answers(response, [q.id for q in questions])
    result = SaveResult({}, {}, 0)
    enforce_required = require or response.status == "submitted"
    for question in questions:
        _save_question(question, form, response, user, current[question.id], selected, result, enforce_required)
    if result.saved:
        response.updated_at = utcnow()
        response.updated_by_id = user.id
    if mark_saved and section.id not in (response.saved_sections or []):
        response.saved_sections = [*(response.saved_sections or []), section.id]
    db.session.flush()
    return result


def _save_question(question, form, response, user, current, selected, result: SaveResult, enforce: bool) -> None:
    parsed = question.kind.parse(form)
    result.values[question.id] = parsed.value
    posted = coediting.Posted.read(question, form, coediting.rows_data(parsed.rows))
    result.versions[question.id] = posted.drawn if posted.drawn is not None else current.version
    if not parsed.error and question.kind.condition_source:
        selected[question.id] = {r["option_id"] for r in parsed.rows}
    if not is_visible(question, selected):
        if current.rows and coediting.write(response, question, [], current, user, "hidden"):
            result.versions[question.id] = current.version + 1
        return
    problem = _problem(question, parsed, enforce)
    if problem and not (parsed.empty and not parsed.error and coediting.kept(response, question, posted, current)):
        result.errors[question.id] = problem
        return
    outcome = coediting.judge(response, question, posted, current, user)
    _record_outcome(question, posted, outcome, result)
    if question.kind.condition_source:
        selected[question.id] = {r["option_id"] for r in outcome.rows}


def _record_outcome(question, posted, outcome, result: SaveResult) -> None:
    if outcome.conflict is not None:
        result.conflicts[question.id] = outcome.conflict
        return
    if posted.seen is not None and posted.resolve:
        if posted.resolve == "mine":
            result.resolved.append(_("Kept your answer to “%(question)s”.", question=question.label))
        else:
            result.resolved.append(_("Kept your colleague’s answer to “%(question)s”.", question=question.label))
    result.versions[question.id] = outcome.version
    if outcome.written and not outcome.how:
        result.written.append(question.id)
    elif not coediting.same(outcome.rows, posted.rows):
        result.values[question.id] = question.kind.value_from_rows(coediting.answer_objects(outcome.rows))
        result.refreshed.append(question.id)
    result.saved += outcome.written


def _problem(question: Question, parsed, enforce_required: bool) -> str | None:
    """Why a visible question's posted answer is not stored: refused, or required and left empty."""
    if parsed.error:
        return parsed.error
    if parsed.empty and question.required and enforce_required:
        return question.kind.required_message()
    return None


def _delete_answers(response: Response, question: Question) -> None:
    db.session.execute(delete(Answer).where(Answer.response_id == response.id, Answer.question_id == question.id))


def submit(definition: Definition, response: Response, user) -> list[Question]:
    """Submit (or re-submit changes). Returns the required questions still unanswered."""
    rows = answers_of(response)
    missing = missing_required(definition, rows)
    if missing:
        return missing
    first = response.status != "submitted"
    response.status = "submitted"
    response.submitted_at = utcnow()
    response.submitted_by_id = user.id
    response.updated_at = utcnow()
    response.updated_by_id = user.id
    copy = answer_copy(definition, rows)
    toolkit = definition.toolkit
    organisation = db.session.get(Organisation, response.organisation_id) if response.organisation_id else None
    enqueue(
        "toolkit_submitted",
        to=user.email,
        subject=_l("Your answers: %(title)s", title=toolkit.title)
        if first
        else _l("Your changed answers: %(title)s", title=toolkit.title),
        toolkit=toolkit,
        organisation=organisation,
        user=user,
        first=first,
        copy=copy,
        link=url_for(
            "toolkits.respond", slug=toolkit.slug, org=organisation.id if organisation else None, _external=True
        ),
    )
    return []


def answer_copy(definition: Definition, rows: dict[int, list[Answer]]) -> list[dict]:
    """Sections with their visible questions and answers as text (e-mail copy, check answers)."""
    selected = _selected(definition, rows)
    copy = []
    for section in definition.sections:
        items = []
        for question in definition.by_section.get(section.id, []):
            if not is_visible(question, selected):
                continue
            items.append({"question": question, "lines": question.kind.display(rows.get(question.id, []))})
        copy.append({"section": section, "items": items})
    return copy


# --- definitions as JSON, cloning, templates -----------------------------------------------

EXPORT_VERSION = 1


def definition_to_json(definition: Definition) -> dict:
    toolkit = definition.toolkit
    ref = {q.id: f"s{si + 1}q{qi + 1}" for si, s in enumerate(definition.sections)
           for qi, q in enumerate(definition.by_section.get(s.id, []))}  # fmt: skip
    texts = translations_of(toolkit.id)
    return {
        "format": "portal-toolkit",
        "version": EXPORT_VERSION,
        "title": toolkit.title,
        "description": toolkit.description,
        "audience": toolkit.audience,
        "suppression_threshold": toolkit.suppression_threshold,
        "translations": texts.get(("toolkit", toolkit.id), {}),
        "sections": [
            {
                "title": s.title,
                "description": s.description,
                "translations": texts.get(("section", s.id), {}),
                "questions": [
                    {
                        "ref": ref[q.id],
                        "type": q.type,
                        "label": q.label,
                        "hint": q.hint,
                        "required": q.required,
                        "options": q.options or [],
                        "min_value": q.min_value,
                        "max_value": q.max_value,
                        "allow_other": q.allow_other,
                        "rank_top": q.rank_top,
                        "scale_min_label": q.scale_min_label,
                        "scale_max_label": q.scale_max_label,
                        "show_if": (
                            {"question": ref.get(q.show_if_question_id), "option": q.show_if_option}
                            if q.show_if_question_id and ref.get(q.show_if_question_id)
                            else None
                        ),
                        "translations": texts.get(("question", q.id), {}),
                    }
                    for q in definition.by_section.get(s.id, [])
                ],
            }
            for s in definition.sections
        ],
    }


class DefinitionError(ValueError):
    pass


def _check_definition(data: object) -> None:
    _check_heading(data)
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        raise DefinitionError(_("The definition has no sections"))
    refs: dict[str, dict] = {}
    for s_number, section in enumerate(sections, start=1):
        if not isinstance(section, dict) or not isinstance(section.get("title"), str) or not section["title"].strip():
            raise DefinitionError(_("Section %(section)s needs a title", section=s_number))
        questions = section.get("questions") or []
        if not isinstance(questions, list):
            raise DefinitionError(_("Section %(section)s: questions must be a list", section=s_number))
        for q_number, q in enumerate(questions, start=1):
            _check_question(
                q, _("Section %(section)s, question %(question)s", section=s_number, question=q_number), refs
            )
            if isinstance(q.get("ref"), str):
                refs[q["ref"]] = q


def _check_heading(data: object) -> None:
    if not isinstance(data, dict) or data.get("format") != "portal-toolkit":
        raise DefinitionError(_("The file is not a toolkit definition exported from this portal"))
    if not isinstance(data.get("title"), str) or not data["title"].strip() or len(data["title"]) > 200:
        raise DefinitionError(_("The definition needs a title of 200 characters or fewer"))
    if data.get("audience", "organisation") not in AUDIENCES:
        raise DefinitionError(_("The definition's audience must be organisation or individual"))


def _check_question(q: object, where: str, refs: dict[str, dict]) -> None:
    """One question of a definition; `refs` are the earlier questions a condition may name."""
    kind = type_named(q.get("type")) if isinstance(q, dict) else None
    if kind is None:
        raise DefinitionError(_("%(where)s: unknown question type", where=where))
    if not isinstance(q.get("label"), str) or not q["label"].strip() or len(q["label"]) > 500:
        raise DefinitionError(_("%(where)s: the question needs wording of 500 characters or fewer", where=where))
    _check_options(q.get("options") or [], where, needed=kind.has_options)
    for key in ("min_value", "max_value"):
        if q.get(key) is not None and not isinstance(q[key], int | float):
            raise DefinitionError(_("%(where)s: %(key)s must be a number", where=where, key=key))
    if q.get("rank_top") is not None and not isinstance(q["rank_top"], int):
        raise DefinitionError(_("%(where)s: rank_top must be a whole number", where=where))
    if q.get("show_if"):
        _check_condition(q["show_if"], where, refs)


def _check_options(options: object, where: str, *, needed: bool) -> None:
    if not isinstance(options, list) or any(
        not isinstance(o, dict) or not isinstance(o.get("id"), str) or not isinstance(o.get("label"), str)
        for o in options
    ):
        raise DefinitionError(_("%(where)s: options must each have an id and a label", where=where))
    if len({o["id"] for o in options}) != len(options):
        raise DefinitionError(_("%(where)s: two options share an id", where=where))
    if needed and not options:
        raise DefinitionError(_("%(where)s: a choice question needs options", where=where))


def _check_condition(show_if: object, where: str, refs: dict[str, dict]) -> None:
    parent = refs.get(show_if.get("question")) if isinstance(show_if, dict) else None
    if parent is None:
        raise DefinitionError(_("%(where)s: the condition must name an earlier question", where=where))
    # The options a type always offers (yes and no) besides those the definition lists.
    offered = Question(type=parent["type"], options=[], allow_other=False).choices
    parent_options = {o["id"] for o in parent.get("options") or []} | {o["id"] for o in offered}
    if not type_named(parent["type"]).condition_source or show_if.get("option") not in parent_options:
        raise DefinitionError(
            _("%(where)s: the condition must name an option of an earlier choice question", where=where)
        )


def toolkit_from_json(data: object, *, title: str | None = None) -> Toolkit:
    """Create a draft toolkit from an exported definition (checked first; nothing half-made)."""
    _check_definition(data)
    toolkit = Toolkit(
        title=title or data["title"].strip(),
        description=sanitize_html(data.get("description") if isinstance(data.get("description"), str) else ""),
        audience=data.get("audience", "organisation"),
        status="draft",
        suppression_threshold=int(data.get("suppression_threshold") or 5),
        you_said_question_ids=[],
    )
    toolkit.slug = new_slug(toolkit.title)
    db.session.add(toolkit)
    db.session.flush()
    add_translations(toolkit, "toolkit", toolkit.id, data.get("translations"))
    by_ref: dict[str, Question] = {}
    for s_pos, s in enumerate(data["sections"], start=1):
        section = Section(toolkit_id=toolkit.id, position=s_pos, title=s["title"].strip()[:200],
                          description=s.get("description") or "")  # fmt: skip
        db.session.add(section)
        db.session.flush()
        add_translations(toolkit, "section", section.id, s.get("translations"))
        for q_pos, q in enumerate(s.get("questions") or [], start=1):
            question = Question(
                toolkit_id=toolkit.id,
                section_id=section.id,
                position=q_pos,
                type=q["type"],
                label=q["label"].strip(),
                hint=q.get("hint") or "",
                required=bool(q.get("required")),
                options=[{"id": o["id"][:80], "label": o["label"][:200]} for o in q.get("options") or []],
                min_value=q.get("min_value"),
                max_value=q.get("max_value"),
                allow_other=bool(q.get("allow_other")),
                rank_top=q.get("rank_top"),
                scale_min_label=(q.get("scale_min_label") or "")[:100],
                scale_max_label=(q.get("scale_max_label") or "")[:100],
            )
            show_if = q.get("show_if")
            if show_if:
                parent = by_ref[show_if["question"]]
                question.show_if_question_id = parent.id
                question.show_if_option = show_if["option"]
            db.session.add(question)
            db.session.flush()
            add_translations(toolkit, "question", question.id, q.get("translations"), question.options)
            if isinstance(q.get("ref"), str):
                by_ref[q["ref"]] = question
    return toolkit


# Translations in a definition (app/toolkits/translations.py): on the toolkit, each section and each
# question, {"bn": {"title": …}} / {"bn": {"label": …, "hint": …, "options": {"<option id>": …}}}.
TRANSLATED_FIELDS = {"toolkit": ("title", "description"), "section": ("title", "description"),
                     "question": ("label", "hint")}  # fmt: skip
TRANSLATION_MAX = {"title": 200, "label": 500, "hint": 2000, "description": 10000, "option": 200}


def translations_of(toolkit_id: int) -> dict[tuple[str, int], dict[str, dict]]:
    """A toolkit's translations as a definition holds them, by (object type, object id)."""
    found: dict[tuple[str, int], dict[str, dict]] = {}
    rows = db.session.scalars(
        select(ToolkitTranslation)
        .where(ToolkitTranslation.toolkit_id == toolkit_id)
        .order_by(ToolkitTranslation.language, ToolkitTranslation.id)
    )
    for row in rows:
        entry = found.setdefault((row.object_type, row.object_id), {}).setdefault(row.language, {})
        if row.field.startswith("option:"):
            entry.setdefault("options", {})[row.field.split(":", 1)[1]] = row.text
        else:
            entry[row.field] = row.text
    return found


def add_translations(toolkit: Toolkit, kind: str, object_id: int, data: object, options=None) -> None:
    """Store the translations a definition gives one object; anything malformed, in a language the
    portal does not translate into, or for an option the question does not have is left out."""
    if not isinstance(data, dict):
        return
    for language, entry in data.items():
        if language not in TRANSLATION_LANGUAGES or not isinstance(entry, dict):
            continue
        for name, text in _translated_texts(kind, entry, options).items():
            text = text.strip()[: TRANSLATION_MAX[name.split(":", 1)[0]]]
            if kind == "toolkit" and name == "description":
                text = sanitize_html(text)
            db.session.add(ToolkitTranslation(toolkit_id=toolkit.id, language=language, object_type=kind,
                                              object_id=object_id, field=name, text=text))  # fmt: skip


def _translated_texts(kind: str, entry: dict, options) -> dict[str, str]:
    """{field: text} of one language's entry: the object's fields, and "option:<id>" for each option."""
    texts = {name: entry.get(name) for name in TRANSLATED_FIELDS[kind]}
    option_ids = {o["id"] for o in options or []}
    if kind == "question" and isinstance(entry.get("options"), dict):
        texts |= {f"option:{oid}": text for oid, text in entry["options"].items() if oid in option_ids}
    return {name: text for name, text in texts.items() if isinstance(text, str) and text.strip()}


def clone(toolkit: Toolkit) -> Toolkit:
    """A draft copy for the next round: same questions and option ids, no dates, no responses."""
    data = definition_to_json(load_definition(toolkit))
    copy = toolkit_from_json(data, title=f"{toolkit.title} (copy)")
    copy.cloned_from_id = toolkit.id
    return copy


def option_id_for(label: str, taken: set[str]) -> str:
    base = slugify(label, max_length=60, fallback="group") if label else "option"
    candidate, n = base, 2
    while candidate in taken or candidate == "other":
        candidate = f"{base}-{n}"
        n += 1
    return candidate


# --- what a member has to do (home page and member dashboard) -------------------------------

TASK_STATUSES = {
    "not_started": (_l("Not started"), "govuk-tag--blue"),
    "in_progress": (_l("In progress"), "govuk-tag--light-blue"),
    "completed": (_l("Completed"), "govuk-tag--turquoise"),
    "submitted": (_l("Submitted"), "govuk-tag--green"),
}


def open_query(now: dt.datetime | None = None):
    """Toolkits open for answers now (`open_condition`), closing soonest first."""
    return (
        select(Toolkit)
        .where(open_condition(now or utcnow()))
        .order_by(Toolkit.closes_at.is_(None), Toolkit.closes_at, Toolkit.id)
    )


def published_findings_query():
    """Toolkits whose "You said" findings are published, newest first."""
    return (
        select(Toolkit)
        .where(Toolkit.status != "draft", Toolkit.you_said_published_at.is_not(None))
        .order_by(Toolkit.you_said_published_at.desc(), Toolkit.id.desc())
    )


@dataclass
class Progress:
    toolkit: Toolkit
    response: Response | None
    status: str  # a TASK_STATUSES key
    sections_completed: int
    sections_total: int

    @property
    def label(self) -> str:
        return TASK_STATUSES[self.status][0]

    @property
    def tag_class(self) -> str:
        return TASK_STATUSES[self.status][1]


def progress_for(
    toolkits: list[Toolkit], organisation: Organisation | None, user, definitions: list[Definition] | None = None
) -> list[Progress]:
    """Each toolkit's task-list status for `organisation` (or the user, for individual toolkits):
    Submitted; Completed (every section completed, not yet submitted); In progress; Not started.
    Sections are judged by `section_statuses`, as on the task list. Two queries however many
    toolkits (responses with their answers' keys; the definitions, unless given)."""
    if not toolkits:
        return []
    keys = {t.id: respondent_key(t, organisation, user) for t in toolkits}
    responses, rows = _responses_with_answer_keys(keys)
    by_toolkit = {d.toolkit.id: d for d in definitions} if definitions else load_definitions(toolkits)
    progress = []
    for toolkit in toolkits:
        response = responses.get(toolkit.id)
        definition = by_toolkit[toolkit.id]
        statuses = section_statuses(definition, response, rows.get(response.id, {}) if response else {})
        done = sum(1 for s in statuses.values() if s == "completed")
        progress.append(Progress(toolkit, response, _task_status(response, statuses, done), done, len(statuses)))
    return progress


def _responses_with_answer_keys(keys: dict[int, str]) -> tuple[dict[int, Response], dict[int, dict[int, list]]]:
    """The responses for {toolkit id: respondent key} with each answer's (question_id, option_id), in one
    query (an outer join: a response with no answers yet still counts)."""
    responses: dict[int, Response] = {}
    rows: dict[int, dict[int, list]] = {}
    found = db.session.execute(
        select(Response, Answer.response_id, Answer.question_id, Answer.option_id)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.toolkit_id.in_(list(keys)), Response.respondent_key.in_(set(keys.values())))
        .order_by(Answer.id)
    )
    for response, response_id, question_id, option_id in found:
        if keys[response.toolkit_id] != response.respondent_key:
            continue
        responses[response.toolkit_id] = response
        answers = rows.setdefault(response.id, defaultdict(list))
        if response_id is not None:
            answers[question_id].append(_AnswerKey(response_id, question_id, option_id))
    return responses, rows


@dataclass(frozen=True)
class _AnswerKey:
    """What `section_statuses` reads of an answer (as `answers_for(keys_only=True)` gives)."""

    response_id: int
    question_id: int
    option_id: str


def _task_status(response: Response | None, statuses: dict[int, str], done: int) -> str:
    if response is not None and response.status == "submitted":
        return "submitted"
    if statuses and done == len(statuses):
        return "completed"
    if response is not None and (done or any(s != "not_started" for s in statuses.values())):
        return "in_progress"
    return "not_started"


def estimated_minutes(definition: Definition) -> int:
    """About how long the toolkit takes to answer: each question type's time, summed and rounded up
    to the next 5 minutes (at least 5). Shown on the toolkit's page and in the reminder e-mail."""
    seconds = sum(q.kind.answer_seconds for q in definition.questions)
    return max(5, -(-seconds // 300) * 5)
