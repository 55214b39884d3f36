"""Staff CSV export and import of the directory (issue 3).

Export: the groups the directory's current filters show (`services.directory_query`), streamed a
chunk at a time, every cell made safe against spreadsheet formula injection.

Import: `parse()` reads and checks a whole file against the directory without writing anything
(the dry-run preview); `apply()` writes every row in the caller's transaction, and is called only
when no row has an error (all-or-nothing). A row matches an existing group by charity number, else
by its normalised name (`validation.name_key`), and only fields that differ are written, so importing
the same file twice changes nothing. The export's columns are the import's columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit import record
from app.extensions import db
from app.groups import services as svc
from app.groups.forms import CHARITY_FORMS, COMPANY_FORMS
from app.groups.models import (
    BENEFICIARY_RANGES,
    DEFAULT_PUBLIC_FIELDS,
    LEGAL_FORMS,
    PUBLIC_FIELD_LABELS,
    STATUS_NAMES,
    Organisation,
    Tag,
)
from app.groups.validation import name_key, normalise_charity_number, normalise_company_number, normalise_postcode
from app.i18n import _
from app.i18n.formatting import number
from app.spreadsheets import (
    ImportRefused,
    decode_bytes,
    escape_formula,
    is_zip,
    read_delimited,
    read_xlsx,
    unescape_formula,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
XLSX_ROW_CAP = 2 * MAX_ROWS  # rows read from a workbook, blank ones included
EXPORT_CHUNK = 500
SEPARATOR = "; "

# Column heading -> field. The export writes exactly these headings; the import matches them loosely.
COLUMNS = {
    "name": "Name",
    "legal_form": "Legal form",
    "charity_number": "Charity number",
    "company_number": "Company number",
    "description": "What the group does",
    "founded_year": "Year founded",
    "address": "Address",
    "postcode": "Postcode",
    "area": "Area",
    "theme": "Themes",
    "community": "Communities",
    "language": "Languages",
    "service_type": "Types of service",
    "beneficiaries": "Beneficiaries per year",
    "website": "Website",
    "email": "Public email",
    "phone": "Public phone",
    "contact_name": "Contact person",
    "public_fields": "Shown publicly",
}
EXPORT_ONLY = ["Status", "Directory page", "Added"]
REQUIRED = ("name", "legal_form", "description")
TAG_COLUMNS = ("area", "theme", "community", "language", "service_type")
TEXT_FIELDS = ("name", "description", "address", "phone", "contact_name")
# Other headings people use for the same columns (normalised: lower case, letters and digits only).
ALIASES = {
    "organisationname": "name", "groupname": "name", "organisation": "name", "group": "name",
    "legalstatus": "legal_form", "type": "legal_form", "kindofgroup": "legal_form",
    "registeredcharitynumber": "charity_number", "charityno": "charity_number",
    "companieshousenumber": "company_number", "companyno": "company_number",
    "description": "description", "whatdoesyourgroupdo": "description", "founded": "founded_year",
    "yearfounded": "founded_year", "ward": "area", "areaorward": "area", "themesofwork": "theme",
    "communitiesserved": "community", "languagesused": "language", "servicetypes": "service_type",
    "beneficiaries": "beneficiaries", "email": "email", "emailaddress": "email", "phone": "phone",
    "telephone": "phone", "phonenumber": "phone", "contact": "contact_name", "contactname": "contact_name",
    "publicfields": "public_fields",
}  # fmt: skip


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


HEADINGS = {_norm(label): key for key, label in COLUMNS.items()} | ALIASES


# --- export -------------------------------------------------------------------------------------


def export_row(org: Organisation) -> list[str]:
    tags = {kind: SEPARATOR.join(t.name for t in org.tags_of(kind)) for kind in TAG_COLUMNS}
    values = {
        "name": org.name,
        "legal_form": LEGAL_FORMS.get(org.legal_form, org.legal_form),
        "charity_number": org.charity_number,
        "company_number": org.company_number,
        "description": org.description,
        "founded_year": org.founded_year,
        "address": org.address,
        "postcode": org.postcode,
        "beneficiaries": BENEFICIARY_RANGES.get(org.beneficiaries or ""),
        "website": org.website,
        "email": org.email,
        "phone": org.phone,
        "contact_name": org.contact_name,
        "public_fields": SEPARATOR.join(
            PUBLIC_FIELD_LABELS[f] for f in (org.public_fields or []) if f in PUBLIC_FIELD_LABELS
        ),
        **tags,
    }
    extra = [
        STATUS_NAMES.get(org.status, org.status),
        url_for("groups.profile", slug=org.slug, _external=True),
        org.created_at.date().isoformat() if org.created_at else "",
    ]
    return [escape_formula(values[key]) for key in COLUMNS] + [escape_formula(v) for v in extra]


def export_lines(filters: svc.DirectoryFilters) -> Iterator[str]:
    """The CSV, a chunk of groups at a time (UTF-8 BOM first, so Excel reads it correctly).

    The ordered ids come from directory_query (exactly what the directory shows, in its order);
    each chunk of groups is then loaded with its tags in two queries."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(COLUMNS.values()) + EXPORT_ONLY)
    yield "\ufeff" + buffer.getvalue()
    ids = list(db.session.scalars(svc.directory_query(filters).with_only_columns(Organisation.id)))
    for start in range(0, len(ids), EXPORT_CHUNK):
        chunk = ids[start : start + EXPORT_CHUNK]
        loaded = {
            org.id: org
            for org in db.session.scalars(
                select(Organisation).where(Organisation.id.in_(chunk)).options(selectinload(Organisation.tags))
            )
        }
        buffer.seek(0)
        buffer.truncate()
        for org_id in chunk:
            if org_id in loaded:
                writer.writerow(export_row(loaded[org_id]))
        yield buffer.getvalue()
        db.session.expunge_all()  # keep memory flat on a large directory


