"""Issue 20 §1: reading council spreadsheets as their authors meant them, with hand-made messy files
(TSV with pasted HTML, CSV in Windows-1252 with mojibake, XLSX with merged cells and formulas)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.actionplan.exporter import export_csv, export_xlsx
from app.actionplan.importing.apply import apply_import, preview_changes
from app.actionplan.importing.cells import read_action_text, split_lead_cell
from app.actionplan.importing.plan import ImportOptions, parse_file
from app.actionplan.importing.progress import deciding_update, parse_progress
from app.actionplan.models import Action, ActionPlan, ProgressUpdate, Theme
from app.text import html_to_text
from tests.actionplan.conftest import fixture_bytes

TSV = "council_2026.tsv"
CP1252 = "council_cp1252.csv"
HEADER = ["Theme", "Action No", "What actions are we taking", "Timescale", "Lead Service", "Lead Officer(s)",
          "Progress update", "Last updated"]  # fmt: skip


def merged_xlsx() -> bytes:
    """A workbook as councils make them: a title row, the theme in a merged cell down the rows of its
    actions, a merged heading over two columns, and formulas."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Race equality action plan 2026"])
    sheet.merge_cells("A1:H1")
    sheet.append(HEADER)
    sheet.append(["Housing & homes", "7.1", "<b>Homelessness:</b> Open a second advice hub. Staffed daily.",
                  "2023", "Housing and Advice", "N/A", "Completed:\n01/02/2023 - Hub opened.", None])  # fmt: skip
    sheet.append([None, "7.2", '=HYPERLINK("https://example.org","Landlord forum")', "2023", "Housing",
                  "Jo Bloggs & Ali Khan", "<p>Set up. <b>On hold:</b> budget review.</p>", None])  # fmt: skip
    sheet.append([None, "7.3", "Tenant panels", "2023", "-", "TBC", "<p><b>Completed</b></p>", "=TODAY()"])
    sheet.merge_cells("A3:A5")
    sheet["H3"] = dt.datetime(2023, 2, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def parsed(name=TSV, options=None):
    content = merged_xlsx() if name == "merged.xlsx" else fixture_bytes(name)
    return parse_file(content, name, options)


def by_number(result):
    return {a.number: a for a in result.actions}


# --- leads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell", ["N/A", "n/a", "-", "TBC", "None", "Various", " n/a. ", "TBC (restructure)", "N/A - see 1.2"]
)
def test_placeholder_lead_cells_name_nobody_and_are_kept_as_a_note(cell):
    names, note = split_lead_cell(cell)
    assert names == [] and note == cell.strip()


@pytest.mark.parametrize(
    "cell, names",
    [
        ("Jane Smith, Tom Brown; Ali Khan", ["Jane Smith", "Tom Brown", "Ali Khan"]),
        ("Jane Smith and Tom Brown", ["Jane Smith", "Tom Brown"]),
        ("Community Safety & Youth Service", ["Community Safety", "Youth Service"]),
        ("Jane Smith/ Tom Brown /Ali Khan", ["Jane Smith", "Tom Brown", "Ali Khan"]),
        ("HR/OD", ["HR", "OD"]),
        ("Priya Patel\nLena Kowalski", ["Priya Patel", "Lena Kowalski"]),
        ("CR&S", ["CR&S"]),
        ("N/A", []),
        ("A & B Partnership Team", ["A & B Partnership Team"]),
        ("Jane Smith / N/A", ["Jane Smith"]),
        ("<p>Jane Smith</p><p>Tom Brown</p>", ["Jane Smith", "Tom Brown"]),
    ],
)
def test_names_split_between_names_but_not_inside_n_a_or_crs(cell, names):
    assert split_lead_cell(cell)[0] == names


def test_the_file_placeholders_become_notes_and_names_split():
    actions = by_number(parsed())
    assert actions["1.1"].lead_services == ["CR&S"] and actions["1.1"].lead_officers == []
    assert actions["1.1"].lead_officer_note == "N/A"
    assert (actions["1.3"].lead_service_note, actions["1.3"].lead_officer_note) == ("TBC", "-")
    assert (actions["2.2"].lead_service_note, actions["2.2"].lead_officer_note) == ("None", "Various")
    assert actions["1.2"].lead_officers == ["Jane Smith", "Tom Brown"]
    assert actions["2.1"].lead_officers == ["Priya Patel", "Sam O'Neill", "Lena Kowalski"]


