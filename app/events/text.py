"""Event text made when it is shown (issue 22), so it is in the reader's language: in a registrant's
e-mail (`enqueue` writes it in their language), on the page in the reader's."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from app.i18n import SOURCE, _


class Later:
    """`make(*args, **variables)` when shown. Unlike `_l` it is escaped like any other text (it has no
    `__html__`), because event sentences carry titles and venue names staff typed."""

    def __init__(self, make, *args: Any, **variables: Any) -> None:
        self.make, self.args, self.variables = make, args, variables

    def __str__(self) -> str:
        return str(self.make(*self.args, **{key: str(value) for key, value in self.variables.items()}))

    def __eq__(self, other: object) -> bool:
        return str(self) == other

    def __hash__(self) -> int:
        return hash(str(self))


def sentence(message: str, **variables: Any) -> Later:
    """A whole sentence translated when shown (`message` marked with `N_` for extraction)."""
    return Later(_, message, **variables)


def english(value: Any) -> str:
    """`value` (a lazy label or a `Later`) in English: for stored text and machine-read exports."""
    with force_locale(SOURCE.babel):
        return str(value)
