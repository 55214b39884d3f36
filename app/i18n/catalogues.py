"""The translation catalogues: compiled when they change, and counted for the staff progress page.

Every translation a native speaker has not yet reviewed is marked fuzzy in its `.po` file (issue 22).
Those drafts are still shown to readers (compiled with `use_fuzzy`): a careful draft helps someone who
reads little English more than the English does, and a reviewer clears the fuzzy mark (Poedit's
"Needs work" toggle) when they have checked it (docs/translating.md)."""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

from app.i18n.languages import TRANSLATED

ROOT = Path(__file__).resolve().parent.parent / "translations"
TEMPLATE = ROOT / "messages.pot"
log = logging.getLogger(__name__)

# Where a message is used decides whose pages it is on: staff-only templates and modules are counted
# apart, so the progress page can say how far the public and member pages are.
STAFF_LOCATIONS = ("templates/staff/", "app/staff/", "templates/reports/", "app/reports/", "/staff_", "staff/")


def po_path(code: str) -> Path:
    return ROOT / code / "LC_MESSAGES" / "messages.po"


def read_catalogue(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _compile(po: Path, mo: Path) -> None:
    catalogue = read_catalogue(po)
    fd, tmp = tempfile.mkstemp(dir=mo.parent, suffix=".mo")
    with os.fdopen(fd, "wb") as handle:
        write_mo(handle, catalogue, use_fuzzy=True)
    os.replace(tmp, mo)  # atomic: parallel test workers and app processes never read half a file


def ensure_compiled(app: Flask | None = None, *, force: bool = False) -> list[str]:
    """Compile each catalogue whose `.mo` is missing or older than its `.po`; returns the codes compiled.
    Runs at start-up so `make run`, gunicorn and the tests never serve a stale catalogue."""
    compiled = []
    for code in TRANSLATED:
        po = po_path(code)
        if not po.exists():
            continue
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            try:
                _compile(po, mo)
            except OSError:  # a read-only install: the deploy step compiles (`make translations`)
                log.warning("Could not compile %s", po)
                continue
            compiled.append(code)
    return compiled


@dataclass(frozen=True)
class Progress:
    code: str
    total: int
    translated: int
    reviewed: int
    public_total: int
    public_translated: int

    def percent(self, part: int, whole: int) -> int:
        return int(100 * part / whole) if whole else 100

    @property
    def translated_percent(self) -> int:
        return self.percent(self.translated, self.total)

    @property
    def reviewed_percent(self) -> int:
        return self.percent(self.reviewed, self.total)

    @property
    def public_percent(self) -> int:
        return self.percent(self.public_translated, self.public_total)


def _is_staff_only(message) -> bool:
    return bool(message.locations) and all(
        any(marker in filename for marker in STAFF_LOCATIONS) for filename, _line in message.locations
    )


def _done(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


# Counted once per version of each file (the staff page and the tests ask often; a catalogue of a few
# thousand messages takes a noticeable moment to parse).
_counted: dict[str, tuple[int, Progress]] = {}


def progress(code: str) -> Progress:
    """How much of one language's catalogue is translated, reviewed, and translated on public and member pages."""
    path = po_path(code)
    version = path.stat().st_mtime_ns  # FileNotFoundError when the language has no catalogue yet
    counted = _counted.get(code)
    if counted is not None and counted[0] == version:
        return counted[1]
    catalogue = read_catalogue(path)
    messages = [m for m in catalogue if m.id]
    public = [m for m in messages if not _is_staff_only(m)]
    result = Progress(
        code=code,
        total=len(messages),
        translated=sum(_done(m) for m in messages),
        reviewed=sum(_done(m) and not m.fuzzy for m in messages),
        public_total=len(public),
        public_translated=sum(_done(m) for m in public),
    )
    _counted[code] = (version, result)
    return result
