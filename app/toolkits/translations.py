"""A toolkit's texts in the members' languages (issue 22): staff translate the title, description,
section titles, question text, hints and option labels; a member whose page language has a
translation answers in it, with anything untranslated shown in English (marked lang="en").

English stays in the definition's own columns; translations are rows of ToolkitTranslation keyed by
(object, field, language). Answers store option ids, never labels, so an answer given in Bengali
and one given in English for the same option are one option on the results page.

`localise(definition, code)` gives the definition as the reader sees it: read-only stand-ins for the
toolkit, its sections and questions that answer the translated text and pass everything else to the
stored row, so the answering code (parsing, co-editing, validation messages) reads the reader's
words without knowing translations exist and nothing translated is ever written back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.audit import record
from app.coedit import merge, started_values, was_name
from app.extensions import db
from app.i18n import LANGUAGES, SOURCE, _, _l
from app.security import sanitize_html
from app.toolkits.models import (
    QUESTION_TYPE_CLASSES,
    TRANSLATION_LANGUAGES,
    Question,
    Section,
    Toolkit,
    ToolkitTranslation,
)
from app.toolkits.question_types.text import has_control_characters
from app.toolkits.services import TRANSLATION_MAX as MAX_LENGTHS
from app.toolkits.services import Definition, _definition

Key = tuple[str, int, str]  # (object type, object id, field)


@dataclass
class Text:
    """One translatable text of a definition: where it lives, its English, and what to call it."""

    object_type: str
    object_id: int
    field: str
    english: str
    name: str  # what the staff editor calls the field ("Question 2", "Option “Housing”")
    rich: bool = False  # sanitised HTML, like the English field
    multiline: bool = False

    @property
    def key(self) -> Key:
        return (self.object_type, self.object_id, self.field)

    @property
    def html_id(self) -> str:
        return f"t-{self.object_type}-{self.object_id}-{self.field.replace(':', '-')}"

    @property
    def max_length(self) -> int:
        return MAX_LENGTHS[self.field.split(":", 1)[0]]


def toolkit_texts(toolkit: Toolkit) -> list[Text]:
    texts = [Text("toolkit", toolkit.id, "title", toolkit.title, _("Title"))]
    if toolkit.description:
        texts.append(Text("toolkit", toolkit.id, "description", toolkit.description, _("Description"), rich=True))
    return texts


def section_texts(section: Section, questions: list[Question]) -> list[Text]:
    texts = [Text("section", section.id, "title", section.title, _("Section title"))]
    if section.description:
        texts.append(
            Text("section", section.id, "description", section.description, _("Section description"), multiline=True)
        )
    for number, question in enumerate(questions, start=1):
        texts.append(Text("question", question.id, "label", question.label, _("Question %(num)s", num=number)))
        if question.hint:
            texts.append(
                Text("question", question.id, "hint", question.hint, _("Hint to question %(num)s", num=number))
            )
        if question.kind.has_options:
            for option in question.options or []:
                texts.append(
                    Text(
                        "question",
                        question.id,
                        f"option:{option['id']}",
                        option["label"],
                        _("Question %(num)s, option “%(option)s”", num=number, option=option["label"]),
                    )
                )
    return texts


def all_texts(definition: Definition) -> list[Text]:
    texts = toolkit_texts(definition.toolkit)
    for section in definition.sections:
        texts.extend(section_texts(section, definition.by_section.get(section.id, [])))
    return texts


def load(toolkit_id: int, language: str) -> dict[Key, str]:
    rows = db.session.execute(
        select(
            ToolkitTranslation.object_type,
            ToolkitTranslation.object_id,
            ToolkitTranslation.field,
            ToolkitTranslation.text,
        ).where(ToolkitTranslation.toolkit_id == toolkit_id, ToolkitTranslation.language == language)
    )
    return {(kind, oid, name): text for kind, oid, name, text in rows}


def progress(definition: Definition) -> list[dict]:
    """Per language: how many of the definition's texts are translated, overall and per section."""
    keys = {t.key for t in all_texts(definition)}
    found: dict[str, set[Key]] = {code: set() for code in TRANSLATION_LANGUAGES}
    for code, kind, oid, name in db.session.execute(
        select(
            ToolkitTranslation.language,
            ToolkitTranslation.object_type,
            ToolkitTranslation.object_id,
            ToolkitTranslation.field,
        ).where(ToolkitTranslation.toolkit_id == definition.toolkit.id)
    ):
        if (kind, oid, name) in keys:
            found[code].add((kind, oid, name))
    parts = [(None, toolkit_texts(definition.toolkit))] + [
        (s, section_texts(s, definition.by_section.get(s.id, []))) for s in definition.sections
    ]
    return [
        {
            "language": LANGUAGES[code],
            "done": len(found[code]),
            "total": len(keys),
            "parts": [
                {"section": section, "done": sum(1 for t in texts if t.key in found[code]), "total": len(texts)}
                for section, texts in parts
            ],
        }
        for code in TRANSLATION_LANGUAGES
    ]


