"""Statistical disclosure control on the published "You said" figures (issue 16 §2), tested as an
attacker would: over random answer sets (hypothesis), nothing published — nor anything that can be
worked out from it, nor the difference between two published snapshots — gives away a count of
organisations below the threshold. Then the same through the pages: snapshot publishing, the
disclosure check staff see, and the demo's finding."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.toolkits import disclosure
from app.toolkits.models import Toolkit
from tests import factories
from tests.factories.groups import organisation
from tests.factories.toolkits import questions, small_toolkit
from tests.pages import page_text
from tests.toolkits.test_staff import _respond

thresholds = st.integers(min_value=2, max_value=6)


def _figures(shape: str, counts: list[int], answered: int | None = None, **extra) -> dict:
    options = [{"id": f"o{i}", "label": f"Option {i}", "count": c, "first": 0, "borda": 0, "ranks": []}
               for i, c in enumerate(counts)]  # fmt: skip
    answered = sum(counts) if answered is None else answered
    return {"question_id": 1, "label": "Q", "shape": shape, "answered": answered, "top": 0, "options": options,
            "stats": extra.get("stats")}  # fmt: skip


def _small(value: int, threshold: int) -> bool:
    return 0 <= value < threshold


# --- one answer per organisation: the counts add up to the number who answered ---------------


@settings(max_examples=300, deadline=None)
@given(counts=st.lists(st.integers(min_value=0, max_value=12), min_size=2, max_size=6), threshold=thresholds,
       shape=st.sampled_from(["single", "scale"]))  # fmt: skip
def test_one_answer_questions_reveal_no_small_count(counts, threshold, shape):
    answered = sum(counts)
    stats = {"n": answered, "mean": 3.0, "median": 3.0} if answered else None
    item, reasons = disclosure.protect(_figures(shape, counts, stats=stats), threshold)
    if answered < threshold:
        assert item["withheld"] and item["answered"] is None and not item["rows"]
        return
    shown = [r["count"] for r in item["rows"] if r["count"] is not None]
    hidden = [c for c, r in zip(counts, item["rows"], strict=True) if r["count"] is None]
    # No published count is small; percentages only beside a published count.
    assert all(c >= threshold for c in shown)
    assert all((r["percent"] is None) == (r["count"] is None) for r in item["rows"])
    # What the attacker works out from the total: the hidden cells' sum (one hidden cell alone is exact).
    if hidden:
        worked_out = answered - sum(shown)
        assert len(hidden) >= 2 and not _small(worked_out, threshold)
        assert reasons
    # An average beside hidden cells would give away their weighted sum.
    if shape == "scale" and hidden:
        assert item["stats"] is None


# --- multiple choice: chose it or not, for each option --------------------------------------


@settings(max_examples=300, deadline=None)
@given(data=st.data(), threshold=thresholds)
def test_multiple_choice_reveals_no_small_count(data, threshold):
    answered = data.draw(st.integers(min_value=0, max_value=30))
    counts = data.draw(st.lists(st.integers(min_value=0, max_value=answered), min_size=2, max_size=6))
    item, _reasons = disclosure.protect(_figures("multiple", counts, answered), threshold)
    if answered < threshold:
        assert item["withheld"]
        return
    for row in item["rows"]:
        if row["count"] is not None:
            assert not _small(row["count"], threshold)
            assert not _small(answered - row["count"], threshold)  # those that did not choose it


# --- ranking: the places behind each option's figures ----------------------------------------


def _ranking_figures(orders: list[list[int]], options: int, top: int) -> dict:
    cells = [[0] * top for _ in range(options)]
    for order in orders:
        for place, option in enumerate(order[:top]):
            cells[option][place] += 1
    rows = []
    for i in range(options):
        count = sum(cells[i])
        rows.append({"id": f"o{i}", "label": f"Option {i}", "count": count, "first": cells[i][0],
                     "borda": sum((top - p) * n for p, n in enumerate(cells[i])), "ranks": cells[i]})  # fmt: skip
    return {"question_id": 1, "label": "Rank", "shape": "ranking", "answered": len(orders), "top": top,
            "options": rows, "stats": None}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(data=st.data(), threshold=thresholds)
def test_ranking_reveals_no_small_count(data, threshold):
    options = data.draw(st.integers(min_value=3, max_value=6))
    top = data.draw(st.integers(min_value=2, max_value=3))
    seed = data.draw(st.integers(min_value=0, max_value=10**6))
    organisations = data.draw(st.integers(min_value=0, max_value=40))
    rng = random.Random(seed)
    weights = [rng.random() for _ in range(options)]  # some issues much more popular than others
    orders = [sorted(range(options), key=lambda i: -weights[i] * rng.random())[:top] for _ in range(organisations)]
    figures = _ranking_figures(orders, options, top)
    item, _reasons = disclosure.protect(figures, threshold)
    if organisations < threshold:
        assert item["withheld"]
        return
    hidden = [i for i, r in enumerate(item["rows"]) if r["count"] is None]
    for i, row in enumerate(item["rows"]):
        if row["count"] is None:
            assert row["first"] is None and row["borda"] is None and row["percent"] is None
            continue
        # Organisations, first places and score give every place's count and the "not ranked" count.
        for cell in disclosure.rank_cells(figures["options"][i], organisations, top):
            assert not _small(cell, threshold)
    if hidden:
        assert len(hidden) >= 2
        # Each place is filled by every organisation: the hidden options' share of it can be worked out
        # (of "not ranked" too, unless every option is ranked by everyone: then it is 0 by design).
        for place in range(top + 1 if options > top else top):
            share = sum(disclosure.rank_cells(figures["options"][i], organisations, top)[place] for i in hidden)
            assert not _small(share, threshold)
    statement = item["statement"]
    for i in hidden:
        assert f"Option {i} " not in statement + " " and not statement.endswith(f"Option {i}.")


# --- two snapshots that differ by one organisation -------------------------------------------


@settings(max_examples=200, deadline=None)
@given(steps=st.lists(st.sampled_from(["answer", "change", "publish"]), max_size=40), threshold=thresholds)
def test_two_published_snapshots_never_differ_by_fewer_organisations_than_the_threshold(steps, threshold):
    """Whatever happens between publications, the published figures only move when at least
    `threshold` organisations' answers are new or changed: no difference isolates fewer."""
    responses: dict[str, str] = {}
    published: list[dict] = []
    for clock, step in enumerate(steps, start=1):
        if step == "answer":
            responses[str(len(responses) + 1)] = str(clock)
        elif step == "change" and responses:
            responses[str(1 + clock % len(responses))] = str(clock)
        elif step == "publish":
            previous = published[-1] if published else None
            if disclosure.may_refresh(previous, responses, threshold):
                published.append({"responses": dict(responses)})
    for before, after in itertools.pairwise(published):
        assert not 0 < disclosure.changed_since(before, after["responses"]) < threshold


