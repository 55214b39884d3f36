"""Staff builder, preview, definitions, results (maths checked independently), exports,
reminders, reopening and "You said" with suppression."""

from __future__ import annotations

import csv
import io
import json
import random
import statistics

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.mail.models import OutboxMessage
from app.spreadsheets import MAX_JSON_BYTES
from app.toolkits import services as svc
from app.toolkits.models import Answer, Question, Response, Toolkit
from tests import factories
from tests.factories.groups import organisation, tag
from tests.factories.toolkits import questions, sections, small_toolkit, template_toolkit


def _respond(db, toolkit, org, user, form, submit=True):
    definition = svc.load_definition(toolkit)
    response = svc.get_or_create_response(toolkit, org, user)
    for section in definition.sections:
        result = svc.save_section(definition, response, section, _multidict(form), user, require=False)
        assert not result.errors, result.errors
    if submit:
        from flask import Flask  # noqa: F401

        response.status = "submitted"
        response.submitted_at = response.updated_at
    db.session.flush()
    return response


def _multidict(form):
    from werkzeug.datastructures import MultiDict

    items = []
    for key, value in form.items():
        for v in value if isinstance(value, list) else [value]:
            items.append((key, v))
    return MultiDict(items)


def test_staff_pages_render_and_anonymous_and_members_are_refused(client, db, login_as):
    toolkit = small_toolkit()
    db.session.commit()
    slug = toolkit.slug
    member = login_as("member")
    for path in ("/staff/toolkits", f"/staff/toolkits/{slug}", f"/staff/toolkits/{slug}/results"):
        assert client.get(path).status_code == 403
    del member
    login_as("staff")
    first = sections(toolkit)[0]
    q = questions(toolkit)
    for path in (
        "/staff/toolkits",
        "/staff/toolkits/new",
        "/staff/toolkits/import",
        f"/staff/toolkits/{slug}",
        f"/staff/toolkits/{slug}/edit",
        f"/staff/toolkits/{slug}/results",
        f"/staff/toolkits/{slug}/responses",
        f"/staff/toolkits/{slug}/you-said",
        f"/staff/toolkits/{slug}/preview/{first.id}",
        f"/staff/toolkits/{slug}/sections/{first.id}/edit",
        f"/staff/toolkits/{slug}/sections/{first.id}/questions/new",
        f"/staff/toolkits/{slug}/questions/{q['Work'].id}/edit",
        f"/toolkits/{slug}/you-said",
    ):
        assert client.get(path).status_code == 200, path


def test_create_from_template_and_add_move_delete_questions(client, db, login_as):
    login_as("staff")
    created = client.post("/staff/toolkits/from-template")
    assert created.status_code == 303
    toolkit = db.session.scalar(select(Toolkit))
    assert toolkit.title == "Mental health mapping toolkit" and toolkit.status == "draft"
    definition = svc.load_definition(toolkit)
    assert len(definition.sections) == 8
    ranking = next(q for q in definition.questions if q.type == "ranking")
    assert ranking.options[0]["label"] == "Mental health" and ranking.options[1]["label"] == "Diabetes"
    section = definition.sections[0]

    bad = client.post(
        f"/staff/toolkits/{toolkit.slug}/sections/{section.id}/questions/new",
        data={"type": "single_choice", "label": "Pick one", "options": "Only one"},
    )
    assert bad.status_code == 200 and b"Enter at least 2 options" in bad.data
    added = client.post(
        f"/staff/toolkits/{toolkit.slug}/sections/{section.id}/questions/new",
        data={"type": "single_choice", "label": "Pick one", "options": "Red\nBlue", "show_if": ""},
    )
    assert added.status_code == 303
    new = db.session.scalar(select(Question).where(Question.label == "Pick one"))
    assert [o["id"] for o in new.options] == ["red", "blue"]
    before = new.position
    moved = client.post(f"/staff/toolkits/{toolkit.slug}/questions/{new.id}/move/up", headers={"HX-Request": "true"})
    assert moved.status_code == 200 and b"Moved" in moved.data
    db.session.refresh(new)
    assert new.position == before - 1
    gone = client.post(f"/staff/toolkits/{toolkit.slug}/questions/{new.id}/delete")
    assert gone.status_code == 303
    assert db.session.get(Question, new.id) is None