# --- saving (staff) ------------------------------------------------------------------------


def read_form(texts: list[Text], form) -> tuple[dict[Key, str], dict[str, str]]:
    """The posted translations (blank = none, so English shows) and the problems, by field id."""
    values: dict[Key, str] = {}
    errors: dict[str, str] = {}
    for text in texts:
        value = (form.get(text.html_id) or "").strip()
        values[text.key] = value
        if len(value) > text.max_length:
            errors[text.html_id] = _(
                "%(field)s must be %(num)s characters or fewer", field=text.name, num=text.max_length
            )
        elif not (text.rich or text.multiline) and has_control_characters(value):
            errors[text.html_id] = _("%(field)s must not contain line breaks or control characters", field=text.name)
    return values, errors


@dataclass
class Submission:
    """A posted editor form merged with what is stored now (app/coedit.py): what to write, what clashes."""

    values: dict[Key, str]  # what to show in the fields if the form is shown again
    was: dict[str, str]  # by field id: the `__was` each field carries if the form is shown again
    errors: dict[str, str]  # by field id, in page order: bad input and clashes
    conflicts: dict[str, str]  # by field id: the other person's stored text
    to_save: list[Text]  # the texts this person changed, with nobody else's change in between


CONFLICT_MESSAGE = _l("Someone else saved a change to this while you were editing: see their text, then save again")


def submission(texts: list[Text], form, stored: dict[Key, str]) -> Submission:
    """Read the form and merge it with `stored`: only the person's own changes are written; a field
    someone else changed meanwhile is not, and carries the stored value as its `__was` from now on."""
    values, problems = read_form(texts, form)
    by_id = {t.html_id: t for t in texts}
    now = {t.html_id: stored.get(t.key, "") for t in texts}
    merged = merge(now, {t.html_id: values[t.key] for t in texts}, started_values(form, by_id))
    errors = {
        t.html_id: problems.get(t.html_id) or str(CONFLICT_MESSAGE)
        for t in texts
        if t.html_id in problems or t.html_id in merged.conflicts
    }
    was = {name: form.get(was_name(name), now[name]) for name in by_id} | {n: now[n] for n in merged.conflicts}
    to_save = [] if problems else [by_id[name] for name in merged.changes]
    return Submission(values, was, errors, merged.conflicts, to_save)


def save(toolkit: Toolkit, language: str, texts: list[Text], values: dict[Key, str], user) -> int:
    """Store the posted translations; returns how many changed (the caller audits and commits)."""
    existing = {
        (row.object_type, row.object_id, row.field): row
        for row in db.session.scalars(
            select(ToolkitTranslation).where(
                ToolkitTranslation.toolkit_id == toolkit.id, ToolkitTranslation.language == language
            )
        )
    }
    changed = 0
    for text in texts:
        value = values.get(text.key, "")
        if text.rich:
            value = sanitize_html(value)  # exactly as the English description is
        row = existing.get(text.key)
        if not value:
            if row is not None:
                db.session.delete(row)
                changed += 1
        elif row is None:
            db.session.add(
                ToolkitTranslation(
                    toolkit_id=toolkit.id,
                    language=language,
                    object_type=text.object_type,
                    object_id=text.object_id,
                    field=text.field,
                    text=value,
                    updated_by_id=user.id,
                )
            )
            changed += 1
        elif row.text != value:
            row.text, row.updated_by_id = value, user.id
            changed += 1
    if changed:
        record("toolkit.translated", toolkit, language=language, changed=changed, fields=[t.field for t in texts][:50])
    return changed