def test_one_more_organisation_cannot_be_isolated_by_republishing():
    previous = {"responses": {str(i): "t0" for i in range(1, 11)}}
    one_more = {**previous["responses"], "11": "t1"}
    one_changed = {**previous["responses"], "3": "t1"}
    assert not disclosure.may_refresh(previous, one_more, 5)
    assert not disclosure.may_refresh(previous, one_changed, 5)
    five_more = {**previous["responses"], **{str(i): "t1" for i in range(11, 16)}}
    assert disclosure.may_refresh(previous, five_more, 5)


# --- the issue's own examples ----------------------------------------------------------------


def test_a_zero_and_a_lone_small_count_are_both_hidden_with_a_complement():
    item, reasons = disclosure.protect(_figures("single", [0, 12, 9]), 5)
    assert [r["count"] for r in item["rows"]] == [None, 12, None]  # 0 hidden, and 9 so 0 cannot be worked out
    assert "“Option 0”, “Option 2”" in reasons[0]


def test_scale_shows_not_enough_answers_rather_than_a_mean_beside_hidden_points():
    item, _ = disclosure.protect(_figures("scale", [1, 2, 3, 2, 1], stats={"n": 9, "mean": 3, "median": 3}), 5)
    assert all(r["count"] is None for r in item["rows"]) and item["stats"] is None


# --- through the pages -----------------------------------------------------------------------


def _population(db, toolkit, n, start=0):
    q = questions(toolkit)
    for i in range(start, start + n):
        user = factories.user()
        org = organisation(f"Group {i}", owner=user)
        _respond(db, toolkit, org, user, {q["Name"].html_id: f"Person {i}", q["Size"].html_id: "small"})


