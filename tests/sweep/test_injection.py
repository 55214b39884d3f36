"""Injection sweep (issue 8): every public and member form, filled with hostile values.

Each resulting page shows the values escaped or refuses them with a field error, never a 500; then
every page of the site, as every role, is checked for the raw markup (stored injection)."""

from __future__ import annotations

import pytest

from tests.sweep import forms, support


@pytest.fixture
def demo(app, db):
    support.seed_demo()
    return db


def discover_forms(app, client, role: str) -> list[forms.Form]:
    """Every POST form on the GET pages `role` can see (no button-only forms: nothing to type)."""
    visits, _ = support.sweep(app, client, role)
    found: dict[tuple, forms.Form] = {}
    for visit in visits:
        if visit.status != 200 or not visit.body:
            continue
        for form in forms.post_forms(visit.route.url, visit.body):
            if form.text_fields and form.action != "/logout":
                found.setdefault(form.key, form)
    return list(found.values())


def submit_hostile(app, client, role: str, form: forms.Form) -> list[tuple[str, str, str]]:
    """Post the form once per payload (in every text field, then only in the free-text fields).
    Returns (payload, outcome, problem) rows; problem is "" when the page is right."""
    rows = []
    app.config["PROPAGATE_TEST_ERRORS"] = False
    try:
        for label, payload in forms.PAYLOADS.items():
            for everywhere in (True, False):
                support.sign_in(client, role)
                response = client.post(form.action, data=forms.fill(form, payload, everywhere), follow_redirects=True)
                html = response.get_data(as_text=True)
                problem = ""
                if response.status_code >= 500:
                    problem = f"{response.status_code}"
                elif raws := forms.raw_problems(html):
                    problem = f"unescaped {raws}"
                if any(marker in html for marker in forms.ESCAPED):
                    outcome = "shown escaped"
                elif "govuk-error-message" in html:
                    outcome = "refused with a field error"
                else:
                    outcome = f"accepted ({response.status_code})"
                rows.append((label, outcome, problem))
    finally:
        app.config["PROPAGATE_TEST_ERRORS"] = True
    return rows


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_hostile_values_in_every_form_are_escaped_or_refused(app, client, demo, role):
    found = discover_forms(app, client, role)
    actions = {f.action.split("?")[0] for f in found}
    # The forms each role must at least have (the sweep finds the rest, including new ones).
    expected = {"/login", "/register", "/reset-password", "/mailing-list"} if role == "anonymous" else {"/account/name"}
    assert expected <= actions, actions

    failures, outcomes = [], set()
    for form in found:
        for label, outcome, problem in submit_hostile(app, client, role, form):
            outcomes.add(outcome.split(" (")[0])
            if problem:
                failures.append(f"{form.action} (form on {form.page}) with {label}: {problem}")
    assert not failures, "\n".join(failures)
    assert {"shown escaped", "refused with a field error"} <= outcomes

    # Whatever was stored is escaped wherever it is shown, to every role.
    for viewer in support.ROLES:
        visits, _ = support.sweep(app, client, viewer)
        bad = [(v.route.url, v.status, forms.raw_problems(v.body)) for v in visits]
        bad = [row for row in bad if row[1] >= 500 or row[2]]
        assert not bad, f"as {viewer} after the injection: {bad}"


def test_the_sweep_notices_unescaped_markup():
    html = '<p><img src=x onerror=alert(1)></p><a href="javascript:alert(1)">x</a>'
    assert forms.raw_problems(html) == ["<img src=x onerror=alert(1)>", 'href="javascript:']
    assert forms.raw_problems("<p>&lt;img src=x onerror=alert(1)&gt;</p><p>javascript:alert(1)</p>") == []


def test_forms_are_found_and_filled():
    html = """<form method="post" action="/x"><input type="hidden" name="csrf_token" value="t">
    <input name="name"><input type="email" name="email"><textarea name="about">old</textarea>
    <select name="kind"><option value="">Choose</option><option value="a">A</option></select>
    <input type="checkbox" name="topics" value="1"><input type="checkbox" name="topics" value="2">
    <button>Save</button></form><form method="get" action="/search"><input name="q"></form>"""
    (form,) = forms.post_forms("/page", html)
    assert [f.name for f in form.text_fields] == ["name", "email", "about"]
    data = forms.fill(form, "<b>", everywhere=False)
    assert data["csrf_token"] == ["t"] and data["kind"] == ["a"] and data["topics"] == ["1"]
    assert data["name"] == ["<b>"] and data["about"] == ["<b>"] and data["email"][0].endswith("@example.org")
    assert forms.fill(form, "<b>", everywhere=True)["email"] == ["<b>"]
