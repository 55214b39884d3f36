"""Bad input and privacy: each refused with a clear message, nothing saved wrongly."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.toolkits.models import Answer, Response
from tests import factories
from tests.factories.groups import organisation
from tests.factories.toolkits import questions, sections, small_toolkit


@pytest.fixture
def setup(db, login_as):
    toolkit = small_toolkit()
    user = factories.user(name="Amina Hussain")
    org = organisation("Bangla Wellbeing", owner=user)
    db.session.commit()
    login_as(user)
    q = questions(toolkit)
    url = f"/toolkits/{toolkit.slug}/respond/section/{sections(toolkit)[0].id}?org={org.id}"
    return toolkit, org, user, q, url


def _count(db):
    return db.session.scalar(select(func.count()).select_from(Answer))


@pytest.mark.parametrize(
    ("label", "field", "value", "message"),
    [
        ("People", "", "lots", "Enter a number, like 25"),
        ("People", "", "1001", "Enter a number between 0 and 1000"),
        ("People", "", "-3", "Enter a number between 0 and 1000"),
        ("People", "", "nan", "Enter a number, like 25"),
        ("Size", "", "huge", "Select one of the options offered"),
        ("Work", "", "z", "Select only the options offered"),
        ("Work", "", "other", "Say what the other option is"),
        ("Name", "", "x" * 201, "Your answer must be 200 characters or fewer"),
        ("Name", "", "line\nbreak", "must not contain line breaks"),
        ("Story", "", "y" * 5001, "Your answer must be 5,000 characters or fewer"),
        ("Contact email", "", "not-an-email", "Enter an email address in the correct format"),
        ("Demand", "", "9", "Select a point on the scale from 1 to 5"),
        ("Funding ends", "-day", "31", "Enter a real date, like 14 3 2026"),
        ("Issues", "-mh", "3", "Give each option you rank a number from 1 to 2"),
        ("Issues", "-zz", "1", "Rank only the options offered"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_kept_on_screen(client, db, setup, label, field, value, message):
    _toolkit, _org, _user, q, url = setup
    question = q[label]
    data = {f"{question.html_id}{field}": value, q["Name"].html_id: "Amina", "action": "continue"}
    if label == "Name":
        data[q["Name"].html_id] = value
    if field == "-day":
        data.update({f"{question.html_id}-month": "2", f"{question.html_id}-year": "2027"})
    page = client.post(url, data=data)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in text and message in text
    assert f'href="#{question.html_id}"' in text
    assert db.session.scalar(select(func.count()).select_from(Answer).where(Answer.question_id == question.id)) == 0
    if label in ("People", "Contact email"):
        assert value in text  # what was typed is not lost


def test_duplicate_and_gapped_ranks(client, db, setup):
    _toolkit, _org, _user, q, url = setup
    name = q["Issues"].html_id
    page = client.post(url, data={f"{name}-mh": "1", f"{name}-db": "1", "action": "later"})
    assert "Give each option a different number" in page.get_data(as_text=True)
    page = client.post(url, data={f"{name}-mh": "2", "action": "later"})
    assert "without gaps" in page.get_data(as_text=True)


def test_required_questions_block_save_and_continue_but_not_save_for_later(client, db, setup):
    toolkit, org, _user, q, url = setup
    page = client.post(url, data={"action": "continue"})
    assert "Enter an answer for “Name”" in page.get_data(as_text=True)
    later = client.post(url, data={q["People"].html_id: "4", "action": "later"})
    assert later.status_code == 303
    check = client.get(f"/toolkits/{toolkit.slug}/respond/check?org={org.id}").get_data(as_text=True)
    assert "You need to answer some questions before you submit" in check
    submit = client.post(f"/toolkits/{toolkit.slug}/respond/submit?org={org.id}")
    assert submit.status_code == 303 and submit.headers["Location"].endswith(f"/respond/check?org={org.id}")
    assert db.session.scalar(select(Response.status)) == "draft"


def test_conditional_question_required_only_when_shown_and_cleared_when_hidden(client, db, setup):
    _toolkit, _org, _user, q, url = setup
    base = {q["Name"].html_id: "Amina", "action": "continue"}
    page = client.post(url, data={**base, q["Offer support"].html_id: "yes"})
    assert "Enter an answer for “What support”" in page.get_data(as_text=True)
    ok = client.post(url, data={**base, q["Offer support"].html_id: "yes", q["What support"].html_id: "Groups"})
    assert ok.status_code == 303
    ok = client.post(url, data={**base, q["Offer support"].html_id: "no", q["What support"].html_id: "Groups"})
    assert ok.status_code == 303
    assert db.session.scalar(select(func.count()).where(Answer.question_id == q["What support"].id)) == 0


def test_answers_to_another_toolkits_question_are_ignored(client, db, setup):
    toolkit, org, _user, q, url = setup
    other = small_toolkit()
    db.session.commit()
    foreign = questions(other)["Name"]
    client.post(url, data={q["Name"].html_id: "Amina", foreign.html_id: "intruder", "action": "later"})
    assert db.session.scalar(select(func.count()).where(Answer.question_id == foreign.id)) == 0
    # A section of another toolkit is not found under this toolkit's URL.
    wrong = f"/toolkits/{toolkit.slug}/respond/section/{sections(other)[0].id}?org={org.id}"
    assert client.post(wrong, data={foreign.html_id: "x", "action": "later"}).status_code == 404
    assert client.get(wrong).status_code == 404


def test_member_of_a_cannot_read_or_write_bs_response(client, db, setup, login_as):
    toolkit, org, _user, q, url = setup
    stranger = factories.user()
    other = organisation("Other group", owner=stranger)
    db.session.commit()
    client.post(url, data={q["Name"].html_id: "Amina's secret", "action": "later"})
    login_as(stranger)
    for path in (
        f"/toolkits/{toolkit.slug}/respond?org={org.id}",
        f"/toolkits/{toolkit.slug}/respond/check?org={org.id}",
        url,
    ):
        page = client.get(path)
        assert page.status_code == 403
        assert "Amina's secret" not in page.get_data(as_text=True)
        assert "You can only answer for an organisation you belong to" in page.get_data(as_text=True)
    assert client.post(url, data={q["Name"].html_id: "overwritten", "action": "later"}).status_code == 403
    autosave = url.replace("?org", "/autosave?org")
    assert (
        client.post(autosave, data={q["Name"].html_id: "overwritten"}, headers={"HX-Request": "true"}).status_code
        == 403
    )
    assert client.post(f"/toolkits/{toolkit.slug}/respond/submit?org={org.id}").status_code == 403
    assert db.session.scalar(select(Answer.text_value)) == "Amina's secret"
    # Their own organisation's page works and is empty.
    own = client.get(f"/toolkits/{toolkit.slug}/respond?org={other.id}")
    assert own.status_code == 200 and "Amina's secret" not in own.get_data(as_text=True)


def test_pending_organisation_and_no_organisation_cannot_answer(client, db, login_as):
    toolkit = small_toolkit()
    user = factories.user()
    pending = organisation(status="pending", owner=user)
    db.session.commit()
    login_as(user)
    page = client.get(f"/toolkits/{toolkit.slug}/respond?org={pending.id}")
    assert page.status_code == 403
    page = client.get(f"/toolkits/{toolkit.slug}/respond")
    assert page.status_code == 403 and "Only members of organisations listed in the directory" in page.get_data(
        as_text=True
    )
    assert "Apply for your organisation" in client.get(f"/toolkits/{toolkit.slug}").get_data(as_text=True)


def test_colleagues_share_one_draft(client, db, setup, login_as):
    toolkit, org, _user, q, url = setup
    colleague = factories.user(name="Joseph Okafor")
    from app.groups.models import Membership

    db.session.add(Membership(user_id=colleague.id, organisation_id=org.id, role="member"))
    db.session.commit()
    client.post(url, data={q["Name"].html_id: "Amina", "action": "later"})
    login_as(colleague)
    page = client.get(url).get_data(as_text=True)
    assert 'value="Amina"' in page and "by Amina Hussain" in page
    client.post(url, data={q["Name"].html_id: "Amina", q["People"].html_id: "40", "action": "later"})
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert "by Joseph Okafor" in client.get(f"/toolkits/{toolkit.slug}/respond?org={org.id}").get_data(as_text=True)


def test_after_closing_read_only_and_submit_refused(client, db, setup):
    toolkit, org, _user, q, url = setup
    client.post(url, data={q["Name"].html_id: "Amina", "action": "later"})
    toolkit.closes_at = toolkit.opens_at + dt.timedelta(hours=1)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "This toolkit has closed" in page and "disabled" in page and "Save and continue" not in page
    refused = client.post(url, data={q["Name"].html_id: "late", "action": "later"}, follow_redirects=True)
    assert "This toolkit has closed" in refused.get_data(as_text=True)
    submitted = client.post(f"/toolkits/{toolkit.slug}/respond/submit?org={org.id}", follow_redirects=True)
    assert "This toolkit has closed" in submitted.get_data(as_text=True)
    autosave = client.post(
        url.replace("?org", "/autosave?org"), data={q["Name"].html_id: "late"}, headers={"HX-Request": "true"}
    )
    assert autosave.status_code == 409
    assert db.session.scalar(select(Answer.text_value)) == "Amina"
    assert db.session.scalar(select(Response.status)) == "draft"


def test_draft_toolkit_is_not_found_for_members(client, db, login_as):
    toolkit = small_toolkit(status="draft")
    user = factories.user()
    organisation(owner=user)
    db.session.commit()
    login_as(user)
    assert client.get(f"/toolkits/{toolkit.slug}").status_code == 404
    assert client.get(f"/toolkits/{toolkit.slug}/respond").status_code == 404


def test_submitted_response_keeps_required_answers_and_change_resubmits(client, db, setup, smtp_server):
    toolkit, org, _user, q, url = setup
    client.post(url, data={q["Name"].html_id: "Amina", "action": "continue"})
    client.post(f"/toolkits/{toolkit.slug}/respond/submit?org={org.id}")
    cleared = client.post(url, data={q["Name"].html_id: "", "action": "later"})
    assert "Enter an answer for “Name”" in cleared.get_data(as_text=True)
    assert db.session.scalar(select(Answer.text_value).where(Answer.question_id == q["Name"].id)) == "Amina"
    client.post(url, data={q["Name"].html_id: "Amina B", "action": "later"})
    again = client.post(f"/toolkits/{toolkit.slug}/respond/submit?org={org.id}")
    assert again.status_code == 303
    from app.mail.worker import drain_outbox
    from tests.conftest import body_of

    drain_outbox()
    messages = smtp_server.wait_for(2)
    assert [m["Subject"] for m in messages] == [
        f"Your answers: {toolkit.title}",
        f"Your changed answers: {toolkit.title}",
    ]
    assert "Amina B" in body_of(messages[1])
