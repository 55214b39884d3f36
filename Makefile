# The README names two commands: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export FLASK_APP := wsgi.py
# The configuration must be named (config.select_config fails closed); these targets are development.
export PORTAL_ENV ?= development
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: translations run test test-sqlite test-postgres lint format install install-dev browser bench audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.app-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.app-installed

install: $(VENV)/.app-installed
install-dev: $(VENV)/.dev-installed

# Debian's Chromium for the browser tests (Playwright never downloads a browser here), and Debian's
# Noto fonts (fonts-noto-core: Bengali, Nastaliq Urdu, Naskh Arabic), so pages in the members' languages
# are drawn with real letters in the tests' screenshots (issue 22), not empty boxes.
BROWSER_PACKAGES := chromium fonts-liberation fonts-noto-core
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-core >/dev/null 2>&1; then \
	  echo "Installing Debian packages for the browser tests: $(BROWSER_PACKAGES)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	fi

# Translations (docs/translating.md): extract every marked string into messages.pot, merge it into
# each language's catalogue (new strings arrive untranslated, changed ones fuzzy), compile them.
TRANSLATIONS := app/translations
translations: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l --ignore-dirs=".* __pycache__ node_modules" --no-wrap --sort-by-file \
	  --project "Community Network Portal" --copyright-holder "the Community Network Portal contributors" -o $(TRANSLATIONS)/messages.pot .
	for lang in bn so ur; do \
	  if [ -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel -q update --no-wrap -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
	  else \
	    $(BIN)/pybabel -q init --no-wrap -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$lang; \
	  fi; \
	done
	$(BIN)/pybabel -q compile --use-fuzzy -d $(TRANSLATIONS)

# Installs, migrates the embedded SQLite database, loads demo data when it is empty, and
# serves on http://127.0.0.1:5000 with the mail worker beside it.
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	./scripts/run-dev.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_complexity.py

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-sqlite: install-dev browser
	$(BIN)/pytest

# PostgreSQL: required when CI=true; otherwise run when it answers on 127.0.0.1:5432.
test-postgres: install-dev browser
	@if $(BIN)/python scripts/pg_ready.py "$(PG_TEST_URL)"; then \
	  echo "== PostgreSQL run ($(PG_TEST_URL))"; \
	  TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest; \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "PostgreSQL is required in CI but does not answer at $(PG_TEST_URL)" >&2; exit 1; \
	else \
	  echo "== PostgreSQL is not answering at $(PG_TEST_URL): PostgreSQL run skipped (it is required when CI=true)"; \
	fi

test: lint
	@echo "== SQLite run"
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# Benchmarks (docs/performance.md). BENCH_ARGS=--quick for a short run; SOAK=600 adds a soak test.
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench $(BENCH_ARGS) $(if $(SOAK),--soak $(SOAK))
	$(BIN)/python -m bench.spreadsheets

# Lighthouse on eight key pages (docs/performance.md): npm's lighthouse, pinned in package.json and
# package-lock.json, installed into ./node_modules; Debian's Chromium (`make browser`).
node_modules/.bin/lighthouse: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

audit: install-dev browser node_modules/.bin/lighthouse
	CHROME_PATH=/usr/bin/chromium $(BIN)/python -m bench.audit $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) instance/portal.db* .pytest_cache .ruff_cache node_modules
