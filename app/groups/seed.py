"""The default taxonomy (from the project's CONTEXT: themes, communities, languages, areas, services)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.groups.models import Tag
from app.groups.services import slugify

DEFAULT_TAGS = {
    "theme": [
        "Mental health", "Diabetes", "Cardiovascular disease", "Maternal health", "Infant mortality",
        "Covid-19 impact and vaccination", "Disability-free life expectancy", "Employment and skills",
        "Housing", "Income and deprivation", "Education", "Criminal justice and hate crime",
        "Digital exclusion", "Culture and heritage", "Older people", "Young people", "Women and girls",
    ],
    "community": [
        "Bangladeshi", "Pakistani", "Indian", "Other Asian", "Black African", "Black Caribbean", "Other Black",
        "Mixed", "Chinese", "Gypsy, Roma and Traveller", "Refugees and asylum seekers", "Migrants",
        "Somali", "Turkish and Kurdish", "Latin American",
    ],
    "language": [
        "English", "Bengali", "Sylheti", "Urdu", "Punjabi", "Gujarati", "Hindi", "Somali", "Arabic",
        "Turkish", "Kurdish", "Cantonese", "Mandarin", "Polish", "Romanian", "Portuguese", "Spanish",
        "French", "Tigrinya", "Yoruba", "British Sign Language", "Tamil", "Amharic", "Farsi", "Pashto", "Twi",
        "Lingala", "Vietnamese",
    ],
    # Example area list: wards of an inner-London borough (staff replace these with their own).
    "area": [
        "Bethnal Green East", "Bethnal Green West", "Blackwall and Cubitt Town", "Bow East", "Bow West",
        "Bromley North", "Bromley South", "Canary Wharf", "Island Gardens", "Lansbury", "Limehouse",
        "Mile End", "Poplar", "Shadwell", "Spitalfields and Banglatown", "Stepney Green", "St Dunstan's",
        "St Katharine's and Wapping", "Weavers", "Whitechapel", "Outside the borough",
    ],
    "service_type": [
        "Advice and advocacy", "Befriending", "Counselling and talking therapies", "Food support",
        "Health checks and screening", "Language classes", "Peer support groups", "Sport and exercise",
        "Training and employment support", "Youth activities",
    ],
}  # fmt: skip


def seed_taxonomy() -> int:
    """Add any default tag that is missing (idempotent). Returns how many were added."""
    existing = {(k, s) for k, s in db.session.execute(select(Tag.kind, Tag.slug))}
    added = 0
    for kind, names in DEFAULT_TAGS.items():
        for name in names:
            if (kind, slugify(name)) not in existing:
                db.session.add(Tag(kind=kind, name=name, slug=slugify(name)))
                added += 1
    db.session.flush()
    return added
