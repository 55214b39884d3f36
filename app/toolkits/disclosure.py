"""Statistical disclosure control for the published "You said" findings, and their snapshot.

The figures staff publish are taken once, when they publish (a snapshot in `Toolkit.you_said_snapshot`);
new answers do not move them until staff publish again. Each question's figures are protected:

- **Primary suppression**: a count of organisations below the threshold (zero included) is not shown.
- **Secondary suppression**: nor is any figure from which a hidden count could be worked out.
  * One answer per organisation (single choice, yes or no, scale): the counts add up to the number
    who answered, so if one count is hidden, or the hidden ones add up to fewer than the threshold,
    the next smallest is hidden too. A scale's average and middle value are shown only when no
    point of the scale is hidden.
  * Multiple choice: an option is shown only if both the organisations that chose it and those that
    did not are at least the threshold.
  * Ranking: an option's organisations, first places and score together give away how many
    organisations put it at each place and how many did not rank it; the option is shown only if
    every one of those is at least the threshold, and hidden options follow the same rule as above
    for each place (one hidden option, or hidden options whose places add up to fewer than the
    threshold, hide the next lowest-scored option too).
  * Numbers: the count, average and middle value only when enough organisations answered.
  * A question answered by fewer organisations than the threshold is not shown at all.
- **Between snapshots**: publishing again is refused while fewer organisations than the threshold
  have answered or changed their answers since the last snapshot, so comparing two published
  snapshots never isolates fewer than that many organisations.

`protect()` works on plain figures (tested as an attacker would in tests/toolkits/test_disclosure.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import force_locale
from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.i18n import SOURCE, _, _l, ngettext
from app.toolkits import results as results_mod
from app.toolkits.models import Answer, Question, Response, Toolkit
from app.toolkits.question_types.ranking import ranking_sentence, statement_form

SNAPSHOT_VERSION = 1


# --- the figures of one question, as plain data --------------------------------------------


def shape_of(question: Question) -> str:
    kind = question.kind
    if kind.ranked:
        return "ranking"
    if kind.several_answers:
        return "multiple"
    if kind.counts_points:
        return "scale"
    if kind.counts_options:
        return "single"
    return "number" if kind.numeric else "other"


def figures_of(result: results_mod.QuestionResult, rank_cells: dict[str, list[int]]) -> dict:
    """One question's raw figures (before protection) as plain data."""
    q = result.question
    return {
        "question_id": q.id,
        "label": q.label,
        "shape": shape_of(q),
        "answered": result.answered,
        "top": q.effective_rank_top if q.kind.ranked else 0,
        "options": [
            {
                "id": o.id,
                "label": o.label,
                "count": o.count,
                "first": o.first,
                "borda": o.borda,
                "ranks": rank_cells.get(o.id, []),
            }
            for o in result.options
        ],
        "stats": dict(result.stats) if result.stats else None,
    }


# --- protection -----------------------------------------------------------------------------


def protect(figures: dict, threshold: int) -> tuple[dict, list[str]]:
    """The figures safe to publish for one question, and what was held back in plain words."""
    answered, shape = figures["answered"], figures["shape"]
    item = {"question_id": figures["question_id"], "label": figures["label"], "shape": shape,
            "answered": answered, "rows": [], "stats": None, "statement": "", "withheld": False}  # fmt: skip
    if shape == "other" or answered < threshold:
        item.update(answered=None, withheld=True)
        return item, [_("Not shown: fewer than %(num)s organisations answered it.", num=threshold)]
    options = figures["options"]
    if shape in ("single", "scale"):
        hidden = _hide_with_total([o["count"] for o in options], threshold)
    elif shape == "multiple":
        hidden = {i for i, o in enumerate(options) if min(o["count"], answered - o["count"]) < threshold}
    elif shape == "ranking":
        hidden = _hide_ranking(options, answered, figures["top"], threshold)
    else:
        hidden = set()
    item["rows"] = [_row(o, answered, shape, i in hidden) for i, o in enumerate(options)]
    item["stats"] = _stats(figures, shape, hidden)
    if shape == "ranking":
        item["statement_parts"] = _ranking_statement(options, hidden)
        with force_locale(SOURCE.babel):  # the snapshot keeps English; pages say it in the reader's words
            item["statement"] = statement_text(item)
    return item, _reasons(options, hidden, shape, figures, item, threshold)


def _hide_with_total(counts: list[int], threshold: int) -> set[int]:
    """Counts that add up to a published total: hide the small ones, then the next smallest while
    the hidden ones could still be worked out (one alone, or adding up to fewer than the threshold)."""
    hidden = {i for i, c in enumerate(counts) if c < threshold}
    while hidden and (len(hidden) == 1 or sum(counts[i] for i in hidden) < threshold):
        shown = [i for i in range(len(counts)) if i not in hidden]
        if not shown:
            break
        hidden.add(min(shown, key=lambda i: (counts[i], i)))
    return hidden


def rank_cells(option: dict, answered: int, top: int) -> list[int]:
    """How many organisations put the option at each place 1…top, and how many did not rank it."""
    ranks = list(option["ranks"]) + [0] * (top - len(option["ranks"]))
    return [*ranks[:top], answered - option["count"]]


