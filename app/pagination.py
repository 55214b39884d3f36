"""One pagination helper: a page of a select() plus the GOV.UK pagination parameters."""

from __future__ import annotations

from flask import request, url_for
from markupsafe import Markup

from app.extensions import db
from app.i18n import _, current_language, formatting


def page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except (TypeError, ValueError):
        return 1


def paginate(query, per_page: int = 25):
    return db.paginate(query, page=page_number(), per_page=per_page, error_out=False, count=True)


def govuk_pagination(pager, endpoint: str, **params) -> dict | None:
    """Parameters for govukPagination(), keeping the current filters in every link, with GOV.UK's own
    words ("Previous page", "Next page", "Page 2", the "Pagination" landmark) in the reader's language."""
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
            items.append(
                {
                    "number": _shown(number),
                    "href": href(number),
                    "current": number == pager.page,
                    "visuallyHiddenText": _("Page %(number)s", number=number),
                }
            )
    result: dict = {"items": items, "landmarkLabel": _("Pagination")}
    if pager.has_prev:
        result["previous"] = {"href": href(pager.prev_num), "html": _previous_html()}
    if pager.has_next:
        result["next"] = {"href": href(pager.next_num), "html": _next_html()}
    return result


def _shown(number: int) -> int | str:
    """The page number as the reader writes it (Bengali digits, ungrouped as English writes "1000"),
    unchanged where digits are Latin."""
    return formatting.figure(number) if current_language().digits else number


def _previous_html() -> Markup:
    # The words GOV.UK's macro writes by default, translated ("page" is for screen readers only).
    return Markup(_('Previous<span class="govuk-visually-hidden"> page</span>'))  # noqa: S704 (our own text)


def _next_html() -> Markup:
    return Markup(_('Next<span class="govuk-visually-hidden"> page</span>'))  # noqa: S704 (our own text)
