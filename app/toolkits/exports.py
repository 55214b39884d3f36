"""Results as CSV and XLSX, streamed: one row per response, one column per question, multiple
choice as one column per option (ranking: the rank given to each option). Answers are read in
response order in batches (plain column tuples, not ORM objects), so memory stays flat whatever the
number of responses: measured by `python -m bench --toolkit-sizes` as the gunicorn worker's peak RSS
growth while it streams 2,500 responses × 40 questions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterator

from flask import Response as FlaskResponse
from flask import stream_with_context
from sqlalchemy import select

from app.extensions import db
from app.groups.models import Organisation
from app.i18n import _, _l
from app.spreadsheets import XlsxSheet, escape_formula, write_workbook
from app.template_helpers import datetime_format
from app.toolkits import results as results_mod
from app.toolkits import services as svc
from app.toolkits.models import RESPONSE_STATUSES, Answer, Question, Response, Toolkit
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


def _headings(columns: list) -> list[str]:
    """The Answers sheet's column headings (for staff to read; the columns' order is fixed)."""
    return [_("Organisation"), _("Status"), _("Submitted"), _("Last saved"), *[c[0] for c in columns]]


def rows(toolkit: Toolkit, tags: list | None = None, *, drafts: bool = False) -> Iterator[list]:
    """The header, then one list per response: submitted ones (and drafts when asked, the status column
    saying which), of the organisations the filter's tags narrow to. Dates stay dates (typed in XLSX)."""
    questions = svc.load_definition(toolkit).questions
    columns = _columns(questions)
    yield _headings(columns)
    query = (
        select(Response.id, Organisation.name, Response.status, Response.submitted_at, Response.updated_at)
        .outerjoin(Organisation, Organisation.id == Response.organisation_id)
        .where(Response.toolkit_id == toolkit.id)
        .order_by(Response.id)
    )
    if not drafts:
        query = query.where(Response.status == "submitted")
    orgs = results_mod.organisations_filter(tags)
    if orgs is not None:
        query = query.where(Response.organisation_id.in_(orgs))
    responses = db.session.execute(query).all()
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
                name or _("Response %(id)s", id=str(response_id)),
                str(RESPONSE_STATUSES.get(status, status)),
                submitted_at or "",
                updated_at,
                *[kind.export_cell(option, answers.get(kind.question.id, [])) for _heading, kind, option in columns],
            ]
        db.session.expunge_all()


def _safe(value):
    return escape_formula(value) if isinstance(value, str) else value


def _csv_value(value):
    if isinstance(value, dt.datetime):
        return datetime_format(value, "%Y-%m-%d %H:%M")
    return _safe(value)


def scope_words(tags: list | None, drafts: bool) -> str:
    """What an export holds, in words (the XLSX summary sheet and the results page say it)."""
    who = results_mod.filter_words(results_mod.tag_list(tags))
    if drafts:
        return _("Responses of %(who)s; drafts included.", who=who)
    return _("Responses of %(who)s; submitted responses only (drafts left out).", who=who)


def _filename(toolkit: Toolkit, tags: list | None, drafts: bool, extension: str) -> str:
    parts = [toolkit.slug, "responses", *[t.slug for t in results_mod.tag_list(tags)]]
    if drafts:
        parts.append("with-drafts")
    return "-".join(parts) + "." + extension


def csv_response(toolkit: Toolkit, tags: list | None = None, *, drafts: bool = False) -> FlaskResponse:
    def generate():
        yield "\ufeff"
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        for row in rows(toolkit, tags, drafts=drafts):
            writer.writerow([_csv_value(v) for v in row])
            yield out.getvalue()
            out.seek(0)
            out.truncate()

    return FlaskResponse(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename(toolkit, tags, drafts, "csv")}"'},
    )


STAT_WORDS = {
    "mean": _l("Average (mean)"),
    "median": _l("Middle value (median)"),
    "min": _l("Lowest"),
    "max": _l("Highest"),
}


def summary_rows(toolkit: Toolkit, tags: list | None, drafts: bool) -> Iterator[list]:
    """The summary sheet: what the export holds, then each question's figures (submitted responses)."""
    questions = svc.load_definition(toolkit).questions
    results = results_mod.compute(toolkit, questions, tag=results_mod.tag_list(tags), include_text=False)
    yield [_("Question"), _("Answer"), _("Organisations"), _("Per cent")]
    yield [_("What this holds"), scope_words(tags, drafts), "", ""]
    yield [_("Figures below"), _("Submitted responses only"), results.submitted, ""]
    for result in results.questions:
        for option in result.options:
            yield [result.question.label, option.label, option.count, option.percent]
        if result.stats:
            for name, words in STAT_WORDS.items():
                yield [result.question.label, str(words), result.stats[name], ""]
        if not result.options and not result.stats:
            yield [result.question.label, _("Answered by"), result.answered, ""]


def _widths(headings: list[str]) -> list[float]:
    return [min(50.0, max(12.0, len(h) * 0.9 + 2)) for h in headings]


def xlsx_response(toolkit: Toolkit, tags: list | None = None, *, drafts: bool = False) -> FlaskResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the generator
    answers = ([_safe(v) for v in row] for row in rows(toolkit, tags, drafts=drafts))
    headings = _headings(_columns(svc.load_definition(toolkit).questions))
    write_workbook(
        [
            XlsxSheet(_("Answers"), answers, freeze_header=True, autofilter=True,
                      widths=[30.0, 12.0, 18.0, 18.0, *_widths(headings[4:])]),
            XlsxSheet(_("Summary"), ([_safe(v) for v in row] for row in summary_rows(toolkit, tags, drafts)),
                      freeze_header=True, autofilter=True, widths=[50.0, 40.0, 15.0, 10.0]),
        ],
        spool,
    )  # fmt: skip
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
        headers={"Content-Disposition": f'attachment; filename="{_filename(toolkit, tags, drafts, "xlsx")}"'},
    )
