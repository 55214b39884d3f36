"""Draft translations kept as JSON while strings are being marked, then written into the catalogues.

    python scripts/translation_drafts.py todo DRAFT.json PATH [PATH ...]
        extracts every marked string (babel.cfg), keeps those used under the PATHs (files or folders),
        and writes DRAFT.todo.json: the messages DRAFT.json does not translate yet, for all of bn/so/ur.
    python scripts/translation_drafts.py check DRAFT.json [...]
        checks each draft: every language present, placeholders (%(name)s) and HTML tags kept.
    python scripts/translation_drafts.py apply DRAFT.json [...]
        writes the drafts into app/translations/<lang>/LC_MESSAGES/messages.po (after `make
        translations`), each marked fuzzy: a native speaker has not reviewed it (docs/translating.md).
        A fuzzy entry (a draft, or a guess `pybabel update` made from a changed message) is replaced by
        the draft of its message; a reviewed one is never touched.

A draft is {"<msgid>": {"bn": "...", "so": "...", "ur": "..."}}; a plural message is keyed by its
singular and gives a list per language: {"bn": ["singular", "plural"], ...}. The first draft that
translates a message wins, so shared words ("Back", "Save") are translated once.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.pofile import read_po, write_po  # noqa: E402

LANGS = ("bn", "so", "ur")
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b")


def extract() -> list:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run(  # noqa: S603 (our own interpreter and fixed arguments)
            [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "_l",
             "--ignore-dirs", ".* __pycache__ node_modules", "--no-wrap", "-o", str(pot), "."],
            cwd=ROOT, check=True,
        )  # fmt: skip
        with pot.open("rb") as handle:
            return [m for m in read_po(handle) if m.id]


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def todo(draft: Path, paths: list[str]) -> None:
    done = load(draft)
    wanted = []
    for message in extract():
        if not any(loc.startswith(tuple(paths)) for loc, _line in message.locations):
            continue
        entry = done.get(_key(message), {})
        if all(entry.get(lang) for lang in LANGS):
            continue
        item = {"id": _key(message), "where": [f"{loc}:{line}" for loc, line in message.locations][:3]}
        if isinstance(message.id, tuple):
            item["plural"] = message.id[1]
        wanted.append(item)
    out = draft.with_suffix(".todo.json")
    out.write_text(json.dumps(wanted, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(wanted)} messages still to translate in {out}")


def problems(msgid: str, entry: dict) -> list[str]:
    found = []
    want_vars = sorted(PLACEHOLDER.findall(msgid))
    want_tags = sorted(TAG.findall(msgid))
    for lang in LANGS:
        value = entry.get(lang)
        if not value:
            found.append(f"{lang}: missing")
            continue
        for text in value if isinstance(value, list) else [value]:
            if sorted(PLACEHOLDER.findall(text)) != want_vars and not isinstance(value, list):
                found.append(f"{lang}: placeholders {sorted(PLACEHOLDER.findall(text))} != {want_vars}")
            if sorted(TAG.findall(text)) != want_tags:
                found.append(f"{lang}: HTML tags differ")
    return found


def check(drafts: list[Path]) -> int:
    bad = 0
    for draft in drafts:
        for msgid, entry in load(draft).items():
            for problem in problems(msgid, entry):
                bad += 1
                print(f"{draft.name}: {msgid[:60]!r}: {problem}")
    print(f"{bad} problems")
    return 1 if bad else 0


def apply(drafts: list[Path]) -> None:
    merged: dict[str, dict] = {}
    for draft in drafts:
        for msgid, entry in load(draft).items():
            if not problems(msgid, entry):
                merged.setdefault(msgid, entry)
    for lang in LANGS:
        po = ROOT / "app" / "translations" / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=lang)
        filled = 0
        for message in catalogue:
            if not message.id or (_done(message) and not message.fuzzy):
                continue  # a reviewed translation is never replaced by a draft
            entry = merged.get(_key(message))
            if not entry:
                continue
            value = entry[lang]
            if isinstance(message.id, tuple):
                forms = value if isinstance(value, list) else [value, value]
                wanted = catalogue.num_plurals
                message.string = tuple(forms[:wanted] + forms[-1:] * (wanted - len(forms)))
            else:
                message.string = value if isinstance(value, str) else value[0]
            message.flags.add("fuzzy")  # a draft until a native speaker reviews it
            filled += 1
        with po.open("wb") as handle:
            write_po(handle, catalogue, width=0)
        print(f"{lang}: {filled} drafts written")


def _done(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def main(argv: list[str]) -> int:
    command, draft, *rest = argv
    if command == "todo":
        todo(Path(draft), rest)
    elif command == "check":
        return check([Path(draft), *map(Path, rest)])
    elif command == "apply":
        apply([Path(draft), *map(Path, rest)])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
