"""Default taxonomy (from the project's CONTEXT: themes, communities) and demo groups."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from app.auth.models import find_user_by_email
from app.extensions import db
from app.groups.models import Membership, Organisation, Tag
from app.groups.services import refresh_search, slugify, unique_slug

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
        "French", "Tigrinya", "Yoruba", "British Sign Language",
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


DEMO_NAMES = [
    ("Bangla Women's Wellbeing Circle", "Peer support and gentle exercise for Bangladeshi women, with a "
     "weekly talking group on mental health and a diabetes prevention course run with the local GP practice."),
    ("Somali Parents Network", "Helps Somali families with school, housing and benefits; runs homework clubs."),
    ("Caribbean Elders Lunch Club", "A hot lunch, dominoes and health checks for Black Caribbean elders every "
     "Wednesday, with blood-pressure checks from a community nurse."),
    ("Roma Support Hub", "Advice and advocacy for Roma families on housing, employment and health services."),
    ("Sylheti Diabetes Champions", "Volunteers trained to talk about diabetes, diet and exercise in Sylheti."),
    ("Women of Colour Employment Project", "Training, mentoring and job clubs for Black and Asian women."),
    ("Refugee Welcome Kitchen", "Cooking, English conversation and friendship for refugees and asylum seekers."),
    ("Tamil Community Centre", "Language classes, culture and heritage, and a carers' group."),
    ("Kurdish Youth Forum", "Sport, youth activities and mental-health awareness for young Kurdish people."),
    ("Chinese Mental Health Association", "Counselling in Cantonese and Mandarin; peer support groups."),
    ("Ethiopian and Eritrean Mothers", "Maternal health support, antenatal classes and infant feeding advice."),
    ("Mosque Health Outreach", "Covid-19 vaccination clinics, health checks and talks after Friday prayers."),
    ("Black Men's Talking Space", "A monthly peer support group on mental health for Black men."),
    ("Digital Inclusion Aunties", "Helps older Asian women get online: phones, tablets, NHS app and banking."),
    ("Polish Advice Point", "Free advice on employment rights, housing and benefits in Polish."),
    ("Latin American Workers Association", "Employment advice and English classes for Latin American workers."),
    ("Gypsy and Traveller Health Link", "Health advocacy and help registering with a GP."),
    ("Shadwell Young Carers", "Activities and support for young carers from Bangladeshi families."),
    ("Heritage Stories Collective", "Oral history and culture and heritage projects with elders."),
    ("Turkish Cypriot Community Association", "Social club, advice and a weekly older people's lunch."),
    ("Nigerian Families Forum", "Parenting, education support and Yoruba classes for children."),
    ("Punjabi Wellbeing Group", "Yoga, walking and cardiovascular health talks in Punjabi."),
    ("Migrant Housing Action", "Advice and advocacy for migrants facing homelessness or poor housing."),
    ("Spitalfields Food Share", "A weekly food bank and community meal, open to everyone."),
    ("Deaf Asian Network", "British Sign Language social events and health information for Deaf Asian people."),
    ("Pakistani Women's Sewing Circle", "Sewing, friendship and English conversation; a route out of isolation."),
    ("Afro-Caribbean Diabetes Group", "Cooking classes and walking groups for people living with diabetes."),
    ("Hate Crime Reporting Partnership", "Supports victims of hate crime and runs a third-party reporting centre."),
    ("Vietnamese Community Support", "Advice, interpreting and a lunch club for Vietnamese elders."),
    ("Youth Against Knife Crime", "Mentoring and sport for young people at risk of criminal exploitation."),
]  # fmt: skip
PENDING_DEMO = [
    ("Bow Bengali Book Club", "Reading and storytelling in Bengali for children and parents."),
    ("Whitechapel Mental Health Peer Group", "A weekly peer support group for people with mental health needs."),
    ("Somali Parents Network UK", "Helps Somali families with school and housing."),  # a likely duplicate
]


STREETS = ["Commercial Road", "Roman Road", "Cable Street", "Mile End Road"]


def _demo_org(rng: random.Random, name: str, description: str, tags: dict[str, list[Tag]], status: str,
              created: dt.datetime) -> Organisation:  # fmt: skip
    legal = rng.choice(["charity", "cio", "cic", "faith", "unincorporated", "clg"])
    org = Organisation(
        name=name,
        slug=unique_slug(name),
        status=status,
        legal_form=legal,
        charity_number=str(1_100_000 + rng.randrange(90_000)) if legal in ("charity", "cio") else None,
        company_number=f"{rng.randrange(10_000_000, 15_000_000):08d}" if legal in ("cic", "clg") else None,
        description=description,
        founded_year=rng.randrange(1975, 2024),
        address=f"{rng.randrange(1, 300)} {rng.choice(STREETS)}, London",
        postcode=rng.choice(["E1 6AN", "E1 0AA", "E2 9PJ", "E3 4SS", "E14 2BG", "E1W 3PA"]),
        website=f"https://{slugify(name)}.example.org",
        email=f"hello@{slugify(name)}.example.org",
        phone=f"020 7{rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
        contact_name=rng.choice(["Amina Hussain", "Joseph Okafor", "Li Wei", "Maria Lopes", "Ruksana Ali"]),
        beneficiaries=rng.choice(["0-49", "50-249", "250-999", "1000-4999", "5000+"]),
        public_fields=["website", "email", "phone", "founded_year", "beneficiaries", "registration"],
        created_at=created,
        updated_at=created,
    )
    chosen = (
        rng.sample(tags["theme"], 2) + rng.sample(tags["community"], 1) + rng.sample(tags["language"], 2)
        + [rng.choice(tags["area"])] + rng.sample(tags["service_type"], 1)
    )  # fmt: skip
    # Tags that the description names are always included, so searches behave as people expect.
    for kind_tags in tags.values():
        for tag in kind_tags:
            if tag.name.lower() in description.lower() and tag not in chosen:
                chosen.append(tag)
    org.tags = chosen
    refresh_search(org)
    return org


# A partner of the network rather than a member group: co-hosts the community of practice (events demo).
WELLBEING_PARTNERSHIP = (
    "Borough Wellbeing Partnership",
    "The borough's mental health and wellbeing partnership of the NHS, the council's public health team "
    "and voluntary groups. Co-hosts the community of practice on mental health support for BAME communities.",
)


def seed_wellbeing_partnership() -> Organisation:
    """The demo wellbeing partnership (idempotent): the community of practice's partner organisation."""
    name, description = WELLBEING_PARTNERSHIP
    existing = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if existing is not None:
        return existing
    mental_health = db.session.scalar(select(Tag).where(Tag.kind == "theme", Tag.slug == "mental-health"))
    org = Organisation(
        name=name,
        slug=unique_slug(name),
        status="approved",
        legal_form="other",
        description=description,
        website="https://wellbeing-partnership.example.org",
        email="partnership@wellbeing-partnership.example.org",
        public_fields=["website", "email"],
    )
    org.tags = [mental_health] if mental_health else []
    refresh_search(org)
    db.session.add(org)
    db.session.flush()
    return org


