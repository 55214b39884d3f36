"""Demo groups for `flask seed-demo`: 30 listed groups, each tagged with what it does and who it serves,
and a few applications waiting for review."""

from __future__ import annotations

import datetime as dt
import random
import zlib

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.models import find_user_by_email
from app.extensions import db
from app.groups.locations import load_demo_centroids, place_all_locations
from app.groups.models import GroupDescription, GroupLocation, Membership, Organisation, Tag
from app.groups.seed import seed_taxonomy
from app.groups.services import refresh_search, slugify, unique_slug

# (name, description, themes, communities, languages, service types): tag names separated by "; ".
DEMO_GROUPS = [
    ("Bangla Women's Wellbeing Circle", "Peer support and gentle exercise for Bangladeshi women. We run a weekly "
     "talking group about mental health. We also run a course with the local GP to help prevent diabetes.",
     "Mental health; Diabetes; Women and girls", "Bangladeshi", "Bengali; Sylheti",
     "Peer support groups; Sport and exercise"),
    ("Somali Parents Network", "We help Somali families with school, housing and benefits, and we run homework clubs.",
     "Education; Housing; Income and deprivation", "Somali", "Somali; English",
     "Advice and advocacy; Youth activities"),
    ("Caribbean Elders Lunch Club", "A hot lunch, dominoes and health checks for Black Caribbean elders every "
     "Wednesday. A community nurse checks blood pressure.",
     "Older people; Cardiovascular disease", "Black Caribbean", "English",
     "Food support; Health checks and screening"),
    ("Roma Support Hub", "We give advice and support to Roma families on housing, jobs and health services.",
     "Housing; Employment and skills", "Gypsy, Roma and Traveller", "Romanian", "Advice and advocacy"),
    ("Sylheti Diabetes Champions", "Volunteers trained to talk about diabetes, diet and exercise in Sylheti.",
     "Diabetes", "Bangladeshi", "Sylheti; Bengali", "Health checks and screening; Peer support groups"),
    ("Women of Colour Employment Project", "Training, mentoring and job clubs for Black and Asian women.",
     "Employment and skills; Women and girls", "Black African; Black Caribbean; Other Asian", "English",
     "Training and employment support"),
    ("Refugee Welcome Kitchen", "Cooking, English conversation and friendship for people who had "
     "to leave their country.",
     "Income and deprivation", "Refugees and asylum seekers", "Arabic; Tigrinya; English",
     "Food support; Language classes; Befriending"),
    ("Tamil Community Centre", "Language classes, culture and heritage, and a group for carers.",
     "Culture and heritage; Older people", "Other Asian", "English", "Language classes"),
    ("Kurdish Youth Forum", "Sport, youth clubs and talks about mental health for young Kurdish people.",
     "Young people; Mental health", "Turkish and Kurdish", "Kurdish; Turkish", "Youth activities; Sport and exercise"),
    ("Chinese Mental Health Association", "Counselling in Cantonese and Mandarin; peer support groups.",
     "Mental health", "Chinese", "Cantonese; Mandarin", "Counselling and talking therapies; Peer support groups"),
    ("Ethiopian and Eritrean Mothers", "Help for mothers before and after birth: baby classes and advice on feeding.",
     "Maternal health; Infant mortality; Women and girls", "Black African", "Tigrinya; English", "Peer support groups"),
    ("Mosque Health Outreach", "Covid-19 jabs, health checks and talks after Friday prayers.",
     "Covid-19 impact and vaccination", "Bangladeshi; Pakistani; Somali", "Bengali; Urdu; Somali; Arabic",
     "Health checks and screening"),
    ("Black Men's Talking Space", "A monthly peer support group on mental health for Black men.",
     "Mental health", "Black African; Black Caribbean", "English", "Peer support groups"),
    ("Digital Inclusion Aunties", "Helps older Asian women get online: phones, tablets, the NHS app and banking.",
     "Digital exclusion; Older people; Women and girls", "Bangladeshi; Pakistani; Indian", "Bengali; Urdu; Gujarati",
     "Befriending"),
    ("Polish Advice Point", "Free advice in Polish on rights at work, housing and benefits.",
     "Employment and skills; Housing; Income and deprivation", "Migrants", "Polish", "Advice and advocacy"),
    ("Latin American Workers Association", "Employment advice and English classes for Latin American workers.",
     "Employment and skills", "Latin American; Migrants", "Spanish; Portuguese",
     "Training and employment support; Language classes"),
    ("Gypsy and Traveller Health Link", "We speak up for Gypsy and Traveller people about their "
     "health, and help them sign up with a GP.",
     "Disability-free life expectancy", "Gypsy, Roma and Traveller", "English",
     "Advice and advocacy; Health checks and screening"),
    ("Shadwell Young Carers", "Things to do and support for young carers from Bangladeshi "
     "families.",
     "Young people", "Bangladeshi", "Bengali; Sylheti", "Youth activities"),
    ("Heritage Stories Collective", "Stories and history projects with elders, about their culture and "
     "where they come from.",
     "Culture and heritage; Older people", "Black Caribbean; Bangladeshi", "English; Bengali", "Befriending"),
    ("Turkish Cypriot Community Association", "Social club, advice and a weekly older people's lunch.",
     "Older people", "Turkish and Kurdish", "Turkish", "Advice and advocacy; Food support"),
    ("Nigerian Families Forum", "Help for parents, help with school, and Yoruba classes for children.",
     "Education; Young people", "Black African", "Yoruba; English", "Language classes; Youth activities"),
    ("Punjabi Wellbeing Group", "Yoga, walking and talks on heart health in Punjabi.",
     "Cardiovascular disease", "Indian; Pakistani", "Punjabi", "Sport and exercise"),
    ("Migrant Housing Action", "Advice and support for migrants who are homeless or live in poor housing.",
     "Housing", "Migrants; Refugees and asylum seekers", "English", "Advice and advocacy"),
    ("Spitalfields Food Share", "A weekly food bank and community meal, open to everyone.",
     "Income and deprivation", "", "English", "Food support"),
    ("Deaf Asian Network", "British Sign Language social events and health information for Deaf Asian people.",
     "Disability-free life expectancy", "Bangladeshi; Pakistani; Indian", "British Sign Language",
     "Peer support groups"),
    ("Pakistani Women's Sewing Circle", "Sewing, friendship and English conversation; a route out of isolation.",
     "Women and girls; Mental health", "Pakistani", "Urdu; Punjabi", "Befriending; Language classes"),
    ("Afro-Caribbean Diabetes Group", "Cooking classes and walking groups for people living with diabetes.",
     "Diabetes", "Black African; Black Caribbean", "English", "Sport and exercise"),
    ("Hate Crime Reporting Partnership", "Supports victims of hate crime. You can report hate "
     "crime to us if you do not want to go to the police.",
     "Criminal justice and hate crime", "", "English", "Advice and advocacy"),
    ("Vietnamese Community Support", "Advice, interpreting and a lunch club for Vietnamese elders.",
     "Older people", "Other Asian", "English", "Advice and advocacy; Food support"),
    ("Youth Against Knife Crime", "Mentoring and sport for young people at risk of being drawn into crime.",
     "Young people; Criminal justice and hate crime", "Black African; Black Caribbean", "English",
     "Youth activities; Sport and exercise"),
]  # fmt: skip
PENDING_GROUPS = [
    ("Bow Bengali Book Club", "Reading and storytelling in Bengali for children and parents.",
     "Education; Young people", "Bangladeshi", "Bengali", "Language classes"),
    ("Whitechapel Mental Health Peer Group", "A weekly peer support group for people with mental health needs.",
     "Mental health", "", "English", "Peer support groups"),
    ("Somali Parents Network UK", "Helps Somali families with school and housing.",  # a likely duplicate
     "Education; Housing", "Somali", "Somali", "Advice and advocacy"),
]  # fmt: skip
TAG_COLUMNS = ("theme", "community", "language", "service_type")
# Descriptions some groups wrote in the portal's other languages (issue 22); the demo member's own
# group has one in Bengali, so its "description in other languages" page has something to change.
DEMO_DESCRIPTIONS = {
    ("Bangla Women's Wellbeing Circle", "bn"): "বাংলাদেশি নারীদের জন্য পারস্পরিক সহায়তা ও হালকা ব্যায়াম। আমরা প্রতি "
    "সপ্তাহে মানসিক স্বাস্থ্য নিয়ে একটি আলোচনা দল চালাই। ডায়াবেটিস প্রতিরোধে সাহায্য করতে আমরা স্থানীয় জিপির সাথে "
    "একটি কোর্সও চালাই।",
    ("Somali Parents Network", "so"): "Waxaan ka caawinnaa qoysaska Soomaaliyeed dugsiga, guryaha iyo gunooyinka, "
    "waxaana carruurta u furnaa naadiyo lagu caawiyo casharrada guriga.",
}
STREETS = ["Commercial Road", "Roman Road", "Cable Street", "Mile End Road"]


