"""Toolkit answers in a signed-in person's "download my data" (issue 19's plug-in point). A shared
response belongs to the organisation; what is the person's own is which answers they saved and when
(the answer history), and the responses they submitted or answered alone."""

from __future__ import annotations

from sqlalchemy import or_, select

from app.extensions import db
from app.personal_data import register_personal_data
from app.toolkits.models import AnswerRevision, Question, Response, Toolkit


def _responses(user) -> list[dict]:
    query = (
        select(Response, Toolkit.title)
        .join(Toolkit, Toolkit.id == Response.toolkit_id)
        .where(or_(Response.user_id == user.id, Response.submitted_by_id == user.id))
        .order_by(Response.id)
    )
    return [
        {
            "toolkit": title,
            "answered": "alone" if response.user_id == user.id else "for your group",
            "status": response.status,
            "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
            "submitted_by_you": response.submitted_by_id == user.id,
        }
        for response, title in db.session.execute(query)
    ]


def _saves(user) -> list[dict]:
    query = (
        select(AnswerRevision, Question.label, Toolkit.title)
        .join(Question, Question.id == AnswerRevision.question_id)
        .join(Response, Response.id == AnswerRevision.response_id)
        .join(Toolkit, Toolkit.id == Response.toolkit_id)
        .where(AnswerRevision.changed_by_id == user.id)
        .order_by(AnswerRevision.id)
    )
    return [
        {"toolkit": title, "question": label, "saved_at": revision.changed_at.isoformat(), "value": revision.new_rows}
        for revision, label, title in db.session.execute(query)
    ]


def _export(user) -> dict:
    return {"responses": _responses(user), "answers_you_saved": _saves(user)}


register_personal_data("toolkit_answers", _export)
