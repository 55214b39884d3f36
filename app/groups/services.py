"""Directory logic shared by routes, CLI and tests: applications, decisions, membership,
merges, taxonomy, listing and facets."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import case, delete, func, insert, or_, select, update
from sqlalchemy.orm import selectinload

from app import slugs as slug_helpers
from app.audit import record
from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.groups.locations import groups_near, place, sync_main_location
from app.groups.models import TAG_KINDS, GroupDescription, Membership, Organisation, Tag, organisation_tags
from app.groups.search import text_match
from app.groups.validation import name_key, normalise_postcode
from app.i18n import _, _l
from app.mail import enqueue
from app.merge_hooks import move_organisation_links

FACET_KINDS = ("theme", "community", "language", "area")
SORTS = {
    "name": _l("Name (A to Z)"),
    "newest": _l("Newest first"),
    "nearest": _l("Nearest first (with a postcode)"),
}


def slugify(value: str, max_length: int = 200) -> str:
    return slug_helpers.slugify(value, max_length, "group")


def unique_slug(name: str, model=Organisation, **scope) -> str:
    return slug_helpers.unique_slug(model, slugify(name), **scope)


def refresh_search(org: Organisation) -> None:
    """Rebuild the text the full-text index covers (name, description, tag names, and the group's
    descriptions in other languages, issue 22)."""
    parts = [org.name or "", org.description or ""] + [t.name for t in org.tags]
    if org.id is not None:
        parts += db.session.scalars(
            select(GroupDescription.description)
            .where(GroupDescription.group_id == org.id)
            .order_by(GroupDescription.language)
        )
    org.search_document = "\n".join(p for p in parts if p)


# --- tags ----------------------------------------------------------------------------------


def active_tags(kind: str) -> list[Tag]:
    return list(db.session.scalars(select(Tag).where(Tag.kind == kind, Tag.retired.is_(False)).order_by(Tag.name)))


def tags_by_kind(include_retired: bool = False) -> dict[str, list[Tag]]:
    query = select(Tag).order_by(Tag.kind, Tag.name)
    if not include_retired:
        query = query.where(Tag.retired.is_(False))
    result: dict[str, list[Tag]] = {kind: [] for kind in TAG_KINDS}
    for tag in db.session.scalars(query):
        result[tag.kind].append(tag)
    return result


def find_tag(kind: str, name: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.kind == kind, func.lower(Tag.name) == name.strip().lower()))


def add_tag(kind: str, name: str) -> Tag:
    tag = Tag(kind=kind, name=name.strip(), slug=unique_slug(name, Tag, kind=kind))
    db.session.add(tag)
    db.session.flush()
    return tag


def _organisations_with_tag(tag_id: int) -> list[Organisation]:
    ids = select(organisation_tags.c.organisation_id).where(organisation_tags.c.tag_id == tag_id)
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).options(selectinload(Organisation.tags))
        )
    )


def rename_tag(tag: Tag, name: str) -> None:
    old = tag.name
    tag.name = name.strip()
    db.session.flush()
    for org in _organisations_with_tag(tag.id):
        refresh_search(org)
    record("tag.renamed", tag, kind=tag.kind, old=old, new=tag.name)


def merge_tags(source: Tag, target: Tag) -> int:
    """Move every link from `source` to `target`, then delete `source`. Returns links moved."""
    if source.id == target.id or source.kind != target.kind:
        raise ValueError("A tag can only be merged into another tag of the same kind")
    already = select(organisation_tags.c.organisation_id).where(organisation_tags.c.tag_id == target.id)
    moved = db.session.execute(
        update(organisation_tags)
        .where(organisation_tags.c.tag_id == source.id, organisation_tags.c.organisation_id.not_in(already))
        .values(tag_id=target.id)
    ).rowcount
    db.session.execute(delete(organisation_tags).where(organisation_tags.c.tag_id == source.id))
    record("tag.merged", target, kind=target.kind, merged=source.name, merged_id=source.id, links_moved=moved)
    db.session.delete(source)
    db.session.flush()
    db.session.expire_all()
    for org in _organisations_with_tag(target.id):
        refresh_search(org)
    return moved


def set_retired(tag: Tag, retired: bool) -> None:
    tag.retired = retired
    record("tag.retired" if retired else "tag.restored", tag, kind=tag.kind, name=tag.name)


# --- applications --------------------------------------------------------------------------


def possible_duplicates(
    name: str, charity_number: str | None, company_number: str | None, exclude_id: int | None = None
) -> list[str]:
    """Plain-English warnings for staff about groups that look like this one."""
    flags: list[str] = []
    query = select(Organisation.id, Organisation.name, Organisation.charity_number, Organisation.company_number).where(
        Organisation.status != "rejected"
    )
    if exclude_id:
        query = query.where(Organisation.id != exclude_id)
    key = name_key(name)
    for _id, other_name, other_charity, other_company in db.session.execute(query):
        if charity_number and other_charity == charity_number:
            flags.append(f"Same charity number ({charity_number}) as {other_name}")
        elif company_number and other_company == company_number:
            flags.append(f"Same company number ({company_number}) as {other_name}")
        elif key and difflib.SequenceMatcher(None, key, name_key(other_name)).ratio() >= 0.9:
            flags.append(f"Name is very like {other_name}")
    return flags


def apply_fields(org: Organisation, data: dict, tag_ids: list[int]) -> None:
    """Copy form data and tags onto an organisation and refresh its search text."""
    for key, value in data.items():
        setattr(org, key, value)
    tags = list(db.session.scalars(select(Tag).where(Tag.id.in_(tag_ids)))) if tag_ids else []
    org.tags = tags
    refresh_search(org)
    sync_main_location(org)


def submit_application(user: User, data: dict, tag_ids: list[int]) -> Organisation:
    org = Organisation(slug=unique_slug(data["name"]), status="pending", tags=[])
    apply_fields(org, data, tag_ids)
    org.review_flags = possible_duplicates(org.name, org.charity_number, org.company_number)
    db.session.add(org)
    org.memberships.append(Membership(user_id=user.id, role="owner"))
    db.session.flush()
    record("group.applied", org, actor=user, name=org.name, flags=org.review_flags)
    enqueue(
        "group_application_received",
        to=user.email,
        subject=_l("We have your application for %(name)s", name=org.name),
        name=user.name,
        org=org,
    )
    return org


def resubmit(org: Organisation, user: User) -> None:
    org.status = "pending"
    org.review_flags = possible_duplicates(org.name, org.charity_number, org.company_number, exclude_id=org.id)
    record("group.resubmitted", org, actor=user)


# --- staff decisions -----------------------------------------------------------------------

DECISIONS = {
    "approve": ("approved", "group_approved"),
    "reject": ("rejected", "group_rejected"),
    "request_changes": ("changes_requested", "group_changes_requested"),
}


def decision_subject(decision: str, name: str):
    """Lazy: written in each recipient's language when the e-mail is (app.mail.enqueue)."""
    if decision == "approve":
        return _l("%(name)s is now in the directory", name=name)
    if decision == "reject":
        return _l("Your application for %(name)s", name=name)
    return _l("Please update your application for %(name)s", name=name)