def seed_demo_groups() -> None:
    """demo_seeders() entry: the taxonomy, ~30 listed groups and a few applications (idempotent)."""
    seed_taxonomy()
    existing = db.session.scalar(select(func.count()).select_from(Organisation))
    seed_wellbeing_partnership()
    if existing:
        return
    rng = random.Random(2026)
    tags = {kind: list(db.session.scalars(select(Tag).where(Tag.kind == kind))) for kind in DEFAULT_TAGS}
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    member = find_user_by_email("member@example.org")
    member2 = find_user_by_email("member2@example.org")
    for i, (name, description) in enumerate(DEMO_NAMES):
        org = _demo_org(rng, name, description, tags, "approved", now - dt.timedelta(days=7 * i))
        db.session.add(org)
        if i == 0 and member:
            org.memberships.append(Membership(user_id=member.id, role="owner"))
    for i, (name, description) in enumerate(PENDING_DEMO):
        org = _demo_org(rng, name, description, tags, "pending", now + dt.timedelta(days=i))
        db.session.add(org)
        if i == 0 and member2:
            org.memberships.append(Membership(user_id=member2.id, role="owner"))
    db.session.flush()


WORDS = ["community", "wellbeing", "support", "network", "forum", "circle", "project", "centre", "alliance",
         "voices", "together", "hub", "trust", "link", "action", "families", "elders", "youth", "women's",
         "men's"]  # fmt: skip


def generate_groups(count: int, seed: int = 1) -> int:
    """Benchmark data: `count` realistic approved groups (bulk insert; search text included)."""
    seed_taxonomy()
    rng = random.Random(seed)
    tags = {kind: list(db.session.scalars(select(Tag).where(Tag.kind == kind))) for kind in DEFAULT_TAGS}
    start = db.session.scalar(select(func.count()).select_from(Organisation)) or 0
    now = dt.datetime.now(dt.UTC)
    for i in range(count):
        base_name, base_description = DEMO_NAMES[i % len(DEMO_NAMES)]
        name = f"{rng.choice(tags['area']).name} {rng.choice(WORDS).title()} {base_name} {start + i + 1}"
        org = _demo_org(rng, name, base_description, tags, "approved", now - dt.timedelta(hours=i))
        org.slug = f"{slugify(name)}"
        db.session.add(org)
        if i % 500 == 499:
            db.session.flush()
    db.session.flush()
    return count