def _hide_ranking(options: list[dict], answered: int, top: int, threshold: int) -> set[int]:
    cells = [rank_cells(o, answered, top) for o in options]
    hidden = {i for i, row in enumerate(cells) if min(row) < threshold}

    def exposed() -> bool:
        columns = range(top + 1)
        return len(hidden) == 1 or any(sum(cells[i][c] for i in hidden) < threshold for c in columns)

    while hidden and exposed():
        shown = [i for i in range(len(options)) if i not in hidden]
        if not shown:
            break
        hidden.add(min(shown, key=lambda i: (options[i]["borda"], i)))
    return hidden


def _row(option: dict, answered: int, shape: str, hidden: bool) -> dict:
    if hidden:
        return {"id": option.get("id", ""), "label": option["label"], "count": None, "percent": None, "first": None,
                "borda": None, "width_class": "portal-bar--w0"}  # fmt: skip
    percent = round(100 * option["count"] / answered) if answered else 0
    ranked = shape == "ranking"
    return {
        "id": option.get("id", ""),
        "label": option["label"],
        "count": option["count"],
        "percent": percent,
        "first": option["first"] if ranked else None,
        "borda": option["borda"] if ranked else None,
        "width_class": f"portal-bar--w{min(100, 5 * round(percent / 5))}",
    }


def _stats(figures: dict, shape: str, hidden: set[int]) -> dict | None:
    stats = figures["stats"]
    if not stats or shape not in ("number", "scale") or (shape == "scale" and hidden):
        return None
    return {"n": stats["n"], "mean": stats["mean"], "median": stats["median"]}


def _ranking_statement(options: list[dict], hidden: set[int]) -> dict | None:
    """The finding (as data for statement_text), only when the two highest-scored options are both shown."""
    order = sorted(range(len(options)), key=lambda i: (-options[i]["borda"], options[i]["label"]))
    if len(order) < 2 or order[0] in hidden or order[1] in hidden or options[order[0]]["borda"] <= 0:
        return None
    first, second = options[order[0]], options[order[1]]
    return {
        "form": statement_form(first["borda"], second["borda"]),
        "first": first["label"],
        "second": second["label"],
    }


# Options every toolkit offers (stored in snapshots in English): shown in the reader's language.
FIXED_LABELS = {"yes": ("Yes", _l("Yes")), "no": ("No", _l("No")), "other": ("Other", _l("Other"))}


def for_reader(item: dict) -> dict:
    """A published question as the "You said" page shows it: the finding's sentence and the fixed
    option names ("Yes", "No", "Other") in the reader's language, the rest as published."""
    rows = []
    for row in item.get("rows", []):
        english, words = FIXED_LABELS.get(row.get("id", ""), (None, None))
        rows.append(row | {"label": str(words)} if english and row["label"] == english else row)
    return item | {"statement": statement_text(item), "rows": rows}


def statement_text(item: dict) -> str:
    """A published question's finding in a whole sentence, in the reader's language (snapshots taken
    before the sentence was kept as data have only the English `statement`)."""
    parts = item.get("statement_parts")
    if not parts:
        return item.get("statement", "")
    return ranking_sentence(parts["form"], parts["first"], parts["second"])


def _reasons(options, hidden, shape, figures, item, threshold: int) -> list[str]:
    if not hidden:
        return []
    names = ", ".join(_("“%(option)s”", option=options[i]["label"]) for i in sorted(hidden))
    if shape == "single":
        why = _(
            "Not shown: %(options)s, because fewer than %(num)s organisations chose some of them, and the others "
            "would let those be worked out from the total.",
            options=names,
            num=threshold,
        )
    elif shape == "scale":
        why = _(
            "Not shown: %(options)s, because fewer than %(num)s organisations chose some points, and the others "
            "would let those be worked out from the total; the average and middle value are not shown either.",
            options=names,
            num=threshold,
        )
    elif shape == "multiple":
        why = _(
            "Not shown: %(options)s, because fewer than %(num)s organisations chose them, or fewer than %(num)s "
            "did not.",
            options=names,
            num=threshold,
        )
    else:
        why = _(
            "Not shown: %(options)s, because fewer than %(num)s organisations put them at some place (or left "
            "them out), and the scores would let that be worked out.",
            options=names,
            num=threshold,
        )
    return [why]


# --- snapshots ------------------------------------------------------------------------------


def ranking_cells(toolkit: Toolkit, questions: list[Question]) -> dict[int, dict[str, list[int]]]:
    """question → option → organisations at each place (one GROUP BY over submitted answers)."""
    ranked = {q.id: q.effective_rank_top for q in questions if q.kind.ranked}
    cells: dict[int, dict[str, list[int]]] = {qid: {} for qid in ranked}
    if not ranked:
        return cells
    for qid, option_id, rank, count in db.session.execute(
        select(Answer.question_id, Answer.option_id, Answer.rank, func.count())
        .where(Answer.response_id.in_(results_mod.submitted_ids(toolkit)), Answer.question_id.in_(list(ranked)))
        .group_by(Answer.question_id, Answer.option_id, Answer.rank)
    ).all():
        row = cells[qid].setdefault(option_id, [0] * ranked[qid])
        if rank and 1 <= rank <= ranked[qid]:
            row[rank - 1] += int(count)
    return cells