def test_snapshot_publishing_and_the_disclosure_check(client, db, login_as):
    toolkit = small_toolkit(threshold=5)
    _population(db, toolkit, 6)
    db.session.commit()
    q = questions(toolkit)
    login_as("staff")
    form = client.get(f"/staff/toolkits/{toolkit.slug}/you-said?questions={q['Size'].id}")
    assert "Disclosure check" in page_text(form)
    publish = {"questions": [str(q["Size"].id), str(q["Demand"].id)], "summary": "", "publish": "y"}
    client.post(f"/staff/toolkits/{toolkit.slug}/you-said", data={**publish, "publish": ""})  # a draft
    check = page_text(client.get(f"/staff/toolkits/{toolkit.slug}/you-said"))
    assert "If you publish now, the page will say it is based on 6 responses" in check
    # All 6 chose Small: showing 6 would give away the two zeros, so all three are hidden.
    assert "Size Not shown: “Small”, “Large”, “Other”, because fewer than 5 organisations chose some" in check
    assert "Not shown: fewer than 5 organisations answered it." in check  # nobody answered Demand
    assert client.post(f"/staff/toolkits/{toolkit.slug}/you-said", data=publish).status_code == 303
    page = page_text(client.get(f"/toolkits/{toolkit.slug}/you-said"))
    assert "Based on 6 responses received by" in page

    # One more organisation answers: the published page does not move, and re-publishing keeps it.
    _population(db, toolkit, 1, start=6)
    db.session.commit()
    assert "Based on 6 responses" in page_text(client.get(f"/toolkits/{toolkit.slug}/you-said"))
    staff_page = page_text(client.get(f"/staff/toolkits/{toolkit.slug}/you-said"))
    assert "Only 1 organisation has answered or changed their answers since the figures were last published" in (
        staff_page
    )
    done = client.post(f"/staff/toolkits/{toolkit.slug}/you-said", data=publish, follow_redirects=True)
    assert "The published figures stay as they are" in page_text(done)
    # One plain notice (not a green "has been published" beside the refusal).
    assert "Your changes are saved, but the published figures have not changed." in page_text(done)
    assert "has been published" not in page_text(done) and "govuk-notification-banner--success" not in done.text
    assert "Based on 6 responses" in page_text(client.get(f"/toolkits/{toolkit.slug}/you-said"))
    changed = client.post(
        f"/staff/toolkits/{toolkit.slug}/you-said", data={**publish, "questions": [str(q["Size"].id)]}
    )
    assert "Keep the same questions for now" in page_text(changed)

    # Four more: five since the snapshot, so the figures can be refreshed.
    _population(db, toolkit, 4, start=7)
    db.session.commit()
    client.post(f"/staff/toolkits/{toolkit.slug}/you-said", data=publish)
    assert "Based on 11 responses" in page_text(client.get(f"/toolkits/{toolkit.slug}/you-said"))


def test_demo_you_said_reads_the_finding_with_its_figures(app, client, db):
    from app.toolkits.demo import DEMO_SLUG

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    toolkit = db.session.scalar(select(Toolkit).where(Toolkit.slug == DEMO_SLUG))
    assert toolkit.you_said_snapshot["submitted"] == 30
    page = page_text(client.get(f"/toolkits/{DEMO_SLUG}/you-said"))
    assert "Mental health was ranked first, closely followed by Diabetes." in page
    assert "Based on 30 responses received by" in page
    assert "Mental health 10 55 25 83%" in page  # first places, score, organisations, per cent
    assert "Diabetes 5 45 25 83%" in page
    ranking = next(i for i in toolkit.you_said_snapshot["questions"] if i["shape"] == "ranking")
    hidden = [r for r in ranking["rows"] if r["count"] is None]
    assert len(hidden) >= 2  # the other issues, whose places are too few to show


# --- cross-tabulations -----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    cells=st.integers(min_value=1, max_value=5).flatmap(
        lambda width: st.lists(
            st.lists(st.integers(min_value=0, max_value=15), min_size=width, max_size=width), min_size=1, max_size=5
        )
    ),
    threshold=thresholds,
)
def test_cross_tabulation_cells_cannot_be_worked_out_from_a_row_or_column(cells, threshold):
    hidden = disclosure.protect_table(cells, threshold)
    width = len(cells[0])
    lines = [[(i, j) for j in range(width)] for i in range(len(cells))]
    lines += [[(i, j) for i in range(len(cells))] for j in range(width)]
    for i, row in enumerate(cells):
        for j, count in enumerate(row):
            assert (i, j) in hidden or count >= threshold
    for line in lines:
        inside = [c for c in line if c in hidden]
        if not inside or len(inside) == len(line):
            continue
        # With the line's total known, the hidden cells' sum is known: it must not be a small count,
        # and no hidden cell may stand alone.
        assert len(inside) >= 2 and sum(cells[i][j] for i, j in inside) >= threshold


def test_cross_tabulation_page_hides_small_cells(client, db, login_as):
    toolkit = small_toolkit(threshold=2)
    q = questions(toolkit)
    for i in range(6):
        user = factories.user()
        org = organisation(f"Group {i}", owner=user)
        _respond(db, toolkit, org, user, {q["Name"].html_id: "x", q["Size"].html_id: "small" if i < 4 else "large",
                                           q["Offer support"].html_id: "yes" if i % 2 == 0 else "no"})  # fmt: skip
    db.session.commit()
    login_as("staff")
    url = f"/staff/toolkits/{toolkit.slug}/compare?rows={q['Size'].id}&columns={q['Offer support'].id}"
    page = page_text(client.get(url))
    # Small: 2 yes, 2 no; Large: 1 yes, 1 no; Other: 0, 0 → Large and Other hidden, and with them
    # nothing else (each column's hidden cells add up to 1, so Small's are hidden too).
    assert "“Size” by “Offer support”: organisations" in page
    assert "Small not shown not shown" in page and "Large not shown not shown" in page
    same = page_text(client.get(f"/staff/toolkits/{toolkit.slug}/compare?rows={q['Size'].id}&columns={q['Size'].id}"))
    assert "Choose two different questions" in same
