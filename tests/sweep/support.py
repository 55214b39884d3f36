"""What the whole-site sweeps share: demo data, the five roles, and a resolver that turns every
GET route in `app.url_map` into a real URL built from the demo data.

A new route is swept automatically. Its URL arguments are resolved by name, first for its endpoint,
then for its blueprint, then site-wide, then by a generic lookup in the blueprint's models (`slug`,
`<thing>_id`); an argument nothing resolves makes the sweep fail with a message naming the route, so
no route is ever silently left out. Signed links (tokens) are made with the app's own token functions.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from app.extensions import db
from app.security import ADMIN, PUBLIC, SIGNED_IN, STAFF, access_of
from app.tokens import make_token

ROLES = ("anonymous", "member", "other_member", "staff", "admin")
ROLE_EMAILS = {
    "member": "member@example.org",  # owner of the first approved demo group
    "other_member": "member2@example.org",  # owner of a different (pending) demo group
    "staff": "staff@example.org",
    "admin": "admin@example.org",
}

# Routes the sweep does not request, each with the reason. Keep this list short: a signed link is
# generated (see TOKENS), never exempted.
EXEMPT = {
    "static": "files, not pages (served by Flask's static view)",
}

# Routes whose object belongs to the member's own group: every other signed-in person (the other
# group's member, and staff, who manage groups from the staff area) gets 403 or 404 (no IDOR).
OBJECT_LEVEL = {
    "groups.applied",
    "groups.edit",
    "groups.invite",  # only the group's owner
    "groups.venues",
    "groups.edit_venue",
    "groups.remove_venue",
    "groups.descriptions",
    "groups.edit_description",
    "groups.remove_description",
    "main.group_dashboard",
    "main.confirm_remove_member",
    # Only members of an approved group answer its toolkit or send its apologies.
    "events.apologies",
    "toolkits.check",
    "toolkits.respond",
    "toolkits.section",
    "toolkits.submitted",
}

SIGNED_IN_ROLES = ("member", "other_member", "staff", "admin")

# Routes whose right answer is not the plain rule for some roles, and why.
EXCEPTIONS: dict[str, dict[str, tuple[int, ...]]] = {
    # A confirmation link confirms the address and moves on to the next page.
    "auth.confirm": dict.fromkeys(ROLES, (303,)),
    # A new email address's confirmation link changes it (once) and moves on to the account or sign-in page.
    "auth.confirm_email_change": dict.fromkeys(ROLES, (303,)),
    # Someone already signed in is sent on from the sign-in and registration pages.
    "auth.login": dict.fromkeys(SIGNED_IN_ROLES, (302,)),
    "auth.register": dict.fromkeys(SIGNED_IN_ROLES, (302,)),
    # Members-only content behind a public URL: visitors are asked to sign in.
    "events.agenda": {"anonymous": (302,)},
    "events.minutes": {"anonymous": (302,)},
    # A bulletin item's own URL serves HTMX; a plain request is sent to the item in the composer.
    "mailing.staff_item": {"staff": (302,), "admin": (302,)},
    # The demo group's only member is its owner, who must hand over before leaving: back to the dashboard.
    "main.confirm_remove_member": {"member": (303,)},
    # One group: "My group" goes straight to it, unless an invitation is waiting for them (the
    # sweep's invitation link is to other_member): then the page lists it (issue 19).
    "main.my_group": {"member": (302,), "other_member": (200, 302)},
    # A colleague invitation (to the member's group, addressed to the other member) works only for
    # the invited address: the invited person sees it, anyone else signed in is refused.
    "groups.join": {"member": (403,), "staff": (403,), "admin": (403,)},
    # A group's description in other languages (issue 22): staff may write it for the group too.
    **{
        endpoint: {"staff": (200,), "admin": (200,)}
        for endpoint in ("groups.descriptions", "groups.edit_description", "groups.remove_description")
    },
    # A counted link in a bulletin e-mail (issue 19) sends everyone on to the link's own site.
    "mailing.bulletin_link": dict.fromkeys(ROLES, (302,)),
}

# Routes whose redirect leaves the portal on purpose (so an anonymous 302 is not to the sign-in page).
LEAVES_THE_SITE = {"mailing.bulletin_link"}


def seed_demo() -> None:
    """Exactly what `flask seed-demo` loads."""
    from app.auth.demo import seed_demo as seed_demo_users
    from app.cli import demo_seeders

    seed_demo_users()
    for seeder in demo_seeders():
        seeder()
    db.session.commit()


def user(role: str):
    from app.auth.models import find_user_by_email

    return find_user_by_email(ROLE_EMAILS[role])


def signed_in(session, user) -> None:
    """Put a real server-side sign-in for `user` into a test client's cookie session."""
    from app.auth import sessions
    from app.extensions import db

    session["_user_id"] = sessions.begin(user, session)
    session["_fresh"] = True
    db.session.commit()


