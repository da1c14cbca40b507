# Thresholds Assistant. `make run` and `make test` do all set-up on a new machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help setup kb train run test lint validate test-unit test-integration test-actions test-stories test-e2e test-channels teams-package eval eval-nlu eval-redaction bench bench-e2e bench-e2e-cluster cluster test-cluster postgres chromium clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

setup: ## create .venv (Python 3.10) and install the pinned requirements
	@bash scripts/setup.sh

kb: setup ## validate the knowledge base and build the database (SQLite unless THRESHOLD_KB_DATABASE_URL)
	@$(PY) -m threshold_kb build

train: setup ## train the Rasa model, only if config, domain or data changed
	@bash scripts/train.sh >/dev/null

run: kb train ## set up, build the KB, train if needed, start the action server and Rasa on loopback (web page, REST with a token, Teams)
	@bash scripts/run.sh

test: setup lint validate test-unit test-integration test-actions test-channels test-stories test-e2e test-cluster ## everything CI runs, in order

lint: setup ## static checks
	@$(VENV)/bin/ruff check threshold_kb tests actions bot scripts

validate: setup ## knowledge base (fields, completeness, provenance) and Rasa training data
	@$(PY) -m threshold_kb validate
	@$(VENV)/bin/rasa data validate --fail-on-warnings --quiet

test-unit: setup ## the pure domain core, in memory
	@$(PY) -m pytest -q tests/unit

test-integration: setup ## SQLite and a real PostgreSQL server, provenance, CLIs
	@url=$$(bash scripts/postgres.sh | tail -n 1) && \
	  THRESHOLD_KB_TEST_POSTGRES_URL=$$url $(PY) -m pytest -q tests/integration

test-actions: setup ## every custom action, with SDK objects and the real domain
	@$(PY) -m pytest -q tests/actions

test-channels: setup ## the web and Teams channels; Microsoft (token issuer, keys, Bot Connector) faked on loopback
	@$(PY) -m pytest -q tests/channels

test-stories: train ## Rasa end-to-end test stories (five authorities), failing on any prediction error
	@$(VENV)/bin/rasa test core --stories tests/stories --model models/thresholds.tar.gz \
	  --fail-on-prediction-errors --e2e --out build/results/stories --no-plot --quiet

test-e2e: kb train chromium ## the running servers: REST (consultations, danger, restart, fault), the web page in Chromium, Teams on loopback
	@$(PY) -m pytest -q -m e2e tests/e2e

test-cluster: kb train ## the cluster under faults: a Rasa server killed, PostgreSQL restarted, Redis down
	@$(PY) -m pytest -q -m cluster tests/cluster

cluster: kb train ## nginx on 127.0.0.1:8080 before two Rasa servers, PostgreSQL and Redis (bash scripts/cluster.sh stop|status)
	@bash scripts/cluster.sh start

eval: setup ## the threshold engine on the labelled development set vs a BM25 baseline; writes build/results/engine/report.md
	@$(PY) -m threshold_kb.evaluation --out build/results/engine 2>/dev/null

eval-redaction: setup ## the redactor on practitioner messages with their personal data marked; writes build/results/redaction/report.md
	@$(PY) -m threshold_kb.evaluation.redaction 2>/dev/null

bench: setup ## the engine's p50/p95 time per message after warm-up (target p95 <= 50 ms)
	@$(PY) -m threshold_kb.evaluation.bench 2>/dev/null

bench-e2e: kb train ## both servers over REST beside Rasa's moodbot, 1/10/30 users, interleaved; writes build/results/bench_e2e.md
	@$(PY) scripts/bench_e2e.py

bench-e2e-cluster: kb train ## the same with the assistant as make cluster runs it; writes build/results/bench_e2e_cluster.md
	@$(PY) scripts/bench_e2e.py --cluster --out build/results/bench_e2e_cluster.md

eval-nlu: setup ## NLU: 5-fold cross-validation, and the held-out set (tests/nlu/heldout.yml) with and without spaCy; writes build/results/nlu/summary.md
	@bash scripts/eval_nlu.sh

teams-package: setup ## the Teams app package build/teams/thresholds-assistant.zip (needs MICROSOFT_APP_ID)
	@$(PY) scripts/teams_package.py

chromium: ## install Debian's chromium for the browser tests (Playwright drives it)
	@bash scripts/chromium.sh >/dev/null

postgres: ## install and start the throwaway PostgreSQL used by the tests
	@bash scripts/postgres.sh

clean: ## remove built files (keeps .venv)
	rm -rf build .pytest_cache .ruff_cache
