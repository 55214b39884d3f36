"""The consent statement people agree to when they join. Change the text → bump the version;
every subscriber keeps the version they agreed to."""

from app.i18n import _l

CONSENT_VERSION = "2026-11-v1"
CONSENT_TEXT = _l(
    "I agree to receive the bulletins and news I have chosen by email. I can change what I get or "
    "unsubscribe at any time using the link in every email. My details are used only to send these "
    "emails and are never shared."
)