def test_meaning_is_protected_once_answered(client, db, login_as):
    toolkit = small_toolkit()
    user = factories.user()
    org = organisation(owner=user)
    q = questions(toolkit)
    _respond(db, toolkit, org, user, {q["Name"].html_id: "A", q["Size"].html_id: "small"})
    db.session.commit()
    login_as("staff")
    size = q["Size"]
    refused = client.post(f"/staff/toolkits/{toolkit.slug}/questions/{size.id}/delete", follow_redirects=True)
    assert "cannot be deleted because organisations have answered it" in refused.get_data(as_text=True)
    assert db.session.get(Question, size.id) is not None
    edit = f"/staff/toolkits/{toolkit.slug}/questions/{size.id}/edit"
    removed = client.post(
        edit, data={"type": "single_choice", "label": "Size", "options": "Large\nMedium", "allow_other": "y"}
    )
    assert "cannot be removed or renamed: Small" in removed.get_data(as_text=True)
    changed = client.post(edit, data={"type": "number", "label": "Size"})
    assert "The type cannot change" in changed.get_data(as_text=True)
    ok = client.post(
        edit,
        data={
            "type": "single_choice",
            "label": "How big is your group?",
            "options": "Small\nLarge\nMedium",
            "allow_other": "y",
        },
    )
    assert ok.status_code == 303
    db.session.refresh(size)
    assert size.label == "How big is your group?"
    assert [o["id"] for o in size.options] == ["small", "large", "medium"]


