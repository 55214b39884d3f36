"""app/spreadsheets.py: upload bombs refused before parsing (issue 15 §7) on every form that reads a
spreadsheet, deep JSON refused without a RecursionError, formula escaping and XLSX writing."""

from __future__ import annotations

import functools
import gc
import html
import io
import struct
import warnings
import zipfile

import pytest

from app import spreadsheets
from app.spreadsheets import ImportRefused, check_zip, escape_formula, load_json, read_xlsx, unescape_formula

MB = 1024 * 1024
SST_START = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
SST_END = b"</t></si></sst>"
SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_shared_strings(base: bytes, megabytes: int = 0, entries: bytes = b"") -> bytes:
    """`base` with a shared-strings part that openpyxl would load: `entries`, then one string of
    `megabytes` MB of 'A'."""
    out = io.BytesIO()
    override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s" /></Types>' % SST_TYPE
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml" and SST_TYPE not in data:
                data = data.replace(b"</Types>", override)
            if info.filename != "xl/sharedStrings.xml":
                bomb.writestr(info, data)
        with bomb.open("xl/sharedStrings.xml", "w") as member:
            member.write(SST_START[: -len(b"<si><t>")] + entries + b"<si><t>")
            for _ in range(megabytes):
                member.write(b"A" * MB)
            member.write(SST_END)
    return out.getvalue()


@functools.cache
def zip_bomb() -> bytes:
    """A real workbook whose shared strings expand to 300 MB: about 300 KB on disk."""
    return with_shared_strings(workbook([["email", "name"], ["a@example.org", "x"]]), 300)


@functools.cache
def many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(10_000):
            archive.writestr(f"xl/media/image{index}.xml", b"<x/>")
    return out.getvalue()


