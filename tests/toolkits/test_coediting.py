"""Two colleagues of one organisation edit the same section at once (issue 16 §1), through two test
clients that post what their page showed, as a browser does: per-question saves, conflicts shown with
both answers and the choice of which to keep (normal Save and the autosave round trip), multiple
choice merged, history with "restore this version", presence, and the conditional UPDATE."""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import delete, func, select
from werkzeug.datastructures import MultiDict

from app.auth.models import User
from app.toolkits import coediting
from app.toolkits.models import Answer, AnswerRevision, AnswerState, Question, Response
from tests import factories
from tests.factories.groups import organisation
from tests.factories.toolkits import questions, sections, small_toolkit
from tests.pages import page_text
from tests.sweep.support import signed_in

HX = {"HX-Request": "true"}


class Member:
    """One colleague in their own browser: draws the section page, changes fields, saves."""

    def __init__(self, app, user, url: str, autosave_url: str) -> None:
        self.client = app.test_client()
        with self.client.session_transaction() as session:
            signed_in(session, user)
        self.url, self.autosave_url = url, autosave_url
        self.form = MultiDict()

    def draw(self, page=None) -> str:
        """Open the page (or take a re-rendered one) and keep what its form holds."""
        page = page if page is not None else self.client.get(self.url)
        html = page.get_data(as_text=True)
        forms = [f for f in lxml.html.fromstring(html).forms if "/respond/section/" in (f.action or "")]
        form = forms[0] if forms else None
        self.form = MultiDict()
        if form is not None:
            for name, value in form.form_values():
                self.form.add(name, value)
        return html

    def set(self, field: str, *values: str) -> None:
        self.form.setlist(field, list(values))

    def save(self, action: str = "later"):
        data = MultiDict(self.form)
        data["action"] = action
        return self.client.post(self.url, data=data)

    def autosave(self):
        return self.client.post(self.autosave_url, data=MultiDict(self.form), headers=HX)


@pytest.fixture
def two(app, db):
    toolkit = small_toolkit()
    amina = factories.user(name="Amina Hussain", email="amina@example.org")
    bilal = factories.user(name="Bilal Ahmed", email="bilal@example.org")
    org = organisation("Bangla Wellbeing", owner=amina, members=[bilal])
    db.session.commit()
    first = sections(toolkit)[0]
    url = f"/toolkits/{toolkit.slug}/respond/section/{first.id}?org={org.id}"
    autosave = f"/toolkits/{toolkit.slug}/respond/section/{first.id}/autosave?org={org.id}"
    q = {label: question.html_id for label, question in questions(toolkit).items()}
    return toolkit, q, Member(app, amina, url, autosave), Member(app, bilal, url, autosave)


def _stored(db, toolkit, label) -> list[str]:
    question = questions(toolkit)[label]
    rows = db.session.scalars(select(Answer).where(Answer.question_id == question.id).order_by(Answer.id)).all()
    return question.kind.display(rows)


def test_different_questions_both_kept(db, two):
    toolkit, q, amina, bilal = two
    amina.draw(), bilal.draw()
    amina.set(q["Name"], "Amina Hussain")
    assert amina.save().status_code == 303
    bilal.set(q["People"], "40")  # Bilal's page still shows Name empty
    assert bilal.save().status_code == 303
    assert _stored(db, toolkit, "Name") == ["Amina Hussain"]
    assert _stored(db, toolkit, "People") == ["40"]
    # Only the changed question was written by each save.
    assert db.session.scalar(select(func.count()).select_from(AnswerRevision)) == 2


def test_same_question_conflict_without_javascript_then_keep_theirs(db, two):
    toolkit, q, amina, bilal = two
    amina.draw(), bilal.draw()
    amina.set(q["Story"], "Sylheti, Bengali")
    amina.save()
    bilal.set(q["Story"], "Urdu")
    page = bilal.save()
    assert page.status_code == 200
    text = page_text(page)
    assert "There is a problem" in text
    assert "Amina Hussain changed “Story” at" in text and "while you were editing" in text
    assert "Amina Hussain’s answer Sylheti, Bengali" in text
    assert "Your answer Urdu" in text
    assert f'href="#resolve-{q["Story"]}"' in page.get_data(as_text=True)
    assert _stored(db, toolkit, "Story") == ["Sylheti, Bengali"]  # nothing overwritten
    # Saving again without choosing still asks.
    html = bilal.draw(page)
    assert 'value="Urdu"' in html or ">Urdu</textarea>" in html  # what Bilal typed is kept
    again = bilal.save()
    assert "Choose which answer to keep" in page_text(again)
    bilal.draw(again)
    bilal.set(f"resolve-{q['Story']}", "theirs")
    assert bilal.save().status_code == 303
    assert _stored(db, toolkit, "Story") == ["Sylheti, Bengali"]


