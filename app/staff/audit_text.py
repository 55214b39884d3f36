"""The audit log in sentences: "Amina Yusuf changed Bilal Ahmed's role from member to staff", not
`user.role_changed`, "User 4", "moved: True" (issue 21 §7).

Each verb has a sentence with `{actor}`, `{target}` and the row's details; a verb without one is
still readable ("Group: member invited"). The names of the rows the log points to are looked up in
one query per kind of row on the page, so the page's query count does not grow with its rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from string import Formatter

from sqlalchemy import select

from app.actionplan.models import Action, ActionPlan
from app.audit import AuditEvent
from app.auth.models import User
from app.events.models import Event, EventSeries, Registration
from app.extensions import db
from app.groups.models import Organisation, Tag
from app.mailing.models import Bulletin, Subscriber
from app.template_helpers import datetime_format
from app.toolkits.models import Toolkit

SENTENCES = {
    "user.registered": "{actor} created an account",
    "user.confirmed": "{actor} confirmed their email address",
    "user.created": "{actor} created the account of {target} ({role})",
    "user.login": "{actor} signed in",
    "user.login_failed": "Someone failed to sign in as {email}",
    "user.logout": "{actor} signed out",
    "user.logout_everywhere": "{actor} signed out on every device",
    "user.name_changed": "{actor} changed their name from {old} to {new}",
    "user.password_changed": "{actor} changed their password",
    "user.password_reset": "{actor} set a new password with a reset link",
    "user.password_reset_requested": "Someone asked for a password reset for {target}",
    "user.password_reset_unknown": "Someone asked for a password reset for {email}, which has no account",
    "user.role_changed": "{actor} changed {target_possessive} role from {old} to {new}",
    "user.deactivated": "{actor} deactivated the account of {target}",
    "user.reactivated": "{actor} reactivated the account of {target}",
    "invitation.sent": "{actor} invited {email} to join as {role}",
    "invitation.accepted": "{email} accepted their invitation",
    "invitation.revoked": "{actor} withdrew the invitation to {email}",
    "group.applied": "{actor} applied to add {target} to the directory",
    "group.resubmitted": "{actor} sent {target} for review again",
    "group.approved": "{actor} approved {target}",
    "group.rejected": "{actor} turned down {target}",
    "group.changes_requested": "{actor} asked {target} for changes",
    "group.edited": "{actor} edited the entry of {target}",
    "group.staff_edited": "{actor} edited the entry of {target}",
    "group.archived": "{actor} archived {target}",
    "group.restored": "{actor} restored {target} to the directory",
    "group.merged": "{actor} merged a duplicate into {target}",
    "group.member_invited": "{actor} invited {email} to manage {target}",
    "group.member_joined": "{actor} joined {target}",
    "group.member_removed": "{actor} removed someone from {target}",
    "group.invitation_withdrawn": "{actor} withdrew the invitation to {email} to manage {target}",
    "group.ownership_handed_over": "{actor} handed over ownership of {target}",
    "group.leave_requested": "{actor} asked for {target} to leave the network",
    "groups.imported": "{actor} imported groups from a file",
    "groups.exported": "{actor} downloaded groups as a CSV file",
    "tag.added": "{actor} added the tag {name}",
    "tag.renamed": "{actor} renamed the tag {old} to {new}",
    "tag.merged": "{actor} merged the tag {merged} into {target}",
    "event.created": "{actor} created the event {target}",
    "event.updated": "{actor} changed the event {target}",
    "event.moved": "{actor} moved {target} from {was} to {now}",
    "event.cancelled": "{actor} cancelled {target} and told {told} people",
    "event.agenda_item_added": "{actor} added {title} to the agenda of {target}",
    "event.agenda_item_changed": "{actor} changed the agenda item {title} of {target}",
    "event.agenda_item_removed": "{actor} removed {title} from the agenda of {target}",
    "event.minutes_saved": "{actor} saved the minutes of {target}",
    "event.minutes_published": "{actor} published the minutes of {target}",
    "event.action_added": "{actor} added an action to {target}: {description}",
    "event.action_status": "{actor} marked an action of {target} as {status}",
    "event_series.created": "{actor} created the meeting series {name} ({meetings} meetings)",
    "event_series.extended": "{actor} added {meetings} meetings to the series {target}",
    "event.agenda_published": "{actor} published the agenda of {target}",
    "event.agenda_withdrawn": "{actor} withdrew the agenda of {target}",
    "event.apologies_sent": "{target} sent apologies",
    "event.change_notice": "{actor} changed {target} and told {told} people",
    "event.check_in": "{actor} checked in {target}",
    "event.check_in_undone": "{actor} undid the check-in of {target}",
    "event.guest_cancelled": "{actor} removed the guest {guest} of {target}",
    "event.message_sent": "{actor} sent a message about {target} to {recipients} people",
    "event.registrant_added": "{actor} added {target} to the registrants",
    "event.registrant_moved": "{actor} moved {target} from {old} to {new}",
    "event.registration_cancelled": "{actor} cancelled the place of {target}",
    "event.standing_item_spread": "{actor} added the standing item {title} to later meetings of {target}",
    "event.waitlist_skipped": "A place came up but the party of {target} ({party} people) did not fit in {free}",
    "event_series.updated": "{actor} changed the meeting series {target} ({meetings_changed} meetings changed)",
    "group.listing_chased": "{actor} asked the owners of {target} to check their listing",
    "group.listing_confirmed": "{actor} confirmed that the listing of {target} is correct",
    "group.listing_report_resolved": "{actor} dealt with a problem reported with the listing of {target}",
    "subscriber.topics_changed": "{actor} changed the topics of {target}",
    "tag.retired": "{actor} retired the tag {name}",
    "tag.restored": "{actor} brought back the tag {name}",
    "topic.archived": "{actor} archived the mailing-list topic {name}",
    "topic.restored": "{actor} brought back the mailing-list topic {name}",
    "bulletin.created": "{actor} started the bulletin {title}",
    "bulletin.edited": "{actor} edited the bulletin {target}",
    "bulletin.deleted": "{actor} deleted the bulletin {title}",
    "bulletin.item_added": "{actor} added {heading} to the bulletin {target}",
    "bulletin.item_edited": "{actor} changed {heading} in the bulletin {target}",
    "bulletin.item_removed": "{actor} removed {heading} from the bulletin {target}",
    "bulletin.test_sent": "{actor} sent a test of the bulletin {target} to {to}",
    "bulletin.scheduled": "{actor} scheduled the bulletin {target}",
    "bulletin.unscheduled": "{actor} took the bulletin {target} off the schedule",
    "bulletin.sent": "{actor} sent the bulletin {target} to {recipients} people",
    "bulletin.paused": "{actor} paused sending the bulletin {target}",
    "bulletin.resumed": "{actor} resumed sending the bulletin {target}",
    "subscriber.added": "{actor} added {target} to the mailing list",
    "subscriber.confirmed": "{target} confirmed their subscription",
    "subscriber.unsubscribed": "{target} unsubscribed",
    "subscriber.erased": "{actor} erased a subscriber's details",
    "subscriber.data_exported": "{actor} downloaded the data held about {target}",
    "subscriber.bouncing": "Emails to {target} bounced, so they get no more bulletins ({why})",
    "subscriber.reactivated": "{actor} put {target} back on the mailing list: {reason}",
    "subscriber.signed_up_again": "{target} asked to join the mailing list again before confirming",
    "bulletin.bounce_valve": "Sending the bulletin {target} paused itself: {hard_bounces} of {finished} emails bounced",
    "user.data_downloaded": "{actor} downloaded their data",
    "user.email_change_requested": "{actor} asked to change their email address",
    "user.email_changed": "{actor} changed their email address from {old} to {new}",
    "user.deleted": "{actor} deleted their account",
    "subscribers.imported": "{actor} imported subscribers from a file",
    "subscribers.exported": "{actor} downloaded the mailing list",
    "topic.added": "{actor} added the mailing-list topic {name}",
    "toolkit.created": "{actor} created the toolkit {title}",
    "toolkit.updated": "{actor} changed the toolkit {target}",
    "toolkit.cloned": "{actor} made {target} as a copy of another toolkit",
    "toolkit.section_added": "{actor} added the section {title} to {target}",
    "toolkit.section_changed": "{actor} changed the section {title} of {target}",
    "toolkit.section_removed": "{actor} removed the section {title} from {target}",
    "toolkit.question_added": "{actor} added the question {label} to {target}",
    "toolkit.question_changed": "{actor} changed the question {label} of {target}",
    "toolkit.question_removed": "{actor} removed the question {label} from {target}",
    "toolkit.reminders_sent": "{actor} reminded {recipients} people in {organisations} organisations about {target}",
    "toolkit.you_said_saved": "{actor} chose the findings to publish for {target}",
    "toolkit.response_reopened": "{actor} reopened a response to {target}",
    "actionplan.created": "{actor} created the action plan {title}",
    "actionplan.updated": "{actor} changed the action plan {target}",
    "actionplan.imported": "{actor} imported {target} from {filename}",
    "actionplan.theme_saved": "{actor} saved the theme {name} of {target}",
    "actionplan.action_saved": "{actor} saved action {number} of {target}",
    "actionplan.action_deleted": "{actor} deleted action {number} of {target}",
    "site_content.edited": "{actor} changed the home page's welcome text",
}

# The column that names a row of each kind the log points to (staff aggregates: it may read any feature).
NAMES = {
    "User": User.name,
    "Organisation": Organisation.name,
    "Tag": Tag.name,
    "Event": Event.title,
    "EventSeries": EventSeries.name,
    "Registration": Registration.name,
    "Bulletin": Bulletin.title,
    "Subscriber": Subscriber.email,
    "Toolkit": Toolkit.title,
    "ActionPlan": ActionPlan.title,
    "Action": Action.headline,
}
KIND_WORDS = {"ActionPlan": "action plan", "EventSeries": "meeting series"}


@dataclass(frozen=True)
class AuditLine:
    event: AuditEvent
    sentence: str
    details: list[str]  # what the sentence does not already say, as "key: value"


def describe(events: Iterable[AuditEvent]) -> list[AuditLine]:
    events = list(events)
    names = _names(events)
    return [_line(event, names) for event in events]


def _names(events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.object_type in NAMES and (event.object_id or "").isdigit():
            wanted[event.object_type].add(int(event.object_id))
    found = {}
    for kind, ids in wanted.items():
        column = NAMES[kind]
        model = column.class_
        rows = db.session.execute(select(model.id, column).where(model.id.in_(ids)))
        found.update({(kind, str(row_id)): str(name) for row_id, name in rows})
    return found


def _line(event: AuditEvent, names: dict[tuple[str, str], str]) -> AuditLine:
    details = {k: _value(v) for k, v in (event.details or {}).items()}
    actor = event.actor.name if event.actor is not None else "Someone"
    target = _target(event, names)
    values = {**details, "actor": actor, "target": target, "target_possessive": _possessive(target)}
    template = SENTENCES.get(event.verb)
    used: set[str] = set()
    if template and _can_fill(template, values):
        sentence = template.format(**values)
        used = {field for _text, field, _spec, _conv in Formatter().parse(template) if field}
    else:
        sentence = f"{actor}: {verb_label(event.verb).lower()}"
    extra = [f"{key.replace('_', ' ')}: {value}" for key, value in details.items() if key not in used]
    return AuditLine(event=event, sentence=sentence, details=extra)


def _target(event: AuditEvent, names: dict[tuple[str, str], str]) -> str:
    """The name of the row the event is about, or what kind of row it was."""
    name = names.get((event.object_type or "", event.object_id or ""))
    if name is not None:
        return name
    if not event.object_type:
        return "the site"
    kind = KIND_WORDS.get(event.object_type, event.object_type.lower())
    return f"a {kind} since deleted" if event.object_id else f"a {kind}"


def verb_label(verb: str) -> str:
    """ "user.role_changed" -> "User: role changed" (the filter's choices, and the fallback sentence)."""
    kind, _dot, what = verb.partition(".")
    return f"{kind.replace('_', ' ').capitalize()}: {what.replace('_', ' ')}" if what else verb.capitalize()


def _can_fill(template: str, values: dict) -> bool:
    return all(field in values for _text, field, _spec, _conv in Formatter().parse(template) if field)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return datetime_format(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)
