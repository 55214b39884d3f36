"""Results page: the theme/community/area filter with and without htmx, the aggregates cache
(recomputed whenever the submitted responses change, never stale), the median from the value
distribution and the first free-text answers per question."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from app.groups.models import organisation_tags
from app.toolkits import results as results_mod
from app.toolkits import services as svc
from app.toolkits.models import Answer
from tests import factories
from tests.factories.groups import organisation, tag
from tests.factories.toolkits import questions, small_toolkit
from tests.toolkits.test_staff import _population, _respond


def _by_label(toolkit):
    return {r.question.label: r for r in results_mod.compute(toolkit, svc.load_definition(toolkit).questions).questions}


def _url(toolkit, query=""):
    return f"/staff/toolkits/{toolkit.slug}/results{query}"


def test_filter_without_javascript_is_a_whole_page(client, db, login_as):
    toolkit = small_toolkit()
    theme = tag("theme", "Mental health")
    _population(db, toolkit, 10, theme=theme)
    db.session.commit()
    login_as("staff")
    page = client.get(_url(toolkit, "?tag=theme:mental-health"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in text
    assert "HX-Request" in page.headers["Vary"]
    assert 'action="/staff/toolkits/small-toolkit/results"' in text and 'hx-push-url="true"' in text
    assert '<option value="mental-health" selected>' in text
    assert "Showing organisations tagged “Mental health”." in text
    assert "5 of 5 organisations have submitted" in text
    everyone = client.get(_url(toolkit)).get_data(as_text=True)
    assert "Showing all organisations." in everyone and "10 of 10 organisations have submitted" in everyone


def test_filter_with_htmx_returns_only_the_results_region(client, db, login_as):
    toolkit = small_toolkit()
    community = tag("community", "Somali")
    _population(db, toolkit, 8, theme=community)
    db.session.commit()
    login_as("staff")
    page = client.get(_url(toolkit, "?tag=community:somali"), headers={"HX-Request": "true"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    assert text.lstrip().startswith('<div id="toolkit-results">')
    assert "<html" not in text and 'id="tag-filter"' not in text  # the form is not replaced
    assert "4 of 4 organisations have submitted" in text
    assert 'data-announce="Showing organisations tagged Somali. 4 of 4 organisations have submitted."' in text
    # A history restore or boosted request needs the whole page.
    restore = client.get(
        _url(toolkit, "?tag=community:somali"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.get_data(as_text=True)


def test_filter_by_area_and_unknown_filters_show_everyone(client, db, login_as):
    toolkit = small_toolkit()
    area = tag("area", "Whitechapel")
    _population(db, toolkit, 6, theme=area)
    db.session.commit()
    login_as("staff")
    assert "3 of 3 organisations" in client.get(_url(toolkit, "?tag=area:whitechapel")).get_data(as_text=True)
    for query in ("?tag=area:nowhere", "?tag=colour:whitechapel", "?tag=whitechapel", "?tag=" + "x" * 500):
        text = client.get(_url(toolkit, query), headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "Showing all organisations." in text and "6 of 6 organisations" in text


def test_cached_aggregates_follow_every_change_to_submitted_responses(client, db, login_as, query_budget):
    toolkit = small_toolkit()
    theme = tag("theme", "Mental health")
    _population(db, toolkit, 4, theme=theme)
    db.session.commit()
    q = questions(toolkit)
    login_as("staff")
    results_mod.clear_cache()
    with query_budget(16) as cold:
        first = client.get(_url(toolkit)).get_data(as_text=True)
    with query_budget(16) as warm:
        again = client.get(_url(toolkit)).get_data(as_text=True)
    assert warm["count"] < cold["count"]  # the aggregates came from the cache
    assert again == first

    # A new submission shows at once.
    user = factories.user()
    late = organisation("Late group", owner=user)
    _respond(db, toolkit, late, user, {q["Name"].html_id: "Late", q["People"].html_id: "1000"})
    db.session.commit()
    text = client.get(_url(toolkit)).get_data(as_text=True)
    assert "5 of 5 organisations have submitted" in text
    result = _by_label(toolkit)
    assert result["People"].stats["max"] == 1000

    # Changing a submitted answer (saving a section bumps updated_at) shows at once.
    response = svc.get_or_create_response(toolkit, late, user)
    definition = svc.load_definition(toolkit)
    from werkzeug.datastructures import MultiDict

    svc.save_section(definition, response, definition.sections[0],
                     MultiDict({q["Name"].html_id: "Late", q["People"].html_id: "5"}), user, require=False)  # fmt: skip
    db.session.commit()
    result = _by_label(toolkit)
    assert result["People"].stats["max"] < 1000  # the cached 1000 is gone

    # An organisation joining the filtered theme changes the filtered figures.
    filtered = client.get(_url(toolkit, "?tag=theme:mental-health")).get_data(as_text=True)
    assert "2 of 2 organisations" in filtered
    db.session.execute(insert(organisation_tags).values(organisation_id=late.id, tag_id=theme.id))
    db.session.commit()
    filtered = client.get(_url(toolkit, "?tag=theme:mental-health")).get_data(as_text=True)
    assert "3 of 3 organisations" in filtered

    # A group that renames itself is shown by its new name beside its free-text answers at once.
    assert "Late group" in client.get(_url(toolkit)).get_data(as_text=True)
    late.name = "Later group"
    db.session.commit()
    renamed = client.get(_url(toolkit)).get_data(as_text=True)
    assert "Later group" in renamed and "Late group" not in renamed


@pytest.mark.parametrize(
    ("values", "median"),
    [([5], 5), ([1, 2], 1.5), ([3, 1, 2], 2), ([1, 1, 1, 9], 1), ([1, 2, 2, 9], 2), ([1, 3, 5, 7], 4)],
)
def test_median_from_value_counts(values, median):
    from collections import Counter

    histogram = sorted(Counter(float(v) for v in values).items())
    assert results_mod._median(histogram, len(values)) == median


def test_first_free_text_answers_per_question_and_totals(client, db, monkeypatch):
    toolkit = small_toolkit()
    q = questions(toolkit)
    for i in range(5):
        user = factories.user()
        _respond(db, toolkit, organisation(f"Writer {i}", owner=user), user,
                 {q["Name"].html_id: f"Name {i}", q["Story"].html_id: f"Story {i}",
                  q["Size"].html_id: "other", f"{q['Size'].html_id}-other": f"Tiny {i}"})  # fmt: skip
    db.session.commit()
    monkeypatch.setattr(results_mod, "FREE_TEXT_LIMIT", 3)
    results_mod.clear_cache()
    found = results_mod.compute(toolkit, svc.load_definition(toolkit).questions).questions
    by_label = {r.question.label: r for r in found}
    story = by_label["Story"]
    assert story.texts_total == 5 and [t["text"] for t in story.texts] == ["Story 0", "Story 1", "Story 2"]
    assert story.texts[0]["organisation"] == "Writer 0"
    size = by_label["Size"]
    stored = db.session.scalars(select(Answer.text_value).where(Answer.question_id == q["Size"].id)).all()
    assert size.texts_total == len([t for t in stored if t]) and all(t["other"] for t in size.texts)
