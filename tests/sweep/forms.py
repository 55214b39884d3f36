"""Finding and filling the site's forms for the injection sweep (standard-library HTML parser)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

PAYLOADS = {
    "script tag": '<script>alert("xss")</script>',
    "attribute breaker": '"><img src=x onerror=alert(1)>',
    "javascript URL": "javascript:alert(1)",
    "100 KB": "x" * 100_000,
    "NUL byte": "before\x00after",
    "right-to-left override": "abc\u202egpj.exe",
    "SQL fragment": "' OR 1=1 --",
}

# Markup that must never reach a page unescaped.
RAW_MARKERS = ('<script>alert("xss")', "<img src=x onerror=alert(1)>")
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
ESCAPED = ("&lt;script&gt;alert(", "&lt;img src=x onerror=alert(1)&gt;", "&#39; OR 1=1 --", "' OR 1=1 --")

TEXT_TYPES = {"text", "search", "email", "url", "tel", "number", "password", ""}


@dataclass
class Field:
    tag: str  # input | textarea | select
    name: str
    type: str = "text"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False

    @property
    def text_like(self) -> bool:
        return self.tag == "textarea" or (self.tag == "input" and self.type in TEXT_TYPES)


@dataclass
class Form:
    page: str
    action: str
    fields: list[Field] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.action, tuple(sorted({f.name for f in self.fields})))

    @property
    def text_fields(self) -> list[Field]:
        return [f for f in self.fields if f.text_like]


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(self.page, a.get("action") or self.page)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            self._form.fields.append(Field("input", a["name"], kind, a.get("value", ""), checked="checked" in a))
        elif tag == "textarea":
            self._textarea = Field("textarea", a["name"])
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field("select", a["name"])
            self._form.fields.append(self._select)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(page: str, html: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return parser.forms


_COUNTER = iter(range(1, 10**9))

# Values that get a form past its structural checks, so the hostile text in the other fields is
# stored and shown again (name pattern -> value).
BASELINE = [
    (re.compile(r"current_password"), "demo-member-lantern-field"),
    (re.compile(r"password|confirm"), "sweep-long-passphrase-8127"),
    (re.compile(r"email"), None),  # a fresh address each time
    (re.compile(r"day$"), "12"),
    (re.compile(r"month$"), "3"),
    (re.compile(r"year$|founded"), "2027"),
    (re.compile(r"postcode"), "AB1 2CD"),
    (re.compile(r"phone"), "020 7946 0000"),
    (re.compile(r"website|url|link"), "https://example.org/"),
    (re.compile(r"charity_number|company_number|number$"), ""),
    (re.compile(r"beneficiaries|capacity|places|count"), "12"),
    (re.compile(r"date|time"), ""),
]


def _baseline(name: str, kind: str) -> str | None:
    for pattern, value in BASELINE:
        if pattern.search(name):
            return value if value is not None else f"sweep{next(_COUNTER)}@example.org"
    if kind == "number":
        return "3"
    return None


def fill(form: Form, payload: str, everywhere: bool) -> dict[str, list[str]]:
    """The form's data with `payload` in every text field (`everywhere`) or only in the free-text
    fields, valid values elsewhere. Hidden fields keep their values; the first option is chosen."""
    data: dict[str, list[str]] = {}
    seen_choice: set[str] = set()
    for f in form.fields:
        if f.tag == "select":
            options = [o for o in f.options if o] or [""]
            data.setdefault(f.name, []).append(options[0])
        elif f.tag == "input" and f.type in ("checkbox", "radio"):
            if f.name not in seen_choice:
                seen_choice.add(f.name)
                data.setdefault(f.name, []).append(f.value or "y")
        elif f.tag == "input" and f.type == "hidden":
            data.setdefault(f.name, []).append(f.value)
        elif f.text_like:
            value = payload if everywhere else _baseline(f.name, f.type)
            data.setdefault(f.name, []).append(payload if value is None else value)
    return data


def raw_problems(html: str) -> list[str]:
    problems = [marker for marker in RAW_MARKERS if marker in html]
    problems += [m.group(0) for m in JAVASCRIPT_URL.finditer(html)]
    return problems
