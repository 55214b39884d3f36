"""One pagination helper: a page of a select() plus the GOV.UK pagination parameters."""

from __future__ import annotations

from flask import request, url_for

from app.extensions import db


def page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except (TypeError, ValueError):
        return 1


def paginate(query, per_page: int = 25):
    return db.paginate(query, page=page_number(), per_page=per_page, error_out=False, count=True)


def govuk_pagination(pager, endpoint: str, **params) -> dict | None:
    """Parameters for govukPagination(), keeping the current filters in every link."""
    if pager.pages <= 1:
        return None
    args = {k: v for k, v in params.items() if v not in (None, "")}

    def href(number: int) -> str:
        return url_for(endpoint, page=number, **args)

    items = []
    for number in pager.iter_pages(left_edge=1, left_current=1, right_current=2, right_edge=1):
        if number is None:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "href": href(number), "current": number == pager.page})
    result: dict = {"items": items}
    if pager.has_prev:
        result["previous"] = {"href": href(pager.prev_num)}
    if pager.has_next:
        result["next"] = {"href": href(pager.next_num)}
    return result
