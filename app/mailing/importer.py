"""CSV import and export of subscribers. Import always runs as a dry run first.

The upload is read by `read_upload` into CSV text, which the confirmation step posts back, so the
file is checked (`check_rows`) from the same text both times."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.models import normalise_email
from app.extensions import db
from app.i18n import _, _l
from app.mailing import services
from app.mailing.models import LAWFUL_BASES, SUBSCRIBER_STATUS_LABELS, Subscriber, Topic
from app.spreadsheets import ImportRefused, escape_formula, is_zip, read_xlsx

MAX_BYTES = 5 * 1024 * 1024  # 10,000 subscribers take about 2 MB
MAX_ROWS = 10_000
COLUMNS = ["email", "name", "organisation", "topics", "consent_at", "consent_evidence"]
OUTCOMES = {
    "confirmed": _l("Add as subscribed (consent recorded)"),
    "pending": _l("Add and send a confirmation email"),
    "exists": _l("Skip: already on the list"),
    "suppressed": _l("Refuse: this address was erased or suppressed"),
    "invalid": _l("Refuse: fix the row"),
}


@dataclass
class RowResult:
    line: int
    email: str
    outcome: str
    problems: list[str] = field(default_factory=list)
    name: str = ""
    organisation: str = ""
    topic_ids: list[int] = field(default_factory=list)
    consent_at: dt.datetime | None = None
    evidence: str = ""

    @property
    def outcome_label(self) -> str:
        return OUTCOMES[self.outcome]


def _clean(value: str | None, limit: int) -> str:
    value = " ".join((value or "").split())  # no line breaks or control whitespace survive
    return "".join(ch for ch in value if ord(ch) >= 32)[:limit]


def _parse_date(value: str) -> dt.datetime | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return dt.datetime.strptime(value, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def read_upload(content: bytes) -> str:
    """The uploaded file as CSV text: a CSV saved as UTF-8, or an Excel workbook (read within the
    zip limits of app.spreadsheets) turned into CSV."""
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            _("The file is larger than %(num)s MB. Split it into smaller files", num=MAX_BYTES // (1024 * 1024))
        )
    if is_zip(content):
        out = io.StringIO()
        csv.writer(out).writerows(read_xlsx(content, MAX_ROWS + 2))
        return out.getvalue()
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(_("The file must be saved as CSV UTF-8")) from exc


def check_rows(text: str) -> list[RowResult]:
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "email" not in headers:
        raise ImportRefused(_("The file must have a header row with at least an ‘email’ column"))
    reader.fieldnames = headers
    topics = {t.name.lower(): t.id for t in db.session.scalars(select(Topic).where(Topic.archived.is_(False)))}
    rows = list(reader)
    if len(rows) > MAX_ROWS:
        raise ImportRefused(_("The file has more than %(num)s rows. Split it into smaller files", num=MAX_ROWS))
    emails = [normalise_email(r.get("email") or "") for r in rows]
    existing = set(db.session.scalars(select(Subscriber.email).where(Subscriber.email.in_(emails))))
    seen: set[str] = set()
    results = []
    for line, (row, email) in enumerate(zip(rows, emails, strict=True), start=2):
        result = _check_row(line, row, email, topics)
        if email in seen:
            result.problems.append(_("This address appears earlier in the file"))
        seen.add(email)
        result.outcome = _outcome(result, email, existing)
        results.append(result)
    return results


def _check_row(line: int, row: dict, email: str, topics: dict[str, int]) -> RowResult:
    result = RowResult(line=line, email=email[:254], outcome="invalid")
    result.name = _clean(row.get("name"), 120)
    result.organisation = _clean(row.get("organisation"), 200)
    result.evidence = _clean(row.get("consent_evidence"), 500)
    try:
        validate_email(email, check_deliverability=False)
        if len(email) > 254:
            raise EmailNotValidError("too long")
    except EmailNotValidError:
        result.problems.append(_("Email address is not valid"))
    if not result.name:
        result.problems.append(_("Name is missing"))
    _check_topics(result, row.get("topics") or "", topics)
    consent = (row.get("consent_at") or "").strip()
    if consent:
        result.consent_at = _parse_date(consent)
        if result.consent_at is None:
            result.problems.append(_("consent_at must be a date like 2026-03-14"))
    return result


def _check_topics(result: RowResult, cell: str, topics: dict[str, int]) -> None:
    names = [n.strip() for n in cell.split(";") if n.strip()]
    unknown = [n for n in names if n.lower() not in topics]
    if unknown:
        result.problems.append(_("Unknown topic: %(topics)s", topics=", ".join(unknown)))
    if not names:
        result.problems.append(_("Name at least one topic (separate several with ;)"))
    result.topic_ids = [topics[n.lower()] for n in names if n.lower() in topics]


def _outcome(result: RowResult, email: str, existing: set[str]) -> str:
    if result.problems:
        return "invalid"
    if services.is_suppressed(email):
        return "suppressed"
    if email in existing:
        return "exists"
    return "confirmed" if result.consent_at else "pending"


def apply_rows(results: list[RowResult]) -> dict[str, int]:
    """Rows with recorded consent join confirmed; the rest are pending and get a
    confirmation email (never a bulletin until they confirm)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for result in results:
        counts[result.outcome] += 1
        if result.outcome not in ("confirmed", "pending"):
            continue
        subscriber = services.new_subscriber(
            email=result.email,
            name=result.name,
            organisation_name=result.organisation or None,
            status=result.outcome,
            lawful_basis="consent",
            source="import",
            consent_at=result.consent_at,
            confirmed_at=result.consent_at,
            consent_evidence=result.evidence or ("Imported with consent recorded" if result.consent_at else None),
        )
        if result.outcome == "confirmed":
            services.set_topics(subscriber, result.topic_ids)
        else:
            services.send_confirmation(subscriber, result.topic_ids)
    return counts


def export_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "name", "organisation", "status", "topics", "lawful_basis", "consent_at",
                     "consent_text_version", "source", "created_at"])  # fmt: skip
    query = (
        select(Subscriber)
        .where(Subscriber.status != "erased")
        .order_by(Subscriber.id)
        .options(selectinload(Subscriber.subscriptions))
        .execution_options(yield_per=500)
    )
    for s in db.session.scalars(query):
        writer.writerow(
            [
                escape_formula(s.email),
                escape_formula(s.name),
                escape_formula(s.organisation_name),
                str(SUBSCRIBER_STATUS_LABELS[s.status]),
                escape_formula(";".join(sorted(sub.topic.name for sub in s.subscriptions))),
                str(LAWFUL_BASES.get(s.lawful_basis, s.lawful_basis)),
                s.consent_at.isoformat() if s.consent_at else "",
                s.consent_text_version or "",
                s.source,
                s.created_at.isoformat(),
            ]
        )
    return out.getvalue()