def sign_in(client, role: str) -> None:
    with client.session_transaction() as session:
        session.clear()
        if role != "anonymous":
            signed_in(session, user(role))


# --- the resolver --------------------------------------------------------------------------


def _first(query):
    value = db.session.scalar(query.limit(1))
    if value is None:
        raise LookupError(f"no demo row for {query}")
    return value


def _member_org():
    from app.groups.models import Membership

    return _first(select(Membership.organisation_id).where(Membership.user_id == user("member").id))


def _membership_id() -> int:
    from app.groups.models import Membership

    return _first(select(Membership.id).where(Membership.user_id == user("member").id))


def _venue_id() -> int:
    from app.groups.models import GroupLocation

    return _first(
        select(GroupLocation.id).where(GroupLocation.organisation_id == _member_org(), GroupLocation.position > 0)
    )


def _org():
    from app.groups.models import Organisation

    return db.session.get(Organisation, _member_org())


def _event():
    from app.events.models import Event

    now = dt.datetime.now(dt.UTC)
    return _first(
        select(Event)
        .where(Event.status == "published", Event.audience == "anyone", Event.starts_at > now)
        .order_by(Event.starts_at)
    )


def _meeting():
    """The next members' network meeting with a published agenda."""
    from app.events.models import Event

    now = dt.datetime.now(dt.UTC)
    return _first(
        select(Event)
        .where(Event.status == "published", Event.agenda_published.is_(True), Event.starts_at > now)
        .order_by(Event.starts_at)
    )


def _past_event():
    from app.events.models import Event

    now = dt.datetime.now(dt.UTC)
    return _first(select(Event).where(Event.status == "published", Event.starts_at < now).order_by(Event.starts_at))


def _registration():
    from app.events.models import Registration

    return _first(select(Registration).where(Registration.event_id == _event().id).order_by(Registration.id))


def _plan():
    from app.actionplan.models import ActionPlan

    return _first(
        select(ActionPlan).where(ActionPlan.status == "published", ActionPlan.visibility == "public").order_by("id")
    )


def _action():
    from app.actionplan.models import Action

    return _first(select(Action).where(Action.plan_id == _plan().id).order_by(Action.sort_key))


def _bulletin(status: str = "sent"):
    from app.mailing.models import Bulletin

    return _first(select(Bulletin).where(Bulletin.status == status).order_by(Bulletin.id))


def _subscriber():
    from app.mailing.models import Subscriber

    return _first(select(Subscriber).where(Subscriber.status == "confirmed").order_by(Subscriber.id))


def _import_batch() -> int:
    """A spreadsheet waiting for confirmation: the demo plan exported and uploaded as the staff page does."""
    from app.actionplan import exporter
    from app.actionplan.models import ImportBatch

    existing = db.session.scalar(select(ImportBatch.id).limit(1))
    if existing:
        return existing
    plan = _plan()
    content = exporter.export_csv(plan)
    batch = ImportBatch(filename="plan.csv", content=content, plan_id=plan.id, summary={})
    db.session.add(batch)
    db.session.commit()
    return batch.id


def _group_import_batch() -> int:
    """A directory CSV waiting for confirmation: the directory exported and uploaded as staff do."""
    from app.groups import csvio
    from app.groups import services as group_services
    from app.groups.models import GroupImportBatch

    existing = db.session.scalar(select(GroupImportBatch.id).limit(1))
    if existing:
        return existing
    content = "".join(csvio.export_lines(group_services.DirectoryFilters())).encode("utf-8")
    batch = GroupImportBatch(filename="groups.csv", content=content, summary={})
    db.session.add(batch)
    db.session.commit()
    return batch.id