def lying_header() -> bytes:
    """One 30 MB member whose local and central headers both say it is 1,000 bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", SST_START + b"A" * (30 * MB) + SST_END)
    data = bytearray(out.getvalue())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1000)
    struct.pack_into("<I", data, central + 24, 1000)
    return bytes(data)


TOO_BIG = "expands to more than 10 MB when it is opened"
TOO_MANY = "made of 10,000 parts"
EXPANDS = "times when it is opened, which a real spreadsheet never does"


# --- the zip checks ---------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_headers_before_it_is_decompressed():
    bomb = zip_bomb()
    assert len(bomb) < 400 * 1024
    with pytest.raises(ImportRefused, match=TOO_BIG):
        check_zip(bomb)


def test_a_zip_with_ten_thousand_members_is_refused():
    with pytest.raises(ImportRefused, match=TOO_MANY):
        check_zip(many_members())


def test_one_member_that_expands_too_many_times_is_refused():
    small_bomb = with_shared_strings(workbook([["a"]]), 3)  # 3 MB from a few KB: under the total
    with pytest.raises(ImportRefused, match=EXPANDS):
        check_zip(small_bomb)


def test_too_many_shared_strings_are_refused_counting_each_once_across_chunks(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_SHARED_STRINGS", 10)
    monkeypatch.setattr(spreadsheets, "_CHUNK", 5)  # every entry is cut by a chunk boundary somewhere
    base = workbook([["a"]])
    check_zip(with_shared_strings(base, entries=b"<si/>\n<x:si><t>b</t></x:si>" * 4 + b"<si />"))  # 9 + 1
    with pytest.raises(ImportRefused, match="more than 10 different pieces of text"):
        check_zip(with_shared_strings(base, entries=b"<si/>" * 10))


def test_a_member_whose_headers_lie_about_its_size_is_refused():
    with pytest.raises(ImportRefused, match="could not be opened as an Excel workbook"):
        check_zip(lying_header())


def test_the_expanded_size_is_measured_not_only_read_from_the_headers(monkeypatch):
    monkeypatch.setattr(spreadsheets, "_check_headers", lambda members: None)
    with pytest.raises(ImportRefused, match=TOO_BIG):
        check_zip(zip_bomb())


def test_an_ordinary_workbook_is_read():
    content = workbook([["Name", "Year"], ["Roots Trust", 1998], ["=1+1", None]])
    assert read_xlsx(content, 100) == [["Name", "Year"], ["Roots Trust", "1998"], ["=1+1", ""]]
    assert read_xlsx(content, 2) == [["Name", "Year"], ["Roots Trust", "1998"]]


def test_a_file_that_is_not_a_zip_is_not_a_workbook():
    with pytest.raises(ImportRefused, match="could not be opened as an Excel workbook"):
        read_xlsx(b"PK\x03\x04 but not really", 10)


# --- every upload form that reads a spreadsheet ------------------------------------------------


def _post_action_plan(client, content: bytes, filename: str):
    data = {"file": (io.BytesIO(content), filename), "plan_id": "new", "new_plan_title": "Bomb"}
    return client.post("/staff/action-plans/import", data=data, content_type="multipart/form-data")


def _post_groups(client, content: bytes, filename: str):
    data = {"file": (io.BytesIO(content), filename)}
    return client.post("/staff/groups/import", data=data, content_type="multipart/form-data")


def _post_subscribers(client, content: bytes, filename: str):
    data = {"file": (io.BytesIO(content), filename)}
    return client.post("/staff/mailing-list/import", data=data, content_type="multipart/form-data")


FORMS = {"action plan": _post_action_plan, "groups": _post_groups, "subscribers": _post_subscribers}
FILES = {"zip bomb": (zip_bomb, TOO_BIG), "10,000 members": (many_members, TOO_MANY)}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("kind", FILES)
def test_upload_forms_refuse_bombs_next_to_the_file_field(client, login_as, db, form, kind):
    login_as("staff")
    make, message = FILES[kind]
    for filename in ("upload.xlsx", "upload.csv"):  # the content decides, not the name
        with warnings.catch_warnings():
            # Werkzeug's *test client* spools a large request body to a temporary file it never closes.
            warnings.simplefilter("ignore", ResourceWarning)
            response = FORMS[form](client, make(), filename)
            status, page = response.status_code, html.unescape(response.get_data(as_text=True))
            del response
            gc.collect()
        assert status == 200
        assert "govuk-error-summary" in page and message in page


def test_groups_and_subscribers_read_xlsx_as_well_as_csv(client, login_as, db):
    from app.groups.seed import seed_taxonomy

    seed_taxonomy()
    login_as("staff")
    groups = workbook([["Name", "Legal form", "What the group does"], ["Roots Trust", "Faith group", "Prayer"]])
    assert _post_groups(client, groups, "groups.xlsx").status_code == 303
    subscribers = workbook([["email", "name", "topics"], ["amina@example.org", "Amina", "Nope"]])
    page = html.unescape(_post_subscribers(client, subscribers, "list.xlsx").get_data(as_text=True))
    assert "Check the import" in page and "amina@example.org" in page


# --- JSON ------------------------------------------------------------------------------------


def test_deep_json_is_refused_without_a_recursion_error():
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ImportRefused, match="nested more than 32 levels deep"):
        load_json(deep.encode())
    assert load_json("[" * 32 + "]" * 32) == functools.reduce(lambda inner, _: [inner], range(31), [])


def test_json_brackets_inside_strings_do_not_count_and_bad_json_is_refused():
    assert load_json(b'\xef\xbb\xbf{"title": "[[[[ \\" {{{{", "questions": []}') == {
        "title": '[[[[ " {{{{',
        "questions": [],
    }
    with pytest.raises(ImportRefused, match="not valid JSON"):
        load_json(b'{"title": ')
    with pytest.raises(ImportRefused, match=r"larger than 0\.5 MB"):
        load_json(b" " * (MB // 2 + 1), max_bytes=MB // 2)
    with pytest.raises(ImportRefused, match="UTF-8"):
        load_json(b"\xff\xfe{")


# --- formulas and writing ----------------------------------------------------------------------


def test_formula_escaping_round_trips():
    values = ["=1+1", "+44", "-x", "@SUM(A1)", "\tx", "plain", "'quoted", ""]
    escaped = [escape_formula(v) for v in values]
    assert escaped == ["'=1+1", "'+44", "'-x", "'@SUM(A1)", "'\tx", "plain", "'quoted", ""]
    assert [unescape_formula(v) for v in escaped] == values
    assert escape_formula(None) == "" and escape_formula(-3) == "'-3"


def test_write_xlsx_keeps_text_as_text_and_numbers_as_numbers():
    from openpyxl import load_workbook

    out = io.BytesIO()
    spreadsheets.write_xlsx([["Number", "Count"], ["4.10", 3], ["'=1+1\x00", None]], out, "Sheet")
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Number", "Count"], ["4.10", 3], ["'=1+1", None]]
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