def test_splitting_on_and_can_be_turned_off_in_the_mapping_step():
    actions = by_number(parsed(options=ImportOptions(split_and=False)))
    assert actions["1.2"].lead_officers == ["Jane Smith and Tom Brown"]
    assert actions["1.2"].lead_services == ["Community Safety & Youth Service"]


# --- headlines ------------------------------------------------------------------------------------


def test_bold_label_is_a_label_and_the_title_is_the_first_sentence_of_the_real_text():
    actions = by_number(parsed())
    assert actions["1.1"].label == "Hate crime action plan"
    assert actions["1.1"].headline == "Refresh the hate crime action plan with partners."
    assert actions["1.1"].detail == "<p>Publish it on the website.</p>"
    assert (actions["1.2"].label, actions["1.2"].headline) == ("Knife crime", "Fund two detached youth workers.")
    assert actions["1.3"].label == "Youth Justice"


def test_a_wholly_bold_first_sentence_is_the_headline():
    action = by_number(parsed())["2.1"]
    assert (action.label, action.headline) == ("", "Publish the ethnicity pay gap every year.")
    assert action.detail == "<p>Report to the board.</p>"


def test_titles_are_plain_and_at_most_150_characters_with_the_rest_kept():
    action = by_number(parsed())["1.3"]
    assert len(action.headline) <= 150 and action.headline.endswith("…") and "<" not in action.headline
    text = html_to_text(action.detail)
    assert "reduces exclusions of Black Caribbean boys. Report on it yearly." in text
    assert "• Assemblies" in text  # the list is kept in the description
    label, title, detail = read_action_text("Knife crime: " + "word " * 60)
    assert label == "Knife crime" and len(title) <= 150 and "word" in detail


# --- statuses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, statuses, words",
    [
        ("<p><b>Completed</b></p><p>Report published.</p>", ["completed"], ["Completed"]),
        ("Completed\nReport published.", ["completed"], ["Completed"]),
        ("Completed:\nReport published.", ["completed"], ["Completed:"]),
        ("<p><b>Completed</b> report published</p>", ["completed"], ["Completed"]),
        ("<p>Set up. <b>In progress:</b> mentoring next.</p>", [None, "in_progress"], ["", "In progress:"]),
        ("<p>Set up. <b>In progress</b>: mentoring next.</p>", [None, "in_progress"], ["", "In progress"]),
        ("Completed the survey in May", [None], [""]),  # a sentence, not a heading
        ("Completed", ["completed"], ["Completed"]),  # a heading alone is an entry of its own
        ("<p><b>Completed</b></p>", ["completed"], ["Completed"]),
        ("Completed\n\nIn progress", ["completed", "in_progress"], ["Completed", "In progress"]),
    ],
)
def test_status_headings_start_entries(cell, statuses, words):
    updates, _notes = parse_progress(cell)
    assert [u.status for u in updates] == statuses
    assert [u.words.rstrip(" :") for u in updates] == [w.rstrip(" :") for w in words]


def test_the_status_is_the_last_entrys_in_reading_order_unless_dated_entries_say_otherwise():
    actions = by_number(parsed())
    assert actions["2.1"].status == "in_progress"  # Completed, then "In progress" later in the text
    assert actions["1.1"].status == "completed"
    updates, _ = parse_progress("In progress:\n01/05/2022 - second stage\nCompleted:\n01/01/2022 - first stage")
    assert deciding_update(updates)[0] == "in_progress"  # the newest dated entry wins over reading order


def test_the_preview_shows_the_words_that_set_each_status(client, db, login_as):
    actions = by_number(parsed())
    assert actions["2.2"].status_words == "Progress update: “Ongoing:”"
    assert actions["2.3"].status_words.startswith("No status words")
    login_as("staff")
    page = _preview(client, TSV)
    assert "Progress update: “Completed”" in page and "Progress update: “In progress:”" in page


# --- themes -----------------------------------------------------------------------------------------


