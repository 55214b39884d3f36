"""app/coedit.py: two people editing the same text fields never silently undo each other."""

from __future__ import annotations

from app.coedit import merge, started_values, was_name


def test_only_the_fields_a_person_changed_are_written():
    stored = {"title": "B's new title", "intro": "Intro"}
    started = {"title": "Old title", "intro": "Intro"}
    result = merge(stored, {"title": "Old title", "intro": "A's intro"}, started)
    assert result.changes == {"intro": "A's intro"}  # B's title stays
    assert result.conflicts == {}


def test_a_field_both_changed_differently_is_a_conflict_and_not_written():
    result = merge({"intro": "B's intro"}, {"intro": "A's intro"}, {"intro": "Intro"})
    assert result.changes == {}
    assert result.conflicts == {"intro": "B's intro"}


def test_both_making_the_same_change_is_no_conflict_and_line_ends_do_not_count():
    assert merge({"intro": "Same"}, {"intro": "Same"}, {"intro": "Old"}) == merge({}, {}, {})
    assert merge({"body": "a\nb"}, {"body": "a\r\nb"}, {"body": "a\nb"}).changes == {}


def test_a_form_without_the_hidden_values_writes_as_before():
    assert merge({"title": "Stored"}, {"title": "Mine"}, {}).changes == {"title": "Mine"}


def test_started_values_read_the_hidden_inputs():
    form = {"title": "x", was_name("title"): "old"}
    assert started_values(form, ["title", "intro"]) == {"title": "old"}
