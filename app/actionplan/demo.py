"""Demo data for `flask seed-demo`: a made-up race-equality plan, 8 themes, 40 actions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.actionplan.importing.cells import target_date_from
from app.actionplan.models import Action, ActionPlan, ProgressUpdate, StatusChange, Theme, update_fingerprint
from app.actionplan.richtext import plain_to_html
from app.auth.models import find_user_by_email
from app.db import utcnow
from app.extensions import db

SLUG = "race-equality-action-plan-demo"

THEMES = [
    ("Council workforce and culture", [
        "Publish the ethnicity pay gap every year", "Diverse interview panels for senior posts",
        "Reverse mentoring for the leadership team", "Staff network for Black, Asian and minority ethnic staff",
        "Race equality training for all managers",
    ]),
    ("Crime and hate crime", [
        "Third-party hate crime reporting centres", "Hate crime awareness week with faith groups",
        "Community trigger awareness sessions", "Stop and search community scrutiny panel",
        "Support for victims through community groups",
    ]),
    ("Education", [
        "Mentoring for young people at risk of exclusion", "Recruit school governors from under-represented groups",
        "Black history in the school curriculum", "Supplementary schools network", "Attainment gap analysis",
    ]),
    ("Social care", [
        "Culturally appropriate home care", "Carers' support in community languages",
        "Review of safeguarding referrals by ethnicity", "Recruit foster carers from all communities",
        "Advocacy for older people",
    ]),
    ("Health", [
        "Diabetes risk checks in places of worship", "Mental health first aid for community leaders",
        "Covid-19 vaccine confidence sessions", "Maternal health champions", "Cardiovascular health roadshow",
    ]),
    ("History, culture and heritage", [
        "Oral history of the borough's communities", "Review of street names and statues",
        "Community festival grants", "Heritage open days with BAME-led groups", "Museum collection review",
    ]),
    ("Jobs and skills", [
        "Apprenticeships for local residents", "Careers fair with BAME-led organisations",
        "Supplier diversity in council contracts", "Digital skills classes", "Job clubs in community centres",
    ]),
    ("Financial support", [
        "Benefits advice in community languages", "Grants for BAME-led groups to become sustainable",
        "Debt advice outreach", "Fuel poverty support", "Credit union promotion",
    ]),
]  # fmt: skip

STATES = ["completed", "in_progress", "ongoing", "not_started", "in_progress", "on_hold", "completed", "in_progress"]
OFFICERS = ["Jane Smith", "Tom Brown", "Priya Patel", "Sam O'Neill", "Lena Kowalski", "Grace Ade", "Ben Ofori"]
SERVICES = [
    "HR",
    "Community Safety",
    "Education",
    "Adult Social Care",
    "Public Health",
    "Culture",
    "Economy",
    "Finance",
]
# The latest progress update for an action in each state, as a lead officer would write it.
PROGRESS = {
    "completed": "Done. This is now part of the service's normal work, and the board has seen the results.",
    "in_progress": "Under way with community partners. The next milestone is due this quarter.",
    "ongoing": "Continuing as planned. The lead officer reports to the partnership board each quarter.",
    "on_hold": "Paused until funding for next year is confirmed.",
}
TIMESCALES = ["March 2026", "Ongoing", "December 2026", "April 2026 - March 2027", "June 2026", "September 2026"]


def seed_demo() -> None:
    if db.session.scalar(select(ActionPlan.id).where(ActionPlan.slug == SLUG)):
        return
    now = utcnow()
    plan = ActionPlan(
        title="Race Equality Action Plan (demo)",
        slug=SLUG,
        description=plain_to_html(
            "A made-up plan for trying the portal. The partnership board reviews progress at every meeting."
        ),
        status="published",
        visibility="public",
    )
    db.session.add(plan)
    db.session.flush()
    lead = find_user_by_email("member@example.org")
    n = 0
    for t_index, (theme_name, headlines) in enumerate(THEMES, start=1):
        theme = Theme(plan_id=plan.id, name=theme_name, position=t_index, secondary="")
        db.session.add(theme)
        db.session.flush()
        for a_index, headline in enumerate(headlines, start=1):
            n += 1
            status = STATES[n % len(STATES)]
            timescale = TIMESCALES[n % len(TIMESCALES)]
            action = Action(
                plan_id=plan.id,
                theme_id=theme.id,
                headline=headline,
                deliverables=plain_to_html(f"{headline}: delivered with community partners."),
                wider_benefits=plain_to_html("Disabled people, older people and carers also benefit."),
                timescale=timescale,
                target_date=target_date_from(timescale),
                quick_win=("yes", "no", "unknown")[n % 3],
                quick_win_note="Yes, subject to funding" if n % 7 == 0 else "",
                lead_services=[SERVICES[t_index - 1]],
                lead_officers=[
                    OFFICERS[n % len(OFFICERS)],
                    *([OFFICERS[(n + 3) % len(OFFICERS)]] if n % 4 == 0 else []),
                ],
                status=status,
                rag={"completed": "green", "on_hold": "red", "in_progress": "amber"}.get(status),
                created_at=now - dt.timedelta(days=400),
                updated_at=now - dt.timedelta(days=n),
                last_update_at=now - dt.timedelta(days=n * 3),
            )
            action.set_number(f"{t_index}.{a_index}")
            if lead is not None and n in (1, 12):
                action.lead_users = [lead]
            db.session.add(action)
            db.session.flush()
            _history(action, n, now)


def _history(action: Action, n: int, now: dt.datetime) -> None:
    """The status the import set, and for a started action two progress updates: how it started, the latest."""
    status = action.status
    db.session.add(StatusChange(action_id=action.id, from_status=None, to_status=status, source="import",
                                changed_at=now - dt.timedelta(days=400)))  # fmt: skip
    if status == "not_started":
        return
    for k, days in enumerate((200, n * 3)):
        dated = (now - dt.timedelta(days=days)).date()
        body = plain_to_html("Work started with partners." if k == 0 else PROGRESS[status])
        entry_status = "in_progress" if k == 0 else status
        db.session.add(
            ProgressUpdate(action_id=action.id, dated=dated, status=entry_status, body=body,
                           source="import", created_at=now - dt.timedelta(days=days),
                           fingerprint=update_fingerprint(dated, entry_status, body))
        )  # fmt: skip