def test_a_theme_variant_is_flagged_and_merged_by_default():
    result = parsed()
    assert result.merges == {"Jobs & Skills Council Workforce Development": "Jobs & Skills"}
    action = by_number(result)["2.2"]
    assert action.theme == "Jobs & Skills" and action.theme_as_written.startswith("Jobs & Skills Council")
    assert [name for name, _ in result.themes()] == ["Community safety", "Jobs & Skills"]


def test_a_theme_variant_can_be_kept_apart():
    result = parsed(options=ImportOptions(keep_themes={"Jobs & Skills Council Workforce Development"}))
    assert by_number(result)["2.2"].theme == "Jobs & Skills Council Workforce Development"
    assert result.kept_variants and not result.merges


def test_a_variant_of_a_theme_already_in_the_plan_is_merged(db):
    plan = ActionPlan(title="P", slug="p")
    db.session.add(plan)
    db.session.flush()
    db.session.add(Theme(plan_id=plan.id, name="Community Safety", position=1))
    rows = [
        ["Theme", "Action No", "What actions are we taking", "Lead Officer(s)"],
        ["Community safety and policing", "9.1", "Street lighting", "N/A"],
    ]
    content = "\n".join("\t".join(r) for r in rows).encode()
    result = parse_file(content, "x.tsv", ImportOptions(known_themes=["Community Safety"]))
    assert result.actions[0].theme == "Community Safety"
    apply_import(result, plan)
    assert db.session.scalar(select(func.count()).select_from(Theme)) == 1


# --- other encodings and layouts ------------------------------------------------------------------


def test_cp1252_csv_with_mojibake():
    raw = fixture_bytes(CP1252)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    actions = by_number(parsed(CP1252))
    assert actions["5.1"].theme == "Health – wellbeing"
    assert actions["5.1"].headline == "Run a diabetes “know your risk” day"
    assert actions["5.2"].lead_officers == ["Jo O’Brien", "Ali Khan"]
    assert actions["5.2"].lead_services == ["HR", "Public Health"]
    assert actions["5.1"].lead_officer_note == "N/A"
    assert "don’t stop" in actions["5.2"].updates[0].body  # the mojibake is repaired
    assert actions["5.2"].status == "completed"


def test_xlsx_with_merged_cells_and_formulas():
    result = parsed("merged.xlsx")
    assert result.errors == []
    actions = by_number(result)
    assert {a.theme for a in result.actions} == {"Housing & homes"}  # the merged theme cell covers all three
    assert actions["7.1"].label == "Homelessness" and actions["7.1"].headline == "Open a second advice hub."
    assert actions["7.1"].lead_services == ["Housing", "Advice"] and actions["7.1"].lead_officer_note == "N/A"
    assert actions["7.2"].headline == '=HYPERLINK("https://example.org","Landlord forum")'  # a formula is text
    assert actions["7.2"].lead_officers == ["Jo Bloggs", "Ali Khan"]
    assert actions["7.2"].status == "on_hold"
    assert actions["7.3"].lead_service_note == "-" and actions["7.3"].lead_officer_note == "TBC"
    assert actions["7.3"].status == "completed" and len(actions["7.3"].updates) == 1  # a bare heading


# --- re-import and the round trip -------------------------------------------------------------------


def _snapshot(db, plan):
    actions = db.session.scalars(
        select(Action)
        .where(Action.plan_id == plan.id)
        .options(selectinload(Action.theme), selectinload(Action.updates))
    ).all()
    return sorted(
        (
            a.number, a.theme.name, a.label, a.headline, " ".join(html_to_text(a.detail).split()), a.lead_services,
            a.lead_officers, a.lead_service_note, a.lead_officer_note, a.status,
            sorted((str(u.dated), u.status or "", " ".join(html_to_text(u.body).split())) for u in a.updates),
        )
        for a in actions
    )  # fmt: skip


@pytest.mark.parametrize("name", [TSV, CP1252, "merged.xlsx"])
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_import_export_import_is_stable(db, name, kind):
    plan = ActionPlan(title="Original", slug="original")
    apply_import(parsed(name), plan)
    db.session.commit()
    content = export_csv(plan) if kind == "csv" else export_xlsx(plan)
    assert b"<p>" not in content and b"<b>" not in content
    copy = ActionPlan(title="Copy", slug="copy")
    apply_import(parse_file(content, f"export.{kind}"), copy)
    db.session.commit()
    assert _snapshot(db, copy) == _snapshot(db, plan)
    again = parse_file(content, f"export.{kind}", ImportOptions(known_themes=[t.name for t in _themes(db, plan)]))
    assert preview_changes(again, plan).nothing
    assert not apply_import(again, plan).changed


