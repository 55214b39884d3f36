"""Reading and writing spreadsheets and JSON uploads: one place for the limits that keep a hostile
file from holding a web worker (issue 15 §7), for decoding text and for formula escaping.

An XLSX file is a zip. Before openpyxl parses one, `check_zip` refuses it when it has more than
MAX_ZIP_MEMBERS parts, a part that expands more than MAX_COMPRESSION_RATIO times, more than
MAX_UNZIPPED_BYTES in all, or more than MAX_SHARED_STRINGS shared strings (openpyxl loads them all
up front). The total is measured by decompressing with a cap, not only read from the headers, which
a crafted file can get wrong. With these limits the worst accepted file adds at most about 45 MB of
memory while it is read (`python -m bench.spreadsheets` measures it; the target is under 100 MB).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from flask_babel.speaklater import LazyString

from app.i18n import _, _l
from app.i18n.formatting import number
from app.times import LONDON

MAX_UNZIPPED_BYTES = 10 * 1024 * 1024  # all members together, decompressed
MAX_ZIP_MEMBERS = 500  # an ordinary workbook has 10 to 30
MAX_COMPRESSION_RATIO = 200  # real XML compresses 5 to 30 times; a bomb 1,000 or more
# openpyxl loads every shared string before the first row (about 100 bytes each, even empty ones);
# our largest imports have fewer than 100,000 text cells.
MAX_SHARED_STRINGS = 200_000
RATIO_FLOOR = 1024 * 1024  # smaller members are not worth refusing for their ratio
MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 32
_CHUNK = 1024 * 1024
_SHARED_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")  # one entry of a shared-strings part, any prefix

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ZIP_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_NOT_A_WORKBOOK = _l("The file could not be opened as an Excel workbook. Save it as .xlsx or CSV.")


def _too_big_unzipped() -> str:
    return _(
        "The file expands to more than %(mb)s MB when it is opened, which is far more than a spreadsheet of this "
        "kind needs. Remove images and other sheets, or save it as CSV, and try again",
        mb=MAX_UNZIPPED_BYTES // (1024 * 1024),
    )


class ImportRefused(ValueError):
    """The uploaded file cannot be imported at all (too large, empty, unreadable, no heading row).
    The message is plain English for the person who chose the file: forms show it next to the field."""


# --- text ------------------------------------------------------------------------------------

_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Windows-1252 ('â€™' → '’'), one run at a time."""

    def repair(match: re.Match) -> str:
        chunk = match.group(0)
        try:
            return _sloppy_cp1252(chunk).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return chunk

    if not _MOJIBAKE.search(text):
        return text
    # 0x9D has no Windows-1252 character, so a right double quote often arrives as "â€" + U+FFFD.
    return _MOJIBAKE.sub(repair, text.replace("\u00e2\u20ac\ufffd", "\u201d"))


def _sloppy_cp1252(chunk: str) -> bytes:
    """Windows-1252 encoding that also maps the five bytes it leaves undefined (as Windows does)."""
    out = bytearray()
    for char in chunk:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 255:
                raise
            out.append(ord(char))
    return bytes(out)


def decode_bytes(content: bytes) -> str:
    """Text of an uploaded file saved as UTF-8 (with or without a BOM), UTF-16 or Windows-1252."""
    if content.startswith(b"\xef\xbb\xbf"):
        text = content[3:].decode("utf-8", errors="replace")
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = content.decode("utf-16")
    else:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
    return fix_mojibake(text.replace("\x00", ""))


# --- formula escaping ------------------------------------------------------------------------


def escape_formula(value: Any) -> str:
    """A cell that starts = + - @ (or tab/CR) gets a leading apostrophe, so a spreadsheet shows it
    as text and never runs it as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_formula(text: str) -> str:
    """Undo escape_formula: importers read our own exports back."""
    return text[1:] if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_STARTS else text


# --- reading ---------------------------------------------------------------------------------


def is_zip(content: bytes) -> bool:
    return content[:4] == ZIP_MAGIC


def is_old_excel(content: bytes) -> bool:
    return content[:8] == OLD_EXCEL_MAGIC


def check_zip(content: bytes) -> None:
    """Refuse a zip that would take too much memory or time to open (see the module notes)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            _check_headers(members)
            _check_expanded_size(archive, members)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise ImportRefused(str(_NOT_A_WORKBOOK)) from exc


