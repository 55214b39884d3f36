"""The respondent journey through the test client: task list, save, autosave, check, submit."""

from __future__ import annotations

from sqlalchemy import func, select

from app.mail.models import OutboxMessage
from app.toolkits.models import Answer, Response
from tests import factories
from tests.factories.groups import organisation
from tests.factories.toolkits import questions, sections, small_toolkit


def _setup(db, login_as):
    toolkit = small_toolkit()
    user = factories.user(name="Amina Hussain")
    org = organisation("Bangla Wellbeing", owner=user)
    db.session.commit()
    login_as(user)
    return toolkit, org, user


def test_task_list_section_save_check_and_submit(client, db, login_as):
    toolkit, org, user = _setup(db, login_as)
    q = questions(toolkit)
    first = sections(toolkit)[0]
    page = client.get(f"/toolkits/{toolkit.slug}/respond")
    assert page.status_code == 200
    assert b"Not started" in page.data

    url = f"/toolkits/{toolkit.slug}/respond/section/{first.id}?org={org.id}"
    page = client.get(url)
    assert page.status_code == 200
    form = {
        q["Name"].html_id: "Amina",
        q["People"].html_id: "120",
        q["Size"].html_id: "small",
        q["Work"].html_id: ["a", "other"],
        f"{q['Work'].html_id}-other": "Yoga",
        f"{q['Issues'].html_id}-mh": "1",
        f"{q['Issues'].html_id}-db": "2",
        q["Demand"].html_id: "4",
        q["Offer support"].html_id: "yes",
        q["What support"].html_id: "Peer groups",
        f"{q['Funding ends'].html_id}-day": "31",
        f"{q['Funding ends'].html_id}-month": "3",
        f"{q['Funding ends'].html_id}-year": "2027",
        q["Contact email"].html_id: "amina@example.org",
        "action": "continue",
    }
    saved = client.post(url, data=form)
    assert saved.status_code == 303, saved.data
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 12

    check = client.get(f"/toolkits/{toolkit.slug}/respond/check?org={org.id}")
    assert b"Check your answers" in check.data
    assert b"Yoga" in check.data
    done = client.post(f"/toolkits/{toolkit.slug}/respond/submit?org={org.id}")
    assert done.status_code == 303
    response = db.session.scalar(select(Response))
    assert response.status == "submitted"
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.to_addr == user.email
    assert "Peer groups" in mail.body_text
    assert client.get(done.headers["Location"]).status_code == 200


def test_autosave_returns_status_fragment(client, db, login_as):
    toolkit, org, _user = _setup(db, login_as)
    q = questions(toolkit)
    first = sections(toolkit)[0]
    result = client.post(
        f"/toolkits/{toolkit.slug}/respond/section/{first.id}/autosave?org={org.id}",
        data={q["Name"].html_id: "Amina", q["People"].html_id: "5000"},
        headers={"HX-Request": "true"},
    )
    assert result.status_code == 200
    assert b"Last saved" in result.data and b"Amina Hussain" in result.data
    assert b"Enter a number between 0 and 1000" in result.data
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
