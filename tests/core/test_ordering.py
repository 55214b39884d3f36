"""app/ordering.py: moving items up and down a numbered list."""

from dataclasses import dataclass

import pytest
from werkzeug.exceptions import NotFound

from app.ordering import move, renumber, step


@dataclass
class Item:
    name: str
    position: int = 0


def _items(*names):
    items = [Item(name) for name in names]
    renumber(items)
    return items


def test_step_reads_the_direction_in_the_url():
    assert step("up") == -1
    assert step("down") == 1
    with pytest.raises(NotFound):
        step("sideways")


def test_renumber_closes_gaps_from_one_or_a_given_start():
    items = [Item("a", 3), Item("b", 7)]
    renumber(items)
    assert [i.position for i in items] == [1, 2]
    renumber(items, start=0)
    assert [i.position for i in items] == [0, 1]


def test_move_swaps_with_the_neighbour_and_renumbers():
    items = _items("a", "b", "c")
    b = items[1]
    assert move(items, b, -1)
    assert [(i.name, i.position) for i in items] == [("b", 1), ("a", 2), ("c", 3)]
    assert move(items, b, 1)
    assert [i.name for i in items] == ["a", "b", "c"]


def test_move_past_either_end_changes_nothing():
    items = _items("a", "b")
    assert not move(items, items[0], -1)
    assert not move(items, items[1], 1)
    assert [(i.name, i.position) for i in items] == [("a", 1), ("b", 2)]
