"""The translation catalogues (issue 22): every `.po` compiles and loads, the only placeholders are
`%(name)s` (a translator can reorder them; `%s` and `%(n)d` cannot be reordered or break on a string),
and a translation keeps its English's placeholders and HTML tags."""

from __future__ import annotations

import gettext
import io
import os
import re

import pytest
from babel.messages.mofile import write_mo

from app.i18n import catalogues
from app.i18n.languages import TRANSLATED

# Every printf-style conversion Python's % operator would act on, and the two the portal allows.
CONVERSION = re.compile(r"%%|%\(\w+\)s|%(?:\([^)]*\))?[#0+-]?\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
ALLOWED = re.compile(r"%%|%\(\w+\)s")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


def _strings(value) -> list[str]:
    if not value:
        return []
    return [s for s in (value if isinstance(value, tuple | list) else (value,)) if s]


def _files():
    yield "messages.pot", catalogues.read_catalogue(catalogues.TEMPLATE)
    for code in TRANSLATED:
        yield code, catalogues.read_catalogue(catalogues.po_path(code), locale=code)


def bad_placeholders(text: str) -> list[str]:
    return [m.group(0) for m in CONVERSION.finditer(text) if not ALLOWED.fullmatch(m.group(0))]


def test_the_placeholder_check_knows_a_bad_one():
    assert bad_placeholders("Hello %(name)s, 100%% done") == []
    assert bad_placeholders("%s and %d and %(count)d and %(total)i and %.2f") == [
        "%s",
        "%d",
        "%(count)d",
        "%(total)i",
        "%.2f",
    ]
    assert bad_placeholders("50% of groups") == []  # not a conversion: left to the translator


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_catalogue_exists_and_compiles(code):
    po = catalogues.po_path(code)
    assert po.exists(), f"{po} is missing: run make translations"
    catalogue = catalogues.read_catalogue(po, locale=code)
    assert str(catalogue.locale) == code
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=True)
    buffer.seek(0)
    translations = gettext.GNUTranslations(buffer)  # what Flask-Babel loads
    assert translations.info().get("content-type", "").lower().startswith("text/plain; charset=utf-8")
    # Babel's own checks: placeholders of a python-format message agree between English and translation.
    problems = [f"{m.id!r}: {errors}" for m, errors in catalogue.check()]
    assert problems == [], "\n".join(problems)


def test_only_named_string_placeholders():
    found = []
    for name, catalogue in _files():
        for message in catalogue:
            for text in _strings(message.id) + _strings(message.string):
                found += [f"{name}: {text[:70]!r} uses {bad}" for bad in bad_placeholders(text)]
    assert found == [], "Use %(name)s placeholders only (docs/translating.md):\n" + "\n".join(found)


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders_and_tags(code):
    catalogue = catalogues.read_catalogue(catalogues.po_path(code), locale=code)
    found = []
    for message in catalogue:
        ids, strings = _strings(message.id), _strings(message.string)
        if not message.id or not strings:
            continue
        wanted_names = {name for text in ids for name in PLACEHOLDER.findall(text)}
        wanted_tags = sorted(TAG.findall(ids[0]))
        for text in strings:
            names = set(PLACEHOLDER.findall(text))
            # A plural form may leave out the count ("one place" for %(num)s), never add a name.
            if names - wanted_names or (len(ids) == 1 and names != wanted_names):
                found.append(f"{ids[0][:60]!r}: placeholders {sorted(names)} != {sorted(wanted_names)}")
            if sorted(TAG.findall(text)) != wanted_tags:
                found.append(f"{ids[0][:60]!r}: HTML tags differ")
    assert found == [], f"{code}:\n" + "\n".join(found)


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_progress_counts_add_up(code):
    progress = catalogues.progress(code)
    assert 0 <= progress.reviewed <= progress.translated <= progress.total
    assert progress.public_total <= progress.total
    assert 0 <= progress.public_percent <= 100


PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Language: bn\\n"

#: templates/groups/index.html:7
#, fuzzy
msgid "Find a community group"
msgstr "একটি কমিউনিটি গ্রুপ খুঁজুন"

#: templates/staff/dashboard.html:14
msgid "Dashboard"
msgstr "{dashboard}"
"""


def test_progress_counts_each_version_of_a_catalogue_once(tmp_path, monkeypatch):
    po = tmp_path / "bn" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO.format(dashboard=""), encoding="utf-8")
    monkeypatch.setattr(catalogues, "ROOT", tmp_path)
    monkeypatch.setattr(catalogues, "_counted", {})
    first = catalogues.progress("bn")
    assert (first.total, first.translated, first.reviewed) == (2, 1, 0)
    assert (first.public_total, first.public_translated, first.public_percent) == (1, 1, 100)  # staff text apart
    assert catalogues.progress("bn") is first  # not parsed again
    po.write_text(PO.format(dashboard="ড্যাশবোর্ড"), encoding="utf-8")
    stamp = po.stat().st_mtime_ns + 1_000_000_000
    os.utime(po, ns=(stamp, stamp))
    second = catalogues.progress("bn")
    assert (second.total, second.translated, second.reviewed) == (2, 2, 1)
    assert (second.translated_percent, second.reviewed_percent) == (100, 50)
