"""Co-editing one shared response without losing a word.

Each question's answer in a response has a version (`AnswerState`). A section page carries, for
every question, the version it was drawn with (hidden `version-q<id>`). On save, each question is
judged on its own:

- unchanged by this person (what they post equals what the page showed) → not written back;
- changed, and nobody else wrote it since the page was drawn → written with a conditional UPDATE
  `… SET version = v + 1 WHERE version = v` (an INSERT for the first write), so of two saves racing
  on both SQLite and PostgreSQL exactly one wins and the other is judged again;
- changed by someone else meanwhile: the same value → nothing to do; a multiple-choice question →
  merged (options added and removed by this person applied as a set difference against what the
  page showed); otherwise a **conflict**: nothing is written, the page shows both values and asks
  which to keep (`resolve-q<id>`, with `seen-q<id>` the version the person has now seen).

Every write keeps a revision (who, when, old → new rows), shown on "Check your answers" with
"restore this version". `SectionPresence` says who else has the section open.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.i18n import _
from app.times import clock, to_london
from app.toolkits.models import Answer, AnswerRevision, AnswerState, Question, Response, SectionPresence

ROW_KEYS = ("option_id", "rank", "number_value", "text_value", "date_value")
PRESENCE_MINUTES = 10


# --- answer rows as plain data -------------------------------------------------------------


def row_data(row) -> dict:
    """An answer row (an `Answer` or a parsed dict) as JSON-able data with every key."""
    get = row.get if isinstance(row, dict) else (lambda key: getattr(row, key))
    data = {key: get(key) for key in ROW_KEYS}
    data["option_id"] = data["option_id"] or ""
    if data["number_value"] is not None:
        data["number_value"] = float(data["number_value"])
    if isinstance(data["date_value"], dt.date):
        data["date_value"] = data["date_value"].isoformat()
    return data


def rows_data(rows) -> list[dict]:
    return [row_data(r) for r in rows]


def same(a: list[dict], b: list[dict]) -> bool:
    """Two answers (lists of row data) hold the same value, whatever the row order."""
    key = lambda rows: sorted(json.dumps(r, sort_keys=True) for r in rows)  # noqa: E731
    return key(a) == key(b)


def answer_objects(rows: list[dict]) -> list[Answer]:
    """Unsaved `Answer`s for row data (for a question type's display and form value)."""
    objects = []
    for row in rows:
        values = dict(row)
        if isinstance(values.get("date_value"), str):
            values["date_value"] = dt.date.fromisoformat(values["date_value"])
        objects.append(Answer(**values))
    return objects


def lines(question: Question, rows: list[dict]) -> list[str]:
    return question.kind.display(answer_objects(rows)) if rows else []


# --- state of each answer ------------------------------------------------------------------


@dataclass
class Current:
    """One answer as stored now."""

    version: int
    rows: list[dict]
    changed_at: dt.datetime | None = None
    changed_by_id: int | None = None


def current_answers(response: Response, question_ids: list[int], *, fresh: bool = False) -> dict[int, Current]:
    """Each question's stored rows and version (two queries). `fresh` re-reads past the session's
    identity map (after a conditional UPDATE found another save got there first)."""
    found = {qid: Current(0, []) for qid in question_ids}
    if response.id is None or not question_ids:
        return found
    states = select(AnswerState).where(
        AnswerState.response_id == response.id, AnswerState.question_id.in_(question_ids)
    )
    answers = (
        select(Answer)
        .where(Answer.response_id == response.id, Answer.question_id.in_(question_ids))
        .order_by(Answer.id)
    )
    if fresh:
        states = states.execution_options(populate_existing=True)
        answers = answers.execution_options(populate_existing=True)
    for state in db.session.scalars(states):
        item = found[state.question_id]
        item.version, item.changed_at, item.changed_by_id = state.version, state.changed_at, state.changed_by_id
    for answer in db.session.scalars(answers):
        found[answer.question_id].rows.append(row_data(answer))
    return found


def versions_of(response: Response | None, question_ids: list[int]) -> dict[int, int]:
    if response is None or response.id is None or not question_ids:
        return {}
    return dict(
        db.session.execute(
            select(AnswerState.question_id, AnswerState.version).where(
                AnswerState.response_id == response.id, AnswerState.question_id.in_(question_ids)
            )
        ).all()
    )


def rows_at(response: Response, question_id: int, version: int, current: Current) -> list[dict] | None:
    """The answer as it was at `version` (what a page drawn then showed); None when unknown."""
    if version == current.version:
        return current.rows
    if version == 0:
        first = db.session.scalar(
            select(AnswerRevision.old_rows).where(
                AnswerRevision.response_id == response.id,
                AnswerRevision.question_id == question_id,
                AnswerRevision.version == 1,
            )
        )
        return first if first is not None else []
    return db.session.scalar(
        select(AnswerRevision.new_rows).where(
            AnswerRevision.response_id == response.id,
            AnswerRevision.question_id == question_id,
            AnswerRevision.version == version,
        )
    )


def write(response: Response, question: Question, rows: list[dict], current: Current, user, how: str = "") -> bool:
    """Store `rows` as the next version if the answer is still at `current.version`; False when
    another save got there first (nothing written)."""
    now = utcnow()
    if current.version == 0:
        try:
            with db.session.begin_nested():
                db.session.add(
                    AnswerState(
                        response_id=response.id, question_id=question.id, version=1, changed_at=now,
                        changed_by_id=user.id,
                    )
                )  # fmt: skip
        except IntegrityError:
            return False
    else:
        done = db.session.execute(
            update(AnswerState)
            .where(
                AnswerState.response_id == response.id,
                AnswerState.question_id == question.id,
                AnswerState.version == current.version,
            )
            .values(version=current.version + 1, changed_at=now, changed_by_id=user.id)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:
            return False
    db.session.execute(delete(Answer).where(Answer.response_id == response.id, Answer.question_id == question.id))
    for row in answer_objects(rows):
        row.response_id, row.question_id = response.id, question.id
        db.session.add(row)
    db.session.add(
        AnswerRevision(
            response_id=response.id, question_id=question.id, version=current.version + 1, changed_at=now,
            changed_by_id=user.id, how=how, old_rows=current.rows, new_rows=rows,
        )
    )  # fmt: skip
    return True


# --- judging one question's save -----------------------------------------------------------


@dataclass
class Conflict:
    """Someone else changed this answer while this person was editing it."""

    question: Question
    mine: list[str]
    theirs: list[str]
    by: str
    at: dt.datetime | None
    seen: int  # the version the person has now been shown

    @property
    def message(self) -> str:
        label = self.question.label.strip().rstrip("?.:")
        if self.at:
            return _(
                "%(name)s changed “%(question)s” at %(time)s while you were editing. Choose which answer to keep",
                name=self.by,
                question=label,
                time=clock(to_london(self.at)),
            )
        return _(
            "%(name)s changed “%(question)s” just now while you were editing. Choose which answer to keep",
            name=self.by,
            question=label,
        )


@dataclass
class Outcome:
    """What happened to one question: written (`how` says merged/kept), left, or in conflict."""

    written: bool = False
    how: str = ""
    rows: list[dict] = field(default_factory=list)  # the answer as stored afterwards
    version: int = 0  # the version the page should carry from now on
    conflict: Conflict | None = None


@dataclass
class Posted:
    """One question's posted answer and what the page said about it."""

    rows: list[dict]
    drawn: int | None  # version-q<id>: the version the page was drawn with (None: an old page)
    seen: int | None  # seen-q<id>: the version shown beside a conflict
    resolve: str  # resolve-q<id>: "mine" or "theirs" after a conflict

    @classmethod
    def read(cls, question: Question, form, rows: list[dict]) -> Posted:
        name = question.html_id
        return cls(rows, _int(form.get(f"version-{name}")), _int(form.get(f"seen-{name}")),
                   form.get(f"resolve-{name}", ""))  # fmt: skip


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def judge(response: Response, question: Question, posted: Posted, current: Current, user) -> Outcome:
    """Decide and do one question's save (see the module's docstring); retried once on a race."""
    for _attempt in range(2):
        outcome = _decide(response, question, posted, current, user)
        if outcome.conflict is not None or not outcome.written:
            return outcome
        if write(response, question, outcome.rows, current, user, outcome.how):
            outcome.version = current.version + 1
            return outcome
        current = current_answers(response, [question.id], fresh=True)[question.id]
    return _conflict(question, posted, current)


def _decide(response: Response, question: Question, posted: Posted, current: Current, user) -> Outcome:
    left = Outcome(rows=current.rows, version=current.version)
    if posted.drawn is None:  # a page drawn before versions: write only a real change
        return left if same(posted.rows, current.rows) else Outcome(True, rows=posted.rows)
    original = rows_at(response, question.id, posted.drawn, current)
    if original is not None and same(posted.rows, original):
        return left  # this person did not change it
    if posted.drawn == current.version or current.changed_by_id == user.id:
        return Outcome(True, rows=posted.rows)
    if same(posted.rows, current.rows):
        return left
    if posted.seen == current.version and posted.resolve == "theirs":
        return Outcome(rows=current.rows, version=current.version, how="theirs")
    if posted.seen == current.version and posted.resolve == "mine":
        return Outcome(True, rows=posted.rows)
    if question.kind.several_answers and original is not None:
        return Outcome(True, how="merged", rows=merge(question, original, posted.rows, current.rows))
    return _conflict(question, posted, current)


def _conflict(question: Question, posted: Posted, current: Current) -> Outcome:
    by = db.session.get(User, current.changed_by_id) if current.changed_by_id else None
    conflict = Conflict(
        question, lines(question, posted.rows), lines(question, current.rows), by.name if by else _("Someone"),
        current.changed_at, current.version,
    )  # fmt: skip
    return Outcome(rows=current.rows, version=current.version, conflict=conflict)


def merge(question: Question, original: list[dict], mine: list[dict], theirs: list[dict]) -> list[dict]:
    """Theirs, plus the options this person added, minus those they removed (a row this person
    changed, such as the "Other" words, comes from their answer)."""
    before = {r["option_id"]: r for r in original}
    posted = {r["option_id"]: r for r in mine}
    result = {r["option_id"]: r for r in theirs}
    for option_id in set(before) - set(posted):
        result.pop(option_id, None)
    for option_id, row in posted.items():
        if option_id not in before or row != before[option_id]:
            result[option_id] = row
    order = {o["id"]: i for i, o in enumerate(question.choices)}
    return sorted(result.values(), key=lambda r: order.get(r["option_id"], 999))


# --- history and restoring -----------------------------------------------------------------


@dataclass
class Change:
    revision: AnswerRevision
    by: str
    old: list[str]
    new: list[str]


def history(response: Response | None, questions: dict[int, Question]) -> dict[int, list[Change]]:
    """Each question's saved values, newest first (one query for the revisions, one for names)."""
    if response is None or response.id is None:
        return {}
    revisions = db.session.scalars(
        select(AnswerRevision)
        .where(AnswerRevision.response_id == response.id)
        .order_by(AnswerRevision.question_id, AnswerRevision.version.desc())
    ).all()
    ids = {r.changed_by_id for r in revisions if r.changed_by_id}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    found: dict[int, list[Change]] = {}
    for revision in revisions:
        question = questions.get(revision.question_id)
        if question is None:
            continue
        found.setdefault(question.id, []).append(
            Change(
                revision,
                names.get(revision.changed_by_id) or _("A former member"),
                lines(question, revision.old_rows),
                lines(question, revision.new_rows),
            )
        )
    return found


def restore(response: Response, question: Question, revision: AnswerRevision, user, *, before: bool = False) -> bool:
    """Make an earlier saved value the answer again, as a new version (kept in the history);
    `before`: the value this revision replaced (the oldest change's "From", the original answer)."""
    rows = revision.old_rows if before else revision.new_rows
    current = current_answers(response, [question.id])[question.id]
    if same(rows, current.rows):
        return True
    for _attempt in range(2):
        if write(response, question, rows, current, user, "restored"):
            return True
        current = current_answers(response, [question.id], fresh=True)[question.id]
    return False


# --- who else is here ----------------------------------------------------------------------


def mark_present(response: Response, section_id: int, user) -> None:
    """Note that `user` has this section open now (an UPDATE, or an INSERT the first time)."""
    now = utcnow()
    where = (
        SectionPresence.response_id == response.id,
        SectionPresence.section_id == section_id,
        SectionPresence.user_id == user.id,
    )
    moved = db.session.execute(
        update(SectionPresence).where(*where).values(seen_at=now).execution_options(synchronize_session=False)
    )
    if moved.rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.add(
                SectionPresence(response_id=response.id, section_id=section_id, user_id=user.id, seen_at=now)
            )
    except IntegrityError:
        pass  # the same person in another tab got there first: they are present either way


@dataclass
class Colleague:
    name: str
    seen_at: dt.datetime


def others_present(response: Response | None, section_id: int, user) -> list[Colleague]:
    """Colleagues who had this section open in the last few minutes, most recent first."""
    if response is None or response.id is None:
        return []
    since = utcnow() - dt.timedelta(minutes=PRESENCE_MINUTES)
    rows = db.session.execute(
        select(User.name, SectionPresence.seen_at)
        .join(User, User.id == SectionPresence.user_id)
        .where(
            SectionPresence.response_id == response.id,
            SectionPresence.section_id == section_id,
            SectionPresence.user_id != user.id,
            SectionPresence.seen_at >= since,
        )
        .order_by(SectionPresence.seen_at.desc())
    ).all()
    return [Colleague(name, seen_at) for name, seen_at in rows]


def forget_presence(before: dt.datetime) -> int:
    """Retention: who had which section open is kept for a day at most."""
    return db.session.execute(delete(SectionPresence).where(SectionPresence.seen_at < before)).rowcount or 0


def kept(response: Response, question: Question, posted: Posted, current: Current) -> bool:
    """This person left a question as the page showed it while a colleague has answered it since
    (so an empty required question on their page is not a problem: the answer is there)."""
    if not current.rows or posted.drawn is None:
        return False
    original = rows_at(response, question.id, posted.drawn, current)
    return original is not None and same(posted.rows, original)
