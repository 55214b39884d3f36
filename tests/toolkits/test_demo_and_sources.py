"""Demo data (the pilot's finding), load data, the bulletin content source and public pages."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.auth.demo import seed_demo as seed_demo_users
from app.cli import demo_seeders
from app.mailing.sources import SOURCES
from app.toolkits import results as results_mod
from app.toolkits import services as svc
from app.toolkits.demo import DEMO_SLUG
from app.toolkits.models import QUESTION_TYPES, Answer, Question, Response, Toolkit


def _seed(db):
    seed_demo_users()
    for seeder in demo_seeders():
        seeder()
    db.session.commit()


def test_demo_toolkit_says_mental_health_then_diabetes(client, db):
    _seed(db)
    _seed(db)  # idempotent
    toolkit = db.session.scalar(select(Toolkit).where(Toolkit.slug == DEMO_SLUG))
    statuses = dict(
        db.session.execute(
            select(Response.status, func.count()).where(Response.toolkit_id == toolkit.id).group_by(Response.status)
        ).all()
    )
    assert statuses == {"submitted": 30, "draft": 3}
    results = results_mod.compute(toolkit, svc.load_definition(toolkit).questions)
    ranking = next(r for r in results.questions if r.question.type == "ranking")
    assert [o.label for o in ranking.options[:2]] == ["Mental health", "Diabetes"]
    assert ranking.statement == "Mental health was ranked first, closely followed by Diabetes."
    page = client.get(f"/toolkits/{DEMO_SLUG}/you-said").get_data(as_text=True)
    assert "Mental health was ranked first, closely followed by Diabetes." in page
    assert "This toolkit is still open" in page
    # The summary names the barriers the published figures show most often (walk: it named the fewest).
    barriers = next(r for r in results.questions if r.question.label.startswith("What stops"))
    shown = sorted((o for o in barriers.options if o.label != "Other"), key=lambda o: (-o.count, o.label))
    named = re.search(r"([^.]*) were the barriers mentioned most often", page).group(1).strip()
    assert named.lower() == (f"{shown[0].label}, {shown[1].label} and {shown[2].label}".lower()), named
    assert client.get("/toolkits").status_code == 200
    assert client.get(f"/toolkits/{DEMO_SLUG}").status_code == 200


def test_every_demo_answer_names_an_option_its_question_has(db):
    """walk1: a demo ranking answer named an option id the question does not have, so the form showed
    it as unranked, a save without changes dropped it and the results never counted it."""
    _seed(db)
    rows = db.session.execute(
        select(Answer.option_id, Question.options, Question.label, Question.type)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.option_id != "")
    ).all()
    assert rows
    known = {"yes_no": lambda options: {"yes", "no"}}
    unknown = {
        (label, option)
        for option, options, label, kind in rows
        if option not in known.get(kind, lambda options: {o["id"] for o in options})(options)
    }
    assert unknown == set()


def test_bulletin_source_offers_published_findings(app, db):
    _seed(db)
    source = SOURCES["toolkits"]
    with app.test_request_context():
        items = source.candidates(5)
        assert len(items) == 1 and items[0].heading.startswith("This is what you said")
        assert items[0].link.endswith(f"/toolkits/{DEMO_SLUG}/you-said")
        assert source.get(items[0].key) == items[0]
        assert source.get("nonsense") is None


def test_generate_load_data_creates_responses(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["generate-load-data", "--toolkit-responses", "25"])
    assert result.exit_code == 0, result.output
    assert "with 40 questions and 25 responses" in result.output
    toolkit = db.session.scalar(select(Toolkit).where(Toolkit.title == "Load test toolkit"))
    assert toolkit.status == "published" and toolkit.is_open()
    questions = db.session.scalars(select(Question).where(Question.toolkit_id == toolkit.id)).all()
    assert len(questions) == 40 and {q.type for q in questions} == set(QUESTION_TYPES)
    assert db.session.scalar(select(func.count()).select_from(Response).where(Response.status == "submitted")) == 25
    # Every response answers every question: 25 × 40 question answers.
    answered = db.session.scalar(
        select(func.count()).select_from(select(Answer.response_id, Answer.question_id).distinct().subquery())
    )
    assert answered == 25 * 40
