"""What each kind of e-mail is, in words, for the Sent mail page (issue 19): staff read
"Group application received", not "group_application_received"."""

from __future__ import annotations

from app.i18n import _, _l

MAIL_KINDS = {
    "confirm_account": _l("Confirm your email address (new account)"),
    "already_registered": _l("Someone tried to register with an address that has an account"),
    "password_reset": _l("Reset your password"),
    "password_changed": _l("Your password was changed"),
    "invitation": _l("Invitation to the portal"),
    "group_invitation": _l("Invitation to join a group"),
    "group_application_received": _l("Group application received"),
    "group_approved": _l("Group application approved"),
    "group_rejected": _l("Group application not accepted"),
    "group_changes_requested": _l("Group application: changes requested"),
    "group_leave_requested": _l("A group asked to leave the network"),
    "mailing_confirm": _l("Confirm your mailing-list sign-up"),
    "mailing_already_subscribed": _l("Already on the mailing list (link to choices)"),
    "bulletin": _l("Bulletin"),
    "bulletin_test": _l("Bulletin test email"),
    "bulletin_paused": _l("Bulletin sending paused itself"),
    "event_registration": _l("Event registration"),
    "event_confirmed": _l("Event place confirmed"),
    "event_waitlisted": _l("Event waiting list"),
    "event_promoted": _l("Event place offered from the waiting list"),
    "event_cancelled": _l("Event cancelled"),
    "event_reminder": _l("Event reminder"),
    "actionplan_reminder": _l("Action plan reminder"),
    "toolkit_reminder": _l("Toolkit reminder"),
    "toolkit_submitted": _l("Toolkit answers submitted"),
    "email_change": _l("Confirm your new email address"),
    "email_changed": _l("Your email address was changed"),
    "account_deleted": _l("Your account was deleted"),
}


# An outbox message's status in words, for the Sent mail filter (staff/_mail_status.html names them too).
MAIL_STATUSES = {"queued": _l("Queued"), "sending": _l("Sending"), "sent": _l("Sent"), "failed": _l("Failed")}


def kind_label(kind: str | None) -> str:
    """The kind in words; one not listed here reads as a sentence made from its name."""
    if not kind:
        return _("Email")
    label = MAIL_KINDS.get(kind)
    return str(label) if label else kind.replace("_", " ").replace("-", " ").capitalize()
