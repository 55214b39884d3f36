"""The one slug helper every feature uses for readable addresses."""

from __future__ import annotations

from app.actionplan.models import ActionPlan
from app.groups.models import Tag
from app.slugs import slugify, unique_slug


def test_slugify_makes_words_in_their_own_script_and_falls_back():
    assert slugify("Café & Co — Women's Health") == "cafe-co-women-s-health"
    # Issue 22: a name in Bengali keeps its script in the address (it was "/groups/group").
    assert slugify("বাংলা", fallback="group") == "বাংলা"
    assert slugify("— & —", fallback="group") == "group"
    assert slugify(None, fallback="plan") == "plan"
    assert slugify("a" * 50 + " b", max_length=51) == "a" * 50  # never ends in a hyphen after cutting


def test_unique_slug_counts_up_past_taken_slugs(db):
    db.session.add_all(
        [
            ActionPlan(title="Plan", slug="partnership", status="draft", visibility="public"),
            ActionPlan(title="Plan 2", slug="partnership-2", status="draft", visibility="public"),
            ActionPlan(title="Other", slug="partnership-work", status="draft", visibility="public"),
        ]
    )
    db.session.flush()
    assert unique_slug(ActionPlan, "partnership") == "partnership-3"
    assert unique_slug(ActionPlan, "partnerships") == "partnerships"
    first = db.session.query(ActionPlan).filter_by(slug="partnership").one()
    assert unique_slug(ActionPlan, "partnership", exclude_id=first.id) == "partnership"


def test_unique_slug_is_scoped(db):
    db.session.add(Tag(kind="theme", name="Health", slug="health"))
    db.session.flush()
    assert unique_slug(Tag, "health", kind="theme") == "health-2"
    assert unique_slug(Tag, "health", kind="community") == "health"
