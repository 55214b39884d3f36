"""The consent statement people agree to when they join. Change the text → bump the version;
every subscriber keeps the version they agreed to."""

from app.i18n import _l
from app.i18n.languages import SOURCE
from app.i18n.selection import current_language

CONSENT_VERSION = "2026-11-v1"
CONSENT_TEXT = _l(
    "I agree to receive the bulletins and news I have chosen by email. I can change what I get or "
    "unsubscribe at any time using the link in every email. My details are used only to send these "
    "emails and are never shared."
)


def consent_version() -> str:
    """The version of the wording the reader is shown now: "2026-11-v1" in English, "2026-11-v1:bn" when
    the statement is shown to them in Bengali (a language whose catalogue has not translated it yet shows
    the English, so records the English version). At most 40 characters (the column's width)."""
    lang = current_language()
    if lang is SOURCE or str(CONSENT_TEXT) == CONSENT_TEXT._args[0]:
        return CONSENT_VERSION
    return f"{CONSENT_VERSION}:{lang.code}"


def agreed_to_current(version: str | None) -> bool:
    """True when `version` is the current wording, in whichever language it was read."""
    return (version or "").split(":", 1)[0] == CONSENT_VERSION
