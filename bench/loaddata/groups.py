"""Load data: approved groups with realistic names, descriptions and tags (search text included)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from app.extensions import db
from app.groups.demo import DEMO_GROUPS, demo_organisation
from app.groups.locations import load_demo_centroids, place_all_locations
from app.groups.models import Organisation, Tag
from app.groups.seed import DEFAULT_TAGS, seed_taxonomy
from app.groups.services import slugify

WORDS = ["community", "wellbeing", "support", "network", "forum", "circle", "project", "centre", "alliance",
         "voices", "together", "hub", "trust", "link", "action", "families", "elders", "youth", "women's",
         "men's"]  # fmt: skip


def _random_tags(rng: random.Random, tags: dict[str, list[Tag]], description: str) -> list[Tag]:
    chosen = (
        rng.sample(tags["theme"], 2) + rng.sample(tags["community"], 1) + rng.sample(tags["language"], 2)
        + [rng.choice(tags["area"])] + rng.sample(tags["service_type"], 1)
    )  # fmt: skip
    # Tags that the description names are always included, so searches behave as people expect.
    named = [t for kind_tags in tags.values() for t in kind_tags if t.name.lower() in description.lower()]
    return chosen + [t for t in named if t not in chosen]


def generate_groups(count: int, seed: int = 1) -> int:
    """`count` approved groups named after the demo groups (bulk flushes every 500)."""
    seed_taxonomy()
    rng = random.Random(seed)
    tags = {kind: list(db.session.scalars(select(Tag).where(Tag.kind == kind))) for kind in DEFAULT_TAGS}
    start = db.session.scalar(select(func.count()).select_from(Organisation)) or 0
    now = dt.datetime.now(dt.UTC)
    for i in range(count):
        base_name, base_description, *_tags = DEMO_GROUPS[i % len(DEMO_GROUPS)]
        name = f"{rng.choice(tags['area']).name} {rng.choice(WORDS).title()} {base_name} {start + i + 1}"
        chosen = _random_tags(rng, tags, base_description)
        org = demo_organisation(rng, name, base_description, chosen, "approved", now - dt.timedelta(hours=i))
        org.slug = slugify(name)
        db.session.add(org)
        if i % 500 == 499:
            db.session.flush()
    db.session.flush()
    # Venues placed from the demo's postcode table (the groups use the demo's postcodes).
    load_demo_centroids()
    place_all_locations()
    return count
