"""What each kind of e-mail is, in words, for the Sent mail page (issue 19): staff read
"Group application received", not "group_application_received"."""

from __future__ import annotations

MAIL_KINDS = {
    "confirm_account": "Confirm your email address (new account)",
    "already_registered": "Someone tried to register with an address that has an account",
    "password_reset": "Reset your password",
    "password_changed": "Your password was changed",
    "invitation": "Invitation to the portal",
    "group_invitation": "Invitation to join a group",
    "group_application_received": "Group application received",
    "group_approved": "Group application approved",
    "group_rejected": "Group application not accepted",
    "group_changes_requested": "Group application: changes requested",
    "group_leave_requested": "A group asked to leave the network",
    "mailing_confirm": "Confirm your mailing-list sign-up",
    "mailing_already_subscribed": "Already on the mailing list (link to choices)",
    "bulletin": "Bulletin",
    "bulletin_test": "Bulletin test email",
    "bulletin_paused": "Bulletin sending paused itself",
    "event_registration": "Event registration",
    "event_confirmed": "Event place confirmed",
    "event_waitlisted": "Event waiting list",
    "event_promoted": "Event place offered from the waiting list",
    "event_cancelled": "Event cancelled",
    "event_reminder": "Event reminder",
    "actionplan_reminder": "Action plan reminder",
    "toolkit_reminder": "Toolkit reminder",
    "toolkit_submitted": "Toolkit answers submitted",
    "email_change": "Confirm your new email address",
    "email_changed": "Your email address was changed",
    "account_deleted": "Your account was deleted",
}


def kind_label(kind: str | None) -> str:
    """The kind in words; one not listed here reads as a sentence made from its name."""
    if not kind:
        return "Email"
    return MAIL_KINDS.get(kind) or kind.replace("_", " ").replace("-", " ").capitalize()
