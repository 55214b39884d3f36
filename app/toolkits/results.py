"""Aggregated results, computed in SQL (GROUP BY), a fixed number of queries whatever the size.

Only submitted responses count. A filter by one of the directory's tags (theme, community,
area) narrows both the responses and the organisations invited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, case, distinct, func, select

from app.extensions import db
from app.groups.models import Organisation, Tag, organisation_tags
from app.toolkits.models import CHOICE_TYPES, OTHER_ID, TEXT_TYPES, Answer, Question, Response, Toolkit

FILTER_KINDS = ("theme", "community", "area")
FREE_TEXT_LIMIT = 50  # per question on the results page; the export has them all


@dataclass
class OptionResult:
    id: str
    label: str
    count: int
    percent: int  # of organisations that answered the question
    first: int = 0  # ranking: times ranked first
    borda: int = 0  # ranking: points (top N → N points for 1st … 1 for Nth)
    mean_rank: float | None = None

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
    not_responded: list[Organisation]
    not_responded_total: int
    questions: list[QuestionResult]
    filter_kind: str | None = None
    filter_tag: Tag | None = None

    @property
    def rate(self) -> int | None:
        if not self.invited:
            return None
        return round(100 * self.submitted / self.invited)


def _org_filter(tag: Tag | None):
    if tag is None:
        return None
    return select(organisation_tags.c.organisation_id).where(organisation_tags.c.tag_id == tag.id)


def submitted_ids(toolkit: Toolkit, tag: Tag | None = None):
    query = select(Response.id).where(Response.toolkit_id == toolkit.id, Response.status == "submitted")
    orgs = _org_filter(tag)
    if orgs is not None:
        query = query.where(Response.organisation_id.in_(orgs))
    return query


def ranking_statement(options: list[OptionResult]) -> str:
    ranked = [o for o in options if o.borda > 0]
    if not ranked:
        return ""
    first = ranked[0]
    if len(ranked) == 1:
        return f"{first.label} was ranked first."
    second = ranked[1]
    if second.borda == first.borda:
        return f"{first.label} and {second.label} were ranked equal first."
    closeness = "closely followed by" if second.borda >= 0.8 * first.borda else "followed by"
    return f"{first.label} was ranked first, {closeness} {second.label}."


def compute(toolkit: Toolkit, questions: list[Question], *, tag: Tag | None = None,
            include_text: bool = True) -> Results:  # fmt: skip
    """Everything the results page shows, in eight queries."""
    responses = submitted_ids(toolkit, tag)
    in_responses = Answer.response_id.in_(responses)
    question_ids = [q.id for q in questions]

    answered = dict(
        db.session.execute(
            select(Answer.question_id, func.count(distinct(Answer.response_id)))
            .where(in_responses, Answer.question_id.in_(question_ids))
            .group_by(Answer.question_id)
        ).all()
    )

    option_rows = db.session.execute(
        select(
            Answer.question_id,
            Answer.option_id,
            func.count(),
            func.sum(case((Answer.rank == 1, 1), else_=0)),
            func.sum(Answer.rank),
        )
        .where(in_responses, Answer.question_id.in_(question_ids), Answer.option_id != "")
        .group_by(Answer.question_id, Answer.option_id)
    ).all()
    options: dict[int, dict[str, tuple[int, int, int]]] = {}
    for qid, option_id, count, first, rank_sum in option_rows:
        options.setdefault(qid, {})[option_id] = (int(count), int(first or 0), int(rank_sum or 0))

    # Numbers and scales: n, mean, min, max and the median in one pass. The median is the mean of
    # the middle row(s) by ROW_NUMBER(), which SQLite (3.25+) and PostgreSQL both run.
    ordered = (
        select(
            Answer.question_id.label("qid"),
            Answer.number_value.label("v"),
            func.row_number().over(partition_by=Answer.question_id, order_by=Answer.number_value).label("rn"),
            func.count().over(partition_by=Answer.question_id).label("c"),
        )
        .where(in_responses, Answer.question_id.in_(question_ids), Answer.number_value.is_not(None))
        .subquery()
    )
    middle = ordered.c.rn.in_([(ordered.c.c + 1) // 2, (ordered.c.c + 2) // 2])
    stats = {
        qid: {"n": int(n), "mean": mean, "min": low, "max": high, "median": median}
        for qid, n, mean, low, high, median in db.session.execute(
            select(
                ordered.c.qid,
                func.count(),
                func.avg(ordered.c.v),
                func.min(ordered.c.v),
                func.max(ordered.c.v),
                func.avg(case((middle, ordered.c.v))),
            ).group_by(ordered.c.qid)
        ).all()
    }
    scale_ids = [q.id for q in questions if q.type == "scale"]
    scale_counts: dict[int, dict[int, int]] = {}
    if scale_ids:
        for qid, value, count in db.session.execute(
            select(Answer.question_id, Answer.number_value, func.count())
            .where(in_responses, Answer.question_id.in_(scale_ids))
            .group_by(Answer.question_id, Answer.number_value)
        ).all():
            scale_counts.setdefault(qid, {})[int(value)] = int(count)

    texts: dict[int, list[dict]] = {}
    text_totals: dict[int, int] = {}
    text_ids = [q.id for q in questions if q.type in TEXT_TYPES or q.allow_other]
    if include_text and text_ids:
        numbered = (
            select(
                Answer.question_id.label("qid"),
                Answer.text_value.label("text"),
                Answer.option_id.label("option_id"),
                Organisation.name.label("organisation"),
                func.row_number().over(partition_by=Answer.question_id, order_by=Answer.id).label("rn"),
                func.count().over(partition_by=Answer.question_id).label("total"),
            )
            .join(Response, Response.id == Answer.response_id)
            .outerjoin(Organisation, Organisation.id == Response.organisation_id)
            .where(
                in_responses,
                Answer.question_id.in_(text_ids),
                Answer.text_value.is_not(None),
                Answer.text_value != "",
            )
            .subquery()
        )
        for qid, text, option_id, organisation, _rn, total in db.session.execute(
            select(numbered).where(numbered.c.rn <= FREE_TEXT_LIMIT).order_by(numbered.c.qid, numbered.c.rn)
        ).all():
            texts.setdefault(qid, []).append(
                {"text": text, "organisation": organisation, "other": option_id == OTHER_ID}
            )
            text_totals[qid] = int(total)

    submitted, drafts = db.session.execute(
        select(
            func.count().filter(Response.status == "submitted"),
            func.count().filter(Response.status == "draft"),
        ).where(
            Response.toolkit_id == toolkit.id,
            *([Response.organisation_id.in_(_org_filter(tag))] if tag is not None else []),
        )
    ).one()

    invited = None
    not_responded: list[Organisation] = []
    not_responded_total = 0
    if toolkit.audience == "organisation":
        responded = select(Response.organisation_id).where(
            Response.toolkit_id == toolkit.id, Response.status == "submitted", Response.organisation_id.is_not(None)
        )
        approved = [Organisation.status == "approved"]
        if tag is not None:
            approved.append(Organisation.id.in_(_org_filter(tag)))
        rows = db.session.execute(
            select(Organisation, func.count().over().label("total"))
            .where(*approved, Organisation.id.not_in(responded))
            .order_by(Organisation.name)
            .limit(200)
        ).all()
        not_responded = [row[0] for row in rows]
        not_responded_total = int(rows[0][1]) if rows else 0
        invited = db.session.scalar(select(func.count()).select_from(Organisation).where(*approved))

    results = []
    for question in questions:
        n = int(answered.get(question.id, 0))
        result = QuestionResult(question, n)
        if question.type in CHOICE_TYPES or question.type == "yes_no":
            found = options.get(question.id, {})
            choices = question.options if question.type == "ranking" else question.choices
            top = question.effective_rank_top
            for option in choices:
                count, first, rank_sum = found.get(option["id"], (0, 0, 0))
                opt = OptionResult(option["id"], option["label"], count, round(100 * count / n) if n else 0)
                if question.type == "ranking":
                    opt.first = first
                    opt.borda = count * (top + 1) - rank_sum
                    opt.mean_rank = rank_sum / count if count else None
                result.options.append(opt)
            if question.type == "ranking":
                result.options.sort(key=lambda o: (-o.borda, -o.first, o.label))
                result.statement = ranking_statement(result.options)
        elif question.type == "scale":
            found = scale_counts.get(question.id, {})
            for point in range(1, 6):
                label = str(point)
                if point == 1 and question.scale_min_label:
                    label = f"1 – {question.scale_min_label}"
                if point == 5 and question.scale_max_label:
                    label = f"5 – {question.scale_max_label}"
                count = found.get(point, 0)
                result.options.append(OptionResult(str(point), label, count, round(100 * count / n) if n else 0))
            result.stats = stats.get(question.id)
        elif question.type == "number":
            result.stats = stats.get(question.id)
        result.texts = texts.get(question.id, [])
        result.texts_total = text_totals.get(question.id, 0)
        results.append(result)
    return Results(toolkit, int(submitted or 0), int(drafts or 0), invited, not_responded, not_responded_total, results)


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
        if q.type in TEXT_TYPES or q.type == "date" or result.answered < threshold:
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
                    first=None if q.type != "ranking" or option.first < threshold else option.first,
                    borda=option.borda if q.type == "ranking" else None,
                )
            )
        if q.type in ("number", "scale") and result.stats and result.stats["n"] >= threshold:
            item["stats"] = {"n": result.stats["n"], "mean": result.stats["mean"], "median": result.stats["median"]}
        published.append(item)
    return published