def test_same_question_conflict_keep_mine_is_recorded_in_history(db, two):
    toolkit, q, amina, bilal = two
    amina.draw(), bilal.draw()
    amina.set(q["Story"], "Sylheti, Bengali")
    amina.save()
    bilal.set(q["Story"], "Urdu")
    bilal.draw(bilal.save())
    bilal.set(f"resolve-{q['Story']}", "mine")
    assert bilal.save().status_code == 303
    assert _stored(db, toolkit, "Story") == ["Urdu"]
    check = bilal.client.get(amina.url.replace(amina.url.split("/respond/")[1].split("?")[0], "check"))
    text = page_text(check)
    assert "History of this answer to “Story” (2 changes)" in text
    assert "From: Sylheti, Bengali" in text and "To: Urdu" in text
    assert "Amina Hussain" in text and "Bilal Ahmed" in text


def test_same_question_conflict_through_autosave(db, two):
    toolkit, q, amina, bilal = two
    amina.draw(), bilal.draw()
    amina.set(q["Name"], "Amina")
    first = amina.autosave()
    assert first.status_code == 200
    # The field's new version comes back out of band, so Amina's next autosave is not a conflict.
    assert f'id="version-{q["Name"]}" name="version-{q["Name"]}" value="1" hx-swap-oob="true"' in first.get_data(
        as_text=True
    )
    bilal.set(q["Name"], "Bilal")
    clash = bilal.autosave()
    assert clash.status_code == 422
    assert clash.headers["HX-Retarget"] == "#toolkit-section"
    assert "Amina Hussain changed “Name”" in page_text(clash)
    assert _stored(db, toolkit, "Name") == ["Amina"]
    bilal.draw(clash)
    bilal.set(f"resolve-{q['Name']}", "mine")
    resolved = bilal.autosave()
    assert resolved.status_code == 200
    assert _stored(db, toolkit, "Name") == ["Bilal"]


def test_own_autosaves_in_a_row_never_conflict(db, two):
    toolkit, q, amina, _bilal = two
    amina.draw()
    for text in ("A", "Am", "Amina"):
        amina.set(q["Name"], text)
        assert amina.autosave().status_code == 200  # the version input is not updated: still fine
    assert _stored(db, toolkit, "Name") == ["Amina"]


def test_multiple_choice_edits_merge(db, two):
    toolkit, q, amina, bilal = two
    amina.draw()
    amina.set(q["Work"], "c")
    amina.save()
    amina.draw(), bilal.draw()
    amina.set(q["Work"], "a", "c")  # Amina adds Advice
    amina.save()
    bilal.set(q["Work"])  # Bilal removes Cooking …
    bilal.set(q["Work"], "b")  # … and adds Befriending
    page = bilal.save()
    assert page.status_code == 303
    assert _stored(db, toolkit, "Work") == ["Advice", "Befriending"]
    assert db.session.scalar(select(AnswerRevision.how).order_by(AnswerRevision.id.desc()).limit(1)) == "merged"


def test_multiple_choice_merge_through_autosave_refreshes_the_question(db, two):
    toolkit, q, amina, bilal = two
    amina.draw(), bilal.draw()
    amina.set(q["Work"], "a")
    amina.autosave()
    bilal.set(q["Work"], "b")
    merged = bilal.autosave()
    assert merged.status_code == 200
    html = merged.get_data(as_text=True)
    assert f'id="question-{q["Work"]}"' in html and 'hx-swap-oob="true"' in html
    assert _stored(db, toolkit, "Work") == ["Advice", "Befriending"]


def test_unchanged_required_question_is_not_a_problem_when_a_colleague_answered_it(db, two):
    toolkit, q, amina, bilal = two
    amina.draw(), bilal.draw()
    amina.set(q["Name"], "Amina")
    amina.save()
    bilal.set(q["People"], "12")
    assert bilal.save(action="continue").status_code == 303  # Name is empty on Bilal's page only
    assert _stored(db, toolkit, "Name") == ["Amina"]


def test_restore_an_earlier_version(db, two):
    toolkit, q, amina, _bilal = two
    amina.draw()
    amina.set(q["Name"], "First")
    amina.save()
    amina.draw()
    amina.set(q["Name"], "Second")
    amina.save()
    check_url = amina.url.split("/section/")[0] + "/check?" + amina.url.split("?")[1]
    page = amina.client.get(check_url)
    text = page_text(page)
    assert "Restore this version" in text
    first = db.session.scalar(select(AnswerRevision).where(AnswerRevision.version == 1))
    restore_url = amina.url.split("/section/")[0] + f"/restore/{first.id}?" + amina.url.split("?")[1]
    done = amina.client.post(restore_url)
    assert done.status_code == 303
    assert _stored(db, toolkit, "Name") == ["First"]
    assert "is back to the version saved" in page_text(amina.client.get(done.headers["Location"]))


