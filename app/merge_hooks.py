"""Plug-in point for merging a duplicate organisation into the one kept (groups/services.py).

Features that link to organisations register `@on_organisation_merge` from their own package (their
jobs.py), so groups needs to import none of them. Each hook moves its feature's links in set-based
statements and returns counts for the merge's audit record.
"""

from __future__ import annotations

from collections.abc import Callable

MergeHook = Callable[[int, int], dict[str, int]]
MERGE_HOOKS: list[MergeHook] = []


def on_organisation_merge(func: MergeHook) -> MergeHook:
    """Register `func(source_id, target_id) -> {what moved: count}`."""
    MERGE_HOOKS.append(func)
    return func


def move_organisation_links(source_id: int, target_id: int) -> dict[str, int]:
    moved: dict[str, int] = {}
    for hook in MERGE_HOOKS:
        moved.update(hook(source_id, target_id))
    return moved
