"""Reading pages in tests."""

from __future__ import annotations

import re
from html import unescape

from werkzeug.test import TestResponse


def page_text(page: TestResponse | str, *, markup: bool = False) -> str:
    """What a reader sees on `page` (a response or its HTML): tags dropped, entities decoded and white
    space collapsed. With markup=True only the entities are decoded, for assertions about tags and
    attributes."""
    html = page if isinstance(page, str) else page.get_data(as_text=True)
    if markup:
        return unescape(html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
