"""Plain text from stored rich text: one conversion for e-mails, bulletins, imports and search."""

from __future__ import annotations

import html
import re

import nh3

from app.i18n import _


def html_to_text(value: str | None) -> str:
    """Plain text from stored (sanitised) HTML, keeping paragraphs and list items as lines.

    Paragraphs, headings and lists end with a blank line so an e-mail reads as the page does;
    spaces inside a line are collapsed because HTML source wraps lines anywhere.
    """
    if not value:
        return ""
    text = re.sub(r"(?i)<br\s*/?>|</li>", "\n", value)
    text = re.sub(r"(?i)</(p|h[1-6]|blockquote|ul|ol|table)>", "\n\n", text)
    text = re.sub(r"(?i)<li[^>]*>", "• ", text)
    text = html.unescape(nh3.clean(text, tags=set()))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def join_words(words: list[str], conjunction: str | None = None) -> str:
    """ "February, May, August and November": a list as a sentence says it, in the reader's language
    (the comma and the "and" are translated; `conjunction` replaces "and", e.g. "or")."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    comma = _(", ")  # a list's comma: "، " in Urdu
    if conjunction is None:
        return _("%(items)s and %(last)s", items=comma.join(words[:-1]), last=words[-1])
    return f"{comma.join(words[:-1])} {conjunction} {words[-1]}"
