"""Text helpers shared by the importer, the exporter and the forms.

Rich text is stored as sanitised HTML in one canonical form: text whose only formatting is
paragraphs and line breaks is always stored as `<p>…<br>…</p>`, so exporting it as plain
text and importing it again gives back exactly the same value.
"""

from __future__ import annotations

import html
import re

from app.security import sanitize_html
from app.text import html_to_text

_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_HTML_HINT = re.compile(
    r"<\s*/?\s*(?:b|strong|p|ul|ol|li|br|i|em|u|span|div|font|a|h[1-6]|table|tr|td|script|img)\b", re.I
)
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,6});")
_SIMPLE_TAGS = {"p", "br"}
_BLOCK = re.compile(r"<\s*(?:p|div|ul|ol|li|table|h[1-6]|blockquote|br)\b", re.I)


def _paragraphs(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join("<p>" + "<br>".join(line.strip() for line in p.split("\n")) + "</p>" for p in paragraphs)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text) or _ENTITY.search(text))


def plain_to_html(text: str) -> str:
    """Plain text → paragraphs (blank lines) and line breaks, escaped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line.strip(), quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def is_simple(html_text: str) -> bool:
    return all(m.group(1).lower() in _SIMPLE_TAGS for m in _TAG.finditer(html_text))


def simple_html_to_plain(html_text: str) -> str:
    text = re.sub(r"\s*</p>\s*<p[^>]*>\s*", "\n\n", html_text)
    text = re.sub(r"<br\s*/?>\s*", "\n", text)
    text = re.sub(r"</?p[^>]*>", "", text)
    return html.unescape(text).strip()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def canonical_html(value: str) -> str:
    """Any cell or form text → canonical sanitised HTML (see module docstring)."""
    # Control characters other than tab and line breaks (a NUL, say) have no place in text, and
    # PostgreSQL and XLSX both refuse a NUL.
    value = _CONTROL.sub("", value or "").strip()
    if not value:
        return ""
    if not looks_like_html(value):
        return plain_to_html(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not _BLOCK.search(value):
        # Typed text with a little inline formatting (<b>…</b>): its blank lines are still paragraphs.
        value = _paragraphs(value)
    clean = sanitize_html(value).strip()
    # Drop empty paragraphs that pasted HTML is full of.
    clean = re.sub(r"<p>(?:\s|&nbsp;|<br>)*</p>", "", clean).strip()
    if is_simple(clean):
        return plain_to_html(simple_html_to_plain(clean))
    return clean


def html_for_export(value: str) -> str:
    """Stored HTML → the text written to a spreadsheet cell (plain when that loses nothing)."""
    if not value:
        return ""
    return simple_html_to_plain(value) if is_simple(value) else value


def plain_text(value: str) -> str:
    """A one-line field from a cell that may contain HTML: tags removed, entities decoded."""
    if looks_like_html(value):
        value = html_to_text(sanitize_html(value))
    return " ".join(value.split())
