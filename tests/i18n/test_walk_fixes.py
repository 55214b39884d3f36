"""Findings of the December 2026 walk in Bengali, Somali and Urdu: the 24-hour clock in the members'
languages, one digit style per page, every audit action named in the reader's language, the Sent mail
page's note translated when shown, the consent version with its language, the Atom feed's words."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.util import pathmatch
from sqlalchemy import select

import app.i18n as i18n
from app.i18n import _, _l, formatting
from app.times import clock
from tests.factories import events as event_factories
from tests.i18n.test_catalogue_complete import untranslated_template_text
from tests.pages import page_text

ROOT = Path(__file__).resolve().parents[2]
BENGALI_DIGITS = "০১২৩৪৫৬৭৮৯"
# Monday 17 May 2027, 5pm UTC: 6pm in London (summer time).
STARTS = dt.datetime(2027, 5, 17, 17, 0, tzinfo=dt.UTC)


def _in(app, code: str, function, *args, **kwargs):
    with app.test_request_context(f"/?lang={code}"):
        app.preprocess_request()
        return function(*args, **kwargs)


# --- 1. Times: GOV.UK's "6:30pm" in English, the 24-hour clock in the members' languages ------------


@pytest.mark.parametrize(
    ("code", "said"),
    [("en", "6:30pm"), ("bn", "১৮:৩০"), ("so", "18:30"), ("ur", "18:30")],
)
def test_a_time_in_each_language(app, db, code, said):
    assert _in(app, code, clock, dt.time(18, 30)) == said


def test_morning_times_and_midnight_in_the_members_languages(app, db):
    assert _in(app, "bn", clock, dt.time(9, 5)) == "৯:০৫"
    assert _in(app, "ur", clock, dt.time(0, 0)) == "0:00"
    assert _in(app, "so", clock, dt.time(12, 0)) == "12:00"
    assert _in(app, "en", clock, dt.time(12, 0)) == "midday"  # English unchanged


def test_an_event_page_has_no_am_or_pm_in_bengali_somali_or_urdu(client, db):
    event = event_factories.event(title="Spring network meeting", slug="spring-network-meeting")
    event.starts_at, event.ends_at = STARTS, STARTS + dt.timedelta(hours=2)
    db.session.commit()
    assert "6pm to 8pm" in page_text(client.get(f"/events/{event.slug}"))
    for code, start, end in (("bn", "১৮:০০", "২০:০০"), ("so", "18:00", "20:00"), ("ur", "18:00", "20:00")):
        text = page_text(client.get(f"/events/{event.slug}?lang={code}"))
        assert start in text and end in text, code
        assert not re.search(r"\b(AM|PM|GH|GD)\b", text), code


# --- 2. One digit style in a Bengali page ---------------------------------------------------------------


def test_whole_numbers_in_messages_are_written_as_english_writes_them_in_the_readers_digits(app, db):
    # A year is not grouped ("২০২৬", never "২,০২৬"); English and Bengali write the same figures.
    assert _in(app, "bn", _, "Test report for %(year)s", year=2026) == "Test report for ২০২৬"
    assert _in(app, "en", _, "Test report for %(year)s", year=2026) == "Test report for 2026"
    assert _in(app, "bn", _, "Test limit %(max)s", max=20000) == "Test limit ২০০০০"
    assert _in(app, "so", _, "Test limit %(max)s", max=20000) == "Test limit 20000"


def test_a_module_level_limit_is_written_in_the_readers_digits_when_shown(app, db):
    from app.main.forms import WELCOME_MAX_TEXT

    message = _l("Test text must be %(max)s characters or fewer", max=WELCOME_MAX_TEXT)
    assert _in(app, "bn", str, message) == "Test text must be ৫,০০০ characters or fewer"
    assert _in(app, "en", str, message) == "Test text must be 5,000 characters or fewer"
    assert _in(app, "bn", formatting.lazy_number(1234).__str__) == "১,২৩৪"


def test_page_numbers_and_file_sizes_in_bengali_digits(app, db):
    from app.pagination import _shown
    from app.spreadsheets import ImportRefused, load_json

    assert _in(app, "bn", _shown, 1000) == "১০০০"
    assert _in(app, "en", _shown, 1000) == 1000

    def refused() -> str:
        with pytest.raises(ImportRefused) as caught:
            load_json(b"[" + b"1," * 600_000 + b"1]", max_bytes=1024 * 1024)
        return str(caught.value)

    said = _in(app, "bn", refused)
    assert "১" in said and not re.search(r"[0-9]", said)


def test_a_quarter_in_the_network_report_names_its_year_in_bengali_digits(app, db):
    from app.reports.periods import quarter_label, quarter_period

    for label in (_in(app, "bn", lambda: quarter_period(2026, 2).label), _in(app, "bn", quarter_label, 2026, 2)):
        assert "২০২৬" in label and "২,০২৬" not in label, label
        assert not re.search(r"[0-9]", label), label


# Translation calls that pass a number turned into text (its digits would stay Latin in Bengali). A
# response's id in a spreadsheet is an identifier; a weekday's name is a word.
TEXT_FROM_NUMBERS_ALLOWED = {("app/toolkits/exports.py", "id"), ("app/events/models.py", "weekday")}


def test_no_message_is_given_a_number_already_turned_into_latin_text():
    found = set()
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in ("_", "_l", "ngettext", "gettext"):
                continue
            for keyword in node.keywords:
                value = keyword.value
                as_text = isinstance(value, ast.JoinedStr) or (
                    isinstance(value, ast.Call) and getattr(value.func, "id", "") in ("str", "format")
                )
                if as_text:
                    found.add((str(path.relative_to(ROOT)), keyword.arg))
    assert found <= TEXT_FROM_NUMBERS_ALLOWED, found - TEXT_FROM_NUMBERS_ALLOWED


# --- 3. Every recorded audit action has a translatable label --------------------------------------------


def _recorded_verbs() -> set[str]:
    """Every verb the code passes to app.audit.record, dynamic ones expanded."""
    from app.groups.services import DECISIONS

    verbs: set[str] = set()
    unknown = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        source = path.read_text()
        if "from app.audit import" not in source and "app.audit" not in source:
            continue
        tree = ast.parse(source)
        assigned: dict[str, list[ast.AST]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            if getattr(node.func, "id", getattr(node.func, "attr", "")) != "record":
                continue
            argument = node.args[0]
            values = assigned.get(argument.id, []) if isinstance(argument, ast.Name) else [argument]
            for value in values:
                if isinstance(value, ast.JoinedStr) and ast.unparse(value) == "f'group.{decision}'":
                    verbs |= {f"group.{decision}" for decision in DECISIONS}
                    continue
                constants = [n.value for n in ast.walk(value) if isinstance(n, ast.Constant)]
                constants = [c for c in constants if isinstance(c, str) and re.fullmatch(r"[a-z_]+\.[a-z_]+", c)]
                if not constants:
                    unknown.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(argument)}")
                verbs |= set(constants)
    assert unknown == [], f"audit verbs this test cannot read; expand them here: {unknown}"
    return verbs


def test_every_recorded_action_has_a_translatable_label_and_a_sentence():
    from app.staff.audit_text import LABELS, SENTENCES

    verbs = _recorded_verbs()
    assert len(verbs) > 100
    assert {"group.approve", "event.guest_check_in", "event.agenda_withdrawn"} <= verbs
    assert sorted(verbs - set(LABELS)) == []
    assert sorted(verbs - set(SENTENCES)) == []
    assert all(isinstance(label, i18n.LazyText) for label in LABELS.values())


def test_labels_are_shown_in_the_readers_language(app, db, monkeypatch):
    from app.staff.audit_text import verb_label

    assert _in(app, "en", verb_label, "user.role_changed") == "Role changed"
    assert _in(app, "en", verb_label, "group.approve") == "Group approved"
    assert _in(app, "en", verb_label, "group.no_such_thing") == "Group: no such thing"  # an old row's verb

    class Bengali:
        def ugettext(self, message):
            return {"Role changed": "ভূমিকা পরিবর্তন করা হয়েছে"}.get(message, message)

    monkeypatch.setattr(i18n, "translations", Bengali)
    assert _in(app, "bn", verb_label, "user.role_changed") == "ভূমিকা পরিবর্তন করা হয়েছে"


def test_the_audit_log_names_a_group_decision_and_a_guest_check_in(app, client, login_as, db):
    from app.audit import record
    from tests.factories.groups import organisation

    staff = login_as("staff")
    org = organisation("Roots Trust")
    db.session.commit()
    with app.test_request_context():
        record("group.approve", org, actor=staff)
        record("group.request_changes", org, actor=staff)
    db.session.commit()
    text = page_text(client.get("/staff/audit"))
    assert f"{staff.name} approved Roots Trust" in text
    assert f"{staff.name} asked Roots Trust for changes" in text
    assert "Group: approve" not in text


# --- 4. The Sent mail page's note, in the staff member's language, never stored ------------------------


def test_the_private_link_note_is_translated_when_shown(app, db, monkeypatch):
    from app.staff import redaction

    body = "Reset it: http://localhost/reset-password/abc.def.ghi and see http://example.org/help"

    class Urdu:
        def ugettext(self, message):
            return "[نجی لنک ہٹا دیا گیا]" if message.startswith("[private link removed") else message

    english = _in(app, "en", redaction.redact, body)
    assert "[private link removed: only the person it was sent to can use it]" in english.text
    monkeypatch.setattr(i18n, "translations", Urdu)
    urdu = _in(app, "ur", redaction.redact, body)
    assert urdu.text == "Reset it: [نجی لنک ہٹا دیا گیا] and see http://example.org/help"
    assert urdu.removed == 1 and urdu.links == ["http://example.org/help"]
    assert isinstance(redaction.REDACTED, i18n.LazyText)  # extracted, and never a stored English string


# --- 7. The consent version says which language the wording was read in ----------------------------


def _sign_up(client, lang: str, email: str, topic: int):
    data = {"email": email, "name": "Amina Yusuf", "organisation_name": "", "consent": "y", "topics": [str(topic)]}
    return client.post(f"/mailing-list?lang={lang}", data=data)


def test_the_consent_version_records_the_language_the_statement_was_read_in(app, client, db):
    from app.mailing import services
    from app.mailing.consent import CONSENT_VERSION
    from app.mailing.models import Subscriber
    from tests.factories import mailing as mailing_factories

    topic = mailing_factories.topics()[0].id
    assert _sign_up(client, "bn", "bn@example.org", topic).status_code == 200
    assert _sign_up(client, "en", "en@example.org", topic).status_code == 200
    versions = dict(db.session.execute(select(Subscriber.email, Subscriber.consent_text_version)).all())
    assert versions == {"bn@example.org": f"{CONSENT_VERSION}:bn", "en@example.org": CONSENT_VERSION}
    assert all(len(version) <= Subscriber.consent_text_version.type.length for version in versions.values())

    # Confirming (from an e-mail, in whatever language that page is read) keeps what they agreed to.
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email == "bn@example.org"))
    _in(app, "en", services.confirm, subscriber, [])
    db.session.commit()
    assert subscriber.status == "confirmed" and subscriber.consent_text_version == f"{CONSENT_VERSION}:bn"


def test_a_language_whose_catalogue_shows_the_english_statement_records_the_english_version(app, db, monkeypatch):
    from app.mailing.consent import CONSENT_VERSION, consent_version

    class Untranslated:
        def ugettext(self, message):
            return message

    monkeypatch.setattr(i18n, "translations", Untranslated)
    assert _in(app, "so", consent_version) == CONSENT_VERSION


# --- The Atom feed's words are extracted ---------------------------------------------------------------


def test_the_feed_template_is_extracted_and_has_no_untranslated_words():
    feed = ROOT / "templates" / "mailing" / "feed.xml"
    with open(ROOT / "babel.cfg") as config:
        method_map, _options = parse_mapping_cfg(config)
    where = "templates/mailing/feed.xml"
    assert any(method == "jinja2" and pathmatch(pattern, where) for pattern, method in method_map)
    messages = [message for _line, message, _comments, _context in extract_from_file("jinja2", str(feed))]
    assert "%(service)s bulletins" in messages
    assert untranslated_template_text(feed) == []


def test_the_feed_says_its_language(client, db):
    response = client.get("/bulletins.atom?lang=bn")
    assert response.status_code == 200
    assert '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="bn">' in response.get_data(as_text=True)
