# Thresholds Assistant. `make run` and `make test` do all set-up on a new machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help setup kb run test lint validate test-unit test-integration postgres clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

setup: ## create .venv (Python 3.10) and install the pinned requirements
	@bash scripts/setup.sh

kb: setup ## validate the knowledge base and build the database (SQLite unless THRESHOLD_KB_DATABASE_URL)
	@$(PY) -m threshold_kb build

run: kb ## set up, build the knowledge base and print its summary
	@echo "Knowledge base ready. Try: $(PY) -m threshold_kb dump | head"

test: setup lint validate test-unit test-integration ## everything CI runs, in order

lint: setup ## static checks
	@$(VENV)/bin/ruff check threshold_kb tests actions bot

validate: setup ## knowledge base (fields, completeness, provenance) and Rasa training data
	@$(PY) -m threshold_kb validate
	@$(VENV)/bin/rasa data validate --fail-on-warnings --quiet

test-unit: setup ## the pure domain core, in memory
	@$(PY) -m pytest -q tests/unit

test-integration: setup ## SQLite and a real PostgreSQL server, provenance, CLIs
	@url=$$(bash scripts/postgres.sh | tail -n 1) && \
	  THRESHOLD_KB_TEST_POSTGRES_URL=$$url $(PY) -m pytest -q tests/integration

postgres: ## install and start the throwaway PostgreSQL used by the tests
	@bash scripts/postgres.sh

clean: ## remove built files (keeps .venv)
	rm -rf build .pytest_cache .ruff_cache
