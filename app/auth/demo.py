"""Demo accounts for `make run`: printed on start, never created outside `flask seed-demo`."""

from __future__ import annotations

from app.auth import services as accounts
from app.auth.models import find_user_by_email

# (e-mail, name, role, password): the other features' demo data names these people.
DEMO_USERS = [
    ("admin@example.org", "Ayesha Rahman", "admin", "demo-admin-river-pencil"),
    ("staff@example.org", "Kwame Mensah", "staff", "demo-staff-marble-kettle"),
    ("member@example.org", "Nasreen Begum", "member", "demo-member-lantern-field"),
    ("member2@example.org", "Tunde Adeyemi", "member", "demo-member-harbour-cloud"),
]


def seed_demo() -> list[tuple[str, str, str]]:
    """Create the demo accounts that are missing; returns (e-mail, role, password) of each one created."""
    created = []
    for email, name, role, password in DEMO_USERS:
        if find_user_by_email(email) is None:
            accounts.create_user(email=email, name=name, password=password, role=role, confirmed=True)
            created.append((email, role, password))
    return created
