"""The audit log in sentences: "Amina Yusuf changed Bilal Ahmed's role from member to staff", not
`user.role_changed`, "User 4", "moved: True" (issue 21 §7).

Each verb has a sentence with `%(actor)s`, `%(target)s` and the row's details, a message translated
when the line is built (one whole sentence, so a translator can reorder it); a verb without one is
still readable ("Group: member invited"). The names of the rows the log points to are looked up in
one query per kind of row on the page, so the page's query count does not grow with its rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from app.actionplan.models import Action, ActionPlan
from app.audit import AuditEvent
from app.auth.models import User
from app.events.models import Event, EventSeries, Registration
from app.extensions import db
from app.groups.models import Organisation, Tag
from app.i18n import _, _l
from app.mailing.models import Bulletin, Subscriber
from app.template_helpers import datetime_format
from app.toolkits.models import Toolkit


def N_(message: str) -> str:
    """Marks a sentence for translation; `_line` translates it with the row's values."""
    return message


SENTENCES = {
    "user.registered": N_("%(actor)s created an account"),
    "user.confirmed": N_("%(actor)s confirmed their email address"),
    "user.created": N_("%(actor)s created the account of %(target)s (%(role)s)"),
    "user.login": N_("%(actor)s signed in"),
    "user.login_failed": N_("Someone failed to sign in as %(email)s"),
    "user.logout": N_("%(actor)s signed out"),
    "user.logout_everywhere": N_("%(actor)s signed out on every device"),
    "user.name_changed": N_("%(actor)s changed their name from %(old)s to %(new)s"),
    "user.password_changed": N_("%(actor)s changed their password"),
    "user.password_reset": N_("%(actor)s set a new password with a reset link"),
    "user.password_reset_requested": N_("Someone asked for a password reset for %(target)s"),
    "user.password_reset_unknown": N_("Someone asked for a password reset for %(email)s, which has no account"),
    "user.role_changed": N_("%(actor)s changed %(target_possessive)s role from %(old)s to %(new)s"),
    "user.deactivated": N_("%(actor)s deactivated the account of %(target)s"),
    "user.reactivated": N_("%(actor)s reactivated the account of %(target)s"),
    "invitation.sent": N_("%(actor)s invited %(email)s to join as %(role)s"),
    "invitation.accepted": N_("%(email)s accepted their invitation"),
    "invitation.revoked": N_("%(actor)s withdrew the invitation to %(email)s"),
    "group.applied": N_("%(actor)s applied to add %(target)s to the directory"),
    "group.resubmitted": N_("%(actor)s sent %(target)s for review again"),
    # app.groups.services.decide records "group.<decision>" ("approve", "reject", "request_changes").
    "group.approve": N_("%(actor)s approved %(target)s"),
    "group.reject": N_("%(actor)s turned down %(target)s"),
    "group.request_changes": N_("%(actor)s asked %(target)s for changes"),
    "group.approved": N_("%(actor)s approved %(target)s"),
    "group.rejected": N_("%(actor)s turned down %(target)s"),
    "group.changes_requested": N_("%(actor)s asked %(target)s for changes"),
    "group.edited": N_("%(actor)s edited the entry of %(target)s"),
    "group.staff_edited": N_("%(actor)s edited the entry of %(target)s"),
    "group.archived": N_("%(actor)s archived %(target)s"),
    "group.restored": N_("%(actor)s restored %(target)s to the directory"),
    "group.merged": N_("%(actor)s merged a duplicate into %(target)s"),
    "group.member_invited": N_("%(actor)s invited %(email)s to manage %(target)s"),
    "group.member_joined": N_("%(actor)s joined %(target)s"),
    "group.member_removed": N_("%(actor)s removed someone from %(target)s"),
    "group.invitation_withdrawn": N_("%(actor)s withdrew the invitation to %(email)s to manage %(target)s"),
    "group.ownership_handed_over": N_("%(actor)s handed over ownership of %(target)s"),
    "group.leave_requested": N_("%(actor)s asked for %(target)s to leave the network"),
    "groups.imported": N_("%(actor)s imported groups from a file"),
    "groups.exported": N_("%(actor)s downloaded groups as a CSV file"),
    "tag.added": N_("%(actor)s added the tag %(name)s"),
    "tag.renamed": N_("%(actor)s renamed the tag %(old)s to %(new)s"),
    "tag.merged": N_("%(actor)s merged the tag %(merged)s into %(target)s"),
    "event.created": N_("%(actor)s created the event %(target)s"),
    "event.updated": N_("%(actor)s changed the event %(target)s"),
    "event.moved": N_("%(actor)s moved %(target)s from %(was)s to %(now)s"),
    "event.cancelled": N_("%(actor)s cancelled %(target)s and told %(told)s people"),
    "event.agenda_item_added": N_("%(actor)s added %(title)s to the agenda of %(target)s"),
    "event.agenda_item_changed": N_("%(actor)s changed the agenda item %(title)s of %(target)s"),
    "event.agenda_item_removed": N_("%(actor)s removed %(title)s from the agenda of %(target)s"),
    "event.minutes_saved": N_("%(actor)s saved the minutes of %(target)s"),
    "event.minutes_published": N_("%(actor)s published the minutes of %(target)s"),
    "event.action_added": N_("%(actor)s added an action to %(target)s: %(description)s"),
    "event.action_status": N_("%(actor)s marked an action of %(target)s as %(status)s"),
    "event_series.created": N_("%(actor)s created the meeting series %(name)s (%(meetings)s meetings)"),
    "event_series.extended": N_("%(actor)s added %(meetings)s meetings to the series %(target)s"),
    "event.agenda_published": N_("%(actor)s published the agenda of %(target)s"),
    "event.agenda_withdrawn": N_("%(actor)s withdrew the agenda of %(target)s"),
    "event.apologies_sent": N_("%(target)s sent apologies"),
    "event.change_notice": N_("%(actor)s changed %(target)s and told %(told)s people"),
    "event.check_in": N_("%(actor)s checked in %(target)s"),
    "event.check_in_undone": N_("%(actor)s undid the check-in of %(target)s"),
    "event.guest_check_in": N_("%(actor)s checked in %(guest)s, a guest of %(target)s"),
    "event.guest_check_in_undone": N_("%(actor)s undid the check-in of %(guest)s, a guest of %(target)s"),
    "event.guest_cancelled": N_("%(actor)s removed the guest %(guest)s of %(target)s"),
    "event.message_sent": N_("%(actor)s sent a message about %(target)s to %(recipients)s people"),
    "event.registrant_added": N_("%(actor)s added %(target)s to the registrants"),
    "event.registrant_moved": N_("%(actor)s moved %(target)s from %(old)s to %(new)s"),
    "event.registration_cancelled": N_("%(actor)s cancelled the place of %(target)s"),
    "event.standing_item_spread": N_("%(actor)s added the standing item %(title)s to later meetings of %(target)s"),
    "event.waitlist_skipped": N_(
        "A place came up but the party of %(target)s (%(party)s people) did not fit in %(free)s"
    ),
    "event_series.updated": N_(
        "%(actor)s changed the meeting series %(target)s (%(meetings_changed)s meetings changed)"
    ),
    "group.listing_chased": N_("%(actor)s asked the owners of %(target)s to check their listing"),
    "group.listing_confirmed": N_("%(actor)s confirmed that the listing of %(target)s is correct"),
    "group.listing_report_resolved": N_("%(actor)s dealt with a problem reported with the listing of %(target)s"),
    "subscriber.topics_changed": N_("%(actor)s changed the topics of %(target)s"),
    "tag.retired": N_("%(actor)s retired the tag %(name)s"),
    "tag.restored": N_("%(actor)s brought back the tag %(name)s"),
    "topic.archived": N_("%(actor)s archived the mailing-list topic %(name)s"),
    "topic.restored": N_("%(actor)s brought back the mailing-list topic %(name)s"),
    "bulletin.created": N_("%(actor)s started the bulletin %(title)s"),
    "bulletin.edited": N_("%(actor)s edited the bulletin %(target)s"),
    "bulletin.deleted": N_("%(actor)s deleted the bulletin %(title)s"),
    "bulletin.item_added": N_("%(actor)s added %(heading)s to the bulletin %(target)s"),
    "bulletin.item_edited": N_("%(actor)s changed %(heading)s in the bulletin %(target)s"),
    "bulletin.item_removed": N_("%(actor)s removed %(heading)s from the bulletin %(target)s"),
    "bulletin.version_added": N_("%(actor)s added the %(language)s version of the bulletin %(target)s"),
    "bulletin.version_edited": N_("%(actor)s changed the %(language)s version of the bulletin %(target)s"),
    "bulletin.version_removed": N_("%(actor)s removed the %(language)s version of the bulletin %(target)s"),
    "bulletin.test_sent": N_("%(actor)s sent a test of the bulletin %(target)s to %(to)s"),
    "bulletin.scheduled": N_("%(actor)s scheduled the bulletin %(target)s"),
    "bulletin.unscheduled": N_("%(actor)s took the bulletin %(target)s off the schedule"),
    "bulletin.sent": N_("%(actor)s sent the bulletin %(target)s to %(recipients)s people"),
    "bulletin.paused": N_("%(actor)s paused sending the bulletin %(target)s"),
    "bulletin.resumed": N_("%(actor)s resumed sending the bulletin %(target)s"),
    "subscriber.added": N_("%(actor)s added %(target)s to the mailing list"),
    "subscriber.confirmed": N_("%(target)s confirmed their subscription"),
    "subscriber.unsubscribed": N_("%(target)s unsubscribed"),
    "subscriber.erased": N_("%(actor)s erased a subscriber's details"),
    "subscriber.data_exported": N_("%(actor)s downloaded the data held about %(target)s"),
    "subscriber.bouncing": N_("Emails to %(target)s bounced, so they get no more bulletins (%(why)s)"),
    "subscriber.reactivated": N_("%(actor)s put %(target)s back on the mailing list: %(reason)s"),
    "subscriber.signed_up_again": N_("%(target)s asked to join the mailing list again before confirming"),
    "bulletin.bounce_valve": N_(
        "Sending the bulletin %(target)s paused itself: %(hard_bounces)s of %(finished)s emails bounced"
    ),
    "user.data_downloaded": N_("%(actor)s downloaded their data"),
    "user.email_change_requested": N_("%(actor)s asked to change their email address"),
    "user.email_changed": N_("%(actor)s changed their email address from %(old)s to %(new)s"),
    "user.deleted": N_("%(actor)s deleted their account"),
    "subscribers.imported": N_("%(actor)s imported subscribers from a file"),
    "subscribers.exported": N_("%(actor)s downloaded the mailing list"),
    "topic.added": N_("%(actor)s added the mailing-list topic %(name)s"),
    "toolkit.created": N_("%(actor)s created the toolkit %(title)s"),
    "toolkit.updated": N_("%(actor)s changed the toolkit %(target)s"),
    "toolkit.translated": N_("%(actor)s changed the %(language)s translation of the toolkit %(target)s"),
    "toolkit.cloned": N_("%(actor)s made %(target)s as a copy of another toolkit"),
    "toolkit.section_added": N_("%(actor)s added the section %(title)s to %(target)s"),
    "toolkit.section_changed": N_("%(actor)s changed the section %(title)s of %(target)s"),
    "toolkit.section_removed": N_("%(actor)s removed the section %(title)s from %(target)s"),
    "toolkit.question_added": N_("%(actor)s added the question %(label)s to %(target)s"),
    "toolkit.question_changed": N_("%(actor)s changed the question %(label)s of %(target)s"),
    "toolkit.question_removed": N_("%(actor)s removed the question %(label)s from %(target)s"),
    "toolkit.reminders_sent": N_(
        "%(actor)s reminded %(recipients)s people in %(organisations)s organisations about %(target)s"
    ),
    "toolkit.you_said_saved": N_("%(actor)s chose the findings to publish for %(target)s"),
    "toolkit.response_reopened": N_("%(actor)s reopened a response to %(target)s"),
    "actionplan.created": N_("%(actor)s created the action plan %(title)s"),
    "actionplan.updated": N_("%(actor)s changed the action plan %(target)s"),
    "actionplan.imported": N_("%(actor)s imported %(target)s from %(filename)s"),
    "actionplan.theme_saved": N_("%(actor)s saved the theme %(name)s of %(target)s"),
    "actionplan.action_saved": N_("%(actor)s saved action %(number)s of %(target)s"),
    "actionplan.action_deleted": N_("%(actor)s deleted action %(number)s of %(target)s"),
    "site_content.edited": N_("%(actor)s changed the home page's welcome text"),
}

