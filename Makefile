# One-command set-up: `make run` serves, `make test` tests. Both create the
# project's virtual environment (.venv) on first use and refresh it when the
# lock file changes: exactly the versions of requirements-dev.lock (hashes
# checked), then the project itself without dependencies. `make lock`
# regenerates the lock files from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 5000
# pytest-xdist workers for make test (one per core; TEST_WORKERS=0 runs in one process).
TEST_WORKERS ?= auto
STAMP  := $(VENV)/.installed
FLASK  := $(VENV)/bin/flask --app api
LOCK     := requirements.lock
DEV_LOCK := requirements-dev.lock
UV_VERSION := 0.13.8

.PHONY: run test lint bench clean-db install web browser lock production

# Web pages: npm packages (package-lock.json) and the esbuild bundle in
# api/web/static/dist (git-ignored), rebuilt when a source file changes.
WEB_SRC   := $(wildcard api/web/assets/*.js api/web/assets/*.jsx api/web/assets/*.css api/web/assets/*.json) engine/forms/form_subset.json
WEB_DIST  := api/web/static/dist/.built
NODE_STAMP := node_modules/.installed

$(STAMP): pyproject.toml $(DEV_LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else "needs Python 3.11 or 3.12 (set PYTHON=...)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@$(PY) -m pip check >/dev/null || { $(PY) -m pip check; echo "$(DEV_LOCK) does not satisfy pyproject.toml: run make lock"; exit 1; }
	touch $(STAMP)

# The lock files, resolved for every platform and Python 3.11/3.12 with uv (from PyPI):
# requirements.lock for a production install, requirements-dev.lock (the same versions
# plus the test tools) for make run/test. Versions already locked are kept unless
# UPGRADE=1; a dependency added to pyproject.toml is resolved and added.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade) -o $(LOCK)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes \
	  --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade) -c $(LOCK) -o $(DEV_LOCK)

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

# The demo: schema upgraded, demo users and the procedures of processes/ loaded, then the server.
run: $(STAMP) $(WEB_DIST)
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) deploy-processes
	PORT=$(PORT) $(FLASK) serve

# Several worker processes on one DATABASE_URL (README, "Production"): gunicorn, WORKERS=4 by default.
production: $(STAMP) $(WEB_DIST)
	PYTHON=$(PY) scripts/serve-production

lint: $(STAMP)
	$(PY) -m ruff check .

test: $(STAMP) $(WEB_DIST) browser
	$(PY) -m ruff check .
	scripts/pg-test-server $(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope

# rows 9 and 10 at the performance issue's sizes; `python -m bench` alone defaults to 10,000 cases, quicker
bench: $(STAMP)
	PG_TEST_DURABLE=1 scripts/pg-test-server $(PY) -m bench --scale 100000 --curve-sizes 25000,50000,100000

clean-db:
	rm -rf var/