def demo_organisation(
    rng: random.Random, name: str, description: str, tags: list[Tag], status: str, created: dt.datetime
) -> Organisation:
    """A made-up but plausible group (contact details, legal form, size) with the given tags."""
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
        reviewed_at=created if status == "approved" else None,  # approved the day it applied
    )
    org.tags = tags
    refresh_search(org)
    _venues(org)
    return org


VENUE_POSTCODES = ["E1 6AN", "E1 0AA", "E2 9PJ", "E3 4SS", "E14 2BG", "E1W 3PA", "E1 1BB", "E1 4NS"]


def _venues(org: Organisation) -> None:
    """Where the group meets (HSDS locations): its address, public for two groups in three, and
    for one in four a second venue. Chosen from the name (not the seeded random numbers, which the
    rest of the demo data depends on); coordinates come from place_all_locations() afterwards."""
    pick = zlib.crc32(org.name.encode("utf-8"))
    if pick % 3:
        org.public_fields = [*org.public_fields, "address"]
    org.locations.append(
        GroupLocation(position=0, address_1=org.address or "", postcode=org.postcode, public=bool(pick % 3))
    )
    if pick % 4 == 0:
        org.locations.append(
            GroupLocation(
                position=1,
                name=f"{org.name}: community hall",
                address_1=f"{pick % 200 + 1} {STREETS[pick % len(STREETS)]}, London",
                postcode=VENUE_POSTCODES[pick % len(VENUE_POSTCODES)],
            )
        )


