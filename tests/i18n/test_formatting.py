"""Dates, times and numbers in the reader's language (issue 22): Babel's formats in Europe/London time,
Bengali digits for Bengali; English keeps the GOV.UK style the portal has always used."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date

from app.i18n import _, formatting, ngettext
from app.i18n.languages import LANGUAGES
from app.times import clock
from tests.factories import events as event_factories
from tests.pages import page_text

BENGALI_DIGITS = "০১২৩৪৫৬৭৮৯"
# Monday 17 May 2027, 5pm UTC: 6pm in London (summer time), so a wrong time zone shows.
STARTS = dt.datetime(2027, 5, 17, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def meeting(db):
    event = event_factories.event(title="Spring network meeting", slug="spring-network-meeting")
    event.starts_at, event.ends_at = STARTS, STARTS + dt.timedelta(hours=2)
    db.session.commit()
    return event


def test_an_event_page_in_english_keeps_the_govuk_style(client, meeting):
    text = page_text(client.get(f"/events/{meeting.slug}"))
    assert "Monday 17 May 2027, 6pm to 8pm" in text
    assert not set(BENGALI_DIGITS) & set(text)


def test_an_event_page_in_bengali_has_a_bengali_date_in_bengali_digits(client, meeting):
    text = page_text(client.get(f"/events/{meeting.slug}?lang=bn"))
    day = format_date(dt.date(2027, 5, 17), "full", locale="bn").translate(str.maketrans("0123456789", BENGALI_DIGITS))
    assert day in text  # সোমবার, ১৭ মে, ২০২৭
    assert "১৭" in day and "২০২৭" in day
    # The time is London time (18:00, the 24-hour clock), in Bengali digits, never the UTC hour.
    assert "১৮:০০" in text and "১৭:০০" not in text


def test_an_event_page_in_somali_and_urdu_uses_their_own_formats(client, meeting):
    for code in ("so", "ur"):
        text = page_text(client.get(f"/events/{meeting.slug}?lang={code}"))
        assert format_date(dt.date(2027, 5, 17), "full", locale=LANGUAGES[code].babel) in text
        assert "Monday 17 May 2027" not in text


def _in(app, code: str, function, *args, **kwargs):
    with app.test_request_context(f"/?lang={code}"):
        app.preprocess_request()  # chooses the language afresh (the app context is shared)
        return function(*args, **kwargs)


def test_numbers_in_the_readers_digits(app, db):
    assert _in(app, "en", formatting.number, 1234) == "1,234"
    assert _in(app, "bn", formatting.number, 1234) == "১,২৩৪"
    assert _in(app, "so", formatting.number, 1234) == "1,234"
    assert _in(app, "ur", formatting.number, 1234) == "1,234"
    assert _in(app, "bn", formatting.number, None) == ""


def test_the_number_filter_in_templates(app, db):
    template = app.jinja_env.from_string("{{ 12345|number }}")
    assert _in(app, "bn", template.render) == "১২,৩৪৫"
    assert _in(app, "en", template.render) == "12,345"


def test_whole_number_variables_in_messages_are_written_in_the_readers_digits(app, db):
    # (Messages made up for the test, so no catalogue translates them.)
    assert _in(app, "bn", _, "%(count)s of %(total)s test answers", count=3, total=12) == "৩ of ১২ test answers"
    assert _in(app, "bn", ngettext, "%(num)s test place", "%(num)s test places", 2) == "২ test places"
    assert _in(app, "en", ngettext, "%(num)s test place", "%(num)s test places", 1) == "1 test place"
    # Text variables (a name, a postcode) are never changed.
    assert _in(app, "bn", _, "Test greeting for %(name)s", name="E1 6AN") == "Test greeting for E1 6AN"


def test_times_are_london_times(app, db):
    winter = dt.datetime(2027, 1, 11, 18, 30, tzinfo=dt.UTC)
    summer = dt.datetime(2027, 7, 12, 18, 30, tzinfo=dt.UTC)
    assert _in(app, "ur", clock, winter) == "18:30"  # the 24-hour clock (docs/decisions.md)
    assert _in(app, "ur", clock, summer) == "19:30"
    assert _in(app, "bn", clock, summer) == "১৯:৩০"
    assert _in(app, "en", clock, summer) == "7:30pm"  # English: GOV.UK style


def test_a_lazy_message_in_a_template_escapes_its_variables(app, db):
    """A `_l` message with a name in it (a lazy e-mail subject, a label) is shown as the template's own
    `_()` would be: markup from the message, the name escaped."""
    from app.i18n import _l

    lazy = _l("Welcome to <strong>%(group)s</strong>", group="<script>alert(1)</script>")
    html = app.jinja_env.from_string("{{ message }}").render(message=lazy)
    assert html == "Welcome to <strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>"
    assert str(lazy) == "Welcome to <strong><script>alert(1)</script></strong>"  # plain text for a subject
