"""Query parameters of the Open Referral UK feed (/api/hsds/): each operation's parameters as the
UK profile's OpenAPI lists them, read and checked in one place. Unknown parameters are ignored;
a bad value is a JSON 400 naming the parameter and saying why (issue 18 §1).

How each is read (also stated in the portal's OpenAPI document, app/groups/hsds_openapi.py):
- `page` (from 1) and `per_page` (from 1, default DEFAULT_PER_PAGE; above MAX_PER_PAGE it is read as
  MAX_PER_PAGE); a page past the end is an empty page.
- `search`: the directory's own full-text search (every word, as a prefix).
- `taxonomy_term_id`: services with that term; `taxonomy_id`: services with any term of it.
- `minimum_age` / `maximum_age`: numbers from 0 to 150. Groups state no age limits (they are open
  to all ages), so every service satisfies them.
- `day` (MO..SU or Monday..Sunday), `start_time` / `end_time` (HH:MM or HH:MM:SS): checked; the
  directory holds no opening times for groups, so they narrow nothing.
- `postcode` (a UK postcode the centroid table places) and `proximity` (metres, needs `postcode`):
  service-at-locations nearest first, within `proximity` when given.
- `modified_after`: an ISO 8601 date-time (this feed's addition, as in HSDS).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from flask import request

from app.groups.locations import place
from app.groups.validation import normalise_postcode

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PROXIMITY_M = 200_000
DAYS = {"MO": "MO", "TU": "TU", "WE": "WE", "TH": "TH", "FR": "FR", "SA": "SA", "SU": "SU",
        "MONDAY": "MO", "TUESDAY": "TU", "WEDNESDAY": "WE", "THURSDAY": "TH", "FRIDAY": "FR",
        "SATURDAY": "SA", "SUNDAY": "SU"}  # fmt: skip
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d))?$")
# Which parameters each list operation reads (the UK profile's, plus modified_after).
SERVICE_FILTERS = ("search", "taxonomy_term_id", "taxonomy_id", "minimum_age", "maximum_age", "day",
                   "start_time", "end_time", "modified_after")  # fmt: skip
OPERATIONS = {
    "services": SERVICE_FILTERS,
    "service_at_locations": (*SERVICE_FILTERS, "postcode", "proximity"),
    "organizations": ("search", "modified_after"),
    "taxonomies": (),
    "taxonomy_terms": ("search", "taxonomy_id"),
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter


@dataclass
class ListParams:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    search: str = ""
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    day: str | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    modified_after: dt.datetime | None = None
    postcode: str | None = None
    proximity: float | None = None
    point: tuple[float, float] | None = None  # the postcode's centre

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _bad(name: str, why: str) -> ApiError:
    return ApiError(400, f"{name} {why}", parameter=name)


def _raw(name: str) -> str | None:
    value = request.args.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def _whole(name: str, default: int, maximum: int) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    if not re.fullmatch(r"\d{1,9}", raw):
        raise _bad(name, "must be a whole number, 1 or more")
    value = int(raw)
    if value < 1:
        raise _bad(name, "must be 1 or more")
    return min(value, maximum)  # per_page above the maximum is read as the maximum


def _number(name: str, low: float, high: float) -> float | None:
    raw = _raw(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise _bad(name, "must be a number") from exc
    if not low <= value <= high:  # also refuses nan and inf
        raise _bad(name, f"must be between {low:g} and {high:g}")
    return value


def _uuid(name: str) -> str | None:
    raw = _raw(name)
    if raw is None:
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise _bad(name, "must be a UUID, like 6f1d5c6e-8a4b-4f0e-9f51-1c0de7a0c0de") from exc


def _time(name: str) -> dt.time | None:
    raw = _raw(name)
    if raw is None:
        return None
    found = _TIME.match(raw)
    if not found:
        raise _bad(name, "must be a time of day as HH:MM or HH:MM:SS, like 09:30")
    return dt.time(int(found.group(1)), int(found.group(2)), int(found.group(4) or 0))


def _day() -> str | None:
    raw = _raw("day")
    if raw is None:
        return None
    day = DAYS.get(raw.upper())
    if day is None:
        raise _bad("day", "must be a day of the week: MO, TU, WE, TH, FR, SA or SU (or its full name)")
    return day


def _modified_after() -> dt.datetime | None:
    raw = _raw("modified_after")
    if raw is None:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
        # In UTC here, so a date at the edge of the calendar (0001-01-01T00:00:00+14:00) is
        # refused as a bad parameter rather than overflowing when the query binds it.
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except ValueError as exc:
        raise _bad("modified_after", "must be an ISO 8601 date-time, like 2026-11-01T00:00:00Z") from exc
    except OverflowError as exc:
        raise _bad("modified_after", "is outside the range of dates the directory holds") from exc


def _place(params: ListParams) -> None:
    raw = _raw("postcode")
    params.proximity = _number("proximity", 1, MAX_PROXIMITY_M)
    if raw is None:
        if params.proximity is not None:
            raise _bad("proximity", "needs a postcode to measure from")
        return
    params.postcode = normalise_postcode(raw)
    if params.postcode is None:
        raise _bad("postcode", "is not a UK postcode")
    params.point = place(params.postcode)
    if params.point is None:
        raise _bad("postcode", f"{params.postcode} cannot be placed: it is not in the directory's postcode table")


_READERS = {
    "search": lambda p: setattr(p, "search", (_raw("search") or "")[:200]),
    "taxonomy_term_id": lambda p: setattr(p, "taxonomy_term_id", _uuid("taxonomy_term_id")),
    "taxonomy_id": lambda p: setattr(p, "taxonomy_id", _uuid("taxonomy_id")),
    "minimum_age": lambda p: setattr(p, "minimum_age", _number("minimum_age", 0, 150)),
    "maximum_age": lambda p: setattr(p, "maximum_age", _number("maximum_age", 0, 150)),
    "day": lambda p: setattr(p, "day", _day()),
    "start_time": lambda p: setattr(p, "start_time", _time("start_time")),
    "end_time": lambda p: setattr(p, "end_time", _time("end_time")),
    "modified_after": lambda p: setattr(p, "modified_after", _modified_after()),
    "postcode": _place,
    "proximity": lambda p: None,  # read with postcode
}


def list_params(operation: str) -> ListParams:
    """The list operation's parameters from the request, checked (ApiError 400 when one is bad)."""
    params = ListParams(
        page=_whole("page", 1, 1_000_000_000), per_page=_whole("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    )
    for name in OPERATIONS[operation]:
        _READERS[name](params)
    if params.minimum_age is not None and params.maximum_age is not None and params.minimum_age > params.maximum_age:
        raise _bad("minimum_age", "must not be more than maximum_age")
    if params.start_time and params.end_time and params.start_time > params.end_time:
        raise _bad("start_time", "must not be after end_time")
    return params
