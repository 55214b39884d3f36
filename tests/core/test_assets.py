"""Assets and transfer (issue 21 §4, app/assets.py): hashed static URLs with a year-long immutable cache,
304s, gzip for static files and pages, no Vary: Cookie on static files, a meta description on every
public page, and the home page's first visit under 100 KB."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from app import assets, create_app
from bench.transfer import first_visit
from config import TestConfig
from tests.factories import events as eh
from tests.factories.groups import organisation

HASHED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.[a-z]+$")
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def _home_assets(client) -> list[str]:
    urls = _static_urls(client.get("/").get_data(as_text=True))
    assert len(urls) >= 5  # icon, two stylesheets, two scripts
    return urls


def test_pages_name_static_files_by_content_hash(client, db):
    for url in _home_assets(client):
        assert HASHED.match(url), url
    toolkit_page = client.get("/toolkits").get_data(as_text=True)
    assert any(HASHED.match(url) and "/toolkits." in url for url in _static_urls(toolkit_page))


def test_module_imports_point_at_hashed_files(client, db, app):
    app_js = next(url for url in _home_assets(client) if "/app." in url and url.endswith(".js"))
    imported = re.findall(r'from "(\./[^"]+)"', client.get(app_js).get_data(as_text=True))
    assert imported and all(re.search(r"\.[0-9a-f]{12}\.js$", path) for path in imported)
    assert client.get("/static/" + imported[0].removeprefix("./")).status_code == 200


def test_hashed_files_are_cached_for_a_year_without_vary_cookie(client, db):
    client.get("/")  # the browser has a session cookie by now
    for url in _home_assets(client):
        response = client.get(url)
        assert response.status_code == 200, url
        cache = response.headers["Cache-Control"]
        assert "public" in cache and "max-age=31536000" in cache and "immutable" in cache
        assert "Cookie" not in response.headers.get("Vary", "")
        assert "Set-Cookie" not in response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_plain_names_still_work_with_a_short_cache(client, db):
    hashed = next(url for url in _home_assets(client) if "/app." in url and url.endswith(".css"))
    plain = client.get("/static/app.css")
    assert plain.status_code == 200 and plain.data == client.get(hashed).data
    assert plain.headers["Cache-Control"] == f"public, max-age={assets.UNHASHED_MAX_AGE}"
    assert client.get("/static/no-such-file.css").status_code == 404
    older = client.get("/static/app.0123456789ab.css")  # named by a page from before a release
    assert older.status_code == 200 and older.data == plain.data and "immutable" not in older.headers["Cache-Control"]


def test_unchanged_files_answer_304(client, db):
    for headers in ({}, GZIP):
        url = _home_assets(client)[1]
        first = client.get(url, headers=headers)
        again = client.get(url, headers={**headers, "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
    assert client.head(url).status_code == 200


def test_static_files_are_gzipped_when_accepted(client, db):
    css = next(url for url in _home_assets(client) if "govuk-frontend" in url and url.endswith(".css"))
    plain, packed = client.get(css), client.get(css, headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data) / 4
    assert packed.headers["ETag"] != plain.headers["ETag"]


def test_pages_and_json_are_gzipped_when_accepted(client, db):
    for name in ("Riverside Food Bank", "Hillside Youth Club", "Northfield Carers"):
        organisation(name)
    db.session.commit()
    page = client.get("/groups", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    assert "Riverside Food Bank" in gzip.decompress(page.data).decode()
    assert "Content-Encoding" not in client.get("/groups").headers
    api = client.get("/api/hsds/organizations", headers=GZIP)
    assert api.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(api.data))


def test_small_responses_are_not_compressed(client, db):
    assert "Content-Encoding" not in client.get("/healthz", headers=GZIP).headers


def test_compression_can_be_left_to_the_proxy(app):
    class ProxyCompresses(TestConfig):
        COMPRESS_RESPONSES = False

    assert assets.compress in app.after_request_funcs[None]
    assert assets.compress not in create_app(ProxyCompresses).after_request_funcs[None]


def test_home_page_first_visit_is_under_100_kb(client, db):
    def fetch(url):
        response = client.get(url, headers=GZIP)
        return response.status_code, response.headers, response.data

    sizes = first_visit(fetch, "/")
    assert any("govuk-frontend.min." in url and url.endswith(".js") for url in sizes)  # app.js's import
    assert len(sizes) >= 7
    assert sum(sizes.values()) < 100_000, sizes


@pytest.fixture
def public_pages(db):
    org = organisation("Riverside Food Bank")
    event = eh.event(title="Spring network meeting")
    db.session.commit()
    return {
        "/": None,
        "/groups": None,
        f"/groups/{org.slug}": "Riverside Food Bank",
        "/events": None,
        f"/events/{event.slug}": "Spring network meeting",
        "/toolkits": None,
        "/action-plans": None,
        "/bulletins": None,
        "/mailing-list": None,
        "/accessibility": None,
        "/privacy": None,
    }


def test_public_pages_have_their_own_meta_description(client, public_pages):
    seen = set()
    for path, names in public_pages.items():
        html = client.get(path).get_data(as_text=True)
        found = re.findall(r'<meta name="description" content="([^"]*)">', html)
        assert len(found) == 1 and len(found[0]) >= 50, path
        assert names is None or names in found[0], path
        seen.add(found[0])
    assert len(seen) == len(public_pages)  # none falls back to the default


def test_edited_and_referenced_files_get_new_names(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "REFRESH_SECONDS", 0)
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "logo.svg").write_text("<svg/>")
    (tmp_path / "site.css").write_text('a{background:url("img/logo.svg")}b{background:url(/static/img/logo.svg)}')
    manifest = assets.Manifest(str(tmp_path), "/static/", auto_refresh=True)
    logo, css = manifest.hashed_name("img/logo.svg"), manifest.hashed_name("site.css")
    rewritten = manifest.find(css)[0].body.decode()
    assert f'url("{logo}")' in rewritten and f"url(/static/{logo})" in rewritten

    (tmp_path / "img" / "logo.svg").write_text("<svg></svg>")
    assert manifest.hashed_name("img/logo.svg") != logo
    assert manifest.hashed_name("site.css") != css  # its reference changed, so its content did
