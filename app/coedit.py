"""Two people editing the same text fields at once never silently undo each other (issue 22 walk).

A form that edits stored text sends back, beside each field, the value the person started from (a hidden
`<name>__was` input: macro `was_input` in templates/_macros/forms.html). On save:

- a field the person did not change is not written (someone else's newer text there stays);
- a field they changed, whose stored value is still what they started from, is written;
- a field they changed that someone else also changed meanwhile (to something else) is a conflict: it is
  not written, and the form shows the other person's text beside theirs, so they can choose.

Toolkit answers have their own, richer merge (app/toolkits/coediting.py); this is for plain text fields
such as translations and descriptions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SUFFIX = "__was"


def was_name(name: str) -> str:
    """The hidden input carrying the value `name` had when the form was opened."""
    return f"{name}{SUFFIX}"


def _norm(value: str | None) -> str:
    # Browsers send textarea line ends as CRLF; a stored value may have LF: the same text either way.
    return (value or "").replace("\r\n", "\n").strip()


@dataclass
class Merge:
    """What to write, and which fields clash with someone else's change (field → their stored text)."""

    changes: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, str] = field(default_factory=dict)


def merge(
    stored: Mapping[str, str | None], submitted: Mapping[str, str | None], started: Mapping[str, str | None]
) -> Merge:
    """Compare each submitted field with where the person started and what is stored now.

    A field missing from `started` (an old form, or a page without the hidden inputs) counts as started
    from what is stored now: the person's text is written, as before this module existed."""
    result = Merge()
    for name, value in submitted.items():
        now = _norm(stored.get(name))
        was = _norm(started[name]) if name in started else now
        mine = _norm(value)
        if mine == was:
            continue  # not changed by this person: leave whatever is stored
        if now in (was, mine):
            if mine != now:
                result.changes[name] = value or ""
            continue
        result.conflicts[name] = stored.get(name) or ""
    return result


def started_values(form_data: Mapping[str, str], names) -> dict[str, str]:
    """The `<name>__was` values a form posted, for the given field names (absent ones left out)."""
    return {name: form_data[was_name(name)] for name in names if was_name(name) in form_data}
