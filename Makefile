# Emploi Montagne — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/uv/bin/uv)
PORT ?= 8000
HOST ?= 127.0.0.1
T ?= tests
PYTEST_ARGS ?=
export LITESTAR_APP := app.main:create_app
export PYTHONPATH := $(CURDIR)

RUN := $(UV) run --frozen

.PHONY: help install preflight migrate seed demo run reindex worker browser test lint format bench bench-accounts clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(TOOLS)/uv/bin/uv:
	@echo "Installing uv $(UV_VERSION) into $(TOOLS)/uv …"
	@python3 -m venv $(TOOLS)/uv
	@$(TOOLS)/uv/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(UV) ## Install the Python dependencies (uv.lock) and the pinned Meilisearch binary
	@$(UV) sync --frozen --quiet
	@$(RUN) python scripts/install_meilisearch.py > /dev/null

preflight: install ## Check that PostgreSQL and Redis answer; create the database if missing
	@$(RUN) python scripts/preflight.py --create-db

migrate: preflight ## Apply the database migrations
	@$(RUN) piccolo migrations forwards all > /dev/null
	@echo "migrations applied"

seed: migrate ## Load the reference data (places, ROME trades)
	@$(RUN) litestar seed reference

demo: seed ## Load the demo catalogue
	@$(RUN) litestar seed demo

run: demo ## Install everything; serve site, API, worker and search on http://$(HOST):$(PORT)
	@PORT=$(PORT) HOST=$(HOST) $(RUN) python scripts/serve.py

reindex: install ## Rebuild the search indexes from the database (Meilisearch must run)
	@$(RUN) litestar search reindex

worker: install ## Run the arq worker alone
	@$(RUN) arq workers.settings.WorkerSettings

browser: ## Install Debian's chromium for the browser tests (apt-get, when missing)
	@scripts/install_chromium.sh

test: preflight browser ## Install everything and run the test suite (T=path to narrow it)
	@$(RUN) pytest $(T) $(PYTEST_ARGS)

lint: install ## ruff, mypy and the import contracts (layers one way: pyproject.toml)
	@$(RUN) ruff check .
	@$(RUN) ruff format --check .
	@$(RUN) mypy .
	@$(RUN) lint-imports

format: install ## Format the code
	@$(RUN) ruff format .
	@$(RUN) ruff check --fix .

bench: install preflight ## Figures and ratios of search, indexing, alerts, expiry (BENCH_ARGS=--quick)
	@$(RUN) python -m bench.run $(BENCH_ARGS)

bench-accounts: install preflight ## Median time of each account-form branch, side by side
	@$(RUN) python -m bench.accounts_timing $(BENCH_ARGS)

clean: ## Remove local tools, virtualenv and captured data
	rm -rf $(TOOLS) .venv var .pytest_cache .mypy_cache .ruff_cache
