"""app/db.py: CHECK constraint text and the loaders that 404 on a missing row."""

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from app.actionplan.models import ActionPlan, Theme
from app.db import child_or_404, first_or_404, one_of


def test_one_of_quotes_each_value():
    assert one_of("status", ("draft", "published")) == "status IN ('draft', 'published')"
    assert one_of("name", ["it's"]) == "name IN ('it''s')"


@pytest.fixture
def plans(db):
    first = ActionPlan(title="First", slug="first-plan")
    second = ActionPlan(title="Second", slug="second-plan")
    db.session.add_all([first, second])
    db.session.flush()
    theme = Theme(plan_id=first.id, name="Housing")
    db.session.add(theme)
    db.session.commit()
    return first, second, theme


def test_first_or_404(db, plans):
    assert first_or_404(select(ActionPlan).where(ActionPlan.slug == "first-plan")) is plans[0]
    with pytest.raises(NotFound):
        first_or_404(select(ActionPlan).where(ActionPlan.slug == "no-such-plan"))


def test_child_or_404_finds_a_row_by_id(db, plans):
    assert child_or_404(ActionPlan, plans[1].id) is plans[1]
    with pytest.raises(NotFound):
        child_or_404(ActionPlan, 999_999)


def test_child_or_404_refuses_a_child_of_another_parent(db, plans):
    first, second, theme = plans
    assert child_or_404(Theme, theme.id, parent=first) is theme
    with pytest.raises(NotFound):
        child_or_404(Theme, theme.id, parent=second)
