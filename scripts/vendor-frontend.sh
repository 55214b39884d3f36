#!/usr/bin/env bash
# Rebuilds static/vendor/ from the npm registry at the versions pinned below.
# The output is committed, so neither `make run` nor `make test` needs npm; run this
# only to upgrade. GOV.UK Frontend is compiled from its Sass with a system font stack,
# because the GDS Transport typeface may only be used on GOV.UK (see docs/decisions.md).
set -euo pipefail
GOVUK_FRONTEND=6.3.0   # the version govuk-frontend-jinja 4.1.0 targets
HTMX=2.0.11
SASS=1.108.2
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "govuk-frontend@$GOVUK_FRONTEND" "htmx.org@$HTMX" >/dev/null
mkdir gf hx
tar xzf "govuk-frontend-$GOVUK_FRONTEND.tgz" -C gf
tar xzf "htmx.org-$HTMX.tgz" -C hx
npm install --silent --no-save --no-audit --no-fund "sass@$SASS" >/dev/null

cat > portal.scss <<'SCSS'
$govuk-font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Noto Sans Bengali", sans-serif;
$govuk-include-default-font-face: false;
$govuk-assets-path: "/static/vendor/govuk-frontend/assets/";
@import "gf/package/dist/govuk/index";
SCSS
rm -rf "$out/govuk-frontend" "$out/htmx"
mkdir -p "$out/govuk-frontend" "$out/htmx"
npx sass --no-source-map --style=compressed --quiet-deps --silence-deprecation=import \
  portal.scss "$out/govuk-frontend/govuk-frontend.min.css"
cp gf/package/dist/govuk/govuk-frontend.min.js "$out/govuk-frontend/"
# No GOV.UK images: the crown, crest and favicons belong to GOV.UK only. The portal ships its own icon.
cp gf/package/LICENSE* "$out/govuk-frontend/" 2>/dev/null || true
cp hx/package/dist/htmx.min.js "$out/htmx/"
cp hx/package/LICENSE "$out/htmx/" 2>/dev/null || true

{
  echo "# name version sha256-of-npm-tarball (files below are built from these)"
  echo "govuk-frontend $GOVUK_FRONTEND $(sha256sum "govuk-frontend-$GOVUK_FRONTEND.tgz" | cut -d' ' -f1)"
  echo "htmx.org $HTMX $(sha256sum "htmx.org-$HTMX.tgz" | cut -d' ' -f1)"
  echo "sass $SASS (build tool only)"
  echo "# sha256 of each vendored file"
  (cd "$out" && find govuk-frontend htmx -type f | sort | xargs sha256sum)
} > "$out/VERSIONS"
echo "vendored into $out"
