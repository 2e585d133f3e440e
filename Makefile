# One-command set-up: `make run` serves, `make test` tests. Both create the
# project's virtual environment (.venv) on first use and refresh it when
# pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 5000
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean-db install web browser production

# Web pages: npm packages (package-lock.json) and the esbuild bundle in
# api/web/static/dist (git-ignored), rebuilt when a source file changes.
WEB_SRC   := $(wildcard api/web/assets/*.js api/web/assets/*.jsx api/web/assets/*.css api/web/assets/*.json)
WEB_DIST  := api/web/static/dist/.built
NODE_STAMP := node_modules/.installed

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else "needs Python 3.11 or 3.12 (set PYTHON=...)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

$(WEB_DIST): $(NODE_STAMP) $(WEB_SRC) api/web/build.mjs
	node api/web/build.mjs
	touch $(WEB_DIST)

web: $(WEB_DIST)

# Browser tests drive Debian's Chromium (never a downloaded browser build);
# Noto CJK renders the Chinese pages in screenshots.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; fi

run: $(STAMP) $(WEB_DIST)
	PORT=$(PORT) $(PY) -m api serve

# Several worker processes on one DATABASE_URL (README, "Production"): gunicorn, WORKERS=4 by default.
production: $(STAMP) $(WEB_DIST)
	PYTHON=$(PY) scripts/serve-production

lint: $(STAMP)
	$(PY) -m ruff check .

test: $(STAMP) $(WEB_DIST) browser
	$(PY) -m ruff check .
	scripts/pg-test-server $(PY) -m pytest

bench: $(STAMP)
	scripts/pg-test-server $(PY) -m bench

clean-db:
	rm -rf var/
