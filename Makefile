# Two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export CAIRN_DATA_DIR ?= $(CURDIR)/data

.PHONY: run test test-postgres bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	scripts/ensure-chromium.sh
	scripts/ensure-render-tools.sh

## Set up, migrate the SQLite database in ./data, load demo data, create the first admin, serve on :8000.
run: install
	$(BIN)/cairn db upgrade
	$(BIN)/cairn demo --if-empty
	$(BIN)/cairn user ensure-admin
	$(BIN)/cairn serve

## Set up and run the test suite on SQLite.
test: install-test
	$(BIN)/python -m pytest

## The same suite on a throw-away PostgreSQL server on loopback.
test-postgres: install-test
	scripts/with-postgres.sh $(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/cli_startup.py
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) data .pytest_cache .hypothesis
