# The two commands: `make run` serves the API on :3000; `make test` runs every check.
# Both set up everything they need (virtualenv, dependencies, an embedded PostgreSQL).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck docker-check unit bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev: pyproject.toml $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

run: $(VENV)/.runtime
	$(BIN)/crm up

lint: $(VENV)/.dev
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations

typecheck: $(VENV)/.dev
	$(BIN)/mypy

docker-check: $(VENV)/.dev
	scripts/check-docker.sh

test: lint typecheck docker-check
	$(BIN)/pytest

unit: $(VENV)/.dev
	$(BIN)/pytest tests/unit

bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