def owners_of(org: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == org.id, Membership.role == "owner", User.active.is_(True))
        )
    )


def decision_recipients(org: Organisation) -> list[tuple[str, str, bool]]:
    """Who hears of a staff decision: (address, name, has an account) for each active owner, and
    the application's contact address when no owner already has it (a group with no owner account
    still hears, issue 19)."""
    seen: set[str] = set()
    out = []
    for owner in owners_of(org):
        if owner.email.lower() not in seen:
            seen.add(owner.email.lower())
            out.append((owner.email, owner.name, True))
    if org.email and org.email.strip().lower() not in seen:
        out.append((org.email.strip(), org.contact_name or "", False))
    return out


def told_sentence(addresses: list[str]) -> str:
    """What the staff page says about who was e-mailed: only what is true."""
    if not addresses:
        return _("Nobody has been emailed: the group has no owner account and no contact email address.")
    if len(addresses) == 1:
        listed = addresses[0]
    else:
        listed = _("%(first)s and %(last)s", first=", ".join(addresses[:-1]), last=addresses[-1])
    return _("An email has been sent to %(addresses)s.", addresses=listed)


def decide(org: Organisation, decision: str, reviewer: User, reason: str | None = None) -> list[str]:
    """Record the decision and e-mail it; returns the addresses e-mailed."""
    status, template = DECISIONS[decision]
    org.status = status
    org.reviewed_by_id = reviewer.id
    org.reviewed_at = utcnow()
    org.review_reason = reason or None
    profile_url = url_for("groups.profile", slug=org.slug, _external=True)
    my_group_url = url_for("main.my_group", _external=True)
    recipients = decision_recipients(org)
    for address, name, has_account in recipients:
        enqueue(
            template,
            to=address,
            subject=decision_subject(decision, org.name),
            name=name,
            org=org,
            reason=reason,
            profile_url=profile_url,
            my_group_url=my_group_url,
            has_account=has_account,
        )
    emailed = [address for address, _name, _account in recipients]
    record(f"group.{decision}", org, actor=reviewer, name=org.name, reason=reason, emailed=emailed)
    return emailed


