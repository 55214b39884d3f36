"""The directory's per-process index (app/groups/directory.py): the same groups, order and facet
counts as the SQL listing (services.directory_query / services.facet_counts), and never stale
after a write, whichever way the write is made (triggers bump directory_version, migration 0013)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from werkzeug.datastructures import MultiDict

from app.extensions import db as _db
from app.groups import directory
from app.groups import services as svc
from app.groups.search import postgres_prefixes
from bench.loaddata.groups import generate_groups
from tests.factories.groups import organisation, tag

HX = {"HX-Request": "true"}


def _version() -> int:
    return _db.session.scalar(text("SELECT version FROM directory_version WHERE id = 1"))


def _sql_listing(filters, page: int, per_page: int):
    """The reference: the SQL listing the index replaces on the public page."""
    rows = list(_db.session.scalars(svc.directory_query(filters).with_only_columns(svc.Organisation.id)))
    facets = {
        kind: [(item["slug"], item["count"], item["selected"]) for item in items]
        for kind, items in svc.facet_counts(filters).items()
    }
    return len(rows), rows[(page - 1) * per_page : page * per_page], facets


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"q": "health"},
        {"q": "support wellbeing"},
        {"q": "a"},
        {"q": "zzzz-nothing"},
        {"q": 'O\'Brien "health" NEAR(x) OR *'},
        {"q": "স্বাস্থ্য"},
        {"q": "WELL"},
        {"sort": "newest"},
        {"q": "health", "sort": "newest", "page": "2"},
        {"theme": ["mental-health"]},
        {"theme": ["mental-health", "older-people"], "q": "club"},
        {"community": ["no-such-community"]},
        {"theme": ["mental-health", "diabetes"], "community": ["somali", "bangladeshi"]},
        {"theme": ["mental-health"], "language": ["english", "bengali"], "area": ["whitechapel"], "q": "support"},
        {"theme": ["no-such-theme", "diabetes"]},
        {"near": "E1 6AN", "within": "0.5"},
        {"near": "E1 6AN", "within": "5", "theme": ["diabetes", "housing"], "sort": "newest"},
        {"near": "ZZ99 9ZZ"},
        {"page": "3"},
        {"page": "999"},
    ],
)
def test_index_matches_the_sql_listing(app, db, args):
    generate_groups(120)
    organisation("Pending Health Group", status="pending", description="health")
    organisation("Archived Health Group", status="archived", description="health")
    organisation("ঢাকা কমিউনিটি স্বাস্থ্য", description="স্বাস্থ্য সচেতনতা")
    organisation("O'Brien Wellbeing", description="Health advice")
    db.session.commit()
    query = MultiDict([(k, v) for k, vs in args.items() for v in (vs if isinstance(vs, list) else [vs])])
    page = int(args.get("page", 1))
    with app.test_request_context("/groups", query_string=query):
        filters = svc.DirectoryFilters.from_args(query)
        filters.locate()
        result = directory.listing(filters, page=page, per_page=20)
        total, ids, facets = _sql_listing(filters, page, 20)
        assert result.pager.total == total
        assert [entry.id for entry in result.pager.items] == ids
        assert {
            kind: [(str(item.slug), item.count, item.selected) for item in items]
            for kind, items in result.facets.items()
        } == facets
        if args == {}:
            assert total == 122  # not pending or archived groups


def test_entries_carry_tags_in_name_order(app, db):
    health, diabetes = tag("theme", "Mental health"), tag("theme", "Diabetes")
    area = tag("area", "Whitechapel")
    org = organisation("Tagged Group", tags=[health, area, diabetes])
    db.session.commit()
    with app.test_request_context("/groups"):
        entry = directory.listing(svc.DirectoryFilters(), page=1, per_page=20).pager.items[0]
    assert entry.id == org.id
    assert [t.name for t in entry.tags_of("theme")] == ["Diabetes", "Mental health"]
    assert entry.area.name == "Whitechapel"


def test_every_write_bumps_the_version(db):
    theme = tag("theme", "Mental health")
    db.session.commit()
    before = _version()
    org = organisation("Versioned Group", tags=[theme])
    db.session.commit()
    after_insert = _version()
    assert after_insert > before
    db.session.execute(text("UPDATE organisations SET name = 'Renamed' WHERE id = :id"), {"id": org.id})
    db.session.commit()
    assert _version() > after_insert
    bumped = _version()
    db.session.execute(text("DELETE FROM organisation_tags WHERE organisation_id = :id"), {"id": org.id})
    db.session.commit()
    assert _version() > bumped
    bumped = _version()
    db.session.execute(text("UPDATE tags SET name = 'Wellbeing' WHERE id = :id"), {"id": theme.id})
    db.session.commit()
    assert _version() > bumped


def test_listing_follows_writes_made_outside_the_app(client, db):
    """Raw SQL (another process, a console, a migration) invalidates every worker's index too."""
    theme = tag("theme", "Mental health")
    org = organisation("Riverside Friends", tags=[theme])
    db.session.commit()
    assert "Riverside Friends" in client.get("/groups", headers=HX).get_data(as_text=True)
    db.session.execute(text("UPDATE organisations SET status = 'archived' WHERE id = :id"), {"id": org.id})
    db.session.commit()
    html = client.get("/groups", headers=HX).get_data(as_text=True)
    assert "Riverside Friends" not in html and 'id="f-theme-mental-health"' not in html
    db.session.execute(text("UPDATE organisations SET status = 'approved' WHERE id = :id"), {"id": org.id})
    db.session.execute(text("UPDATE tags SET name = 'Wellbeing and mental health' WHERE id = :id"), {"id": theme.id})
    db.session.commit()
    html = client.get("/groups?theme=mental-health", headers=HX).get_data(as_text=True)
    assert "Riverside Friends" in html and "Wellbeing and mental health <span" in html


def test_listing_follows_service_changes(client, db, login_as):
    staff = login_as("staff")
    theme = tag("theme", "Mental health")
    org = organisation("Harbour Wellbeing", tags=[theme])
    db.session.commit()
    assert 'data-announce="1 group found"' in client.get("/groups", headers=HX).get_data(as_text=True)
    svc.set_retired(theme, True)
    db.session.commit()
    html = client.get("/groups", headers=HX).get_data(as_text=True)
    assert 'id="f-theme-mental-health"' not in html
    svc.set_archived(db.session.get(svc.Organisation, org.id), True, staff)
    db.session.commit()
    assert 'data-announce="0 groups found"' in client.get("/groups", headers=HX).get_data(as_text=True)


def test_postgres_reads_the_query_as_prefix_lexemes(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's own parse of the query")
    assert postgres_prefixes("Health SUPPORT!") == ["health", "support"]
    assert postgres_prefixes("স্বাস্থ্য") == ["স্বাস্থ্য"]
    assert postgres_prefixes("  *** ") is None  # no words: no search at all
