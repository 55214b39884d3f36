"""Question types (app/toolkits/question_types): one registered class per stored type name, each
drawing its input with a macro that exists, and a sample answer that reads back, shows and
fills its own columns of the spreadsheet export."""

from __future__ import annotations

import datetime as dt
import random

from flask import get_template_attribute
from werkzeug.datastructures import MultiDict

from app.toolkits import exports
from app.toolkits.models import QUESTION_TYPES, Answer, Response
from app.toolkits.question_types import type_named, type_names
from tests.factories.toolkits import questions, small_toolkit


def test_every_stored_type_has_one_registered_class_with_a_macro(app):
    assert sorted(type_names()) == sorted(QUESTION_TYPES)
    with app.app_context():
        for name in type_names():
            assert type_named(name).name == name
            assert callable(get_template_attribute("toolkits/_question_inputs.html", type_named(name).macro))


def test_sample_answers_show_and_export_in_each_types_columns(db):
    toolkit = small_toolkit()
    db.session.add(toolkit)
    db.session.commit()
    answered = Response(toolkit_id=toolkit.id, respondent_key="org:7", status="submitted")
    blank = Response(toolkit_id=toolkit.id, respondent_key="org:8")
    db.session.add_all([answered, blank])
    db.session.flush()
    rng = random.Random(3)
    for question in questions(toolkit).values():
        kind = question.kind
        rows = [Answer(question_id=question.id, **{"option_id": "", **row}) for row in kind.sample_answer(rng, 7)]
        assert rows and kind.display(rows), question.type
        assert kind.value_from_rows(rows) not in ("", None), question.type
        for row in rows:
            row.response_id = answered.id
        db.session.add_all(rows)
    db.session.commit()
    by_label = questions(toolkit)
    other = Response(toolkit_id=toolkit.id, respondent_key="org:9", status="submitted")
    db.session.add(other)
    db.session.flush()
    db.session.add_all(
        Answer(response_id=other.id, question_id=by_label[label].id, option_id="other", text_value=text)
        for label, text in (("Size", "Medium"), ("Work", "Yoga"))
    )
    db.session.commit()
    header, *exported = exports.rows(toolkit, drafts=True)
    cells = [dict(zip(header[4:], row[4:], strict=True)) for row in exported]
    # Choice questions fill a column per option (ranking: the rank); "other" text has its own column.
    assert cells[0] == {
        "Name": "Chair", "Story": "Chair", "People": 189, "Size": "Large", "Size: Other (please specify)": "",
        "Work: Advice": "Yes", "Work: Befriending": "Yes", "Work: Cooking": "Yes", "Work: Other": "",
        "Issues: Mental health (rank)": 3, "Issues: Diabetes (rank)": 1, "Issues: Cardiovascular disease (rank)": 2,
        "Demand": 3, "Offer support": "Yes", "What support": "Director", "Funding ends": dt.date(2027, 7, 21),
        "Contact email": "contact7@example.org", "Anything else": "Chair",
    }  # fmt: skip
    assert set(cells[1].values()) == {""}  # no answers: every cell empty
    chosen_other = {heading: value for heading, value in cells[2].items() if value != ""}
    assert chosen_other == {"Size": "Other: Medium", "Size: Other (please specify)": "Medium", "Work: Other": "Yoga"}


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


def test_none_of_these_cannot_be_ticked_with_another_option():
    """walk1: "None of these" was saved together with "Age" and counted in the published figures."""
    import pytest

    from app.toolkits.models import Question
    from app.toolkits.question_types.base import AnswerError

    question = Question(
        type="multiple_choice",
        label="What do you record?",
        options=[{"id": "age", "label": "Age"}, {"id": "none-of-these", "label": "None of these"}],
        allow_other=False,
    )
    kind = question.kind
    assert kind.exclusive_ids == {"none-of-these"}
    assert kind.validate({"selected": ["none-of-these"], "other": ""}) == [{"option_id": "none-of-these"}]
    with pytest.raises(AnswerError, match="Select “None of these” on its own, or untick it"):
        kind.validate({"selected": ["age", "none-of-these"], "other": ""})
