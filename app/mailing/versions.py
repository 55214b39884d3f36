"""A bulletin's versions in other languages (issue 22, part 2).

English is the bulletin's own row. Staff may add a version per portal language (a title, an
introduction and each item's heading and paragraph); an item without a translation is shown in
English inside that version. A subscriber gets the version in their language, or English; every
version names the others at the top, linked to the web archive (`/bulletins/<slug>?lang=<code>`).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    return _Shown(bulletin, title=version.title, intro=version.intro, items=items, language=language(code))


@dataclass(frozen=True)
class VersionStatus:
    language: Language
    exists: bool
    translated: int  # items with a translation
    items: int

    @property
    def complete(self) -> bool:
        return self.exists and self.translated == self.items


def statuses(bulletin: Bulletin) -> list[VersionStatus]:
    """For the composer's Languages section: each language's version, none, partly done or complete."""
    out = []
    for code in VERSION_LANGUAGES:
        translated = sum(1 for item in bulletin.items if item.version(code) is not None)
        out.append(VersionStatus(language(code), bulletin.version(code) is not None, translated, len(bulletin.items)))
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


def remove(bulletin: Bulletin, code: str) -> None:
    version = bulletin.version(code)
    if version is not None:
        bulletin.versions.remove(version)
    for item in bulletin.items:
        translated = item.version(code)
        if translated is not None:
            item.versions.remove(translated)
