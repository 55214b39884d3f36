"""Staff CSV export (what the filters show, streamed, injection-safe) and import (dry-run preview with
row errors, all-or-nothing, idempotent on charity number else normalised name, any encoding)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit import AuditEvent
from app.groups import csvio
from app.groups.models import GroupImportBatch, Organisation
from app.groups.seed import seed_taxonomy
from tests.factories.groups import organisation, tag
from tests.pages import page_text


@pytest.fixture(autouse=True)
def taxonomy(db):
    """The default tags (themes, languages, wards…) that rows name."""
    seed_taxonomy()
    db.session.commit()


HEADER = "Name,Legal form,Charity number,Company number,What the group does,Postcode,Area,Themes,Languages\n"


def _rows(response) -> list[list[str]]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Organisation))


def _upload(client, content: bytes | str, filename: str = "groups.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(
        "/staff/groups/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _preview(client, content, filename="groups.csv"):
    response = _upload(client, content, filename)
    assert response.status_code == 303, page_text(response, markup=True)[:2000]
    url = response.headers["Location"]
    return url, page_text(client.get(url), markup=True)


def _import(client, content) -> str:
    url, _preview_page = _preview(client, content)
    response = client.post(url)
    assert response.status_code == 303
    return page_text(client.get(url), markup=True)


# --- export ------------------------------------------------------------------------------------


def test_export_is_exactly_what_the_filters_show(client, login_as, db):
    health = tag("theme", "Mental health")
    diabetes = tag("theme", "Diabetes")
    organisation("Bangla Wellbeing Circle", tags=[health], description="Peer support")
    organisation("Sylheti Diabetes Champions", tags=[diabetes], description="Diabetes talks")
    organisation("Zeta Mental Health Group", tags=[health], description="Talking group")
    organisation("Hidden Application", status="pending", tags=[health])
    login_as("staff")
    everything = _rows(client.get("/staff/groups/export.csv"))
    assert everything[0][:3] == ["Name", "Legal form", "Charity number"]
    assert [r[0] for r in everything[1:]] == [
        "Bangla Wellbeing Circle",
        "Sylheti Diabetes Champions",
        "Zeta Mental Health Group",
    ]
    filtered = client.get("/staff/groups/export.csv?theme=mental-health&sort=newest")
    assert filtered.headers["Content-Disposition"].startswith('attachment; filename="groups-')
    assert filtered.mimetype == "text/csv"
    assert [r[0] for r in _rows(filtered)[1:]] == ["Zeta Mental Health Group", "Bangla Wellbeing Circle"]
    assert [r[0] for r in _rows(client.get("/staff/groups/export.csv?q=diab"))[1:]] == ["Sylheti Diabetes Champions"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.verb == "groups.exported"))
    # The directory links its download to the same filters, for staff only.
    page = client.get("/groups?theme=mental-health").get_data(as_text=True)
    assert "/staff/groups/export.csv?theme=mental-health" in page


def test_export_is_staff_only_and_not_linked_for_the_public(client, login_as, db):
    organisation("Listed Group")
    db.session.commit()
    assert "export.csv" not in client.get("/groups").get_data(as_text=True)
    assert client.get("/staff/groups/export.csv").status_code in (302, 401)
    login_as("member")
    assert client.get("/staff/groups/export.csv").status_code == 403


def test_export_is_streamed_and_escapes_formulas(client, login_as, db, app):
    organisation("=HYPERLINK(\"http://evil.example\")", description="+1 plus", phone="+44 20 7946 0000",
                 contact_name="@admin", address="-minus")  # fmt: skip
    login_as("staff")
    response = client.get("/staff/groups/export.csv")
    assert response.is_streamed
    (row,) = _rows(response)[1:]
    assert row[0] == '\'=HYPERLINK("http://evil.example")'
    assert row[4] == "'+1 plus" and "'-minus" in row and "'@admin" in row and "'+44 20 7946 0000" in row


def test_export_keeps_a_constant_number_of_queries(client, login_as, db, query_budget, monkeypatch):
    monkeypatch.setattr(csvio, "EXPORT_CHUNK", 1000)
    for n in range(30):
        organisation(f"Group {n:03}", tags=[tag("theme", "Mental health"), tag("language", "Bengali")])
    login_as("staff")
    with query_budget(10) as few:
        client.get("/staff/groups/export.csv").get_data()
    for n in range(30, 150):
        organisation(f"Group {n:03}", tags=[tag("theme", "Diabetes")])
    db.session.commit()
    with query_budget(few["count"]):
        assert len(_rows(client.get("/staff/groups/export.csv"))) == 151


# --- import: the happy path, all-or-nothing and idempotency ----------------------------------------


GOOD = (
    HEADER + "Bow Bengali Book Club,Unincorporated group,,,Reading in Bengali for children,e3 4ss,Bow East,"
    "Education; Culture and heritage,Bengali\n"
    + "Roots Community Trust,Registered charity,1123456,,Advice and advocacy,E1 6AN,Whitechapel,"
    "Mental health,English; Somali\n"
)


def test_dry_run_writes_nothing_then_import_adds_listed_groups(client, login_as, db):
    tag("area", "Bow East")
    login_as("staff")
    url, preview = _preview(client, GOOD)
    assert "Groups in the file" in preview and "Import 2 groups" in preview
    assert preview.count(">New<") == 2
    assert _count(db) == 0  # the dry run changed nothing
    client.post(url)
    assert _count(db) == 2
    trust = db.session.scalar(
        select(Organisation)
        .where(Organisation.name == "Roots Community Trust")
        .options(selectinload(Organisation.tags))
    )
    assert trust.status == "approved" and trust.charity_number == "1123456" and trust.postcode == "E1 6AN"
    assert sorted(t.name for t in trust.tags) == ["English", "Mental health", "Somali", "Whitechapel"]
    assert "trust" in trust.search_document.lower() and "somali" in trust.search_document.lower()
    assert client.get("/groups?q=bengali+book").get_data(as_text=True).count("Bow Bengali Book Club") >= 1
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.verb == "groups.imported")) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    # Pressing Import again (back button, double click) does nothing more.
    client.post(url)
    assert _count(db) == 2


def test_importing_the_same_file_again_changes_nothing(client, login_as, db):
    login_as("staff")
    _import(client, GOOD)
    before = {o.name: o.updated_at for o in db.session.scalars(select(Organisation))}
    url, preview = _preview(client, GOOD)
    assert preview.count(">No change<") == 2 and ">New<" not in preview
    client.post(url)
    db.session.expire_all()
    assert {o.name: o.updated_at for o in db.session.scalars(select(Organisation))} == before
    assert db.session.scalar(select(GroupImportBatch.summary).where(GroupImportBatch.id == 2)) == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
    }


def test_rows_match_on_charity_number_else_normalised_name(client, login_as, db):
    charity = organisation("Roots Trust (old name)", charity_number="1123456", legal_form="charity")
    by_name = organisation("The Bow Bengali Book Club Ltd", description="Old text")
    login_as("staff")
    url, preview = _preview(client, GOOD)
    assert preview.count(">Update<") == 2
    client.post(url)
    db.session.expire_all()
    assert _count(db) == 2
    assert db.session.get(Organisation, charity.id).name == "Roots Community Trust"
    assert db.session.get(Organisation, by_name.id).description == "Reading in Bengali for children"


def test_export_then_import_round_trips_unchanged(client, login_as, db):
    organisation("=Equals Group", description="-starts with a minus", phone="+44 20 7946 0000",
                 tags=[tag("theme", "Diabetes"), tag("area", "Poplar")], charity_number="SC012345",
                 legal_form="charity", website="https://example.org", public_fields=["website", "phone"])  # fmt: skip
    login_as("staff")
    exported = client.get("/staff/groups/export.csv").get_data()
    _url, preview = _preview(client, exported)
    assert ">No change<" in preview, preview[preview.find("<table") :]
    assert "Columns ignored" in preview and "Status, Directory page, Added" in preview


def test_a_single_bad_row_stops_the_whole_import(client, login_as, db):
    login_as("staff")
    bad = GOOD + "Third Group,Faith group,,,Prayer and support,NOT A POSTCODE,,,\n"
    url, preview = _preview(client, bad)
    assert "Nothing can be imported until these problems are fixed" in preview
    assert "Row 4: Postcode “NOT A POSTCODE” is not a real UK postcode" in preview
    assert "Import 3 groups" not in preview
    assert client.post(url).status_code == 200
    assert _count(db) == 0


def test_apply_is_all_or_nothing_when_a_write_fails(app, db, monkeypatch):
    from app.groups import services as svc

    parsed = csvio.parse(GOOD.encode())
    calls = {"n": 0}
    real = svc.refresh_search

    def failing(org):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        real(org)

    monkeypatch.setattr(svc, "refresh_search", failing)
    with pytest.raises(RuntimeError):
        csvio.apply(parsed, None)
    db.session.rollback()
    assert _count(db) == 0


# --- import: every row error ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (",Faith group,,,Prayer group,,,,", "Name is missing"),
        ("Group,,,,Prayer group,,,,", "Legal form is missing"),
        ("Group,Faith group,,,,,,,", "What the group does is missing"),
        ("Group,Spaceship,,,Prayer group,,,,", "Legal form “Spaceship” is not one of"),
        ("Group,Faith group,,,Prayer group,SW1A 1AAA,,,", "Postcode “SW1A 1AAA” is not a real UK postcode"),
        ("Group,Registered charity,12AB,,Support,,,,", "Charity number “12AB” is not in the right format"),
        ("Group,Registered charity,,,Support,,,,", "Charity number is missing (needed for a registered charity"),
        ("Group,Community interest company (CIC),,1234,Support,,,,", "Company number “1234” is not in the right"),
        ("Group,cic,,,Support,,,,", "Company number is missing (needed for a CIC"),
        ("Group,Faith group,,,Prayer group,,,Astrology,", "Themes: “Astrology” is not a tag in the directory"),
        ("Group,Faith group,,,Prayer group,,Atlantis,,", "Area: “Atlantis” is not a tag in the directory"),
        ("Group,Faith group,,,Prayer group,,,,Klingon", "Languages: “Klingon” is not a tag in the directory"),
        ("Group,Faith group,,,Prayer group,,Poplar; Bow East,,", "Area: give one area only"),
    ],
)
def test_row_errors(client, login_as, db, line, message):
    tag("area", "Bow East")
    login_as("staff")
    _url, preview = _preview(client, HEADER + line + "\n")
    assert f"Row 2: {message}" in preview
    assert "Import 1 group" not in preview


def test_duplicates_within_the_file(client, login_as, db):
    login_as("staff")
    rows = (
        HEADER
        + "Roots Trust,Registered charity,1123456,,Advice,,,,\n"
        + "Roots Trust Ltd,Unincorporated group,,,Advice,,,,\n"  # the same name once noise is removed
        + "Another Name,Registered charity,1123456,,Advice,,,,\n"  # the same charity number
    )
    _url, preview = _preview(client, rows)
    assert "Row 3: Duplicate: the same name as row 2" in preview
    assert "Row 4: Duplicate: the same charity number as row 2" in preview


def test_duplicates_against_the_directory(client, login_as, db):
    organisation("Roots Trust", charity_number="1123456", legal_form="charity")
    organisation("Somali Parents Network", charity_number="1000001", legal_form="charity")
    organisation("Twin Group")
    organisation("Twin Group Ltd")
    organisation("Company Holder", company_number="01234567", legal_form="cic")
    login_as("staff")
    rows = (
        HEADER
        + "Somali Parents Network,Registered charity,1999999,,Advice,,,,\n"
        + "Roots Trust,Registered charity,1000001,,Advice,,,,\n"
        + "Twin Group,Faith group,,,Prayer,,,,\n"
        + "New Company,Community interest company (CIC),,1234567,Advice,,,,\n"
    )
    _url, preview = _preview(client, rows)
    text = re.sub(r"\s+", " ", preview)
    assert "Row 2: Duplicate: Somali Parents Network is already in the directory with a different charity" in text
    assert "Row 3: Duplicate: the charity number is Somali Parents Network's but the name is Roots Trust's" in text
    assert "Row 4: Duplicate: Twin Group and Twin Group Ltd in the directory have this name" in text
    assert "Row 5: Duplicate: company number 01234567 belongs to Company Holder" in text


# --- import: files --------------------------------------------------------------------------------


def test_windows_1252_and_bom_files_are_read(client, login_as, db):
    login_as("staff")
    cp1252 = (HEADER + "Caf\xe9 Culture \u2013 Elders,Faith group,,,Tea \u2018n\u2019 talk,,,,\n").encode("cp1252")
    _import(client, cp1252)
    assert db.session.scalar(select(Organisation.name)) == "Café Culture – Elders"
    bom = "\ufeff" + HEADER + "Second Group,Faith group,,,Prayer,,,,\n"
    _import(client, bom.encode("utf-8"))
    assert _count(db) == 2
    semicolons = "Name;Legal form;What the group does\nThird Group;Faith group;Prayer\n"
    _import(client, semicolons)
    assert _count(db) == 3


def test_file_problems_are_shown_next_to_the_field(client, login_as, db, monkeypatch):
    login_as("staff")
    monkeypatch.setattr(csvio, "MAX_BYTES", 100)
    too_big = page_text(_upload(client, "x" * 200), markup=True)
    assert "The file is larger than 2 MB" in too_big or "must be" in too_big
    monkeypatch.setattr(csvio, "MAX_BYTES", 2 * 1024 * 1024)
    assert "The file must be a CSV file" in page_text(_upload(client, b"%PDF-1.4", "groups.pdf"), markup=True)
    assert "The file is empty" in page_text(_upload(client, b"   "), markup=True)
    assert "The file has no Name column" in page_text(_upload(client, "Colour,Size\nred,big\n"), markup=True)
    assert "heading row but no groups" in page_text(_upload(client, HEADER), markup=True)
    assert "Choose a CSV file of groups" in page_text(client.post("/staff/groups/import", data={}), markup=True)
    assert _count(db) == 0 and not db.session.scalar(select(func.count()).select_from(GroupImportBatch))


def test_uploaded_files_are_deleted_after_30_days(db):
    import datetime as dt

    from app.db import utcnow
    from app.groups.jobs import delete_old_imports

    db.session.add_all(
        [
            GroupImportBatch(filename="old.csv", content=b"x", created_at=utcnow() - dt.timedelta(days=31), summary={}),
            GroupImportBatch(filename="new.csv", content=b"x", summary={}),
        ]
    )
    db.session.commit()
    assert delete_old_imports() == 1
    db.session.commit()
    assert db.session.scalars(select(GroupImportBatch.filename)).all() == ["new.csv"]