def set_archived(org: Organisation, archived: bool, actor: User) -> None:
    org.status = "archived" if archived else "approved"
    record("group.archived" if archived else "group.restored", org, actor=actor, name=org.name)


def _move_descriptions(source_id: int, target_id: int) -> int:
    """The duplicate's descriptions in other languages the target has not written (issue 22)."""
    written = select(GroupDescription.language).where(GroupDescription.group_id == target_id)
    result = db.session.execute(
        update(GroupDescription)
        .where(GroupDescription.group_id == source_id, GroupDescription.language.not_in(written))
        .values(group_id=target_id)
    )
    return result.rowcount


def merge_organisations(source: Organisation, target: Organisation, actor: User) -> dict:
    """Move memberships and tags from the duplicate `source` into `target`; archive `source`."""
    if source.id == target.id:
        raise ValueError("A group cannot be merged into itself")
    target_members = set(db.session.scalars(select(Membership.user_id).where(Membership.organisation_id == target.id)))
    moved_members = 0
    for membership in db.session.scalars(select(Membership).where(Membership.organisation_id == source.id)):
        if membership.user_id in target_members:
            db.session.delete(membership)
        else:
            membership.organisation_id = target.id
            membership.role = "member"  # the target keeps its owner
            moved_members += 1
    target_tags = select(organisation_tags.c.tag_id).where(organisation_tags.c.organisation_id == target.id)
    source_tag_ids = list(
        db.session.scalars(
            select(organisation_tags.c.tag_id).where(
                organisation_tags.c.organisation_id == source.id, organisation_tags.c.tag_id.not_in(target_tags)
            )
        )
    )
    if source_tag_ids:
        db.session.execute(
            insert(organisation_tags), [{"organisation_id": target.id, "tag_id": t} for t in source_tag_ids]
        )
    links = move_organisation_links(source.id, target.id)  # other features' links (app/merge_hooks.py)
    links["descriptions_moved"] = _move_descriptions(source.id, target.id)
    source.status = "archived"
    source.merged_into_id = target.id
    # Fill gaps in the target from the duplicate; nothing the target has is overwritten.
    for attr in ("charity_number", "company_number", "website", "email", "phone", "address", "postcode",
                 "founded_year", "beneficiaries", "contact_name"):  # fmt: skip
        if not getattr(target, attr) and getattr(source, attr):
            setattr(target, attr, getattr(source, attr))
    db.session.flush()
    db.session.expire_all()
    target = db.session.scalar(
        select(Organisation).where(Organisation.id == target.id).options(selectinload(Organisation.tags))
    )
    refresh_search(target)
    details = {"merged": source.name, "merged_id": source.id, "members_moved": moved_members,
               "tags_moved": len(source_tag_ids), **links}  # fmt: skip
    record("group.merged", target, actor=actor, **details)
    return details


# --- membership ----------------------------------------------------------------------------


def membership_of(user, org_id: int) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == org_id)
    )


def memberships_for(user: User) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.user_id == user.id)
            .options(selectinload(Membership.organisation))
            .order_by(Membership.id)
        )
    )


