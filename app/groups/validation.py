"""Format checks for UK postcodes, charity numbers and Companies House numbers."""

from __future__ import annotations

import re

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
# England & Wales: 6 or 7 digits, with an optional "-N" for a linked charity.
_CHARITY_EW = re.compile(r"^\d{6,7}(-\d{1,2})?$")
_CHARITY_SCOTLAND = re.compile(r"^SC0\d{5}$")
_CHARITY_NI = re.compile(r"^NIC\d{5,6}$")
# Companies House: 8 digits, or a 2-letter prefix (SC, NI, OC, CE…) and 6 digits.
_COMPANY = re.compile(r"^(\d{8}|[A-Z]{2}\d{6}|R0\d{6})$")


def normalise_postcode(value: str | None) -> str | None:
    """'e1 6an' -> 'E1 6AN'; None when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if compact == "GIR0AA":
        return "GIR 0AA"
    match = _POSTCODE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def normalise_charity_number(value: str | None) -> str | None:
    """A registered charity number in its usual form, or None when it has the wrong format."""
    compact = re.sub(r"\s+", "", value or "").upper()
    for pattern in (_CHARITY_EW, _CHARITY_SCOTLAND, _CHARITY_NI):
        if pattern.match(compact):
            return compact
    return None


def normalise_company_number(value: str | None) -> str | None:
    compact = re.sub(r"\s+", "", value or "").upper()
    if compact.isdigit() and 5 <= len(compact) < 8:
        compact = compact.zfill(8)  # Companies House numbers are often written without leading zeros
    return compact if _COMPANY.match(compact) else None


_NOISE_WORDS = {"the", "ltd", "limited", "cic", "cio", "uk", "charity", "group", "association", "of", "and"}


def name_key(name: str) -> str:
    """A name reduced for duplicate checks: 'The Bangla Women's Group Ltd' -> 'bangla womens'."""
    words = re.sub(r"[^\w\s]", "", (name or "").lower().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in _NOISE_WORDS)
