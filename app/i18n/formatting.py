"""Dates, times and numbers in the reader's language (issue 22), always in London time.

English keeps the GOV.UK style the portal has always used ("Monday 18 May 2026 at 6pm", "6pm to 8pm");
other languages use their CLDR dates from Babel, in their own digits where the language writes them
(Bengali: ১৮ মে ২০২৬), and the 24-hour clock ("১৮:৩০", "18:30"): CLDR's 12-hour times for Bengali and
Urdu end in a Latin "PM" (docs/decisions.md, "Times in other languages")."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel.speaklater import LazyString

from app.i18n.languages import SOURCE, Language
from app.i18n.selection import current_language

_ASCII_DIGITS = "0123456789"


def native_digits(text: str, lang: Language | None = None) -> str:
    """`text`'s digits written as the language writes them (only dates, times and counts pass here)."""
    lang = lang or current_language()
    if not lang.digits:
        return text
    return text.translate(str.maketrans(_ASCII_DIGITS, lang.digits))


def figure(value: int) -> str:
    """A whole number as English writes it in a message ("2026", "5000": no grouping, so a year stays a
    year), in the reader's digits: what a message's whole-number variables become (app.i18n._localise)."""
    return native_digits(str(value))


def lazy_number(value: int | float) -> LazyString:
    """`number(value)` written when it is shown: for a module-level message's variable ("5,000" / "৫,০০০")."""
    return LazyString(number, value)


def number(value: int | float | None) -> str:
    """A count or figure in the reader's language: 1,234 / ১,২৩৪."""
    if value is None:
        return ""
    lang = current_language()
    if isinstance(value, int) and lang.babel in _THOUSANDS_WITH_COMMAS:
        return f"{value:,}"  # what Babel writes for these locales, without its cost (75 figures a page)
    return native_digits(format_decimal(value, locale=_locale(lang.babel)), lang)


# Locales whose whole numbers Babel writes as Python's "{:,}" does (Bengali groups in lakhs: not here).
_THOUSANDS_WITH_COMMAS = {"en_GB", "so", "ur"}


@lru_cache(maxsize=8)
def _locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


def long_date(value: dt.date | None, *, weekday: bool = False) -> str | None:
    """A (London) date in the reader's language, or None for English (its GOV.UK style is built by the
    caller). Callers pass London dates and times: app.times owns the time zone and imports this module."""
    lang = current_language()
    if value is None or lang is SOURCE:
        return None
    return native_digits(format_date(value, "full" if weekday else "long", locale=_locale(lang.babel)), lang)


def short_time(value: dt.time) -> str | None:
    """A (London) time in the reader's language on the 24-hour clock ("১৮:৩০", "9:05"), or None for English
    (GOV.UK's "6:30pm", see app.times.clock). Hours are not padded, as English writes "9:05am"."""
    lang = current_language()
    if lang is SOURCE:
        return None
    return native_digits(f"{value.hour}:{value.minute:02d}", lang)