def _draft_item():
    from app.mailing.models import BulletinItem

    return _first(select(BulletinItem).where(BulletinItem.bulletin_id == _bulletin("draft").id))


def _invitation_token() -> str:
    from app.auth.models import Invitation
    from app.auth.services import invite

    invitation = db.session.scalar(select(Invitation).where(Invitation.accepted_at.is_(None)).limit(1))
    if invitation is None:
        invitation = invite(email="new.person@example.org", name="New Person", role="member", invited_by=user("admin"))
        db.session.commit()
    return make_token("invite", {"iid": invitation.id, "email": invitation.email})


def _outbox_message() -> int:
    from app.mail.models import OutboxMessage

    existing = db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id).limit(1))
    if existing:
        return existing
    from app.auth.services import send_password_changed

    send_password_changed(user("member"))
    db.session.commit()
    return db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id).limit(1))


def _confirm_token() -> str:
    u = user("member")
    return make_token("confirm", {"uid": u.id, "email": u.email})


def _reset_token() -> str:
    u = user("member")
    return make_token("reset", {"uid": u.id, "fp": u.password_fingerprint})


def _email_change_token() -> str:
    """A throwaway account's change of address (opening the link changes it, so not a role's account)."""
    from app.auth.models import find_user_by_email
    from app.auth.services import create_user

    u = find_user_by_email("sweep-old@example.org") or create_user(
        email="sweep-old@example.org", name="Sweep", password=None, confirmed=True
    )
    db.session.commit()
    return make_token("email-change", {"uid": u.id, "old": u.email, "new": "sweep-new@example.org"})


def _mailing_confirm_token() -> str:
    from app.mailing.services import confirm_token

    return confirm_token(_subscriber(), [])


def _mailing_manage_token() -> str:
    from app.mailing.services import manage_token

    return manage_token(_subscriber())


def _bulletin_link_token() -> str:
    from app.mailing.clicks import click_token

    return click_token(_bulletin().id, "https://example.org/sweep")


def _event_cancel_token() -> str:
    from app.events.registration import cancel_token

    return cancel_token(_registration())


def _listing_check_token() -> str:
    from app.groups.freshness import LINK_PURPOSE

    return make_token(LINK_PURPOSE, {"org": _member_org(), "user": user("member").id})


def _listing_report_id() -> int:
    from app.groups.models import ListingReport

    report = ListingReport(organisation_id=_member_org(), problem="The phone number does not work.")
    db.session.add(report)
    db.session.commit()
    return report.id


def _group_invite_token() -> str:
    from app.groups.invitations import MAX_AGE
    from app.groups.models import GroupInvitation

    invitation = GroupInvitation(
        organisation_id=_member_org(),
        email=user("other_member").email,
        invited_by_id=user("member").id,
        expires_at=dt.datetime.now(dt.UTC) + MAX_AGE,
    )
    db.session.add(invitation)
    db.session.commit()
    return make_token("group-invite", {"iid": invitation.id})


def _series_id() -> int:
    from app.events.models import EventSeries

    return _first(select(EventSeries.id).order_by(EventSeries.id))


def _agenda_item_id() -> int:
    from app.events.models import AgendaItem

    return _first(select(AgendaItem.id).where(AgendaItem.event_id == _meeting().id).order_by(AgendaItem.id))


def _public_location():
    from app.groups.models import GroupLocation, Organisation

    return db.session.scalar(
        select(GroupLocation)
        .join(Organisation, Organisation.id == GroupLocation.organisation_id)
        .where(GroupLocation.public.is_(True), Organisation.status == "approved")
        .order_by(GroupLocation.id)
        .limit(1)
    )


def _taxonomy_uuid() -> str:
    from app.groups.hsds import taxonomy_id

    return taxonomy_id("theme")


def _term_uuid() -> str:
    from app.groups.models import Tag

    return _first(select(Tag.uuid).order_by(Tag.id))


def _tag_id() -> int:
    from app.groups.models import Tag

    return _first(select(Tag.id).order_by(Tag.id))


def _theme_id() -> int:
    from app.actionplan.models import Theme

    return _first(select(Theme.id).where(Theme.plan_id == _plan().id).order_by(Theme.id))


