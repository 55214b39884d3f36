#!/usr/bin/env bash
# Serves the portal on http://127.0.0.1:5000 with the mail worker beside it; Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export FLASK_APP=wsgi.py
"$BIN/flask" worker &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo
"$BIN/flask" seed-demo --logins-only
echo
echo "Open http://127.0.0.1:5000 (mail is kept on the staff Sent mail page: http://127.0.0.1:5000/staff/mail;"
echo "sign-in and reset links are hidden there: read them with  PORTAL_ENV=development .venv/bin/flask captured-mail)"
"$BIN/flask" run --host 127.0.0.1 --port "${PORT:-5000}"
