"""Static files under content-hashed names, and gzip for text responses (issue 21 §4).

At start every file under static/ is read once into memory. `url_for("static", filename=...)` then
builds `/static/<name>.<hash>.<ext>`, served with a year-long immutable cache: a changed file gets a new
name, so browsers never need to ask again. CSS and JavaScript that name other static files (a `url()`,
a module `import`) are rewritten to those files' hashed names before their own hash is taken, so
changing an imported file changes its importer's name too. The plain names keep working with a short
cache, for pages or bookmarks made before a change.

Static files are answered by WSGI middleware in front of Flask: no session, no database and so no
`Vary: Cookie`. Their gzip copies are made once, at start; HTML, JSON and the like are compressed per
response (`compress`). The choice and its reasons are in docs/decisions.md.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import posixpath
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, request
from werkzeug.wrappers import Request, Response

from app.security import CSP

HASH_LENGTH = 12
IMMUTABLE_MAX_AGE = 365 * 24 * 3600
UNHASHED_MAX_AGE = 300  # plain names: a short cache, so a change reaches old links within minutes
REFRESH_SECONDS = 1.0  # development: how often to look for edited files
COMPRESSIBLE = frozenset(
    {"text/html", "text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml"}
)
MIN_COMPRESS_BYTES = 512  # below this gzip's own header outweighs the saving

# References to other static files: CSS url(...), and a JavaScript module's import specifiers.
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")
_JS_IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])([^"']+)\2""")
_OLD_HASH = re.compile(rf"^(.+)\.[0-9a-f]{{{HASH_LENGTH}}}(\.[^./]+)?$")  # app.0123456789ab.css: app.css


@dataclass(frozen=True)
class Asset:
    name: str  # path under static/, as templates name it
    hashed: str  # the same path with the content hash before the extension
    body: bytes
    gzipped: bytes | None  # None when not worth compressing
    mimetype: str
    digest: str


class Manifest:
    """Every static file by plain and by hashed name, rebuilt (in development) when a file changes."""

    def __init__(self, folder: str, url_prefix: str, auto_refresh: bool) -> None:
        self.folder = folder
        self.url_prefix = url_prefix
        self.auto_refresh = auto_refresh
        self._checked = 0.0
        self._tables = _build(folder, url_prefix, _signature(folder))  # (by name, by hashed name), swapped whole

    def _refresh(self) -> None:
        now = time.monotonic()
        if self.auto_refresh and now - self._checked >= REFRESH_SECONDS:
            self._checked = now
            self._tables = _build(self.folder, self.url_prefix, _signature(self.folder))

    def hashed_name(self, name: str) -> str:
        self._refresh()
        asset = self._tables[0].get(name)
        return asset.hashed if asset else name

    def find(self, name: str) -> tuple[Asset, bool] | None:
        """The asset a request path names, and whether it was named by its current hash. A name with an
        older hash (a page rendered before a release, by a worker not yet restarted) gets today's file."""
        self._refresh()
        by_name, by_hashed = self._tables
        if name in by_hashed:
            return by_hashed[name], True
        asset = by_name.get(name) or by_name.get(_OLD_HASH.sub(r"\1\2", name))
        return (asset, False) if asset else None