# --- the public listing --------------------------------------------------------------------


WITHIN_MILES = {"0.5": _l("half a mile"), "1": _l("1 mile"), "2": _l("2 miles"), "5": _l("5 miles")}
METRES_PER_MILE = 1609.344


@dataclass
class DirectoryFilters:
    """What the public directory shows: search words, ticked tags (OR within a facet, AND across
    facets, issue 18 §3) and "near a postcode" (issue 18 §1, from the offline postcode table)."""

    q: str = ""
    sort: str = "name"
    selected: dict[str, list[str]] = field(default_factory=dict)  # kind -> tag slugs
    near: str = ""  # a postcode as typed
    within: str = "1"  # miles, a key of WITHIN_MILES
    near_ids: list[int] | None = None  # groups with a public venue that near, nearest first, once placed
    near_distances: dict[int, float] | None = None  # group id -> metres to its nearest public venue
    near_problem: str | None = None  # why the postcode could not be used

    @classmethod
    def from_args(cls, args) -> DirectoryFilters:
        q = (args.get("q") or "").strip()[:200]
        near_given = bool((args.get("near") or "").strip())
        # With a postcode, nearest first unless the reader chose another order.
        sort = args.get("sort") if args.get("sort") in SORTS else ("nearest" if near_given else "name")
        selected = {}
        for kind in FACET_KINDS:
            values = list(dict.fromkeys(v[:140] for v in args.getlist(kind) if v))[:10]
            if values:
                selected[kind] = values
        near = (args.get("near") or "").strip()[:12]
        within = args.get("within") if args.get("within") in WITHIN_MILES else "1"
        return cls(q=q, sort=sort, selected=selected, near=near, within=within)

    def locate(self) -> None:
        """Place `near` from the postcode table: the groups with a public venue within `within`
        miles, or `near_problem` saying why it cannot be used (the filter is then left off)."""
        if not self.near:
            return
        postcode = normalise_postcode(self.near)
        point = place(postcode) if postcode else None
        if postcode is None:
            self.near_problem = _("Enter a UK postcode, like E1 6AN")
        elif point is None:
            self.near_problem = _(
                "We cannot find %(postcode)s. Check the postcode, or try a nearby one", postcode=postcode
            )
        else:
            self.near = postcode
            self.near_distances = groups_near(point[0], point[1], float(self.within) * METRES_PER_MILE)
            self.near_ids = list(self.near_distances)

    def params(self) -> dict:
        default = "nearest" if self.near else "name"
        result: dict = {"q": self.q or None, "sort": self.sort if self.sort != default else None}
        result.update(self.selected)
        if self.near:
            result.update(near=self.near, within=self.within if self.within != "1" else None)
        return result

    def is_selected(self, kind: str, slug: str) -> bool:
        return slug in self.selected.get(kind, [])

    @property
    def selected_count(self) -> int:
        return sum(len(slugs) for slugs in self.selected.values()) + (1 if self.near_ids is not None else 0)

    @property
    def active(self) -> bool:
        return bool(self.q or self.selected or self.near)


def _with_tags(kind: str, slugs: list[str]):
    return (
        select(organisation_tags.c.organisation_id)
        .join(Tag, Tag.id == organisation_tags.c.tag_id)
        .where(Tag.kind == kind, Tag.slug.in_(slugs))
    )


def filtered_ids(filters: DirectoryFilters, statuses=("approved",), skip_kind: str | None = None):
    """select(Organisation.id) of groups that match the search, the postcode, and in each facet
    any of its ticked tags (`skip_kind`: all but that facet, for its counts)."""
    query = select(Organisation.id).where(Organisation.status.in_(statuses))
    match = text_match(filters.q)
    if match is not None:
        query = query.where(match)
    if filters.near_ids is not None:
        query = query.where(Organisation.id.in_(filters.near_ids or [-1]))
    for kind, slugs in filters.selected.items():
        if kind != skip_kind:
            query = query.where(Organisation.id.in_(_with_tags(kind, slugs)))
    return query


