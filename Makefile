# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.installed-dev-stamp
HOST ?=
PORT ?=

# Test processes for `make test` (pytest-xdist); 0 runs everything in this process.
PYTEST_WORKERS ?= 2

.PHONY: run test test-fast install install-dev migrate lint typecheck format bench browser clean lock

run: migrate ## Set everything up and start the service on http://127.0.0.1:8000
	$(BIN)/sunsupport serve $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

test: install-dev browser ## Install what the tests need and run the whole suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test-fast: install-dev ## The edit loop: lint, types, and the in-process tests on SQLite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest tests/unit tests/bot tests/api -m "not postgres" -q

install: $(STAMP)
install-dev: $(DEV_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list or the lock changes: a second `make run` is quick.
# Every version comes from constraints.txt, so a fresh install is the same everywhere.
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(DEV_STAMP)

migrate: install
	$(BIN)/sunsupport migrate

browser: ## Debian's Chromium and the pinned axe-core for the browser tests
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-axe.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev ## mypy over src/ (settings in pyproject.toml)
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

POSTGRES_BENCH_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test

bench: install-dev ## Benchmarks: HTTP ratios, the seed (also in alternated rounds), floods (SQLite, PostgreSQL 1 and 2 workers), statements, the bot, history cost
	$(BIN)/python bench/compare.py
	$(BIN)/python bench/compare.py --database-url $(POSTGRES_BENCH_URL) --workers 1,2 --no-floods --no-bare --no-seed
	$(BIN)/python bench/seed_rounds.py
	$(BIN)/python bench/statements.py
	$(BIN)/python bench/statements.py --database-url $(POSTGRES_BENCH_URL)
	$(BIN)/python bench/bot.py
	$(BIN)/python bench/history.py

lock: install-dev ## Re-pin every dependency after changing pyproject.toml
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