def _signature(folder: str) -> tuple[tuple[str, int, int], ...]:
    """Each file's path, modification time and size: a new signature means a rebuild."""
    found = []
    for root, _dirs, files in os.walk(folder):
        for filename in files:
            stat = os.stat(os.path.join(root, filename))
            found.append((os.path.relpath(os.path.join(root, filename), folder), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(found))


@lru_cache(maxsize=4)
def _build(folder: str, url_prefix: str, signature: tuple) -> tuple[dict[str, Asset], dict[str, Asset]]:
    names = [path.replace(os.sep, "/") for path, _mtime, _size in signature]
    sources = {}
    for name in names:
        with open(os.path.join(folder, name), "rb") as handle:
            sources[name] = handle.read()
    built: dict[str, Asset] = {}
    for name in names:
        _build_one(name, sources, built, url_prefix, visiting=set())
    return built, {asset.hashed: asset for asset in built.values()}


def _build_one(name: str, sources: dict[str, bytes], built: dict[str, Asset], url_prefix: str, visiting: set) -> Asset:
    if name in built:
        return built[name]
    visiting.add(name)
    body = sources[name]
    if name.endswith((".css", ".js")):
        body = _rewrite(name, body, sources, built, url_prefix, visiting)
    digest = hashlib.sha256(body).hexdigest()[:HASH_LENGTH]
    stem, dot, extension = name.rpartition(".")
    hashed = f"{stem}.{digest}.{extension}" if dot and "/" not in extension else f"{name}.{digest}"
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    gzipped = None
    if mimetype in COMPRESSIBLE and len(body) >= MIN_COMPRESS_BYTES:
        gzipped = gzip.compress(body, compresslevel=9, mtime=0)
    built[name] = Asset(name, hashed, body, gzipped, mimetype, digest)
    visiting.discard(name)
    return built[name]


def _rewrite(name: str, body: bytes, sources, built, url_prefix: str, visiting: set) -> bytes:
    """`body` with each reference to another static file pointing at that file's hashed name."""
    text = body.decode("utf-8-sig" if name.endswith(".css") else "utf-8")
    here = posixpath.dirname(name)

    def hashed_reference(reference: str) -> str:
        if reference.startswith(url_prefix):
            target = reference[len(url_prefix) :]
        elif reference.startswith(("./", "../")) or (name.endswith(".css") and ":" not in reference):
            target = posixpath.normpath(posixpath.join(here, reference))
        else:
            return reference
        if target not in sources or target in visiting:
            return reference
        new_base = posixpath.basename(_build_one(target, sources, built, url_prefix, visiting).hashed)
        return reference[: len(reference) - len(posixpath.basename(reference))] + new_base

    original = text
    if name.endswith(".css"):
        text = _CSS_URL.sub(lambda m: f"url({m[1]}{hashed_reference(m[2])}{m[1]})", text)
    else:
        text = _JS_IMPORT.sub(lambda m: f"{m[1]}{m[2]}{hashed_reference(m[3])}{m[2]}", text)
    return body if text == original else text.encode("utf-8")


class StaticFiles:
    """WSGI middleware answering GET and HEAD for known static files; anything else goes to Flask."""

    def __init__(self, wsgi_app, manifest: Manifest) -> None:
        self.wsgi_app = wsgi_app
        self.manifest = manifest

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        prefix = self.manifest.url_prefix
        found = None
        if path.startswith(prefix) and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            found = self.manifest.find(path[len(prefix) :])
        if found is None:
            return self.wsgi_app(environ, start_response)
        return self.respond(Request(environ), *found)(environ, start_response)

    @staticmethod
    def respond(req: Request, asset: Asset, by_hash: bool) -> Response:
        use_gzip = asset.gzipped is not None and req.accept_encodings["gzip"] > 0
        response = Response(asset.gzipped if use_gzip else asset.body, mimetype=asset.mimetype)
        if asset.gzipped is not None:
            response.vary.add("Accept-Encoding")
        if use_gzip:
            response.content_encoding = "gzip"
        response.set_etag(asset.digest + ("-gzip" if use_gzip else ""))
        response.cache_control.public = True
        response.cache_control.max_age = IMMUTABLE_MAX_AGE if by_hash else UNHASHED_MAX_AGE
        response.cache_control.immutable = by_hash
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = CSP  # an SVG opened on its own runs no script
        return response.make_conditional(req)


def compress(response: Response) -> Response:
    """after_request: gzip a text response when the browser accepts it."""
    if (
        response.mimetype not in COMPRESSIBLE
        or response.direct_passthrough
        or response.is_streamed
        or response.status_code in (204, 206, 304)
        or "Content-Encoding" in response.headers
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return response
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] > 0:
        response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
        response.content_encoding = "gzip"
    return response


def init_app(app: Flask) -> None:
    """Serve static files by hashed name, build their URLs, and compress text responses."""
    manifest = Manifest(app.static_folder, app.static_url_path + "/", app.config["ASSETS_AUTO_REFRESH"])
    app.extensions["assets"] = manifest
    app.wsgi_app = StaticFiles(app.wsgi_app, manifest)

    @app.url_defaults
    def _hashed_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = manifest.hashed_name(values["filename"])

    if app.config["COMPRESS_RESPONSES"]:
        app.after_request(compress)
