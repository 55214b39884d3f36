"""Every fragment template renders on its own, as an htmx swap renders it, with what it needs in scope."""

from __future__ import annotations

from flask import render_template_string


def test_the_csrf_field_is_a_global_every_fragment_has(app):
    with app.test_request_context():
        html = render_template_string("{{ csrf_field() }}")
    assert html.startswith('<input type="hidden" name="csrf_token" value="') and len(html) > 60


def test_the_staff_toolkit_results_fragment_renders_for_all_organisations(app, client, login_as, db):
    """A regression: choosing "All organisations" again fetched ?tag= as a fragment, which failed with
    "csrf_field is undefined" and left the page claiming the old filter."""
    from tests.factories import toolkits as th

    login_as("staff")
    from tests.factories.groups import organisation

    toolkit = th.template_toolkit(open_now=True)
    organisation("A group that has not answered")
    db.session.commit()
    response = client.get(f"/staff/toolkits/{toolkit.slug}/results?tag=", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Showing all organisations" in html and "Email a reminder" in html