def fingerprint(toolkit: Toolkit) -> dict[str, str]:
    """Each submitted response and when it last changed (what a snapshot was taken from)."""
    return {
        str(rid): str(changed)
        for rid, changed in db.session.execute(
            select(Response.id, Response.updated_at).where(
                Response.toolkit_id == toolkit.id, Response.status == "submitted"
            )
        ).all()
    }


def changed_since(previous: dict | None, now: dict[str, str]) -> int:
    """Organisations whose answers are new, changed or gone since `previous` was taken."""
    if not previous:
        return len(now)
    before = previous.get("responses", {})
    return len(set(before) ^ set(now)) + sum(1 for rid in set(before) & set(now) if before[rid] != now[rid])


def may_refresh(previous: dict | None, responses: dict[str, str], threshold: int) -> bool:
    """New figures may be published unless fewer than `threshold` organisations (but some) have
    answered or changed their answers since the last snapshot."""
    return not previous or not 0 < changed_since(previous, responses) < threshold


@dataclass
class Check:
    """What publishing now would show, what it would hold back and why, and whether it may."""

    snapshot: dict
    reasons: dict[int, list[str]]  # question id → plain words
    changed: int  # organisations new or changed since the last snapshot
    blocked: str  # why the figures cannot be refreshed now ("" when they can)

    @property
    def questions(self) -> list[dict]:
        return self.snapshot["questions"]


def check(toolkit: Toolkit, questions: list[Question]) -> Check:
    """The disclosure check staff see before publishing (and the snapshot publishing stores)."""
    threshold = toolkit.suppression_threshold
    with force_locale(SOURCE.babel):  # the snapshot's fixed words ("Yes", "Other") stay English
        results = results_mod.compute(toolkit, questions, include_text=False)
    cells = ranking_cells(toolkit, questions)
    published, reasons = [], {}
    for result in results.questions:
        item, why = protect(figures_of(result, cells.get(result.question.id, {})), threshold)
        published.append(item)
        reasons[result.question.id] = why
    responses = fingerprint(toolkit)
    received = db.session.scalar(
        select(func.max(Response.submitted_at)).where(Response.toolkit_id == toolkit.id, Response.status == "submitted")
    )
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "taken_at": utcnow().isoformat(),
        "received_by": received.isoformat() if received else None,
        "submitted": results.submitted,
        "threshold": threshold,
        "question_ids": [q.id for q in questions],
        "questions": published,
        "responses": responses,
    }
    changed = changed_since(toolkit.you_said_snapshot, responses)
    blocked = ""
    if not may_refresh(toolkit.you_said_snapshot, responses, threshold):
        blocked = ngettext(
            "Only %(num)s organisation has answered or changed their answers since the figures were last "
            "published. Publishing new figures now would let anyone compare the two versions and work out what "
            "it said. The published figures stay as they are until at least %(threshold)s have.",
            "Only %(num)s organisations have answered or changed their answers since the figures were last "
            "published. Publishing new figures now would let anyone compare the two versions and work out what "
            "they said. The published figures stay as they are until at least %(threshold)s have.",
            changed,
            threshold=threshold,
        )
    return Check(snapshot, reasons, changed, blocked)


def received_by(snapshot: dict | None) -> dt.datetime | None:
    value = (snapshot or {}).get("received_by") or (snapshot or {}).get("taken_at")
    return dt.datetime.fromisoformat(value) if value else None


# --- cross-tabulations ----------------------------------------------------------------------


def protect_table(cells: list[list[int]], threshold: int) -> set[tuple[int, int]]:
    """Cells of a cross-tabulation not to show: every count below the threshold (zero included), then,
    in every row and every column, the next smallest while the hidden ones there could be worked out
    from the row's or column's total (one alone, or adding up to fewer than the threshold)."""
    hidden = {(i, j) for i, row in enumerate(cells) for j, count in enumerate(row) if count < threshold}
    width = len(cells[0]) if cells else 0
    lines = [[(i, j) for j in range(width)] for i in range(len(cells))]
    lines += [[(i, j) for i in range(len(cells))] for j in range(width)]
    while any(_hide_next(line, cells, hidden, threshold) for line in lines):
        pass
    return hidden


def _hide_next(line: list[tuple[int, int]], cells: list[list[int]], hidden: set, threshold: int) -> bool:
    """Hide one more cell of a row or column whose hidden cells could still be worked out."""
    inside = [c for c in line if c in hidden]
    if not inside or (len(inside) > 1 and sum(cells[i][j] for i, j in inside) >= threshold):
        return False
    shown = [c for c in line if c not in hidden]
    if not shown:
        return False
    hidden.add(min(shown, key=lambda c: (cells[c[0]][c[1]], c)))
    return True
