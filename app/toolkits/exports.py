"""Results as CSV and XLSX, streamed: one row per response, one column per question, multiple
choice as one column per option (ranking: the rank given to each option). Answers are read in
response order in batches (plain column tuples, not ORM objects), so memory stays flat whatever the
number of responses: measured by `python -m bench --toolkit-sizes` as the gunicorn worker's peak RSS
growth while it streams 2,500 responses × 40 questions."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator

from flask import Response as FlaskResponse
from flask import stream_with_context
from sqlalchemy import select

from app.extensions import db
from app.groups.models import Organisation
from app.spreadsheets import escape_formula, write_xlsx
from app.template_helpers import datetime_format
from app.toolkits import services as svc
from app.toolkits.models import Answer, Question, Response, Toolkit
from app.toolkits.question_types import QuestionType

BATCH = 250  # responses per answers query: ~14,000 rows at 40 questions, a few MB at most


# Read as tuples with attribute access (same names as Answer's), so no ORM identity map builds up.
ANSWER_COLUMNS = (Answer.response_id, Answer.question_id, Answer.option_id, Answer.rank, Answer.number_value,
                  Answer.text_value, Answer.date_value)  # fmt: skip


def _columns(questions: list[Question]) -> list[tuple[str, QuestionType, str | None]]:
    """(heading, question type, option id or None), in question order; each type says which columns
    it fills and what goes in them."""
    kinds = [q.kind for q in questions]
    return [(heading, kind, option) for kind in kinds for heading, option in kind.export_columns()]


def rows(toolkit: Toolkit) -> Iterator[list]:
    """The header, then one list per response (submitted and drafts; the status column says which)."""
    questions = svc.load_definition(toolkit).questions
    columns = _columns(questions)
    yield ["Organisation", "Status", "Submitted", "Last saved", *[c[0] for c in columns]]
    responses = db.session.execute(
        select(Response.id, Organisation.name, Response.status, Response.submitted_at, Response.updated_at)
        .outerjoin(Organisation, Organisation.id == Response.organisation_id)
        .where(Response.toolkit_id == toolkit.id)
        .order_by(Response.id)
    ).all()
    for start in range(0, len(responses), BATCH):
        chunk = responses[start : start + BATCH]
        ids = [r[0] for r in chunk]
        by_response: dict[int, dict[int, list]] = {i: {} for i in ids}
        for answer in db.session.execute(
            select(*ANSWER_COLUMNS).where(Answer.response_id.in_(ids)).order_by(Answer.id)
        ):
            by_response[answer.response_id].setdefault(answer.question_id, []).append(answer)
        for response_id, name, status, submitted_at, updated_at in chunk:
            answers = by_response[response_id]
            yield [
                name or f"Response {response_id}",
                status,
                datetime_format(submitted_at, "%Y-%m-%d %H:%M") if submitted_at else "",
                datetime_format(updated_at, "%Y-%m-%d %H:%M"),
                *[kind.export_cell(option, answers.get(kind.question.id, [])) for _heading, kind, option in columns],
            ]
        db.session.expunge_all()


def _safe(value):
    return escape_formula(value) if isinstance(value, str) else value


def csv_response(toolkit: Toolkit) -> FlaskResponse:
    def generate():
        yield "\ufeff"
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        for row in rows(toolkit):
            writer.writerow([_safe(v) for v in row])
            yield out.getvalue()
            out.seek(0)
            out.truncate()

    return FlaskResponse(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{toolkit.slug}-responses.csv"'},
    )


def xlsx_response(toolkit: Toolkit) -> FlaskResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the generator
    write_xlsx(([_safe(v) for v in row] for row in rows(toolkit)), spool, "Responses")
    spool.seek(0)

    def generate():
        try:
            while chunk := spool.read(64 * 1024):
                yield chunk
        finally:
            spool.close()

    return FlaskResponse(
        generate(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{toolkit.slug}-responses.xlsx"'},
    )