def test_definition_export_import_and_clone_round_trip(client, db, login_as):
    toolkit = small_toolkit()
    db.session.commit()
    login_as("staff")
    exported = client.get(f"/staff/toolkits/{toolkit.slug}/definition.json")
    data = json.loads(exported.data)
    assert data["sections"][0]["questions"][8]["show_if"] == {"question": "s1q8", "option": "yes"}
    imported = client.post(
        "/staff/toolkits/import",
        data={"file": (io.BytesIO(exported.data), "def.json")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 303
    copies = db.session.scalars(select(Toolkit).order_by(Toolkit.id)).all()
    assert len(copies) == 2
    assert svc.definition_to_json(svc.load_definition(copies[1]))["sections"] == data["sections"]
    broken = client.post(
        "/staff/toolkits/import",
        data={"file": (io.BytesIO(b"{not json"), "x.json")},
        content_type="multipart/form-data",
    )
    assert "The file is not valid JSON" in broken.get_data(as_text=True)
    bad = dict(data, sections=[{"title": "S", "questions": [{"type": "nonsense", "label": "x"}]}])
    refused = client.post(
        "/staff/toolkits/import",
        data={"file": (io.BytesIO(json.dumps(bad).encode()), "x.json")},
        content_type="multipart/form-data",
    )
    assert "unknown question type" in refused.get_data(as_text=True)
    unsafe = dict(data, description='<p>Hi</p><script>alert(1)</script><img src=x onerror="alert(1)">')
    client.post(
        "/staff/toolkits/import",
        data={"file": (io.BytesIO(json.dumps(unsafe).encode()), "x.json")},
        content_type="multipart/form-data",
    )
    newest = db.session.scalars(select(Toolkit).order_by(Toolkit.id.desc())).first()
    assert newest.description == "<p>Hi</p>"
    cloned = client.post(f"/staff/toolkits/{toolkit.slug}/clone")
    assert cloned.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Toolkit)) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested more than 32 levels deep"),
        (b'{"title": "' + b"x" * MAX_JSON_BYTES + b'"}', "The file is larger than 2 MB"),
    ],
    ids=["100,000 deep", "too large"],
)
def test_import_refuses_a_too_deep_or_too_large_file_beside_the_field(client, db, login_as, content, message):
    login_as("staff")
    # Encoded here in memory: the test client would spool a body this size to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), "x.json")})
    page = client.post("/staff/toolkits/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    summary = html.split('class="govuk-error-summary', 1)[1].split("</div>", 1)[0]
    assert message in summary
    beside_the_field = html.split('id="file-error"', 1)[1].split("</p>", 1)[0]
    assert message in beside_the_field
    assert db.session.scalar(select(func.count()).select_from(Toolkit)) == 0


def _population(db, toolkit, count, seed=7, theme=None):
    """`count` organisations answer at random; returns the forms for independent counting."""
    rng = random.Random(seed)
    q = questions(toolkit)
    forms = []
    for i in range(count):
        user = factories.user()
        org = organisation(f"Org {seed}-{i}", owner=user, tags=[theme] if theme and i % 2 == 0 else [])
        ranks = rng.sample(["mh", "db", "cv"], 2)
        form = {
            q["Name"].html_id: f"Name {i}",
            q["People"].html_id: str(rng.randrange(0, 1000)),
            q["Size"].html_id: rng.choice(["small", "large"]),
            q["Work"].html_id: rng.sample(["a", "b", "c"], rng.randrange(1, 4)),
            f"{q['Issues'].html_id}-{ranks[0]}": "1",
            f"{q['Issues'].html_id}-{ranks[1]}": "2",
            q["Demand"].html_id: str(rng.randrange(1, 6)),
        }
        _respond(db, toolkit, org, user, form)
        forms.append((form, org))
    return forms


@pytest.mark.parametrize("size", [12, 40])
def test_results_maths_and_constant_queries(client, db, login_as, query_budget, size):
    toolkit = small_toolkit()
    forms = _population(db, toolkit, size)
    organisation("Silent group")  # approved, has not answered
    db.session.commit()
    login_as("staff")
    q = questions(toolkit)
    with query_budget(16):
        page = client.get(f"/staff/toolkits/{toolkit.slug}/results")
    text = page.get_data(as_text=True)
    assert f"{size} of {size + 1} organisations have submitted" in text
    assert "Silent group" in text

    from app.toolkits import results as results_mod

    result = {
        r.question.label: r for r in results_mod.compute(toolkit, svc.load_definition(toolkit).questions).questions
    }
    work = {o.id: o.count for o in result["Work"].options}
    for option in ("a", "b", "c"):
        assert work[option] == sum(1 for f, _ in forms if option in f[q["Work"].html_id])
    people = sorted(int(f[q["People"].html_id]) for f, _ in forms)
    stats = result["People"].stats
    assert stats["n"] == size and stats["min"] == people[0] and stats["max"] == people[-1]
    assert stats["median"] == pytest.approx(statistics.median(people))
    assert stats["mean"] == pytest.approx(statistics.mean(people))
    borda = dict.fromkeys(("mh", "db", "cv"), 0)
    first = dict.fromkeys(borda, 0)
    for f, _ in forms:
        for o in borda:
            rank = f.get(f"{q['Issues'].html_id}-{o}")
            if rank:
                borda[o] += 3 - int(rank)
                first[o] += rank == "1"
    got = {o.id: (o.borda, o.first) for o in result["Issues"].options}
    assert got == {o: (borda[o], first[o]) for o in borda}
    demand = {o.id: o.count for o in result["Demand"].options}
    for point in range(1, 6):
        assert demand[str(point)] == sum(1 for f, _ in forms if f[q["Demand"].html_id] == str(point))


def test_results_filter_by_theme(client, db, login_as):
    toolkit = small_toolkit()
    theme = tag("theme", "Mental health")
    _population(db, toolkit, 10, theme=theme)
    db.session.commit()
    login_as("staff")
    page = client.get(f"/staff/toolkits/{toolkit.slug}/results?tag=theme:mental-health")
    assert "5 of 5 organisations have submitted" in page.get_data(as_text=True)


def test_ranking_statement():
    from app.toolkits.question_types.ranking import ranking_statement
    from app.toolkits.results import OptionResult

    opts = [OptionResult("mh", "Mental health", 10, 0, borda=50), OptionResult("db", "Diabetes", 9, 0, borda=45)]
    assert ranking_statement(opts) == "Mental health was ranked first, closely followed by Diabetes."
    opts[1].borda = 20
    assert ranking_statement(opts) == "Mental health was ranked first, followed by Diabetes."


def test_you_said_suppression_and_publication(client, db, login_as):
    toolkit = small_toolkit(threshold=5)
    _population(db, toolkit, 8)
    db.session.commit()
    q = questions(toolkit)
    assert client.get(f"/toolkits/{toolkit.slug}/you-said").status_code == 404
    login_as("staff")
    saved = client.post(
        f"/staff/toolkits/{toolkit.slug}/you-said",
        data={
            "questions": [str(q["Size"].id), str(q["Work"].id), str(q["Issues"].id), str(q["Funding ends"].id)],
            "summary": "<p>Thank you</p><script>x</script>",
            "publish": "y",
        },
    )
    assert "Choose only questions listed here" in saved.get_data(as_text=True)  # a date question is not publishable
    saved = client.post(
        f"/staff/toolkits/{toolkit.slug}/you-said",
        data={
            "questions": [str(q["Size"].id), str(q["Work"].id), str(q["Issues"].id), str(q["Story"].id)][:3],
            "summary": "<p>Thank you</p><script>x</script>",
            "publish": "y",
        },
    )
    assert saved.status_code == 303
    with client.session_transaction() as session:
        session.clear()
    page = client.get(f"/toolkits/{toolkit.slug}/you-said").get_data(as_text=True)
    assert "<script>" not in page and "Thank you" in page
    assert "This toolkit is still open" in page
    from app.toolkits.routes import published_findings

    findings = published_findings(db.session.get(Toolkit, toolkit.id))["questions"]
    for item in findings:
        for row in item["rows"]:
            assert row["count"] is None or row["count"] >= 5
    assert "not shown" in page or all(r["count"] is not None for i in findings for r in i["rows"])
    assert "Name 1" not in page  # free text never published

    # Unticking every question while "Publish" stays ticked is refused, not an empty published page.
    login_as("staff")
    emptied = client.post(f"/staff/toolkits/{toolkit.slug}/you-said", data={"summary": "", "publish": "y"})
    assert emptied.status_code == 200
    assert "Choose at least one question to keep" in emptied.get_data(as_text=True)
    assert db.session.get(Toolkit, toolkit.id).you_said_question_ids


def test_you_said_hides_questions_with_few_answers(client, db, login_as):
    toolkit = small_toolkit(threshold=5)
    _population(db, toolkit, 3)
    q = questions(toolkit)
    toolkit.you_said_question_ids = [q["Size"].id]
    toolkit.you_said_published_at = toolkit.updated_at
    db.session.commit()
    page = client.get(f"/toolkits/{toolkit.slug}/you-said").get_data(as_text=True)
    assert "No findings have been published yet" in page


def test_csv_and_xlsx_exports(client, db, login_as):
    toolkit = small_toolkit()
    user = factories.user()
    org = organisation("=HYPERLINK evil", owner=user)
    q = questions(toolkit)
    _respond(
        db,
        toolkit,
        org,
        user,
        {
            q["Name"].html_id: "=1+2",
            q["Work"].html_id: ["a", "other"],
            f"{q['Work'].html_id}-other": "@Yoga",
            f"{q['Issues'].html_id}-db": "1",
            q["People"].html_id: "7",
        },
    )
    db.session.commit()
    login_as("staff")
    response = client.get(f"/staff/toolkits/{toolkit.slug}/results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["Organisation"] == "'=HYPERLINK evil"
    assert record["Name"] == "'=1+2"
    assert record["Work: Advice"] == "Yes" and record["Work: Befriending"] == ""
    assert record["Work: Other"] == "'@Yoga"
    assert record["Issues: Diabetes (rank)"] == "1"
    assert record["People"] == "7"
    xlsx = client.get(f"/staff/toolkits/{toolkit.slug}/results.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.data), read_only=True)
    values = list(book.active.iter_rows(values_only=True))
    assert values[1][0] == "'=HYPERLINK evil"


def test_reminders_once_a_day(client, db, login_as):
    toolkit = small_toolkit()
    done_user, waiting_user = factories.user(), factories.user()
    done = organisation(owner=done_user)
    organisation(owner=waiting_user)
    _respond(db, toolkit, done, done_user, {questions(toolkit)["Name"].html_id: "x"})
    db.session.commit()
    login_as("staff")
    first = client.post(f"/staff/toolkits/{toolkit.slug}/remind", follow_redirects=True)
    assert "Reminders are being sent to 1 person in 1 organisation" in first.get_data(as_text=True)
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "toolkit_reminder")).all()
    assert [m.to_addr for m in mails] == [waiting_user.email]
    again = client.post(f"/staff/toolkits/{toolkit.slug}/remind", follow_redirects=True)
    assert "already been sent today" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_staff_reopen_one_response_after_closing(client, db, login_as, app):
    import datetime as dt

    toolkit = small_toolkit()
    user = factories.user()
    org = organisation(owner=user)
    other_user = factories.user()
    other = organisation(owner=other_user)
    q = questions(toolkit)
    response = _respond(db, toolkit, org, user, {q["Name"].html_id: "x"})
    _respond(db, toolkit, other, other_user, {q["Name"].html_id: "y"})
    toolkit.closes_at = toolkit.opens_at + dt.timedelta(hours=1)
    db.session.commit()
    login_as("staff")
    reopened = client.post(f"/staff/toolkits/{toolkit.slug}/responses/{response.id}", data={"days": "7"})
    assert reopened.status_code == 303
    login_as(user)
    section = sections(toolkit)[0]
    saved = client.post(
        f"/toolkits/{toolkit.slug}/respond/section/{section.id}?org={org.id}",
        data={q["Name"].html_id: "changed", "action": "later"},
    )
    assert saved.status_code == 303
    assert db.session.scalar(select(Answer.text_value).where(Answer.response_id == response.id)) == "changed"
    login_as(other_user)
    closed = client.post(
        f"/toolkits/{toolkit.slug}/respond/section/{section.id}?org={other.id}",
        data={q["Name"].html_id: "changed", "action": "later"},
        follow_redirects=True,
    )
    assert "This toolkit has closed" in closed.get_data(as_text=True)
    other_response = db.session.scalar(select(Response).where(Response.organisation_id == other.id))
    assert db.session.scalar(select(Answer.text_value).where(Answer.response_id == other_response.id)) == "y"


def test_template_toolkit_has_good_structure(db):
    toolkit = template_toolkit()
    definition = svc.load_definition(toolkit)
    types = {q.type for q in definition.questions}
    assert {
        "short_text",
        "long_text",
        "number",
        "single_choice",
        "multiple_choice",
        "ranking",
        "scale",
        "yes_no",
        "date",
        "email",
    } <= types
    conditional = [q for q in definition.questions if q.show_if_question_id]
    assert conditional and all(definition.by_id[c.show_if_question_id].type == "yes_no" for c in conditional)
