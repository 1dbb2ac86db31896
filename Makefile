# Everything a newcomer needs: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 3978
export SPRED_DATA ?= ./data

.PHONY: run test lint bench bench-instances teams-package install install-dev install-bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp files re-install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-dev

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-bench: $(VENV)/.installed-bench

run: install
	$(BIN)/spred load-demo --if-empty
	$(BIN)/spred serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

bench: install-bench
	$(BIN)/python -m benchmarks

# Only the several-instances and PostgreSQL measurements (issue 15; part of `make bench`),
# about 6 minutes; needs PostgreSQL (SPRED_TEST_DATABASE_URL, else 127.0.0.1:5432/test).
bench-instances: install-bench
	$(BIN)/python -m benchmarks instances store-postgres

# The zip a Teams admin uploads; needs MICROSOFT_APP_ID and SPRED_PUBLIC_URL.
teams-package: install
	$(BIN)/python -m adapters.teams.package dist/spred-teams.zip

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache dist