def _tags_for(row: tuple, by_name: dict[tuple[str, str], Tag], areas: list[Tag], rng: random.Random) -> list[Tag]:
    """The row's named tags, and the ward its name mentions (else one at random)."""
    name, _description, *columns = row
    tags = [
        by_name[kind, tag] for kind, names in zip(TAG_COLUMNS, columns, strict=True) for tag in names.split("; ") if tag
    ]
    ward = next((area for area in areas if area.name.split()[0] in name.split()), None)
    return [*tags, ward or rng.choice(areas)]


def _descriptions() -> None:
    for (name, language), text in DEMO_DESCRIPTIONS.items():
        org = db.session.scalar(
            select(Organisation).where(Organisation.name == name).options(selectinload(Organisation.tags))
        )
        if org is not None:
            db.session.add(GroupDescription(group_id=org.id, language=language, description=text))
            db.session.flush()
            refresh_search(org)


def seed_demo() -> None:
    """The taxonomy, the listed groups and a few applications (idempotent). The demo member owns the
    first group; the second demo member applied for the first pending one."""
    seed_taxonomy()
    if db.session.scalar(select(func.count()).select_from(Organisation)):
        return
    rng = random.Random(2026)
    by_name = {(tag.kind, tag.name): tag for tag in db.session.scalars(select(Tag))}
    areas = [tag for (kind, name), tag in by_name.items() if kind == "area" and name != "Outside the borough"]
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    owners = [find_user_by_email("member@example.org"), find_user_by_email("member2@example.org")]
    for rows, status, owner, step in (
        (DEMO_GROUPS, "approved", owners[0], -7),
        (PENDING_GROUPS, "pending", owners[1], 1),
    ):
        for i, row in enumerate(rows):
            org = demo_organisation(rng, row[0], row[1], _tags_for(row, by_name, areas, rng), status,
                                    now + dt.timedelta(days=step * i))  # fmt: skip
            db.session.add(org)
            if i == 0 and owner:
                org.memberships.append(Membership(user_id=owner.id, role="owner"))
                if status == "approved" and len(org.locations) == 1:  # the demo member sees a venue to manage
                    hall = GroupLocation(position=1, name="Community hall on Cable Street", postcode="E1W 3PA")
                    hall.address_1 = "120 Cable Street, London"
                    org.locations.append(hall)
    db.session.flush()
    _descriptions()
    load_demo_centroids()
    place_all_locations()
