"""Aggregated results, computed in SQL (GROUP BY), a fixed number of queries whatever the size.

Only submitted responses count. A filter by one of the directory's tags (theme, community,
area) narrows both the responses and the organisations invited.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, column, distinct, func, select, table, union_all
from sqlalchemy.orm import aliased

from app.extensions import db
from app.groups.models import Organisation, Tag, organisation_tags
from app.i18n import _
from app.toolkits.models import OTHER_ID, Answer, Question, Response, Toolkit

FILTER_KINDS = ("theme", "community", "area")
FREE_TEXT_LIMIT = 20  # per question on the results page (it says how many more); the export has them all


@dataclass
class OptionResult:
    id: str
    label: str
    count: int
    percent: int  # of organisations that answered the question
    first: int = 0  # ranking: times ranked first
    borda: int = 0  # ranking: points (top N → N points for 1st … 1 for Nth)
    mean_rank: float | None = None

    @classmethod
    def counted(cls, option_id: str, label: str, count: int, answered: int, **ranks) -> OptionResult:
        """`count` of the `answered` organisations chose it."""
        return cls(option_id, label, count, round(100 * count / answered) if answered else 0, **ranks)

    @property
    def width_class(self) -> str:
        return f"portal-bar--w{min(100, 5 * round(self.percent / 5))}"


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[OptionResult] = field(default_factory=list)
    stats: dict | None = None  # numbers: n, mean, median, min, max
    texts: list[dict] = field(default_factory=list)
    texts_total: int = 0
    statement: str = ""


@dataclass
class Results:
    toolkit: Toolkit
    submitted: int
    drafts: int
    invited: int | None
    not_responded: list  # rows with .name and .slug
    not_responded_total: int
    questions: list[QuestionResult]
    filter_kind: str | None = None
    filter_tag: Tag | list[Tag] | None = None

    @property
    def rate(self) -> int | None:
        if not self.invited:
            return None
        return round(100 * self.submitted / self.invited)


def tag_list(tag) -> list[Tag]:
    """A filter given as one tag, several (combined: all of them) or none."""
    if tag is None:
        return []
    return [t for t in tag if t is not None] if isinstance(tag, list | tuple) else [tag]


def organisations_filter(tag):
    """Organisations carrying every tag of the filter (theme and community and area at once)."""
    tags = tag_list(tag)
    if not tags:
        return None
    if len(tags) == 1:
        return select(organisation_tags.c.organisation_id).where(organisation_tags.c.tag_id == tags[0].id)
    return (
        select(organisation_tags.c.organisation_id)
        .where(organisation_tags.c.tag_id.in_([t.id for t in tags]))
        .group_by(organisation_tags.c.organisation_id)
        .having(func.count(distinct(organisation_tags.c.tag_id)) == len(tags))
    )


def submitted_ids(toolkit: Toolkit, tag=None):
    query = select(Response.id).where(Response.toolkit_id == toolkit.id, Response.status == "submitted")
    orgs = organisations_filter(tag)
    if orgs is not None:
        query = query.where(Response.organisation_id.in_(orgs))
    return query


def _median(histogram: list[tuple[float, int]], n: int) -> float | None:
    """Median from (value, count) pairs in value order: the mean of the values at positions
    (n+1)//2 and (n+2)//2 (1-based), as a sorted list of every answer would give."""
    if not n:
        return None
    wanted = [(n + 1) // 2, (n + 2) // 2]
    found, seen = [], 0
    for value, count in histogram:
        seen += count
        while wanted and wanted[0] <= seen:
            found.append(value)
            wanted.pop(0)
        if not wanted:
            break
    return sum(found) / len(found)


def aggregates(toolkit: Toolkit, questions: list[Question], *, tag: Tag | list[Tag] | None = None,
               include_text: bool = True) -> dict:  # fmt: skip
    """The figures behind the results page, in four GROUP BY queries over the submitted answers,
    each reading only the rows of the question types it is about (covering indexes from migration
    0012_toolkits). Plain data, so it can be cached (see cached_aggregates)."""
    in_responses = Answer.response_id.in_(submitted_ids(toolkit, tag))
    kinds = {q.id: q.kind for q in questions}
    answered = _answered(in_responses, kinds)
    options = _option_counts(in_responses, [qid for qid, kind in kinds.items() if kind.counts_options])
    stats, scale_counts = _number_figures(in_responses, kinds)
    texts, text_totals = _free_texts(in_responses, kinds) if include_text else ({}, {})
    return {
        "answered": answered,
        "options": options,
        "stats": stats,
        "scale_counts": scale_counts,
        "texts": texts,
        "text_totals": text_totals,
    }


def _answered(in_responses, kinds: dict) -> dict[int, int]:
    """Organisations that answered each question: one row per answer for single-row types, so
    count(*); distinct responses only where a response has a row per chosen option."""
    single_ids = [qid for qid, kind in kinds.items() if not kind.multi_row]
    multi_ids = [qid for qid, kind in kinds.items() if kind.multi_row]
    parts = []
    if single_ids:
        parts.append(
            select(Answer.question_id, func.count())
            .where(in_responses, Answer.question_id.in_(single_ids))
            .group_by(Answer.question_id)
        )
    if multi_ids:
        parts.append(
            select(Answer.question_id, func.count(distinct(Answer.response_id)))
            .where(in_responses, Answer.question_id.in_(multi_ids))
            .group_by(Answer.question_id)
        )
    if not parts:
        return {}
    query = parts[0] if len(parts) == 1 else union_all(*parts)
    return {qid: int(n) for qid, n in db.session.execute(query).all()}


def _option_counts(in_responses, choice_ids: list[int]) -> dict[int, dict[str, tuple[int, int, int]]]:
    """question → option → (count, times ranked first, sum of ranks)."""
    options: dict[int, dict[str, tuple[int, int, int]]] = {}
    if not choice_ids:
        return options
    for qid, option_id, count, first, rank_sum in db.session.execute(
        select(
            Answer.question_id,
            Answer.option_id,
            func.count(),
            func.sum(case((Answer.rank == 1, 1), else_=0)),
            func.sum(Answer.rank),
        )
        .where(in_responses, Answer.question_id.in_(choice_ids))
        .group_by(Answer.question_id, Answer.option_id)
    ).all():
        options.setdefault(qid, {})[option_id] = (int(count), int(first or 0), int(rank_sum or 0))
    return options


def _number_figures(in_responses, kinds: dict) -> tuple[dict[int, dict], dict[int, dict[int, int]]]:
    """Numbers and scales: one GROUP BY (question, value) gives the distribution; n, mean, min, max
    and the median follow from those counts (no window over every answer)."""
    number_ids = [qid for qid, kind in kinds.items() if kind.numeric]
    scale_ids = {qid for qid, kind in kinds.items() if kind.counts_points}
    stats: dict[int, dict] = {}
    scale_counts: dict[int, dict[int, int]] = {}
    if not number_ids:
        return stats, scale_counts
    histograms: dict[int, list[tuple[float, int]]] = {}
    for qid, value, count in db.session.execute(
        select(Answer.question_id, Answer.number_value, func.count())
        .where(in_responses, Answer.question_id.in_(number_ids), Answer.number_value.is_not(None))
        .group_by(Answer.question_id, Answer.number_value)
        .order_by(Answer.question_id, Answer.number_value)
    ).all():
        histograms.setdefault(qid, []).append((float(value), int(count)))
        if qid in scale_ids:
            scale_counts.setdefault(qid, {})[int(value)] = int(count)
    for qid, histogram in histograms.items():
        n = sum(c for _v, c in histogram)
        stats[qid] = {
            "n": n,
            "mean": sum(v * c for v, c in histogram) / n,
            "min": histogram[0][0],
            "max": histogram[-1][0],
            "median": _median(histogram, n),
        }
    return stats, scale_counts


def _free_texts(in_responses, kinds: dict) -> tuple[dict[int, list[dict]], dict[int, int]]:
    """Free-text answers and the words typed for "Other": how many per question, and the first
    FREE_TEXT_LIMIT of each with the organisation's name."""
    text_ids = [qid for qid, kind in kinds.items() if kind.free_text]
    other_ids = [qid for qid, kind in kinds.items() if kind.question.allow_other and not kind.free_text]
    if not (text_ids or other_ids):
        return {}, {}
    has_text = and_(Answer.text_value.is_not(None), Answer.text_value != "")
    # Two plain branches rather than one OR: PostgreSQL without fresh statistics (just after a
    # bulk load) planned the OR as a 4-second nested loop.
    count_branches = [
        select(Answer.question_id, func.count())
        .where(in_responses, Answer.question_id.in_(ids), has_text, *extra)
        .group_by(Answer.question_id)
        for ids, extra in ((text_ids, ()), (other_ids, (Answer.option_id == OTHER_ID,)))
        if ids
    ]
    counts = count_branches[0] if len(count_branches) == 1 else union_all(*count_branches)
    text_totals = {qid: int(n) for qid, n in db.session.execute(counts).all()}
    return _first_texts(in_responses, has_text, text_ids, other_ids), text_totals


def _first_texts(in_responses, has_text, text_ids: list[int], other_ids: list[int]) -> dict[int, list[dict]]:
    """The first FREE_TEXT_LIMIT per question: one LIMITed branch per question in a UNION ALL
    (one statement; each branch walks the (question_id, id) index and stops early)."""
    branches = [
        select(Answer.id, Answer.question_id, Answer.response_id, Answer.text_value, Answer.option_id)
        .where(
            Answer.question_id == qid,
            in_responses,
            has_text,
            *([Answer.option_id == OTHER_ID] if qid in other_ids else []),
        )
        .order_by(Answer.id)
        .limit(FREE_TEXT_LIMIT)
        .subquery()
        .select()
        for qid in [*text_ids, *other_ids]
    ]
    first = (branches[0] if len(branches) == 1 else union_all(*branches)).subquery()
    texts: dict[int, list[dict]] = {}
    for qid, text, option_id, organisation in db.session.execute(
        select(first.c.question_id, first.c.text_value, first.c.option_id, Organisation.name)
        .join(Response, Response.id == first.c.response_id)
        .outerjoin(Organisation, Organisation.id == Response.organisation_id)
        .order_by(first.c.question_id, first.c.id)
    ).all():
        texts.setdefault(qid, []).append({"text": text, "organisation": organisation, "other": option_id == OTHER_ID})
    return texts


# Aggregates per process, keyed by what they were computed from. Each request reads the submitted
# responses' count, id sum and latest change (one cheap query on the responses, not the answers):
# a submission, a change to a submitted response, a response deleted or any change to the
# directory (a rename, an organisation joining or leaving a filter's tag) changes that version, so
# the next request recomputes. Staff opening
# the page again between submissions (the usual case, and several staff at once) costs no scan.
# The directory's version (bumped by triggers on any write to organisations or tags, migration
# 0013_directory) is part of it too: free-text answers show their organisation's name, so a group
# that renames itself is shown by its new name at once.
_DIRECTORY_VERSION = (
    select(column("version")).select_from(table("directory_version")).where(column("id") == 1).scalar_subquery()
)
_CACHE: OrderedDict[tuple, tuple[tuple, dict]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 32


def cached_aggregates(toolkit: Toolkit, questions: list[Question], version: tuple, *,
                      tag: Tag | list[Tag] | None = None, include_text: bool = True) -> dict:  # fmt: skip
    # The database and the toolkit's creation time keep apart toolkits that share an id (test databases).
    key = (str(db.engine.url), toolkit.id, str(toolkit.created_at), tuple(sorted(t.id for t in tag_list(tag))),
           include_text, tuple(q.id for q in questions))  # fmt: skip
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == version:
            _CACHE.move_to_end(key)
            return hit[1]
    data = aggregates(toolkit, questions, tag=tag, include_text=include_text)
    with _CACHE_LOCK:
        _CACHE[key] = (version, data)
        _CACHE.move_to_end(key)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return data


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def compute(toolkit: Toolkit, questions: list[Question], *, tag: Tag | list[Tag] | None = None,
            include_text: bool = True) -> Results:  # fmt: skip
    """Everything the results page shows: four queries, plus the aggregates when the submitted
    responses have changed since this process last computed them (see cached_aggregates)."""
    submitted, drafts, id_sum, last_change, directory = db.session.execute(
        select(
            func.count().filter(Response.status == "submitted"),
            func.count().filter(Response.status == "draft"),
            func.sum(Response.id).filter(Response.status == "submitted"),
            func.max(Response.updated_at).filter(Response.status == "submitted"),
            _DIRECTORY_VERSION,
        ).where(
            Response.toolkit_id == toolkit.id,
            *([Response.organisation_id.in_(organisations_filter(tag))] if tag_list(tag) else []),
        )
    ).one()
    version = (int(submitted or 0), int(id_sum or 0), str(last_change), directory)
    figures = cached_aggregates(toolkit, questions, version, tag=tag, include_text=include_text)
    invited, not_responded, not_responded_total = _not_responded(toolkit, tag)
    results = []
    for question in questions:
        result = QuestionResult(question, int(figures["answered"].get(question.id, 0)))
        question.kind.tally(result, figures)
        result.texts = figures["texts"].get(question.id, [])
        result.texts_total = figures["text_totals"].get(question.id, 0)
        results.append(result)
    return Results(toolkit, int(submitted or 0), int(drafts or 0), invited, not_responded, not_responded_total, results)


def _not_responded(toolkit: Toolkit, tag: Tag | list[Tag] | None) -> tuple[int | None, list, int]:
    """Organisations invited, the first 200 that have not submitted (name and slug are all the
    page needs) and how many have not; only toolkits answered once per organisation have these."""
    if toolkit.audience != "organisation":
        return None, [], 0
    responded = select(Response.organisation_id).where(
        Response.toolkit_id == toolkit.id, Response.status == "submitted", Response.organisation_id.is_not(None)
    )
    approved = [Organisation.status == "approved"]
    if tag_list(tag):
        approved.append(Organisation.id.in_(organisations_filter(tag)))
    rows = db.session.execute(
        select(Organisation.name, Organisation.slug, func.count().over().label("total"))
        .where(*approved, Organisation.id.not_in(responded))
        .order_by(Organisation.name)
        .limit(200)
    ).all()
    invited = db.session.scalar(select(func.count()).select_from(Organisation).where(*approved))
    return invited, list(rows), int(rows[0][2]) if rows else 0


def filter_tags() -> dict[str, list[Tag]]:
    tags: dict[str, list[Tag]] = {kind: [] for kind in FILTER_KINDS}
    for tag in db.session.scalars(
        select(Tag).where(Tag.kind.in_(FILTER_KINDS), Tag.retired.is_(False)).order_by(Tag.kind, Tag.name)
    ):
        tags[tag.kind].append(tag)
    return tags


def find_filter_tag(kind: str | None, slug: str | None) -> Tag | None:
    if kind not in FILTER_KINDS or not slug:
        return None
    return db.session.scalar(select(Tag).where(and_(Tag.kind == kind, Tag.slug == slug)))


# --- "You said": published, suppressed -------------------------------------------------------


@dataclass
class PublicCount:
    label: str
    count: int | None  # None = suppressed
    percent: int | None
    width_class: str = ""
    first: int | None = None
    borda: int | None = None


def suppress(results: Results, threshold: int) -> list[dict]:
    """Aggregates safe to publish: free text never; a question answered by fewer organisations
    than `threshold` is left out; any count below it shows as 'fewer than N'."""
    published = []
    for result in results.questions:
        q = result.question
        if not q.kind.publishable or result.answered < threshold:
            continue
        item = {"question": q, "answered": result.answered, "statement": result.statement, "rows": [], "stats": None}
        for option in result.options:
            hidden = option.count < threshold
            item["rows"].append(
                PublicCount(
                    label=option.label,
                    count=None if hidden else option.count,
                    percent=None if hidden else option.percent,
                    width_class="portal-bar--w0" if hidden else option.width_class,
                    first=None if not q.kind.ranked or option.first < threshold else option.first,
                    borda=option.borda if q.kind.ranked else None,
                )
            )
        if q.kind.numeric and result.stats and result.stats["n"] >= threshold:
            item["stats"] = {"n": result.stats["n"], "mean": result.stats["mean"], "median": result.stats["median"]}
        published.append(item)
    return published


def filter_words(tags: list[Tag]) -> str:
    """ "organisations tagged Mental health and Somali" (or "all organisations")."""
    if not tags:
        return _("all organisations")
    names = [t.name for t in tags]
    if len(names) == 1:
        return _("organisations tagged %(tag)s", tag=names[0])
    return _("organisations tagged %(tags)s and %(last)s", tags=", ".join(names[:-1]), last=names[-1])


def crosstab(toolkit: Toolkit, rows: Question, columns: Question, *, tag=None) -> list[list[int]]:
    """Submitted organisations that chose each option of `rows` together with each option of `columns`
    (one GROUP BY over the answers joined to themselves)."""
    other = aliased(Answer)
    found = {
        (a, b): int(n)
        for a, b, n in db.session.execute(
            select(Answer.option_id, other.option_id, func.count(distinct(Answer.response_id)))
            .join(other, other.response_id == Answer.response_id)
            .where(
                Answer.question_id == rows.id,
                other.question_id == columns.id,
                Answer.response_id.in_(submitted_ids(toolkit, tag)),
            )
            .group_by(Answer.option_id, other.option_id)
        ).all()
    }
    return [[found.get((r["id"], c["id"]), 0) for c in columns.choices] for r in rows.choices]