# --- reading (members) ---------------------------------------------------------------------


class _Localised:
    """A read-only stand-in for a stored row: translated fields, everything else from the row."""

    _fields: tuple[str, ...] = ()

    def __init__(self, row, kind: str, texts: dict[Key, str], rtl: bool = False) -> None:
        self._row = row
        for name in self._fields:
            english = getattr(row, name)
            translated = texts.get((kind, row.id, name))
            setattr(self, name, translated or english)
            # lang="en" marks English shown on a page in another language (screen readers switch voice);
            # on a right-to-left page it also gets dir="ltr" (its full stops and brackets on the right side),
            # as the bulletin archive marks an item in a language of the other direction.
            fallback = not translated and bool(english)
            setattr(self, f"{name}_lang", SOURCE.code if fallback else None)
            setattr(self, f"{name}_dir", SOURCE.direction if fallback and rtl else None)

    def __getattr__(self, name: str):
        return getattr(self._row, name)


class LocalToolkit(_Localised):
    _fields = ("title", "description")


class LocalSection(_Localised):
    _fields = ("title", "description")


class LocalQuestion(_Localised):
    _fields = ("label", "hint")

    def __init__(self, row: Question, kind: str, texts: dict[Key, str], rtl: bool = False) -> None:
        super().__init__(row, kind, texts, rtl)
        options = []
        for option in row.options or []:
            translated = texts.get(("question", row.id, f"option:{option['id']}"))
            label = translated or option["label"]
            fallback = not translated
            options.append(
                {
                    **option,
                    "label": label,
                    "english": option["label"],
                    "lang": SOURCE.code if fallback else None,
                    "dir": SOURCE.direction if fallback and rtl else None,
                }
            )
        self.options = options

    @property
    def kind(self):
        return QUESTION_TYPE_CLASSES[self._row.type](self)

    @property
    def choices(self) -> list[dict]:
        return self.kind.choices

    option_label = Question.option_label


def localise(definition: Definition, code: str) -> Definition:
    """The definition in language `code` (itself for English): texts not translated stay English,
    marked lang="en" (so a screen reader reads them with English rules)."""
    if code not in TRANSLATION_LANGUAGES:
        return definition
    texts = load(definition.toolkit.id, code)
    rtl = LANGUAGES[code].rtl
    toolkit = LocalToolkit(definition.toolkit, "toolkit", texts, rtl)
    sections = [LocalSection(s, "section", texts, rtl) for s in definition.sections]
    questions = [LocalQuestion(q, "question", texts, rtl) for q in definition.questions]
    return _definition(toolkit, sections, questions)  # type: ignore[arg-type]


def local_toolkit(toolkit: Toolkit, code: str):
    """The toolkit's title and description in language `code` (English where untranslated)."""
    if code not in TRANSLATION_LANGUAGES:
        return toolkit
    return LocalToolkit(toolkit, "toolkit", load(toolkit.id, code), LANGUAGES[code].rtl)


def finding_in(item: dict, texts: dict[Key, str]) -> dict:
    """A published "You said" finding (app/toolkits/disclosure.py's snapshot item) with the question and
    option names in the reader's language where translated; the figures are the published ones."""
    if not texts:
        return item
    qid = item.get("question_id")
    names = {}
    rows = []
    for row in item.get("rows", []):
        translated = texts.get(("question", qid, f"option:{row.get('id', '')}"))
        if translated:
            names[row["label"]] = translated
        rows.append(row | {"label": translated} if translated else row)
    found = item | {"label": texts.get(("question", qid, "label")) or item.get("label", ""), "rows": rows}
    parts = item.get("statement_parts")
    if parts:
        found["statement_parts"] = parts | {
            "first": names.get(parts["first"], parts["first"]),
            "second": names.get(parts["second"], parts["second"]),
        }
    return found