def _themes(db, plan):
    return db.session.scalars(select(Theme).where(Theme.plan_id == plan.id)).all()


def test_reimporting_the_same_file_previews_and_changes_nothing(db):
    plan = ActionPlan(title="Original", slug="original")
    apply_import(parsed(), plan)
    db.session.commit()
    changes = preview_changes(parsed(), plan)
    assert changes.nothing and changes.count("unchanged") == 6 and changes.new_updates == 0
    assert not apply_import(parsed(), plan).changed
    assert db.session.scalar(select(func.count()).select_from(ProgressUpdate)) == 10


def test_a_changed_file_previews_exactly_what_changes_and_updates_only_that(db):
    plan = ActionPlan(title="Original", slug="original")
    apply_import(parsed(), plan)
    db.session.commit()
    text = fixture_bytes(TSV).decode()
    text = text.replace("Apprenticeships for care leavers", "Apprenticeships for care leavers and young carers")
    text = text.replace("Ongoing: monthly sessions.", "Ongoing: monthly sessions. <b>Completed:</b> programme ended.")
    result = parse_file(text.encode(), TSV)
    changes = preview_changes(result, plan)
    assert {n: c.kind for n, c in changes.actions.items() if c.kind != "unchanged"} == {
        "2.3": "changed",
        "2.2": "changed",
    }
    assert changes.actions["2.3"].described == "changes title"
    assert changes.actions["2.2"].described == "adds 1 progress update; status becomes completed"
    outcome = apply_import(result, plan)
    assert (outcome.actions_updated, outcome.actions_unchanged, outcome.updates_added) == (2, 4, 1)


# --- the mapping step on the web ----------------------------------------------------------------------


