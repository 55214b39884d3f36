"""app/forms.py: the shared form base, fields and validators."""

import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from app.forms import FieldProblem, Form, GovDateField, WebAddress, name_field, text_field


class _Form(Form):
    class Meta:
        csrf = False

    title = text_field("Title", "Enter a title", max_length=10)
    organisation = text_field("Organisation (optional)", name="Organisation")
    person = name_field()
    link = StringField("Link", validators=[WebAddress("Enter a web address", spaces_message="No spaces")])
    website = StringField("Website", validators=[WebAddress("Enter a website", bare=True)])
    day = GovDateField("Day", message="Enter a real day")


def _form(app, **data):
    values = {"title": "Minutes", "person": "Ada Lovelace", **data}
    with app.test_request_context("/", method="POST"):
        form = _Form(formdata=MultiDict(values))
        form.validate()
        return form


def test_a_valid_form_has_no_errors(app):
    form = _form(app, title="  Minutes  ", day=["14", "1", "2027"])
    assert form.errors == {}
    assert form.title.data == "Minutes"
    assert form.day.data == dt.date(2027, 1, 14)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"title": "   "}, "title", "Enter a title"),
        ({"title": "x" * 11}, "title", "Title must be 10 characters or fewer"),
        ({"title": "a\x01b"}, "title", "Title must not contain line breaks or control characters"),
        ({"organisation": "x" * 201}, "organisation", "Organisation must be 200 characters or fewer"),
        ({"person": ""}, "person", "Enter your full name"),
        ({"person": "x" * 121}, "person", "Name must be 120 characters or fewer"),
        ({"link": "javascript:alert(1)"}, "link", "Enter a web address"),
        ({"link": "https://example.org/a b"}, "link", "No spaces"),
        ({"website": "localhost"}, "website", "Enter a website"),
        ({"day": ["31", "2", "2027"]}, "day", "Enter a real day"),
    ],
)
def test_messages_say_what_to_do(app, data, field, message):
    assert _form(app, **data).errors[field] == [message]


def test_web_addresses(app):
    assert _form(app, link="http://example.org/page").errors == {}
    form = _form(app, website="www.example.org")
    assert form.errors == {}
    assert form.website.data == "https://www.example.org"


def test_an_empty_date_is_none(app):
    form = _form(app, day=["", "", ""])
    assert form.errors == {}
    assert form.day.data is None


def test_populate_errors_shows_a_service_refusal_beside_its_field(app):
    form = _form(app)
    form.populate_errors(FieldProblem("title", "That title is taken"))
    form.populate_errors(FieldProblem("anything", "Choose a group"), "organisation")
    assert form.errors == {"title": ["That title is taken"], "organisation": ["Choose a group"]}


@pytest.mark.parametrize(
    "posted", [{"date": "2026-01-01"}, {"date": ["1", "2"]}, {"date": ["1", "2", "2027", "4"]}, {"date": ""}]
)
def test_a_date_posted_as_the_wrong_number_of_values_is_shown_again_with_its_message(app, client, login_as, posted):
    """Issue 15.9: a GOV.UK date field posted as one value crashed when the form was drawn again."""
    login_as("staff")
    response = client.post("/staff/events/new", data={"title": "Network meeting", **posted})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html
    assert "date-day" in html and "date-month" in html and "date-year" in html


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("020 7946 0000", True),
        ("07700 900123", True),
        ("+44 20 7946 0000", True),
        ("+252 61 234 5678", True),
        ("", True),
        ("abc", False),
        ("12", False),
        ("020 7946 000O", False),
    ],
)
def test_phone_numbers_are_uk_or_international(app, value, ok):
    from app.forms import PhoneNumber

    class F(Form):
        phone = text_field("Phone", validators=[PhoneNumber()])

    with app.test_request_context():
        form = F(formdata=MultiDict({"phone": value}), meta={"csrf": False})
        assert form.validate() is ok, form.errors
