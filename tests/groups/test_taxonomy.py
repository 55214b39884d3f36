"""Staff taxonomy management: add, rename, merge (moving every link), retire."""

from __future__ import annotations

from sqlalchemy import select

from app.audit import AuditEvent
from app.groups.models import Organisation, Tag, organisation_tags
from app.groups.seed import DEFAULT_TAGS, seed_taxonomy
from tests.factories.groups import organisation, tag


def test_default_taxonomy_is_seeded_once(db):
    added = seed_taxonomy()
    assert added == sum(len(v) for v in DEFAULT_TAGS.values())
    assert seed_taxonomy() == 0
    assert db.session.scalar(select(Tag).where(Tag.kind == "theme", Tag.name == "Diabetes")) is not None


def test_add_rename_merge_retire(client, db, login_as):
    bangla, bengali = tag("community", "Bangla"), tag("community", "Bangladeshi")
    one = organisation("Group One", tags=[bangla])
    both = organisation("Group Both", tags=[bangla, bengali])
    db.session.commit()
    login_as("staff")
    assert client.post("/staff/taxonomy?kind=theme", data={"kind": "theme", "name": "Loneliness"}).status_code == 303
    assert "There is already a tag called loneliness" in client.post(
        "/staff/taxonomy", data={"kind": "theme", "name": "loneliness"}
    ).get_data(as_text=True)
    client.post(f"/staff/taxonomy/{bangla.id}", data={"rename-name": "Bangla speakers", "rename-submit": "Rename"})
    db.session.expire_all()
    assert db.session.get(Tag, bangla.id).name == "Bangla speakers"
    assert "Bangla speakers" in db.session.get(Organisation, one.id).search_document
    response = client.post(
        f"/staff/taxonomy/{bangla.id}", data={"merge-target": str(bengali.id), "merge-submit": "Merge"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Tag, bangla.id) is None
    links = set(db.session.execute(select(organisation_tags.c.organisation_id, organisation_tags.c.tag_id)))
    assert links == {(one.id, bengali.id), (both.id, bengali.id)}
    assert (
        client.get("/groups?community=bangladeshi", headers={"HX-Request": "true"})
        .get_data(as_text=True)
        .count("Group ")
        >= 2
    )
    client.post(f"/staff/taxonomy/{bengali.id}/retire")
    db.session.expire_all()
    assert db.session.get(Tag, bengali.id).retired
    login_as("member")
    assert f'value="{bengali.id}"' not in client.get("/groups/apply").get_data(as_text=True)
    verbs = [e.verb for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert verbs[:4] == ["tag.added", "tag.renamed", "tag.merged", "tag.retired"]


def test_rejected_applications_are_deleted_after_a_year(db):
    import datetime as dt

    from app.db import utcnow
    from app.retention import apply_retention

    old = organisation("Old Rejected", status="rejected", reviewed_at=utcnow() - dt.timedelta(days=400))
    recent = organisation("Recent Rejected", status="rejected", reviewed_at=utcnow() - dt.timedelta(days=10))
    listed = organisation("Listed Group", reviewed_at=utcnow() - dt.timedelta(days=400))
    db.session.commit()
    old_id, keep = old.id, {recent.id, listed.id}
    assert apply_retention()["rejected_applications"] == 1
    db.session.commit()
    remaining = set(db.session.scalars(select(Organisation.id)))
    assert remaining == keep and old_id not in remaining