def directory_query(filters: DirectoryFilters, statuses=("approved",)):
    ids = filtered_ids(filters, statuses)
    order = (
        (Organisation.created_at.desc(), Organisation.id.desc())
        if filters.sort == "newest"
        else (func.lower(Organisation.name), Organisation.id)
    )
    if filters.sort == "nearest" and filters.near_ids:
        order = (case({org_id: rank for rank, org_id in enumerate(filters.near_ids)}, value=Organisation.id),)
    return (
        select(Organisation).where(Organisation.id.in_(ids)).options(selectinload(Organisation.tags)).order_by(*order)
    )


def facet_counts(filters: DirectoryFilters) -> dict[str, list[dict]]:
    """Tags of each facet kind with the number of results each would give: the groups matching
    everything but that facet's own ticks (OR within a facet), that have the tag. One query: a
    grouped count per facet kind, UNION ALL. A selected tag stays listed even when nothing
    matches, so it can be unticked. The reference for the in-process index (directory.py)."""
    selected_slugs = [s for slugs in filters.selected.values() for s in slugs]
    parts = [
        select(organisation_tags.c.tag_id, func.count().label("n"))
        .join(Tag, Tag.id == organisation_tags.c.tag_id)
        .where(Tag.kind == kind, organisation_tags.c.organisation_id.in_(filtered_ids(filters, skip_kind=kind)))
        .group_by(organisation_tags.c.tag_id)
        for kind in FACET_KINDS
    ]
    counts = parts[0].union_all(*parts[1:]).subquery()
    count = func.coalesce(counts.c.n, 0)
    rows = db.session.execute(
        select(Tag.kind, Tag.name, Tag.slug, count)
        .select_from(Tag)
        .outerjoin(counts, counts.c.tag_id == Tag.id)
        .where(Tag.kind.in_(FACET_KINDS), Tag.retired.is_(False))
        .where(or_(counts.c.n > 0, Tag.slug.in_(selected_slugs or [""])))
        .order_by(Tag.kind, Tag.name)
    )
    result: dict[str, list[dict]] = {kind: [] for kind in FACET_KINDS}
    for kind, name, slug, n in rows:
        if n or filters.is_selected(kind, slug):
            result[kind].append({"name": name, "slug": slug, "count": n, "selected": filters.is_selected(kind, slug)})
    return result


# --- the member dashboard ------------------------------------------------------------------

# What a complete directory entry has, in the order of the edit form: (form field id, what to
# add, is it there). The field id is the anchor on the edit page, so "add it" links to the field.
PROFILE_CHECKS = (
    ("description", "a description of what your group does", lambda o: bool((o.description or "").strip())),
    ("founded_year", "the year your group was founded", lambda o: o.founded_year is not None),
    ("beneficiaries", "how many people you support each year", lambda o: bool(o.beneficiaries)),
    ("themes", "the themes of your work", lambda o: bool(o.tags_of("theme"))),
    ("communities", "the communities you serve", lambda o: bool(o.tags_of("community"))),
    ("languages", "the languages you work in", lambda o: bool(o.tags_of("language"))),
    ("service_types", "the types of service you offer", lambda o: bool(o.tags_of("service_type"))),
    ("area", "the area or ward where you work", lambda o: o.area is not None),
    ("contact_name", "a contact person", lambda o: bool(o.contact_name)),
    # Asked for apart, so a postcode already given is not asked for again (issue 21 §7).
    ("address", "your address", lambda o: bool((o.address or "").strip())),
    ("postcode", "your postcode", lambda o: bool((o.postcode or "").strip())),
    ("website", "your website", lambda o: bool(o.website)),
    ("email", "a public email address", lambda o: bool(o.email)),
    ("phone", "a phone number", lambda o: bool(o.phone)),
)


@dataclass
class Completeness:
    done: int
    total: int
    missing: list[tuple[str, str]]  # (edit-form field id, what to add)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def profile_completeness(org: Organisation) -> Completeness:
    """How much of the directory entry is filled in (no queries: needs org.tags loaded)."""
    missing = [(field_id, text) for field_id, text, present in PROFILE_CHECKS if not present(org)]
    return Completeness(len(PROFILE_CHECKS) - len(missing), len(PROFILE_CHECKS), missing)