def _check_headers(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportRefused(
            _(
                "The file is made of %(parts)s parts, which is far more than a spreadsheet has "
                "(the limit is %(limit)s). Save it again as .xlsx or CSV and try again",
                parts=number(len(members)),
                limit=number(MAX_ZIP_MEMBERS),
            )
        )
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise ImportRefused(_too_big_unzipped())
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise ImportRefused(
                _(
                    "Part of the file expands %(times)s times when it is "
                    "opened, which a real spreadsheet never does. Save it again as .xlsx or CSV and try again",
                    times=number(member.file_size // max(member.compress_size, 1)),
                )
            )


def _check_expanded_size(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """Decompress everything once, a chunk at a time, stopping at the caps. Headers can lie: Python's
    zipfile then stops at the stated size and fails the CRC check here, before openpyxl starts."""
    total = strings = 0
    for member in members:
        tail = b""
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > MAX_UNZIPPED_BYTES:
                    raise ImportRefused(_too_big_unzipped())
                window = tail + chunk  # a tag cut in two by the chunk boundary is counted once
                strings += len(_SHARED_STRING.findall(window)) - len(_SHARED_STRING.findall(tail))
                tail = window[-64:]
        if strings > MAX_SHARED_STRINGS:
            raise ImportRefused(
                _(
                    "The file has more than %(limit)s different pieces of text, which is far more than "
                    "a spreadsheet of this kind needs. Save it as CSV, or split it, and try again",
                    limit=number(MAX_SHARED_STRINGS),
                )
            )


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person sees (dates as dd/mm/yyyy, 4.0 as 4)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") if not (value.hour or value.minute) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return fix_mojibake(str(value).replace("\x00", ""))


def read_xlsx(content: bytes, max_rows: int) -> list[list[str]]:
    """The first sheet's rows as text (at most `max_rows`), after check_zip."""
    from openpyxl import load_workbook

    check_zip(content)
    try:
        # data_only=False: a formula cell gives its formula text (=HYPERLINK(…)), imported as text.
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportRefused(str(_NOT_A_WORKBOOK)) from exc
    try:
        rows = []
        for row in book.worksheets[0].iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in row])
            if len(rows) >= max_rows:
                break
        return rows
    finally:
        book.close()


def read_delimited(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """(line number where the row ends, cells) for each row; raises csv.Error on a broken file."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    return [(reader.line_num, cells) for cells in reader]


# --- writing ---------------------------------------------------------------------------------


@dataclass
class XlsxSheet:
    """One sheet of a workbook written by `write_workbook`: rows (the first is the bold header), and
    how it is laid out. Dates and datetimes become typed Excel dates (aware datetimes in London time)."""

    title: str
    rows: Iterable[list]
    wrap: bool = False
    freeze_header: bool = False  # the header row stays in view while scrolling
    autofilter: bool = False  # filter buttons on the header row
    widths: list[float] | None = None  # column widths in characters, in column order


def write_xlsx(
    rows: Iterable[list],
    out: IO[bytes],
    title: str,
    *,
    wrap: bool = False,
    freeze_header: bool = False,
    autofilter: bool = False,
    widths: list[float] | None = None,
) -> None:
    """Write rows (the first is the bold header) as a one-sheet workbook, streaming. Text is always
    stored as text, never as a formula or a number (4.10 stays 4.10); numbers stay numbers and dates
    are real dates shown dd/mm/yyyy. Callers escape formulas first, as they do for CSV."""
    sheet = XlsxSheet(title, rows, wrap=wrap, freeze_header=freeze_header, autofilter=autofilter, widths=widths)
    write_workbook([sheet], out)


def write_workbook(sheets: list[XlsxSheet], out: IO[bytes]) -> None:
    """Several sheets in one workbook, each streamed in turn (write-only: memory stays flat)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for spec in sheets:
        _write_sheet(book, spec)
    book.save(out)


def _write_sheet(book, spec: XlsxSheet) -> None:
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=spec.title[:31])
    for index, width in enumerate(spec.widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if spec.freeze_header:
        sheet.freeze_panes = "A2"
    columns = count = 0
    for index, row in enumerate(spec.rows):
        sheet.append(_cells(sheet, row, header=index == 0, wrap=spec.wrap))
        columns, count = max(columns, len(row)), index + 1
    if spec.autofilter and columns and count:
        sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{count}"


def _cells(sheet, row: list, *, header: bool, wrap: bool) -> list:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    cells = []
    for value in row:
        if isinstance(value, LazyString):  # a translated label (app.i18n._l), written in the reader's language
            value = str(value)
        is_text = isinstance(value, str)
        if isinstance(value, dt.datetime):
            value = (value.astimezone(LONDON) if value.tzinfo else value).replace(tzinfo=None)
        # Control characters (a NUL in old or imported text) are not allowed in XLSX cells.
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value) if is_text else value)
        if is_text:
            cell.data_type = "s"
        elif isinstance(value, dt.datetime):
            cell.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(value, dt.date):
            cell.number_format = "DD/MM/YYYY"
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if header:
            cell.font = Font(bold=True)
        cells.append(cell)
    return cells


# --- JSON ------------------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def load_json(content: bytes | str, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse an uploaded JSON file, refusing (ImportRefused) one that is too large, not JSON, or
    nested deeper than `max_depth` (which would otherwise end in a RecursionError)."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    if len(raw) > max_bytes:
        raise ImportRefused(
            _("The file is larger than %(mb)s MB. Choose a smaller JSON file", mb=number(max_bytes / 1024 / 1024))
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(_("The file must be JSON saved as UTF-8")) from exc
    if _depth(text) > max_depth:
        raise ImportRefused(
            _(
                "The file has lists or objects nested more than %(depth)s levels deep, so it cannot be imported. "
                "Check that it is the right file",
                depth=max_depth,
            )
        )
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ImportRefused(_("The file is not valid JSON. Check that it is the right file")) from exc


def _depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings."""
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest
