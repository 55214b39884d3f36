"""Nothing user-facing escapes the catalogues (issue 22, "Done when"):

(a) every message the code marks is in messages.pot and in each language's .po ("run make translations");
(b) no template shows text that is not wrapped for translation (text between tags, user-facing
    attributes, GOV.UK macro options);
(c) no flash message, form label, validator message or ValidationError in app/ is a bare literal;
(d) each of bn, so, ur is at least 95 % translated on public and member pages.

ENABLED BY THE LEAD after the wrapping merge: until every template and module is wrapped and the
catalogues updated, (a)-(d) fail by design, so they are skipped (SKIP below; the lints' own tests
run). To enable them, set SKIP = False. Each prints what is left, file and line: a to-do list.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

from app.i18n import catalogues
from app.i18n.languages import TRANSLATED

ROOT = Path(__file__).resolve().parents[2]
SKIP = True
AFTER_MERGE = pytest.mark.skipif(SKIP, reason="enabled by the lead after the wrapping merge")
MINIMUM_PUBLIC_PERCENT = 95


def _key(message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return msgid, message.context


# --- (a) the catalogues hold every extracted message -------------------------------------------------


def _extracted() -> list:
    """The messages `make translations` would extract now (scripts/translation_drafts.py's extract)."""
    spec = importlib.util.spec_from_file_location("translation_drafts", ROOT / "scripts" / "translation_drafts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.extract()


@AFTER_MERGE
def test_every_extracted_message_is_in_the_template_and_each_catalogue():
    extracted = {_key(m): m for m in _extracted()}
    missing = []
    sources = {"messages.pot": catalogues.TEMPLATE} | {code: catalogues.po_path(code) for code in TRANSLATED}
    for name, path in sources.items():
        held = {_key(m) for m in catalogues.read_catalogue(path) if m.id}
        for key in sorted(set(extracted) - held, key=str):
            where = ", ".join(f"{loc}:{line}" for loc, line in extracted[key].locations[:2])
            missing.append(f"{name}: {key[0][:70]!r} ({where})")
    assert missing == [], "Messages not in the catalogues: run make translations\n" + "\n".join(missing)


# --- (b) templates: no visible text outside the translation calls ------------------------------------

TEMPLATES = ROOT / "templates"
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", re.S)
JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
INVISIBLE = re.compile(r"<(script|style|svg)\b.*?</\1>|<!--.*?-->", re.S | re.I)
TAGS = re.compile(r"<[^>]+>")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)
LETTER = re.compile(r"[^\W\d_]")
# Attributes a person reads or hears, and input buttons' values.
ATTRIBUTE = re.compile(r"""\b(aria-label|title|placeholder|alt|aria-description)\s*=\s*("[^"]*"|'[^']*')""", re.I)
INPUT_BUTTON = re.compile(r"""<input\b[^>]*\btype=["'](?:submit|button|reset)["'][^>]*>""", re.I)
VALUE = re.compile(r"""\bvalue\s*=\s*("[^"]*"|'[^']*')""", re.I)
# GOV.UK macro options that are shown: {"text": "Beta"} must be {"text": _("Beta")}.
MACRO_KEYS = {"text", "html", "titleText", "menuButtonText", "visuallyHiddenText", "label", "hint", "legend",
              "caption", "navigationLabel", "ariaLabel", "headingText"}  # fmt: skip
MACRO_KEY_BEFORE = re.compile(r"""["'](\w+)["']\s*:\s*$""")
KEY_AFTER = re.compile(r"^\s*(:|==|!=)")  # a dict key, or a stored value compared with
COMPARED_BEFORE = re.compile(r"(==|!=|\bin)\s*[(\[]?\s*$")
WORDS = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}")
WRAPPER_CALL = re.compile(r"(?<![\w.])(?:_|gettext|ngettext|_l)\(")
# Visible text with letters that needs no translation, each for a stated reason (text without
# letters – "–", "|", "(", numbers, entities – never counts).
ALLOWED_TEXT: dict[str, str] = {}
# Strings in expressions that are not prose: strftime formats, URLs, CSS class lists, HTML.
NOT_PROSE = re.compile(
    r"^(%[-\w]|\s|[,:./])+$|^https?://|^mailto:|<[a-z]|^[\w]+[-_!][\w!-]*(\s+[\w]+[-_!][\w!-]*)*$", re.I
)


def _jinja_blocks(source: str) -> list[tuple[int, int]]:
    """Where each {{ expression }} and {% statement %} is. An expression may hold dicts ({"text": x}),
    so its end is the first "}}" outside strings and braces, not the first "}}"."""
    spans, position = [], 0
    while (start := source.find("{", position)) != -1:
        opener = source[start : start + 2]
        if opener == "{%":
            end = source.find("%}", start + 2)
            end = len(source) if end == -1 else end + 2
        elif opener == "{{":
            depth, quote, end = 0, "", start + 2
            while end < len(source):
                char = source[end]
                if quote:
                    quote = "" if char == quote else quote
                elif char in "\"'":
                    quote = char
                elif char == "{":
                    depth += 1
                elif char == "}" and depth:
                    depth -= 1
                elif source.startswith("}}", end):
                    end += 2
                    break
                end += 1
        else:
            position = start + 1
            continue
        spans.append((start, end))
        position = end
    return spans


def _without_jinja(source: str) -> str:
    pieces, position = [], 0
    for start, end in _jinja_blocks(source):
        pieces += [source[position:start], " "]
        position = end
    return "".join([*pieces, source[position:]])


def _visible_text(source: str) -> list[str]:
    text = TRANS_BLOCK.sub(" ", JINJA_COMMENT.sub(" ", source))
    text = INVISIBLE.sub(" ", _without_jinja(text))
    text = ENTITY.sub(" ", TAGS.sub("\n", text))
    return [line.strip() for line in text.splitlines() if LETTER.search(line) and line.strip() not in ALLOWED_TEXT]


def _wrapped_spans(code: str) -> list[tuple[int, int]]:
    """Where the arguments of _(), gettext(), ngettext() and _l() calls are in a Jinja block."""
    spans = []
    for call in WRAPPER_CALL.finditer(code):
        depth, quote, position = 1, "", call.end()
        while position < len(code) and depth:
            char = code[position]
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            position += 1
        spans.append((call.end(), position))
    return spans


def _literal_attributes(source: str) -> list[str]:
    source = TRANS_BLOCK.sub(" ", JINJA_COMMENT.sub(" ", source))
    values = [m.group(0) for m in ATTRIBUTE.finditer(source)]
    values += [v.group(0) for tag in INPUT_BUTTON.finditer(source) for v in VALUE.finditer(tag.group(0))]
    return [v for v in values if LETTER.search(JINJA.sub(" ", v.split("=", 1)[1]))]


def _string_literals(code: str):
    """(start, end, text) of each quoted string in a Jinja block."""
    position = 0
    while position < len(code):
        char = code[position]
        if char in "\"'":
            end = code.find(char, position + 1)
            end = len(code) if end == -1 else end
            yield position, end + 1, code[position + 1 : end]
            position = end + 1
        else:
            position += 1


def _literals_in_jinja(source: str) -> list[str]:
    """Strings a person would read inside {{ }} and {% %}: a GOV.UK macro option's text, or words."""
    found = []
    source = JINJA_COMMENT.sub(" ", source)
    for start, end in _jinja_blocks(source):
        code = source[start:end]
        if re.match(r"\{%-?\s*(trans|pluralize|endtrans|from|import|include|extends|block|macro)\b", code):
            continue
        wrapped = _wrapped_spans(code)
        for first, last, text in _string_literals(code):
            visible = TAGS.sub(" ", text)
            if not LETTER.search(visible) or KEY_AFTER.match(code[last:]) or NOT_PROSE.search(text):
                continue
            if COMPARED_BEFORE.search(code[:first]):
                continue
            if any(begin <= first < finish for begin, finish in wrapped):
                continue
            key = MACRO_KEY_BEFORE.search(code[:first])
            if key and key.group(1) in MACRO_KEYS:
                found.append(f'"{key.group(1)}": {text[:50]!r}')
            elif WORDS.search(visible):
                found.append(f"{text[:60]!r}")
    return sorted(set(found))


def untranslated_template_text(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    where = path.relative_to(ROOT)
    problems = [f"{where}: text {line[:70]!r}" for line in _visible_text(source)]
    problems += [f"{where}: attribute {attr[:70]}" for attr in _literal_attributes(source)]
    problems += [f"{where}: literal {literal}" for literal in _literals_in_jinja(source)]
    return problems


def test_the_template_lint_finds_what_it_should():
    assert _visible_text('<p class="govuk-body">{{ _("Hello") }} – |</p>') == []
    assert _visible_text("{% trans n=1 %}You have {{ n }} groups{% endtrans %}{# a note #}") == []
    assert _visible_text("<script>var a = 1;</script><p>&nbsp;&ndash;</p>") == []
    assert _visible_text('{{ govukSummaryList({"rows": [{"key": {"text": _("Address")}}]}) }}') == []
    assert _visible_text('<h1 class="govuk-heading-l">Find a group</h1>') == ["Find a group"]
    assert _literal_attributes('<nav aria-label="Account">') == ['aria-label="Account"']
    assert _literal_attributes("<nav aria-label=\"{{ _('Account') }}\">") == []
    assert _literal_attributes('<input type="submit" value="Save">') == ['value="Save"']
    assert _literals_in_jinja('{{ govukTag({"text": "Beta"}) }}') == ["\"text\": 'Beta'"]
    assert _literals_in_jinja('{{ govukTag({"text": _("Beta")}) }}') == []
    assert _literals_in_jinja("{{ \"Join the waiting list\" if full else _('Register') }}") == [
        "'Join the waiting list'"
    ]
    assert _literals_in_jinja('{{ value | datetime("%A %-d %B %Y") }}{{ url_for("groups.index") }}') == []
    assert _literals_in_jinja("{{ ngettext('%(num)s group left', '%(num)s groups left', n) }}") == []
    assert _literals_in_jinja("{{ button('Save', 'govuk-button govuk-!-margin-left-2') }}") == []
    assert _literals_in_jinja("{{ _('Find (optional) items', x=1) ~ ' – more words' }}") == ["' – more words'"]
    assert _literals_in_jinja("{{ _('One') if loop.revindex == 2 else _('Two') }}") == []
    assert _literals_in_jinja('{% if item.title == "Minutes of the last meeting" %}') == []
    assert (
        _literals_in_jinja("""{{ {"html": '<a class="govuk-link" href="' ~ url ~ '">' ~ _("Read") ~ "</a>"} }}""") == []
    )


@AFTER_MERGE
def test_no_template_shows_untranslated_text():
    problems = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt") and path.is_file():
            problems += untranslated_template_text(path)
    assert problems == [], f"{len(problems)} pieces of text not wrapped for translation:\n" + "\n".join(problems)


# --- (c) Python: flash messages, form labels and validation messages ---------------------------------

WRAPPERS = {"_", "_l", "gettext", "ngettext", "lazy_gettext"}


def _is_literal(node: ast.AST) -> bool:
    """A string the person would read that no translation call wraps: "..." / f"..." / "..." % x / "...".format()."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(LETTER.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_literal(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) or _is_literal(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_literal(node.func.value)
    return False


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def untranslated_python(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _name(node.func) in WRAPPERS:
            continue
        name = _name(node.func)
        first = node.args[0] if node.args else None
        keywords = {k.arg: k.value for k in node.keywords}
        if name == "flash" and first is not None and _is_literal(first):
            found.append((node.lineno, "flash message"))
        if (
            name.endswith("Field")
            and name != "HiddenField"
            and ((first is not None and _is_literal(first)) or _is_literal(keywords.get("label", ast.Constant(None))))
        ):
            found.append((node.lineno, f"{name} label"))
        if _is_literal(keywords.get("message", ast.Constant(None))):
            found.append((node.lineno, f"{name}(message=...)"))
        if name == "ValidationError" and first is not None and _is_literal(first):
            found.append((node.lineno, "ValidationError message"))
    return sorted(found, key=lambda item: item[0])


def test_the_python_lint_finds_what_it_should():
    source = """
flash("Saved")
flash(_("Saved"))
flash(f"{name} saved")
flash(message)
name = StringField("Full name", validators=[DataRequired(message="Enter your name")])
email = StringField(_l("Email address"), validators=[Email(message=_l("Enter an email"))])
when = GovDateField(label="Date")
raise ValidationError("Too long")
raise ValidationError(_("Too long"))
log.info("Saved %s", name)
"""
    assert untranslated_python(source) == [
        (2, "flash message"),
        (4, "flash message"),
        (6, "StringField label"),
        (6, "DataRequired(message=...)"),
        (8, "GovDateField label"),
        (9, "ValidationError message"),
    ]


@AFTER_MERGE
def test_no_flash_label_or_validation_message_is_a_bare_literal():
    problems = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for line, what in untranslated_python(path.read_text(encoding="utf-8")):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {what} not wrapped in _() or _l()")
    assert problems == [], f"{len(problems)} user-facing strings not wrapped:\n" + "\n".join(problems)


# --- (d) coverage ---------------------------------------------------------------------------------


@AFTER_MERGE
@pytest.mark.parametrize("code", TRANSLATED)
def test_public_and_member_pages_are_mostly_translated(code):
    progress = catalogues.progress(code)
    assert progress.public_total > 0
    assert progress.public_percent >= MINIMUM_PUBLIC_PERCENT, (
        f"{code}: {progress.public_translated} of {progress.public_total} messages on public and member pages "
        f"translated ({progress.public_percent} %, at least {MINIMUM_PUBLIC_PERCENT} % wanted)"
    )
