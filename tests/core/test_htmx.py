"""app/htmx.py render(): the page or its fragment, Vary: HX-Request, 422 for a fragment with form errors."""

import pytest
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from app import htmx

HTMX = {"HX-Request": "true"}


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name", validators=[DataRequired()])


@pytest.fixture(autouse=True)
def _template_names(monkeypatch):
    monkeypatch.setattr(htmx, "render_template", lambda name, **context: name)


def _render(app, headers=None, form_errors=False):
    with app.test_request_context("/", method="POST", headers=headers or {}):
        form = _Form()
        if form_errors:
            form.validate()
        return htmx.render("page.html", "_fragment.html", form=form)


def test_a_plain_request_gets_the_page(app):
    response = _render(app, form_errors=True)
    assert response.get_data(as_text=True) == "page.html"
    assert response.status_code == 200
    assert "HX-Request" in response.vary


def test_an_htmx_request_gets_the_fragment(app):
    response = _render(app, HTMX)
    assert response.get_data(as_text=True) == "_fragment.html"
    assert response.status_code == 200
    assert "HX-Request" in response.vary


def test_a_fragment_with_form_errors_is_422(app):
    assert _render(app, HTMX, form_errors=True).status_code == 422


def test_a_boosted_request_gets_the_page(app):
    assert _render(app, {**HTMX, "HX-Boosted": "true"}).get_data(as_text=True) == "page.html"
