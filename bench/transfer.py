"""First-visit transfer of a page (issue 21 §4): the bytes sent for the document and for every static
file it loads (stylesheets, scripts, the icon, and the modules and url()s those name), fetched as a
browser with an empty cache does, with `Accept-Encoding: gzip`. Headers are not counted.

    python -m bench.transfer http://127.0.0.1:5000/      (a running portal, for example `make run`)
"""

from __future__ import annotations

import gzip
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from urllib.parse import urljoin, urlsplit

# Static files a page or asset names: href/src in HTML, url() in CSS, relative module imports in JS.
_REFERENCE = re.compile(
    r"""(?:href|src)="(/static/[^"]+)"|url\(\s*['"]?(/static/[^'")\s]+)|"""
    r"""(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}/[^"']+)["']"""
)
Fetch = Callable[[str], tuple[int, Mapping[str, str], bytes]]


def first_visit(fetch: Fetch, path: str = "/") -> dict[str, int]:
    """Bytes sent per URL for `path` and what it loads; `fetch(url)` gives (status, headers, body as sent)."""
    sizes: dict[str, int] = {}
    queue = [path]
    while queue:
        url = queue.pop(0)
        if url in sizes:
            continue
        status, headers, raw = fetch(url)
        if status != 200:
            continue
        sizes[url] = len(raw)
        body = gzip.decompress(raw) if headers.get("Content-Encoding") == "gzip" else raw
        for match in _REFERENCE.finditer(body.decode("utf-8", errors="replace")):
            absolute, in_css, relative = match.groups()
            queue.append(absolute or in_css or urlsplit(urljoin(url, relative)).path)
    return sizes


def _http_fetch(base: str) -> Fetch:
    def fetch(url: str):
        req = urllib.request.Request(urljoin(base, url), headers={"Accept-Encoding": "gzip"})
        try:
            with urllib.request.urlopen(req) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, b""

    return fetch


def main(argv: list[str]) -> None:
    base = argv[0] if argv else "http://127.0.0.1:5000/"
    sizes = first_visit(_http_fetch(base), urlsplit(base).path or "/")
    for url, size in sizes.items():
        print(f"{size:>9,}  {url}")
    print(f"{sum(sizes.values()):>9,}  in all ({len(sizes)} requests)")


if __name__ == "__main__":
    main(sys.argv[1:])
