"""Issue 21 §7: the error summary lists errors in the order their fields appear on the page, whatever the
order of the form class's fields."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from app.forms import errors_in_page_order


def _summary_targets(html: str) -> list[str]:
    summary = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(1))


def _in_page_order(html: str, targets: list[str]) -> bool:
    positions = [min(p for p in (html.find(f'id="{t}"'), html.find(f'id="{t}-')) if p >= 0) for t in targets]
    return positions == sorted(positions)


def test_summary_items_follow_the_fields_on_the_page():
    page = Markup(
        '<ul class="govuk-list govuk-error-summary__list">\n<li><a href="#postcode">Enter a postcode</a></li>'
        '<li><a href="#founded">Enter a year</a></li><li><a href="#name">Enter a name</a></li></ul>'
        '<input id="name"><div id="founded-day"></div><input id="postcode">'
    )
    assert _summary_targets(errors_in_page_order(page)) == ["name", "founded", "postcode"]
    with pytest.raises(TypeError):
        errors_in_page_order("<p>not rendered by a template</p>")


def test_group_application_errors_are_listed_in_the_forms_order(client, login_as):
    """The application form shows its fields in another order than GroupDetailsForm declares them."""
    login_as("member")
    response = client.post("/groups/apply", data={"description": "x" * 5, "contact_name": "", "postcode": "nope"})
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 422)
    targets = _summary_targets(html)
    assert len(targets) >= 2, targets
    assert _in_page_order(html, targets), targets