def _preview(client, name, content=None, plan_id="new"):
    data = {
        "file": (io.BytesIO(content if content is not None else fixture_bytes(name)), name),
        "plan_id": plan_id,
        "new_plan_title": "Race equality 2026",
    }
    response = client.post("/staff/action-plans/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _batch_url(db):
    from app.actionplan.models import ImportBatch

    return f"/staff/action-plans/import/{db.session.scalar(select(func.max(ImportBatch.id)))}"


def test_mapping_step_shows_columns_themes_and_rules_and_staff_can_change_them(client, db, login_as):
    login_as("staff")
    page = _preview(client, TSV)
    assert "What each column means" in page and 'name="column-8"' in page
    assert "‘Jobs &amp; Skills Council Workforce Development’: merge into ‘Jobs &amp; Skills’?" in page
    assert "Themes created: Community safety, Jobs &amp; Skills" in page
    assert "&#39;N/A&#39; is not" in page or "but &#39;N/A&#39; is not" in page or "N/A" in page
    url = _batch_url(db)
    # ignore the lead officer column, stop splitting on "and", keep the variant apart
    form = {"step": "mapping", "column-8": "ignore"}
    for index, kind in enumerate(["theme", "number", "action", "deliverables", "benefits", "timescale", "quick_win",
                                  "lead_service"]):  # fmt: skip
        form[f"column-{index}"] = kind
    form["column-9"] = "progress"
    response = client.post(url, data=form)
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "Jobs &amp; Skills Council Workforce Development" in page.split("Themes created:")[1].split("</li>")[0]
    assert "Lead: Jane Smith" not in page
    assert db.session.scalar(select(func.count()).select_from(Action)) == 0  # nothing written yet
    client.post(url, data={"step": "import"})
    actions = {a.number: a for a in db.session.scalars(select(Action))}
    assert actions["1.2"].lead_officers == [] and actions["1.2"].lead_services == ["Community Safety & Youth Service"]
    assert db.session.scalar(select(func.count()).select_from(Theme)) == 3


def test_mapping_a_column_twice_or_losing_the_number_is_explained(client, db, login_as):
    login_as("staff")
    _preview(client, TSV)
    url = _batch_url(db)
    client.post(url, data={"step": "mapping", "column-1": "ignore", "column-2": "action", "column-3": "action"})
    page = client.get(url).get_data(as_text=True)
    assert "Two columns are both mapped to" in page and "No column is mapped to &#39;Action No&#39;" in page
    assert "govuk-error-summary" in page and 'value="import"' not in page


def test_cli_dry_run_says_what_would_change_and_which_themes_merge(app, db):
    from tests.actionplan.conftest import FIXTURES

    args = ["action-plans", "import", str(FIXTURES / TSV), "--plan", "Race 2026"]
    result = app.test_cli_runner().invoke(args=[*args, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Theme 'Jobs & Skills Council Workforce Development' is merged into 'Jobs & Skills'." in result.output
    assert "6 new, 0 changed, 0 unchanged, 10 progress updates added. Nothing was written." in result.output
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    again = app.test_cli_runner().invoke(args=[*args, "--dry-run"])
    assert "0 new, 0 changed, 6 unchanged, 0 progress updates added" in again.output


def test_a_variant_kept_apart_stays_apart_when_the_file_is_imported_again(db):
    plan = ActionPlan(title="Original", slug="original")
    variant = "Jobs & Skills Council Workforce Development"
    apply_import(parsed(options=ImportOptions(keep_themes={variant})), plan)
    db.session.commit()
    known = [t.name for t in _themes(db, plan)]
    assert variant in known
    again = parsed(options=ImportOptions(known_themes=known))
    assert again.kept_variants == {variant: "Jobs & Skills"} and not again.merges
    assert preview_changes(again, plan).nothing
    ticked = parsed(options=ImportOptions(known_themes=known, merge_themes={variant}))
    assert ticked.merges == {variant: "Jobs & Skills"}


def test_the_same_theme_spelled_another_way_is_one_theme(db):
    rows = [
        ["Theme", "Action No", "What actions are we taking"],
        ["Jobs & Skills", "1.1", "Apprenticeships"],
        ["Jobs and skills", "1.2", "Mentoring"],
        ["JOBS & SKILLS.", "1.3", "Work placements"],
    ]
    result = parse_file("\n".join("\t".join(r) for r in rows).encode(), "x.tsv")
    assert {a.theme for a in result.actions} == {"Jobs & Skills"}
    assert result.merges == {
        "Jobs and skills": "Jobs & Skills",
        "JOBS & SKILLS": "Jobs & Skills",
    }  # the stop is dropped
    plan = ActionPlan(title="P", slug="p")
    apply_import(result, plan)
    assert db.session.scalar(select(func.count()).select_from(Theme)) == 1


def test_a_corrected_progress_update_is_rewritten_not_added_twice(db):
    plan = ActionPlan(title="Original", slug="original")
    apply_import(parsed(), plan)
    db.session.commit()
    text = fixture_bytes(TSV).decode().replace("First worker started.", "First youth worker started in January.")
    result = parse_file(text.encode(), TSV)
    change = preview_changes(result, plan).actions["1.2"]
    assert (change.kind, change.new_updates, change.edited_updates) == ("changed", 0, 1)
    assert change.described == "corrects the text of 1 progress update"
    outcome = apply_import(result, plan)
    assert (outcome.updates_added, outcome.updates_edited, outcome.actions_updated) == (0, 1, 1)
    db.session.commit()
    bodies = db.session.scalars(
        select(ProgressUpdate.body).join(Action).where(Action.number == "1.2").order_by(ProgressUpdate.dated)
    ).all()
    assert bodies == ["<p>First youth worker started in January.</p>", "<p>Second post advertised.</p>"]
    assert preview_changes(parse_file(text.encode(), TSV), plan).nothing


def test_a_plain_colon_title_is_not_split_into_a_label():
    """walk2: "Apprenticeships: 30% from BAME communities" became the label "Apprenticeships"."""
    from app.actionplan.importing.cells import read_action_text

    assert read_action_text("Apprenticeships: 30% from BAME communities") == (
        "",
        "Apprenticeships: 30% from BAME communities",
        "",
    )
    assert read_action_text("Knife crime: Fund two detached youth workers.")[:2] == (
        "Knife crime",
        "Fund two detached youth workers.",
    )