# --- import: reading and checking --------------------------------------------------------------


@dataclass
class ParsedRow:
    row: int  # line number in the file, as a spreadsheet shows it
    values: dict  # field -> cleaned value (only columns present in the file)
    tag_ids: dict[str, list[int]] = field(default_factory=dict)  # kind -> tag ids
    errors: list[str] = field(default_factory=list)
    match_id: int | None = None  # an existing group this row updates
    changes: list[str] = field(default_factory=list)  # field labels that would change

    @property
    def name(self) -> str:
        return self.values.get("name") or ""

    @property
    def action(self) -> str:
        if self.errors:
            return "error"
        if self.match_id is None:
            return "new"
        return "update" if self.changes else "unchanged"


@dataclass
class ParsedFile:
    columns: list[str]
    rows: list[ParsedRow]
    ignored_columns: list[str]

    @property
    def errors(self) -> list[tuple[int, str]]:
        return [(r.row, message) for r in self.rows for message in r.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


def read_table(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if len(content) > MAX_BYTES:
        size = f"{len(content) / 1024 / 1024:.1f}"
        raise ImportRefused(
            _("The file is %(size)s MB. Files must be 2 MB or smaller: split it into smaller files", size=size)
        )
    if is_zip(content):  # an Excel workbook, perhaps named .csv: read it within the zip limits
        sheet = read_xlsx(content, XLSX_ROW_CAP)
        too_many = len(sheet) >= XLSX_ROW_CAP
        lines = list(enumerate(sheet, start=1))
    else:
        text = decode_bytes(content)
        if not text.strip():
            raise ImportRefused(_("The file is empty. Choose a CSV file with a heading row and one group per row"))
        lines, too_many = _csv_lines(text), False
    lines = [(line, cells) for line, cells in lines if any(c.strip() for c in cells)]
    if too_many or len(lines) > MAX_ROWS + 1:
        raise ImportRefused(
            _("The file has more than %(max)s groups. Split it into smaller files", max=number(MAX_ROWS))
        )
    return (lines[0][1], lines[1:]) if lines else ([], [])


def _csv_lines(text: str) -> list[tuple[int, list[str]]]:
    first_line = text[:5000].split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        return read_delimited(text, delimiter)
    except csv.Error as exc:
        raise ImportRefused(_("The file could not be read as CSV. Save it from your spreadsheet as CSV")) from exc


def _map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, heading in enumerate(header):
        key = HEADINGS.get(_norm(heading))
        if key is None or key in columns:
            if heading.strip():
                ignored.append(heading.strip())
            continue
        columns[key] = index
    return columns, ignored


def _choice(value: str, options: dict[str, str]) -> str | None:
    """A key of `options` given its key or its label, loosely."""
    wanted = _norm(value)
    for key, label in options.items():
        if wanted in (_norm(key), _norm(label)):
            return key
    return None


class _Directory:
    """What the checks need to know about the directory, read once per file."""

    def __init__(self) -> None:
        rows = db.session.execute(
            select(Organisation.id, Organisation.name, Organisation.charity_number, Organisation.company_number).where(
                Organisation.status != "rejected"
            )
        ).all()
        self.names = {org_id: name for org_id, name, _c, _co in rows}
        self.by_charity: dict[str, list[int]] = {}
        self.by_company: dict[str, list[int]] = {}
        self.by_key: dict[str, list[int]] = {}
        for org_id, name, charity, company in rows:
            if charity:
                self.by_charity.setdefault(charity, []).append(org_id)
            if company:
                self.by_company.setdefault(company, []).append(org_id)
            self.by_key.setdefault(name_key(name) or name.lower(), []).append(org_id)
        self.tags = {
            (tag.kind, tag.name.strip().lower()): tag for tag in db.session.scalars(select(Tag)) if not tag.retired
        }

    def listing(self, ids: Iterable[int]) -> str:
        names = sorted(self.names[i] for i in ids)
        if len(names) < 2:
            return "".join(names)
        return _("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])


def _check_row(line: int, cells: list[str], columns: dict[str, int], directory: _Directory) -> ParsedRow:
    raw = {key: unescape_formula((cells[index] if index < len(cells) else "").replace("\x00", "").strip())
           for key, index in columns.items()}  # fmt: skip
    row = ParsedRow(row=line, values={})
    for check in _CHECKS:
        check(raw, row)
    _check_tags(raw, row, directory)
    return row


def _check_text(raw: dict, row: ParsedRow) -> None:
    for key in REQUIRED:
        if not raw.get(key):
            row.errors.append(_("%(column)s is missing", column=COLUMNS[key]))
    for key in TEXT_FIELDS:
        if key in raw:
            value = raw[key]
            if key != "description" and key != "address" and re.search(r"[\x00-\x1f\x7f]", value):
                row.errors.append(_("%(column)s has line breaks or control characters in it", column=COLUMNS[key]))
            row.values[key] = value if key in ("name", "description") else (value or None)
    limits = {"name": 200, "description": 2000, "address": 500, "phone": 40, "contact_name": 120}
    for key, limit in limits.items():
        if len(raw.get(key) or "") > limit:
            row.errors.append(
                _("%(column)s must be %(limit)s characters or fewer", column=COLUMNS[key], limit=number(limit))
            )


def _check_legal_form(raw: dict, row: ParsedRow) -> None:
    if raw.get("legal_form"):
        legal = _choice(raw["legal_form"], LEGAL_FORMS)
        if legal is None:
            row.errors.append(
                _(
                    "Legal form “%(value)s” is not one of: %(choices)s",
                    value=raw["legal_form"],
                    choices=", ".join(LEGAL_FORMS.values()),
                )
            )
        row.values["legal_form"] = legal


def _check_numbers(raw: dict, row: ParsedRow) -> None:
    """Charity and company numbers, and the one the legal form needs."""
    if "charity_number" in raw:
        number = normalise_charity_number(raw["charity_number"]) if raw["charity_number"] else None
        if raw["charity_number"] and number is None:
            row.errors.append(
                _(
                    "Charity number “%(value)s” is not in the right format: 6 or 7 digits (England and Wales), "
                    "SC and 6 digits (Scotland) or NIC and 6 digits (Northern Ireland)",
                    value=raw["charity_number"],
                )
            )
        row.values["charity_number"] = number
    if "company_number" in raw:
        number = normalise_company_number(raw["company_number"]) if raw["company_number"] else None
        if raw["company_number"] and number is None:
            row.errors.append(
                _(
                    "Company number “%(value)s” is not in the right format: 8 digits, or 2 letters and 6 digits",
                    value=raw["company_number"],
                )
            )
        row.values["company_number"] = number
    legal = row.values.get("legal_form")
    if legal in CHARITY_FORMS and not raw.get("charity_number"):
        row.errors.append(_("Charity number is missing (needed for a registered charity or CIO)"))
    if legal in COMPANY_FORMS and not raw.get("company_number"):
        row.errors.append(_("Company number is missing (needed for a CIC or company limited by guarantee)"))


def _check_postcode_and_year(raw: dict, row: ParsedRow) -> None:
    if "postcode" in raw:
        postcode = normalise_postcode(raw["postcode"]) if raw["postcode"] else None
        if raw["postcode"] and postcode is None:
            row.errors.append(_("Postcode “%(value)s” is not a real UK postcode", value=raw["postcode"]))
        row.values["postcode"] = postcode
    if "founded_year" in raw:
        year = None
        if raw["founded_year"]:
            if re.fullmatch(r"\d{4}", raw["founded_year"]) and 1800 <= int(raw["founded_year"]) <= dt.date.today().year:
                year = int(raw["founded_year"])
            else:
                row.errors.append(
                    _("Year founded “%(value)s” must be a year between 1800 and this year", value=raw["founded_year"])
                )
        row.values["founded_year"] = year
    if "beneficiaries" in raw:
        value = _choice(raw["beneficiaries"], BENEFICIARY_RANGES) if raw["beneficiaries"] else None
        if raw["beneficiaries"] and value is None:
            row.errors.append(
                _("Beneficiaries per year “%(value)s” is not one of the ranges", value=raw["beneficiaries"])
            )
        row.values["beneficiaries"] = value


def _check_contact(raw: dict, row: ParsedRow) -> None:
    if "website" in raw:
        website = raw["website"]
        if website and "://" not in website:
            website = "https://" + website
        parts = urlsplit(website)
        if website and (parts.scheme not in ("http", "https") or "." not in (parts.hostname or "")):
            row.errors.append(_("Website “%(value)s” is not a web address", value=raw["website"]))
        elif len(website) > 300:
            row.errors.append(_("Website must be 300 characters or fewer"))
        row.values["website"] = website or None
    if "email" in raw:
        if raw["email"]:
            try:
                validate_email(raw["email"], check_deliverability=False)
            except EmailNotValidError:
                row.errors.append(_("Public email “%(value)s” is not an email address", value=raw["email"]))
        row.values["email"] = raw["email"].lower() or None


def _check_public_fields(raw: dict, row: ParsedRow) -> None:
    if "public_fields" in raw:
        chosen = []
        for part in _split(raw["public_fields"]):
            key = _choice(part, PUBLIC_FIELD_LABELS)
            if key is None:
                row.errors.append(
                    _(
                        "Shown publicly: “%(value)s” is not one of: %(choices)s",
                        value=part,
                        choices=", ".join(PUBLIC_FIELD_LABELS.values()),
                    )
                )
            elif key not in chosen:
                chosen.append(key)
        row.values["public_fields"] = chosen


# In this order, so a row's errors read in the order of the columns.
_CHECKS = (_check_text, _check_legal_form, _check_numbers, _check_postcode_and_year, _check_contact,
           _check_public_fields)  # fmt: skip


def _check_tags(raw: dict, row: ParsedRow, directory: _Directory) -> None:
    for kind in TAG_COLUMNS:
        if kind not in raw:
            continue
        names = _split(raw[kind])
        if kind == "area" and len(names) > 1:
            row.errors.append(_("Area: give one area only"))
        ids = []
        for tag_name in names:
            tag = directory.tags.get((kind, tag_name.lower()))
            if tag is None:
                row.errors.append(
                    _(
                        "%(column)s: “%(value)s” is not a tag in the directory (add it under Themes, communities "
                        "and other tags first, or correct the spelling)",
                        column=COLUMNS[kind],
                        value=tag_name,
                    )
                )
            elif tag.id not in ids:
                ids.append(tag.id)
        row.tag_ids[kind] = ids


def _split(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n|]", value or "") if part.strip()]


def _match(row: ParsedRow, directory: _Directory) -> None:
    """Find the existing group this row updates, or the duplicate that stops it (see module notes)."""
    key = name_key(row.name) or row.name.lower()
    same_name = directory.by_key.get(key, [])
    if row.values.get("charity_number"):
        if not _match_charity(row, directory, same_name):
            return
    elif same_name:
        if len(same_name) > 1:
            row.errors.append(
                _(
                    "Duplicate: %(groups)s in the directory have this name. Add a charity number to say which "
                    "one, or merge them first",
                    groups=directory.listing(same_name),
                )
            )
            return
        row.match_id = same_name[0]
    company = row.values.get("company_number")
    if company:
        holders = [i for i in directory.by_company.get(company, []) if i != row.match_id]
        if holders:
            row.errors.append(
                _(
                    "Duplicate: company number %(number)s belongs to %(groups)s in the directory",
                    number=company,
                    groups=directory.listing(holders),
                )
            )


def _match_charity(row: ParsedRow, directory: _Directory, same_name: list[int]) -> bool:
    """Match on the charity number; → whether the company number still needs checking."""
    charity = row.values["charity_number"]
    found = directory.by_charity.get(charity, [])
    if len(found) > 1:
        row.errors.append(
            _(
                "Duplicate: charity number %(number)s belongs to %(groups)s in the directory. Merge them first",
                number=charity,
                groups=directory.listing(found),
            )
        )
        return False
    if found:
        row.match_id = found[0]
        others = [i for i in same_name if i != found[0]]
        if others:
            row.errors.append(
                _(
                    "Duplicate: the charity number is %(holder)s's but the name is %(groups)s's",
                    holder=directory.names[found[0]],
                    groups=directory.listing(others),
                )
            )
        return False
    taken = [i for i in same_name if i not in directory.by_charity.get(charity, [])]
    if taken:
        row.errors.append(
            _(
                "Duplicate: %(groups)s is already in the directory with a different charity number",
                groups=directory.listing(taken),
            )
        )
        return False
    return True


def parse(content: bytes) -> ParsedFile:
    """Check the whole file against the directory; writes nothing (the dry run)."""
    header, lines = read_table(content)
    columns, ignored = _map_header(header)
    if "name" not in columns:
        raise ImportRefused(_("The file has no Name column. The first row must be the headings, like the export's"))
    directory = _Directory()
    parsed = ParsedFile(columns=[k for k in COLUMNS if k in columns], rows=[], ignored_columns=ignored)
    if not lines:
        raise ImportRefused(_("The file has a heading row but no groups in it"))
    seen_charity: dict[str, int] = {}
    seen_key: dict[str, int] = {}
    for line, cells in lines:
        row = _check_row(line, cells, columns, directory)
        if row.name:
            key = name_key(row.name) or row.name.lower()
            charity = row.values.get("charity_number")
            if charity and charity in seen_charity:
                row.errors.append(_("Duplicate: the same charity number as row %(row)s", row=seen_charity[charity]))
            elif key in seen_key:
                row.errors.append(_("Duplicate: the same name as row %(row)s", row=seen_key[key]))
            if charity:
                seen_charity.setdefault(charity, row.row)
            seen_key.setdefault(key, row.row)
            if not row.errors:
                _match(row, directory)
        parsed.rows.append(row)
    _find_changes(parsed)
    return parsed


FIELD_LABELS = COLUMNS | {"tags": "Tags"}


def _find_changes(parsed: ParsedFile) -> None:
    ids = [r.match_id for r in parsed.rows if r.match_id and not r.errors]
    if not ids:
        return
    existing = {
        org.id: org
        for org in db.session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).options(selectinload(Organisation.tags))
        )
    }
    for row in parsed.rows:
        org = existing.get(row.match_id) if not row.errors else None
        if org is not None:
            row.changes = [FIELD_LABELS[key] for key in _differences(org, row)]


def _differences(org: Organisation, row: ParsedRow) -> list[str]:
    changed = [key for key, value in row.values.items() if getattr(org, key) != value]
    current = {kind: sorted(t.id for t in org.tags if t.kind == kind) for kind in TAG_COLUMNS}
    changed += [kind for kind, ids in row.tag_ids.items() if sorted(ids) != current[kind]]
    return changed


# --- import: writing ---------------------------------------------------------------------------


def _write(org: Organisation, row: ParsedRow, tags: dict[int, Tag]) -> None:
    """Only the fields that differ, and the tags of the kinds the file has columns for."""
    for key, value in row.values.items():
        if getattr(org, key) != value:
            setattr(org, key, value)
    if row.tag_ids:
        kept = [t for t in org.tags if t.kind not in row.tag_ids]
        org.tags = kept + [tags[i] for kinds in row.tag_ids.values() for i in kinds]
    svc.refresh_search(org)
    db.session.flush()  # the next row's unique_slug sees this one


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def apply(parsed: ParsedFile, user) -> ImportResult:
    """Write every row in the caller's transaction (the caller commits once). Only for a file with no errors."""
    if not parsed.ok:
        raise ValueError("A file with errors cannot be imported")
    result = ImportResult()
    ids = [r.match_id for r in parsed.rows if r.match_id]
    existing = {
        org.id: org
        for org in db.session.scalars(
            select(Organisation).where(Organisation.id.in_(ids or [0])).options(selectinload(Organisation.tags))
        )
    }
    tags = {tag.id: tag for tag in db.session.scalars(select(Tag))}
    for row in parsed.rows:
        org = existing.get(row.match_id) if row.match_id else None
        if org is None:
            org = Organisation(
                slug=svc.unique_slug(row.name),
                status="approved",
                public_fields=list(DEFAULT_PUBLIC_FIELDS),
                tags=[],
                review_flags=[],
            )
            db.session.add(org)
            result.created += 1
        elif not _differences(org, row):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        _write(org, row, tags)
    record("groups.imported", None, actor=user, **result.as_dict())
    return result
