"""Question types (app/toolkits/question_types): one registered class per stored type name, each
drawing its input with a macro that exists, and a sample answer that reads back, shows and
exports as the spreadsheet export does today."""

from __future__ import annotations

import random

from flask import get_template_attribute
from werkzeug.datastructures import MultiDict

from app.toolkits import exports
from app.toolkits.models import QUESTION_TYPES, Answer
from app.toolkits.question_types import type_named, type_names
from tests.factories.toolkits import questions, small_toolkit


def test_every_stored_type_has_one_registered_class_with_a_macro(app):
    assert sorted(type_names()) == sorted(QUESTION_TYPES)
    with app.app_context():
        for name in type_names():
            assert type_named(name).name == name
            assert callable(get_template_attribute("toolkits/_question_inputs.html", type_named(name).macro))


def test_sample_answers_show_and_export_as_the_export_does(db):
    toolkit = small_toolkit()
    db.session.add(toolkit)
    db.session.commit()
    rng = random.Random(3)
    for question in questions(toolkit).values():
        kind = question.kind
        rows = [Answer(question_id=question.id, **{"option_id": "", **row}) for row in kind.sample_answer(rng, 7)]
        assert rows and kind.display(rows), question.type
        assert kind.value_from_rows(rows) not in ("", None), question.type
        columns = exports._columns([question])
        assert kind.export_columns() == [(heading, option) for heading, _q, option in columns]
        for _heading, _q, option in columns:
            assert kind.export_cell(option, rows) == exports._cell(question, option, rows)
            assert kind.export_cell(option, []) == exports._cell(question, option, []) == ""


def test_blank_answers_are_no_answer_and_stray_ranks_are_refused(db):
    toolkit = small_toolkit()
    db.session.add(toolkit)
    db.session.commit()
    for question in questions(toolkit).values():
        parsed = question.kind.parse(MultiDict())
        assert parsed.empty and parsed.error is None, question.type
    ranking = questions(toolkit)["Issues"]
    parsed = ranking.kind.parse(MultiDict({f"{ranking.html_id}-nope": "1"}))
    assert parsed.error == "Rank only the options offered" and parsed.empty
