"""A bulletin's versions in other languages (issue 22, part 2).

English is the bulletin's own row. Staff may add a version per portal language (a title, an
introduction and each item's heading and paragraph); an item without a translation is shown in
English inside that version. A subscriber gets the version in their language, or English; every
version names the others at the top, linked to the web archive (`/bulletins/<slug>?lang=<code>`).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.db import utcnow
from app.i18n.languages import SOURCE, TRANSLATED, Language, language
from app.mailing.clicks import _Shown
from app.mailing.models import Bulletin, BulletinItemVersion, BulletinVersion

VERSION_LANGUAGES = TRANSLATED  # the languages a version can be written in (English is the row)


def version_code(bulletin: Bulletin, code: str | None) -> str:
    """The language of the version someone reading in `code` gets: theirs when it exists, else English."""
    return code if code in VERSION_LANGUAGES and bulletin.version(code) is not None else SOURCE.code


def available(bulletin: Bulletin) -> list[Language]:
    """English and each language the bulletin has a version in, in the portal's order."""
    return [SOURCE, *(language(code) for code in VERSION_LANGUAGES if bulletin.version(code) is not None)]


def shown_in(bulletin: Bulletin, code: str | None):
    """The bulletin as its templates show it in `code`'s version (English where there is none).
    Each item carries `language`, the language its text is really in (English when not translated),
    so templates can mark a fallen-back item with its own `lang`."""
    code = version_code(bulletin, code)
    version = bulletin.version(code) if code != SOURCE.code else None
    if version is None:
        items = [_Shown(item, language=SOURCE) for item in bulletin.items]
        return _Shown(bulletin, items=items, language=SOURCE)
    items = []
    for item in bulletin.items:
        translated = item.version(code)
        if translated is None:
            items.append(_Shown(item, language=SOURCE))
        else:
            items.append(_Shown(item, heading=translated.heading, body=translated.body, language=language(code)))
    # An empty translated introduction falls back to the English one, marked as English like an item.
    if version.intro.strip() or not bulletin.intro.strip():
        intro, intro_language = version.intro, language(code)
    else:
        intro, intro_language = bulletin.intro, SOURCE
    return _Shown(
        bulletin,
        title=version.title,
        intro=intro,
        intro_language=intro_language,
        items=items,
        language=language(code),
    )


def _after(changed, version: BulletinVersion) -> bool:
    # A version never saved through the editor (the demo data) counts from when its row last changed.
    checked = version.checked_at or version.updated_at
    return changed is not None and (checked is None or changed > checked)


def english_changed(bulletin: Bulletin, code: str) -> bool:
    """The English title or introduction changed after `code`'s version was last saved."""
    version = bulletin.version(code)
    return version is not None and _after(bulletin.text_changed_at, version)


def changed_items(bulletin: Bulletin, code: str) -> set[int]:
    """Ids of the translated items whose English changed after `code`'s version was last saved."""
    version = bulletin.version(code)
    if version is None:
        return set()
    return {
        item.id for item in bulletin.items if item.version(code) is not None and _after(item.text_changed_at, version)
    }


@dataclass(frozen=True)
class VersionStatus:
    language: Language
    exists: bool
    translated: int  # items with a translation
    items: int
    intro_missing: bool = False  # the English has an introduction and this version has none
    out_of_date: bool = False  # the English changed after this version was last saved

    @property
    def complete(self) -> bool:
        return self.exists and self.translated == self.items and not self.intro_missing

    @property
    def needs_attention(self) -> bool:
        return self.exists and (not self.complete or self.out_of_date)


def statuses(bulletin: Bulletin) -> list[VersionStatus]:
    """For the composer's Languages section: each language's version, none, partly done or complete."""
    out = []
    for code in VERSION_LANGUAGES:
        version = bulletin.version(code)
        translated = sum(1 for item in bulletin.items if item.version(code) is not None)
        intro_missing = version is not None and bool(bulletin.intro.strip()) and not version.intro.strip()
        out_of_date = english_changed(bulletin, code) or bool(changed_items(bulletin, code))
        out.append(
            VersionStatus(
                language(code), version is not None, translated, len(bulletin.items), intro_missing, out_of_date
            )
        )
    return out


def save(bulletin: Bulletin, code: str, title: str, intro: str, items: dict[int, tuple[str, str]]) -> None:
    """Write `code`'s version: the title and introduction, and each item's heading and paragraph
    (`items`: id -> (heading, body)); an item left empty has no translation (it is shown in English)."""
    version = bulletin.version(code)
    if version is None:
        version = BulletinVersion(language=code, title=title, intro=intro)
        bulletin.versions.append(version)
    version.title, version.intro = title, intro
    for item in bulletin.items:
        heading, body = items.get(item.id, ("", ""))
        translated = item.version(code)
        if not heading and not body:
            if translated is not None:
                item.versions.remove(translated)
            continue
        if translated is None:
            item.versions.append(BulletinItemVersion(language=code, heading=heading, body=body))
        else:
            translated.heading, translated.body = heading, body


def mark_checked(bulletin: Bulletin, code: str) -> None:
    """Staff saved the whole of `code`'s version with the English beside it: it is up to date now."""
    version = bulletin.version(code)
    if version is not None:
        version.checked_at = utcnow()


def remove(bulletin: Bulletin, code: str) -> None:
    version = bulletin.version(code)
    if version is not None:
        bulletin.versions.remove(version)
    for item in bulletin.items:
        translated = item.version(code)
        if translated is not None:
            item.versions.remove(translated)
