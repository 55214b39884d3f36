"""Moving an item up or down a numbered list (sections, questions, agenda items, bulletin items).

Both URL shapes in use (`…/move/<direction>` and a form field) pass "up" or "down" to `step()`.
"""

from __future__ import annotations

from flask import abort

_STEPS = {"up": -1, "down": 1}


def step(direction: str) -> int:
    """-1 for "up", 1 for "down"; any other direction is not a page (404)."""
    if direction not in _STEPS:
        abort(404)
    return _STEPS[direction]


def renumber(items, start: int = 1) -> None:
    """Number `items` (already in order) from `start` with no gaps, e.g. after one is deleted."""
    for position, item in enumerate(items, start=start):
        item.position = position


def move(items: list, item, step: int, start: int = 1) -> bool:
    """Swap `item` with its neighbour in `items` (already ordered) and renumber. False at an end."""
    i = items.index(item)
    j = i + step
    if not 0 <= j < len(items):
        return False
    items[i], items[j] = items[j], items[i]
    renumber(items, start)
    return True