# What each action is called in the log's "What happened" filter (and in a line whose details do not
# fill its sentence): every verb the code records has one (tests/i18n/test_walk_fixes.py checks).
LABELS = {
    "user.registered": _l("Account registered"),
    "user.confirmed": _l("Email address confirmed"),
    "user.created": _l("Account created by staff"),
    "user.login": _l("Signed in"),
    "user.login_failed": _l("Failed sign-in"),
    "user.logout": _l("Signed out"),
    "user.logout_everywhere": _l("Signed out on every device"),
    "user.name_changed": _l("Name changed"),
    "user.password_changed": _l("Password changed"),
    "user.password_reset": _l("Password reset"),
    "user.password_reset_requested": _l("Password reset asked for"),
    "user.password_reset_unknown": _l("Password reset asked for an address with no account"),
    "user.role_changed": _l("Role changed"),
    "user.deactivated": _l("Account deactivated"),
    "user.reactivated": _l("Account reactivated"),
    "user.data_downloaded": _l("Own data downloaded"),
    "user.email_change_requested": _l("Email address change asked for"),
    "user.email_changed": _l("Email address changed"),
    "user.deleted": _l("Account deleted"),
    "invitation.sent": _l("Invitation sent"),
    "invitation.accepted": _l("Invitation accepted"),
    "invitation.revoked": _l("Invitation withdrawn"),
    "group.applied": _l("Group applied to join"),
    "group.resubmitted": _l("Group sent for review again"),
    "group.approved": _l("Group approved"),
    "group.approve": _l("Group approved"),
    "group.rejected": _l("Group turned down"),
    "group.reject": _l("Group turned down"),
    "group.changes_requested": _l("Changes asked of a group"),
    "group.request_changes": _l("Changes asked of a group"),
    "group.edited": _l("Group entry edited"),
    "group.staff_edited": _l("Group entry edited by staff"),
    "group.archived": _l("Group archived"),
    "group.restored": _l("Group restored"),
    "group.merged": _l("Duplicate group merged"),
    "group.member_invited": _l("Group manager invited"),
    "group.member_joined": _l("Group manager joined"),
    "group.member_removed": _l("Group manager removed"),
    "group.invitation_withdrawn": _l("Group invitation withdrawn"),
    "group.ownership_handed_over": _l("Group ownership handed over"),
    "group.leave_requested": _l("Group asked to leave the network"),
    "group.listing_chased": _l("Group asked to check its listing"),
    "group.listing_confirmed": _l("Group listing confirmed"),
    "group.listing_report_resolved": _l("Problem with a group listing dealt with"),
    "groups.imported": _l("Groups imported"),
    "groups.exported": _l("Groups downloaded"),
    "tag.added": _l("Tag added"),
    "tag.renamed": _l("Tag renamed"),
    "tag.merged": _l("Tags merged"),
    "tag.retired": _l("Tag retired"),
    "tag.restored": _l("Tag brought back"),
    "event.created": _l("Event created"),
    "event.updated": _l("Event changed"),
    "event.moved": _l("Event moved to another time"),
    "event.cancelled": _l("Event cancelled"),
    "event.change_notice": _l("Registrants told of a change"),
    "event.agenda_item_added": _l("Agenda item added"),
    "event.agenda_item_changed": _l("Agenda item changed"),
    "event.agenda_item_removed": _l("Agenda item removed"),
    "event.agenda_published": _l("Agenda published"),
    "event.agenda_withdrawn": _l("Agenda withdrawn"),
    "event.standing_item_spread": _l("Standing item added to later meetings"),
    "event.minutes_saved": _l("Minutes saved"),
    "event.minutes_published": _l("Minutes published"),
    "event.action_added": _l("Meeting action added"),
    "event.action_status": _l("Meeting action updated"),
    "event.apologies_sent": _l("Apologies sent"),
    "event.check_in": _l("Checked in"),
    "event.check_in_undone": _l("Check-in undone"),
    "event.guest_check_in": _l("Guest checked in"),
    "event.guest_check_in_undone": _l("Guest check-in undone"),
    "event.guest_cancelled": _l("Guest removed"),
    "event.message_sent": _l("Message sent to registrants"),
    "event.registrant_added": _l("Registrant added"),
    "event.registrant_moved": _l("Registrant moved"),
    "event.registration_cancelled": _l("Place cancelled"),
    "event.waitlist_skipped": _l("Waiting list party did not fit"),
    "event_series.created": _l("Meeting series created"),
    "event_series.extended": _l("Meetings added to a series"),
    "event_series.updated": _l("Meeting series changed"),
    "bulletin.created": _l("Bulletin started"),
    "bulletin.edited": _l("Bulletin edited"),
    "bulletin.deleted": _l("Bulletin deleted"),
    "bulletin.item_added": _l("Bulletin item added"),
    "bulletin.item_edited": _l("Bulletin item changed"),
    "bulletin.item_removed": _l("Bulletin item removed"),
    "bulletin.version_added": _l("Bulletin version in another language added"),
    "bulletin.version_edited": _l("Bulletin version in another language changed"),
    "bulletin.version_removed": _l("Bulletin version in another language removed"),
    "bulletin.test_sent": _l("Test bulletin sent"),
    "bulletin.scheduled": _l("Bulletin scheduled"),
    "bulletin.unscheduled": _l("Bulletin taken off the schedule"),
    "bulletin.sent": _l("Bulletin sent"),
    "bulletin.paused": _l("Bulletin sending paused"),
    "bulletin.resumed": _l("Bulletin sending resumed"),
    "bulletin.bounce_valve": _l("Bulletin sending paused itself after bounces"),
    "subscriber.added": _l("Subscriber added"),
    "subscriber.confirmed": _l("Subscription confirmed"),
    "subscriber.unsubscribed": _l("Unsubscribed"),
    "subscriber.erased": _l("Subscriber's details erased"),
    "subscriber.data_exported": _l("Subscriber's data downloaded"),
    "subscriber.bouncing": _l("Emails to a subscriber bounced"),
    "subscriber.reactivated": _l("Subscriber put back on the list"),
    "subscriber.signed_up_again": _l("Signed up again before confirming"),
    "subscriber.topics_changed": _l("Subscriber's topics changed"),
    "subscribers.imported": _l("Subscribers imported"),
    "subscribers.exported": _l("Mailing list downloaded"),
    "topic.added": _l("Mailing-list topic added"),
    "topic.archived": _l("Mailing-list topic archived"),
    "topic.restored": _l("Mailing-list topic brought back"),
    "toolkit.created": _l("Toolkit created"),
    "toolkit.updated": _l("Toolkit changed"),
    "toolkit.translated": _l("Toolkit translation changed"),
    "toolkit.cloned": _l("Toolkit copied"),
    "toolkit.section_added": _l("Toolkit section added"),
    "toolkit.section_changed": _l("Toolkit section changed"),
    "toolkit.section_removed": _l("Toolkit section removed"),
    "toolkit.question_added": _l("Toolkit question added"),
    "toolkit.question_changed": _l("Toolkit question changed"),
    "toolkit.question_removed": _l("Toolkit question removed"),
    "toolkit.reminders_sent": _l("Toolkit reminders sent"),
    "toolkit.you_said_saved": _l("Findings to publish chosen"),
    "toolkit.response_reopened": _l("Toolkit response reopened"),
    "actionplan.created": _l("Action plan created"),
    "actionplan.updated": _l("Action plan changed"),
    "actionplan.imported": _l("Action plan imported"),
    "actionplan.theme_saved": _l("Action plan theme saved"),
    "actionplan.action_saved": _l("Action saved"),
    "actionplan.action_deleted": _l("Action deleted"),
    "site_content.edited": _l("Home page welcome text changed"),
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
# What a row the log points to was, for one since deleted ("a user since deleted").
KIND_WORDS = {
    "User": _l("user"),
    "Organisation": _l("organisation"),
    "Tag": _l("tag"),
    "Event": _l("event"),
    "EventSeries": _l("meeting series"),
    "Registration": _l("registration"),
    "Bulletin": _l("bulletin"),
    "Subscriber": _l("subscriber"),
    "Toolkit": _l("toolkit"),
    "ActionPlan": _l("action plan"),
    "Action": _l("action"),
    "Theme": _l("theme"),
    "Invitation": _l("invitation"),
}
FIELD = re.compile(r"%\((\w+)\)s")


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
    details = {k: _language_name(v) if k == "language" else _value(v) for k, v in (event.details or {}).items()}
    actor = event.actor.name if event.actor is not None else _("Someone")
    target = _target(event, names)
    values = {**details, "actor": actor, "target": target, "target_possessive": _possessive(target)}
    template = SENTENCES.get(event.verb)
    used: set[str] = set()
    if template and _can_fill(template, values):
        used = set(FIELD.findall(template))
        sentence = _(template, **{field: values[field] for field in used})
    else:
        sentence = _("%(actor)s: %(what)s", actor=actor, what=verb_label(event.verb).lower())
    extra = [f"{key.replace('_', ' ')}: {value}" for key, value in details.items() if key not in used]
    return AuditLine(event=event, sentence=sentence, details=extra)


def _target(event: AuditEvent, names: dict[tuple[str, str], str]) -> str:
    """The name of the row the event is about, or what kind of row it was."""
    name = names.get((event.object_type or "", event.object_id or ""))
    if name is not None:
        return name
    if not event.object_type:
        return _("the site")
    kind = str(KIND_WORDS.get(event.object_type, event.object_type.lower()))
    return _("a %(kind)s since deleted", kind=kind) if event.object_id else _("a %(kind)s", kind=kind)


def verb_label(verb: str) -> str:
    """ "user.role_changed" -> "Role changed" in the reader's language (the filter's choices, and the
    fallback sentence); a verb no code records any more reads "User: role changed"."""
    label = LABELS.get(verb)
    if label is not None:
        return str(label)
    kind, _dot, what = verb.partition(".")
    return f"{kind.replace('_', ' ').capitalize()}: {what.replace('_', ' ')}" if what else verb.capitalize()


def _can_fill(template: str, values: dict) -> bool:
    return all(field in values for field in FIELD.findall(template))


def _possessive(name: str) -> str:
    """ "Bilal Ahmed's" (a language without an apostrophe-s says it its own way)."""
    return _("%(name)s'", name=name) if name.endswith("s") else _("%(name)s's", name=name)


def _language_name(code) -> str:
    """A portal language's code ("bn") as its name in itself ("বাংলা"), as the switcher names it."""
    from app.i18n.languages import LANGUAGES

    found = LANGUAGES.get(code) if isinstance(code, str) else None
    return found.native_name if found else _value(code)


def _value(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return datetime_format(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)