def test_restore_the_original_answer_from_before_the_first_change(db, two):
    """walk1: the oldest value (the "From" of the first change) could not be restored."""
    toolkit, q, amina, _bilal = two
    amina.draw()
    amina.set(q["Name"], "Original")
    amina.save()
    # An answer from before the history began (demo data, or saved before versions were kept).
    db.session.execute(delete(AnswerRevision))
    db.session.commit()
    amina.draw()
    amina.set(q["Name"], "Changed")
    amina.save()
    base, query = amina.url.split("/section/")[0], amina.url.split("?")[1]
    second = db.session.scalar(select(AnswerRevision).where(AnswerRevision.version == 2))
    assert "Restore the answer before this change" in page_text(amina.client.get(f"{base}/check?{query}"))
    done = amina.client.post(f"{base}/restore/{second.id}?{query}", data={"before": "1"})
    assert done.status_code == 303 and _stored(db, toolkit, "Name") == ["Original"]
    assert "is back to the version before the change of" in page_text(amina.client.get(done.headers["Location"]))


def test_restore_refuses_another_organisations_history(app, db, two):
    toolkit, q, amina, _bilal = two
    amina.draw()
    amina.set(q["Name"], "Amina")
    amina.save()
    revision = db.session.scalar(select(AnswerRevision))
    stranger = factories.user(email="stranger@example.org")
    other = organisation("Somali Parents", owner=stranger)
    db.session.commit()
    intruder = Member(app, stranger, "", "")
    base = amina.url.split("/section/")[0]
    assert intruder.client.post(f"{base}/restore/{revision.id}?org={other.id}").status_code == 404
    assert intruder.client.post(f"{base}/restore/{revision.id}?" + amina.url.split("?")[1]).status_code == 403
    assert _stored(db, toolkit, "Name") == ["Amina"]


def test_presence_shows_who_else_is_editing(db, two):
    _toolkit, q, amina, bilal = two
    amina.draw()
    amina.set(q["Name"], "Amina")
    amina.autosave()  # the response now exists
    html = bilal.draw()
    assert "Amina Hussain is also editing this section" in page_text(html)
    bilal.set(q["People"], "3")
    status = bilal.autosave()
    assert "Amina Hussain is also editing this section" in page_text(status)
    amina.set(q["People"], "3")
    assert "Bilal Ahmed is also editing this section" in page_text(amina.autosave())


def test_conditional_update_lets_one_of_two_racing_writes_win(db, two):
    """Two saves that both read version 1: the second conditional UPDATE changes no row."""
    toolkit, q, amina, _bilal = two
    amina.draw()
    amina.set(q["Name"], "Amina")
    amina.save()
    response = db.session.scalar(select(Response))
    question = questions(toolkit)["Name"]
    seen = coediting.current_answers(response, [question.id])[question.id]
    user = factories.user(email="racer@example.org")
    db.session.flush()
    assert coediting.write(response, question, [{"text_value": "One", **_blank()}], seen, user)
    assert not coediting.write(response, question, [{"text_value": "Two", **_blank()}], seen, user)
    db.session.commit()
    assert _stored(db, toolkit, "Name") == ["One"]
    assert db.session.scalar(select(AnswerState.version)) == 2


def _blank() -> dict:
    return {"option_id": "", "rank": None, "number_value": None, "date_value": None}


def test_old_forms_without_versions_still_save(db, two):
    toolkit, q, amina, _bilal = two
    page = amina.client.post(amina.url, data={q["Name"]: "Plain", "action": "later"})
    assert page.status_code == 303
    assert _stored(db, toolkit, "Name") == ["Plain"]


def test_two_saves_racing_in_two_connections_never_both_win(app, db, two):
    """Two colleagues' saves of one answer at the same moment, each in its own database connection
    (threads): the conditional UPDATE lets exactly one through; the other writes nothing and is told
    (on PostgreSQL the second UPDATE waits for the first to commit, then finds the version moved on)."""
    import threading

    toolkit, q, amina, _bilal = two
    amina.draw()
    amina.set(q["Name"], "Start")
    amina.save()
    response_id = db.session.scalar(select(Response.id))
    question_id = questions(toolkit)["Name"].id
    user_ids = [u.id for u in db.session.scalars(select(User).order_by(User.id)).all()[:2]]
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes: dict[str, bool] = {}

    def save(text: str, user_id: int) -> None:
        # Only ids cross into the thread: each thread has its own app context, session and connection.
        with app.app_context():
            try:
                response = db.session.get(Response, response_id)
                question = db.session.get(Question, question_id)
                user = db.session.get(User, user_id)
                seen = coediting.current_answers(response, [question_id])[question_id]
                barrier.wait(10)
                outcomes[text] = coediting.write(response, question, [{"text_value": text, **_blank()}], seen, user)
                db.session.commit()
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=save, args=(text, uid)) for text, uid in zip(("One", "Two"), user_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes.values()) == [False, True]
    winner = next(text for text, won in outcomes.items() if won)
    db.session.expire_all()
    assert _stored(db, toolkit, "Name") == [winner]
    assert db.session.scalar(select(AnswerState.version)) == 2
