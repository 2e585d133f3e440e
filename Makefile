# One-command set-up: `make run` serves, `make test` tests. Both create the
# project's virtual environment (.venv) on first use and refresh it when
# pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 5000
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean-db install

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	PORT=$(PORT) $(PY) -m api serve

lint: $(STAMP)
	$(PY) -m ruff check .

test: $(STAMP)
	$(PY) -m ruff check .
	scripts/pg-test-server $(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

clean-db:
	rm -rf var/
