"""The languages groups work in (issue 22): ISO 639 codes for the directory's "Languages used" tags.

What a group works in is not limited to the portal's own languages (app/i18n/languages.py). The
directory already records it as tags of kind "language" (ticked on the group's edit page, a facet of
the directory, a CSV column, HSDS attributes), so that stays the one place it is kept: this module
only says which ISO 639 code each of those tags stands for, so that readers see each language named
in their own language (Babel's names, from CLDR) and the HSDS feed can publish `languages` objects.

A tag staff add that is not in this list keeps its English name and has no code."""

from __future__ import annotations

from babel import Locale
from babel.lists import format_list
from markupsafe import Markup, escape

from app.i18n import _l
from app.i18n.selection import current_language
from app.slugs import slugify as _slug

# ISO 639 code -> English name (the name the default "language" tag has: app/groups/seed.py).
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "bn": "Bengali",
    "syl": "Sylheti",
    "ur": "Urdu",
    "pa": "Punjabi",
    "gu": "Gujarati",
    "hi": "Hindi",
    "ta": "Tamil",
    "so": "Somali",
    "ar": "Arabic",
    "ti": "Tigrinya",
    "am": "Amharic",
    "tr": "Turkish",
    "ku": "Kurdish",
    "fa": "Farsi",
    "ps": "Pashto",
    "yue": "Cantonese",
    "cmn": "Mandarin",
    "vi": "Vietnamese",
    "pl": "Polish",
    "ro": "Romanian",
    "pt": "Portuguese",
    "es": "Spanish",
    "fr": "French",
    "yo": "Yoruba",
    "tw": "Twi",
    "ln": "Lingala",
    "bfi": "British Sign Language",
}
# Names CLDR (so Babel) does not have: translated from the portal's catalogues instead.
FALLBACK_NAMES = {
    "syl": _l("Sylheti"),
    "cmn": _l("Mandarin"),
    "bfi": _l("British Sign Language"),
}
# Where CLDR's name in a reader's language is wrong, our own translated name instead (reader -> code).
# Somali CLDR names Bengali after the country ("Bangladesh"). The other 27 names in bn, so and ur were
# checked for the same slip; Somali "Turkish" is untranslated (English) but still the language's name.
CORRECTED_NAMES = {
    "so": {"bn": _l("Bengali")},
}
# English-speaking readers see the names groups use (CLDR's English says "Bangla", "Persian").
_BY_SLUG = {_slug(name, 140, "language"): code for code, name in LANGUAGE_NAMES.items()}


def code_for(tag) -> str | None:
    """The ISO 639 code a "language" tag stands for, or None for a tag this list does not know."""
    return _BY_SLUG.get(tag.slug) if tag.kind == "language" else None


def name_of(code: str, english_name: str | None = None) -> str:
    """The language's name in the reader's language: Babel's, else ours, else the English name."""
    reader = current_language()
    english = english_name or LANGUAGE_NAMES.get(code, code)
    if reader.code == "en":
        return english
    if code in FALLBACK_NAMES:
        return str(FALLBACK_NAMES[code])
    if code in CORRECTED_NAMES.get(reader.code, {}):
        return str(CORRECTED_NAMES[reader.code][code])
    return _babel_names(reader.babel).get(code) or english


def joined(items) -> str:
    """A list joined as the reader's language does ("a، b اور c" in Urdu, "a, b and c" in English).

    Items that are markup (links) stay markup; the joining words from CLDR are escaped."""
    items = list(items)
    if not items:
        return ""
    if not all(isinstance(item, Markup) for item in items):
        return format_list([str(item) for item in items], locale=current_language().babel)
    slots = [f"\x00{index}\x00" for index in range(len(items))]
    text = str(escape(format_list(slots, locale=current_language().babel)))
    for slot, item in zip(slots, items, strict=True):
        text = text.replace(slot, str(item))
    return Markup(text)  # noqa: S704 - the joining words are escaped above and each item is markup


def tag_names(tags) -> list[str]:
    """The names of a group's "language" tags for the reader, in the group's order."""
    names = []
    for tag in tags:
        code = code_for(tag)
        names.append(name_of(code, tag.name) if code else tag.name)
    return names


_NAMES: dict[str, dict[str, str]] = {}


def _babel_names(locale: str) -> dict[str, str]:
    if locale not in _NAMES:
        _NAMES[locale] = dict(Locale.parse(locale).languages)
    return _NAMES[locale]
