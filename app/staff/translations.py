"""Staff area: how far each language's translation has got (issue 22, DESIGN §9a).

Per language: how many messages the catalogue holds, how many are translated, how many a native
speaker has reviewed (no longer fuzzy), and how much of the public and member pages is translated
(`app.i18n.catalogues.progress`). Volunteers review in Poedit or Weblate (docs/translating.md); the
page says how, in short, so staff can pass it on.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_percent
from flask import render_template

from app.i18n import catalogues
from app.i18n.formatting import native_digits
from app.i18n.languages import LANGUAGES, TRANSLATED, Language
from app.i18n.selection import current_language
from app.security import staff_required
from app.staff import bp


@dataclass(frozen=True)
class LanguageProgress:
    language: Language
    catalogue: str  # the .po file a volunteer opens, relative to the project
    progress: catalogues.Progress | None  # None: no catalogue yet (`make translations` makes one)

    @property
    def to_translate(self) -> int:
        return self.progress.total - self.progress.translated if self.progress else 0

    @property
    def to_review(self) -> int:
        return self.progress.translated - self.progress.reviewed if self.progress else 0


def _progress(code: str) -> catalogues.Progress | None:
    try:
        return catalogues.progress(code)
    except FileNotFoundError:
        return None


def language_progress() -> list[LanguageProgress]:
    root = catalogues.ROOT.parent.parent
    return [
        LanguageProgress(
            language=LANGUAGES[code],
            catalogue=str(catalogues.po_path(code).relative_to(root)),
            progress=_progress(code),
        )
        for code in TRANSLATED
    ]


def percent(value: int) -> str:
    """A whole percentage in the reader's language: 95%, ৯৫%."""
    lang = current_language()
    return native_digits(format_percent(value / 100, locale=lang.babel), lang)


@bp.route("/translations")
@staff_required
def translations():
    return render_template("staff/translations.html", languages=language_progress(), percent=percent)