# (scope, argument) -> value. Scope is an endpoint, a blueprint name, or "*" for everywhere.
RESOLVERS: dict[tuple[str, str], Callable[[], object]] = {
    # site-wide
    ("*", "user_id"): lambda: user("member").id,
    ("*", "org_id"): _member_org,
    ("*", "event_id"): lambda: _meeting().id,
    ("*", "bulletin_id"): lambda: _bulletin().id,
    ("*", "subscriber_id"): lambda: _subscriber().id,
    ("*", "plan_id"): lambda: _plan().id,
    ("*", "action_id"): lambda: _action().id,
    ("*", "message_id"): _outbox_message,
    # groups
    ("groups", "slug"): lambda: _org().slug,
    ("groups.hsds_organization", "org_id"): lambda: _org().uuid,
    ("groups", "service_uuid"): lambda: _org().service_uuid,
    ("groups", "tag_id"): _tag_id,
    ("groups", "sal_uuid"): lambda: _public_location().service_at_location_uuid,
    ("groups", "taxonomy_uuid"): lambda: _taxonomy_uuid(),
    ("groups", "term_uuid"): lambda: _term_uuid(),
    ("groups.join", "token"): _group_invite_token,
    ("groups.listing_check", "token"): lambda: _listing_check_token(),
    ("groups", "report_id"): lambda: _listing_report_id(),
    ("main.confirm_remove_member", "membership_id"): _membership_id,
    ("groups", "venue_id"): _venue_id,
    ("groups", "language"): lambda: "bn",  # the demo member's group has a Bengali description
    # events
    ("events", "slug"): lambda: _event().slug,
    ("events.agenda", "slug"): lambda: _meeting().slug,
    ("events.apologies", "slug"): lambda: _meeting().slug,  # apologies are for network meetings only
    ("events.minutes", "slug"): lambda: _past_event().slug,
    ("events", "series_id"): _series_id,
    ("events", "item_id"): _agenda_item_id,
    ("events", "registration_id"): lambda: _registration().id,
    ("events.cancel_by_token", "token"): _event_cancel_token,
    # toolkits: a translation is edited per language the portal translates into
    ("toolkits", "language"): lambda: "bn",
    # action plans
    ("actionplan", "slug"): lambda: _plan().slug,
    ("actionplan", "number"): lambda: _action().number,
    ("actionplan", "theme_id"): _theme_id,
    ("actionplan", "batch_id"): _import_batch,
    ("groups", "batch_id"): _group_import_batch,
    # An item is reached through its own (draft) bulletin; items are edited only in drafts.
    ("mailing.staff_item", "bulletin_id"): lambda: _bulletin("draft").id,
    ("mailing.staff_item", "item_id"): lambda: _draft_item().id,
    ("mailing.staff_item_edit", "bulletin_id"): lambda: _bulletin("draft").id,
    ("mailing.staff_item_edit", "item_id"): lambda: _draft_item().id,
    # mailing list and bulletins
    ("mailing", "slug"): lambda: _bulletin().slug,
    ("mailing.staff_send", "bulletin_id"): lambda: _bulletin("draft").id,  # a sent one has nothing to send
    # A version in another language is written only for a draft (issue 22); `code` is its language.
    ("mailing.staff_bulletin_version", "bulletin_id"): lambda: _bulletin("draft").id,
    ("mailing.staff_bulletin_version_delete", "bulletin_id"): lambda: _bulletin("draft").id,
    ("mailing", "code"): lambda: "bn",
    ("mailing.confirm", "token"): _mailing_confirm_token,
    ("mailing.preferences", "token"): _mailing_manage_token,
    ("mailing.unsubscribe", "token"): _mailing_manage_token,
    ("mailing.bulletin_link", "token"): _bulletin_link_token,
    # accounts
    ("auth.confirm", "token"): _confirm_token,
    ("auth.confirm_email_change", "token"): _email_change_token,
    ("auth.reset_password", "token"): _reset_token,
    ("auth.accept_invitation", "token"): _invitation_token,
}


