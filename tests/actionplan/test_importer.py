"""Importer tests built from messy fixtures: one test per bullet of issue 7 §4 and 'Bad input'."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.actionplan.importing.apply import apply_import
from app.actionplan.importing.cells import parse_quick_win, split_names, split_themes
from app.actionplan.importing.plan import parse_file
from app.actionplan.importing.progress import parse_progress
from app.actionplan.importing.reader import classify_header
from app.actionplan.models import Action, ActionPlan, ProgressUpdate, StatusChange, Theme, number_sort_key
from app.spreadsheets import ImportRefused, fix_mojibake
from tests.actionplan.conftest import fixture_bytes, xlsx_bytes

MESSY = "council_messy.tsv"


def messy():
    return parse_file(fixture_bytes(MESSY), MESSY)


def by_number(parsed):
    return {a.number: a for a in parsed.actions}


# --- layout: blank lines, dashes, tabs and line breaks inside quotes --------------------------


def test_blank_lines_before_header_and_between_rows_are_skipped():
    raw = fixture_bytes(MESSY)
    assert raw.startswith(b"\n\n")  # blank lines before the header
    assert b"\n\n\t1.2" in raw  # and a blank line between rows
    parsed = messy()
    assert [a.number for a in parsed.actions] == ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.4"]
    assert parsed.errors == []


def test_trailing_row_of_dashes_is_ignored():
    assert fixture_bytes(MESSY).rstrip().endswith(b"----------")
    parsed = messy()
    assert all("---" not in a.number for a in parsed.actions)
    assert not any("row" in w.lower() and "skipped" in w.lower() for _, w in parsed.warnings)


def test_tabs_and_line_breaks_inside_quoted_cells_are_kept():
    actions = by_number(messy())
    assert actions["1.2"].timescale == "April 2021 - March 2022"  # line break inside quotes
    assert actions["1.2"].updates[0].body == "<p>Panels being trained\twith a tab</p>"
    assert actions["2.1"].deliverables == "<p>Mentoring scheme<br>for 50 young people</p>"


# --- HTML in cells ------------------------------------------------------------------------------


def test_html_formatting_kept_as_sanitised_html_and_bold_lead_is_headline():
    action = by_number(messy())["1.1"]
    assert action.headline == "Publish the ethnicity pay gap every year."
    assert "<ul><li>Collect data</li><li>Publish</li></ul>" in action.detail
    assert "&amp;" in action.detail  # the entity stays an entity
    assert "style" not in action.detail and "<span" not in action.detail  # inline styles dropped


def test_unsafe_html_is_stripped_with_a_warning():
    parsed = messy()
    action = by_number(parsed)["1.1"]
    assert "script" not in action.detail and "alert" not in action.detail
    assert "onerror" not in action.detail and "<img" not in action.detail
    assert any("Unsafe HTML" in message for _, message in parsed.warnings)


# --- quick wins -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value", "note"),
    [
        ("Yes", "yes", ""),
        ("No", "no", ""),
        ("", "unknown", ""),
        ("Yes, subject to funding", "yes", "Yes, subject to funding"),
        ("QW (Aug21)", "yes", "QW (Aug21)"),
        ("Yes quick win already achieving", "yes", "Yes quick win already achieving"),
        ("The campaign depends on the schools forum", "unknown", "The campaign depends on the schools forum"),
    ],
)
def test_quick_win_cells(cell, value, note):
    assert parse_quick_win(cell)[:2] == (value, note)


def test_quick_win_cells_from_the_file_with_warning_for_unrelated_sentence():
    parsed = messy()
    actions = by_number(parsed)
    assert (actions["1.1"].quick_win, actions["1.1"].quick_win_note) == ("yes", "")
    assert (actions["1.2"].quick_win, actions["1.2"].quick_win_note) == ("yes", "Yes, subject to funding")
    assert (actions["2.1"].quick_win, actions["2.1"].quick_win_note) == ("yes", "QW (Aug21)")
    assert actions["2.2"].quick_win == "yes"
    assert actions["2.3"].quick_win == "unknown" and actions["2.3"].quick_win_note.startswith("The campaign")
    assert actions["3.1"].quick_win == "no" and actions["3.2"].quick_win == "unknown"
    assert any(row == 9 and "Quick win" in message for row, message in parsed.warnings)


# --- officers, themes, numbering -----------------------------------------------------------------


def test_several_officers_split_on_slash_with_irregular_spaces():
    actions = by_number(messy())
    assert actions["1.1"].lead_officers == ["Jane Smith", "Tom Brown", "Ali Khan"]
    assert actions["2.2"].lead_officers == ["Grace Ade", "Ben Ofori"]
    assert split_names("A Person /B Person/  C Person ; D Person") == ["A Person", "B Person", "C Person", "D Person"]


def test_one_cell_naming_two_themes_gives_theme_and_secondary_theme():
    actions = by_number(messy())
    assert (actions["2.1"].theme, actions["2.1"].secondary_theme) == ("Education", "Jobs and skills")
    assert actions["2.2"].theme == "Education"  # carried down from the cell above
    assert split_themes("History/culture and heritage") == ("History/culture and heritage", "")


def test_gaps_in_numbering_warn_but_import(db):
    parsed = messy()
    assert any("3.2 to 3.4" in message and "3.3" in message for _, message in parsed.warnings)
    plan = ActionPlan(title="Gaps", slug="gaps")
    apply_import(parsed, plan)
    db.session.commit()
    numbers = db.session.scalars(select(Action.number).where(Action.plan_id == plan.id).order_by(Action.sort_key))
    assert list(numbers)[-2:] == ["3.2", "3.4"]


def test_numbers_sort_naturally_on_the_database(db):
    plan = ActionPlan(title="Order", slug="order")
    db.session.add(plan)
    db.session.flush()
    theme = Theme(plan_id=plan.id, name="T", position=1)
    db.session.add(theme)
    db.session.flush()
    for number in ["4.10", "4.9", "10.1", "4.1", "2.2a"]:
        action = Action(plan_id=plan.id, theme_id=theme.id, headline=number)
        action.set_number(number)
        db.session.add(action)
    db.session.commit()
    ordered = db.session.scalars(select(Action.number).where(Action.plan_id == plan.id).order_by(Action.sort_key))
    assert list(ordered) == ["2.2a", "4.1", "4.9", "4.10", "10.1"]
    assert number_sort_key("4.9") < number_sort_key("4.10")


# --- progress text ----------------------------------------------------------------------------------


def test_progress_status_headings_and_dated_entries_become_dated_updates():
    action = by_number(messy())["1.1"]
    assert [(u.dated, u.status) for u in action.updates] == [
        (dt.date(2021, 3, 29), "completed"),  # "Completed:" then "29-3-2021 - …"
        (dt.date(2021, 6, 10), "in_progress"),  # "In progress:" then "10/06/21 - …"
        (dt.date(2021, 5, 1), "in_progress"),  # "May 2021: …"
    ]
    assert action.updates[0].body == "<p>First report published.</p>"
    assert action.status == "in_progress"  # the newest dated update's status


def test_upper_case_and_new_headings():
    actions = by_number(messy())
    assert [(u.dated, u.status) for u in actions["1.2"].updates] == [(None, "in_progress")]  # IN PROGRESS:
    updates, _ = parse_progress("NEW: Scheme launched with partners.")
    assert [(u.dated, u.status, u.body) for u in updates] == [(None, None, "<p>Scheme launched with partners.</p>")]
    assert actions["2.1"].status == "in_progress"


def test_progress_without_structure_is_one_undated_update():
    action = by_number(messy())["2.2"]
    assert [(u.dated, u.status, u.body) for u in action.updates] == [
        (None, None, "<p>Some progress but nothing dated yet.</p>")
    ]
    assert action.status == "in_progress"
    assert by_number(messy())["3.1"].updates == [] and by_number(messy())["3.1"].status == "not_started"


def test_html_progress_with_list_items_and_impossible_date():
    updates, notes = parse_progress(
        "<p><b>Completed:</b></p><ul><li>1/2/2021 - Launched</li><li>31/02/2021 - Reviewed</li></ul>"
    )
    assert updates[0].dated == dt.date(2021, 2, 1) and updates[0].status == "completed"
    assert "31/02/2021" in updates[0].body  # not a real date: kept as text, never lost
    assert any("not a real date" in n for n in notes)


# --- encodings ------------------------------------------------------------------------------------


def _health(parsed):
    return by_number(parsed)


def test_windows_1252_file():
    actions = _health(parse_file(fixture_bytes("windows1252.csv"), "windows1252.csv"))
    assert "don’t" in actions["5.1"].wider_benefits and "café" in actions["5.1"].wider_benefits
    assert actions["5.1"].lead_officers == ["Zoë Clarke"]
    assert "£500" in actions["5.1"].updates[0].body
    assert actions["5.2"].headline == "Run a diabetes “know your risk” day"


def test_mojibake_is_repaired():
    assert fix_mojibake("donâ€™t cafÃ©") == "don’t café"
    actions = _health(parse_file(fixture_bytes("mojibake.csv"), "mojibake.csv"))
    assert actions["5.1"].lead_officers == ["Zoë Clarke"]
    assert "don’t" in actions["5.1"].wider_benefits and "–" in actions["5.1"].wider_benefits
    assert actions["5.2"].headline == "Run a diabetes “know your risk” day"


def test_utf8_with_bom():
    parsed = parse_file(fixture_bytes("utf8_bom.csv"), "utf8_bom.csv")
    assert parsed.columns["theme"] == 0  # the BOM did not hide the first heading
    assert by_number(parsed)["5.1"].theme == "Health"


def test_headers_matched_loosely():
    parsed = parse_file(fixture_bytes("loose_headers.csv"), "loose_headers.csv")
    assert set(parsed.columns) >= {"theme", "number", "action", "deliverables", "benefits", "timescale",
                                   "quick_win", "lead_service", "lead_officer", "progress"}  # fmt: skip
    assert [a.theme for a in parsed.actions] == ["Jobs and skills", "Jobs and skills"]
    assert classify_header("Lead Officer(s)") == "lead_officer"
    assert classify_header("Is this a quick win i.e. can be achieved in next 3 - 6 months?") == "quick_win"


# --- re-import ---------------------------------------------------------------------------------------


def _counts(db):
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Action, Theme, ProgressUpdate, StatusChange)
    )


def test_reimporting_the_same_file_changes_nothing(db, imported_plan):
    before = _counts(db)
    stamps = dict(db.session.execute(select(Action.number, Action.updated_at)).all())
    result = apply_import(messy(), imported_plan)
    db.session.commit()
    assert not result.changed and result.actions_unchanged == 8
    assert _counts(db) == before
    assert dict(db.session.execute(select(Action.number, Action.updated_at)).all()) == stamps


def test_updated_file_updates_by_number_and_adds_only_new_updates(db, imported_plan):
    updates_before = db.session.scalar(select(func.count()).select_from(ProgressUpdate))
    parsed = parse_file(fixture_bytes("council_messy_v2.tsv"), "council_messy_v2.tsv")
    result = apply_import(parsed, imported_plan)
    db.session.commit()
    assert (result.actions_added, result.updates_added) == (1, 1)
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == updates_before + 1
    one_one = db.session.scalar(select(Action).where(Action.number == "1.1"))
    assert one_one.status == "completed"  # the new newest entry says so
    change = db.session.scalars(select(StatusChange).where(StatusChange.action_id == one_one.id)).all()[-1]
    assert (change.from_status, change.to_status, change.source) == ("in_progress", "completed", "import")
    assert db.session.scalar(select(Action.timescale).where(Action.number == "1.2")) == "June 2022"


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [("empty.csv", "The file is empty"), ("blank_only.csv", "The file is empty"),
     ("no_header.csv", "could not find the column headings")],
)  # fmt: skip
def test_bad_files_are_refused_with_a_clear_message(name, message):
    with pytest.raises(ImportRefused, match=message):
        parse_file(fixture_bytes(name), name)


def test_file_over_10_mb_is_refused():
    with pytest.raises(ImportRefused, match="10 MB or smaller"):
        parse_file(b"Theme,Action No\n" + b"x" * (10 * 1024 * 1024), "big.csv")


def test_formula_cells_in_xlsx_are_imported_as_text(db):
    content = xlsx_bytes(
        [
            [None],
            ["Theme", "Action No", "What actions are we taking", "Lead Officer(s)", "Progress update"],
            ["Culture", "6.10", '=HYPERLINK("https://example.org","Black history walk")', "Ama Owusu", "=1+1"],
            ["Culture", "6.9", "Oral history project", "Ama Owusu", None],
        ]
    )
    parsed = parse_file(content, "plan.xlsx")
    actions = by_number(parsed)
    assert actions["6.10"].headline == '=HYPERLINK("https://example.org","Black history walk")'
    assert actions["6.10"].updates[0].body == "<p>=1+1</p>"
    plan = ActionPlan(title="Culture", slug="culture")
    apply_import(parsed, plan)
    db.session.commit()
    ordered = db.session.scalars(select(Action.number).where(Action.plan_id == plan.id).order_by(Action.sort_key))
    assert list(ordered) == ["6.9", "6.10"]


def test_row_problems_mean_nothing_is_imported(db):
    content = (
        b"Theme,Action No,What actions are we taking\n"
        b"Health,1.1,Good action\n"
        b"Health,,An action with no number\n"
        b"Health,1.1,Duplicate number\n"
    )
    parsed = parse_file(content, "bad.csv")
    assert len(parsed.errors) == 2 and not parsed.ok
    with pytest.raises(ImportRefused):
        apply_import(parsed, ActionPlan(title="Bad", slug="bad"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0
    assert db.session.scalar(select(func.count()).select_from(ActionPlan)) == 0
