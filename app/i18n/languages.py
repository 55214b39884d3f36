"""The languages the portal speaks (issue 22): English, the source, and the members' own languages.

One registry read by the locale selector, the header's switcher, `<html lang dir>`, the catalogues
and the staff progress page, so adding a language is one line here plus its catalogue."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # what `?lang=`, the cookie and the account store
    tag: str  # the BCP 47 tag for `<html lang>` and `Content-Language`
    babel: str  # the Babel locale for catalogues, dates and numbers
    native_name: str  # named in itself in the switcher: a reader finds their own language
    english_name: str
    direction: str = "ltr"
    # Digits for numbers and dates; Bengali writes its own digits (CLDR's default numbering for bn).
    digits: str | None = None

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


SOURCE = Language("en", "en-GB", "en_GB", "English", "English")
LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        SOURCE,
        Language("bn", "bn", "bn", "বাংলা", "Bengali", digits="০১২৩৪৫৬৭৮৯"),
        Language("so", "so", "so", "Soomaali", "Somali"),
        Language("ur", "ur", "ur", "اردو", "Urdu", direction="rtl"),
    )
}
TRANSLATED = tuple(code for code in LANGUAGES if code != SOURCE.code)


def language(code: str | None) -> Language:
    """The language for a stored or requested code, English for anything unknown."""
    return LANGUAGES.get((code or "").strip().lower()[:8], SOURCE)


def known(code: str | None) -> str | None:
    """The code when the portal speaks it, else None (never trusts what a URL or cookie says)."""
    code = (code or "").strip().lower()[:8]
    return code if code in LANGUAGES else None