def _generic(blueprint: str, arg: str):
    """A row from the blueprint's own models: `slug` → the first row with a slug (published/open ones
    first); `<thing>_id` → the first row of the model called Thing. None when nothing fits."""
    try:
        module = importlib.import_module(f"app.{blueprint}.models")
    except ImportError:
        return None
    models = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, db.Model) and obj.__module__ == module.__name__
    ]
    wanted = arg[:-3].replace("_", "") if arg.endswith("_id") else None
    for model in models:
        columns = sa_inspect(model).columns
        if arg == "slug" and "slug" in columns:
            attribute = "slug"
        elif wanted and model.__name__.lower() == wanted:
            attribute = "id"
        else:
            continue
        query = select(getattr(model, attribute))
        if "status" in columns:
            live = model.status.in_(("published", "open", "approved", "sent", "closed"))
            query = query.order_by(live.desc())
        value = db.session.scalar(query.order_by(model.id).limit(1))
        if value is not None:
            return value
    return None


@dataclass
class SweepRoute:
    endpoint: str
    rule: str
    access: str
    url: str | None = None
    problem: str | None = None
    generic: list[str] = field(default_factory=list)

    @property
    def blueprint(self) -> str:
        return self.endpoint.split(".", 1)[0]


def get_routes(app: Flask) -> list[SweepRoute]:
    """Every GET route (but the exempt ones), each with a URL built from the demo data."""
    routes = []
    adapter = app.url_map.bind("localhost")
    values_cache: dict[tuple[str, str], object] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if "GET" not in rule.methods or rule.endpoint in EXEMPT:
            continue
        route = SweepRoute(rule.endpoint, rule.rule, access_of(app.view_functions[rule.endpoint]) or "undeclared")
        values = {}
        for arg in sorted(rule.arguments):
            blueprint = route.blueprint
            for scope in (rule.endpoint, blueprint, "*"):
                if (scope, arg) in RESOLVERS:
                    key = (scope, arg)
                    if key not in values_cache:
                        try:
                            with app.test_request_context():  # token helpers build links
                                values_cache[key] = RESOLVERS[key]()
                        except LookupError as exc:
                            values_cache[key] = exc
                    values[arg] = values_cache[key]
                    break
            else:
                value = _generic(blueprint, arg)
                if value is not None:
                    values[arg] = value
                    route.generic.append(arg)
            if isinstance(values.get(arg), Exception):
                route.problem = f"{arg}: {values[arg]}"
            elif arg not in values:
                route.problem = f"no resolver for <{arg}>"
        if route.problem is None:
            route.url = adapter.build(rule.endpoint, values)
        routes.append(route)
    return routes


def expected_statuses(route: SweepRoute, role: str) -> tuple[int, ...]:
    """The statuses that are right for `role` on `route`."""
    if role in EXCEPTIONS.get(route.endpoint, {}):
        return EXCEPTIONS[route.endpoint][role]
    if route.access == PUBLIC:
        return (200,)
    if role == "anonymous":
        return (302,)  # to the sign-in page (checked separately)
    if route.access == SIGNED_IN:
        if route.endpoint in OBJECT_LEVEL and role != "member":
            return (403, 404)
        return (200,)
    if route.access == STAFF:
        return (403,) if role in ("member", "other_member") else (200,)
    if route.access == ADMIN:
        return (200,) if role == "admin" else (403,)
    return (200,)


# --- the sweep itself ------------------------------------------------------------------------


@dataclass
class Visit:
    route: SweepRoute
    status: int
    location: str
    content_type: str
    template: str | None  # the page template rendered (None for files, JSON, redirects)
    body: str = ""  # HTML pages only


def sweep(app: Flask, client, role: str) -> tuple[list[Visit], list[SweepRoute]]:
    """Request every resolvable GET route as `role`; returns the visits and the unresolved routes."""
    from flask import template_rendered

    routes = get_routes(app)
    unresolved = [r for r in routes if r.url is None]
    visits = []
    rendered: list[str] = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    app.config["PROPAGATE_TEST_ERRORS"] = False  # a crash is a 500 to count, not an exception
    template_rendered.connect(record, app)
    try:
        for route in routes:
            if route.url is None:
                continue
            sign_in(client, role)
            rendered.clear()
            response = client.get(route.url)
            visits.append(
                Visit(
                    route,
                    response.status_code,
                    response.headers.get("Location", ""),
                    response.headers.get("Content-Type", ""),
                    rendered[0] if rendered else None,
                    response.get_data(as_text=True) if response.mimetype == "text/html" else "",
                )
            )
    finally:
        template_rendered.disconnect(record, app)
        app.config["PROPAGATE_TEST_ERRORS"] = True
    return visits, unresolved
