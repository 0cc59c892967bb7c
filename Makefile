# Two commands: `make run` serves the app, `make test` runs the suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test faults lint typecheck migrations-check check clients bench bench-quick bench-compare format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed  ## serve on :8080 with an embedded PostgreSQL under ./.data
	exec $(BIN)/python main.py

# Two workers (one database each, on one server) and the slowest tests listed at the end.
PYTEST_WORKERS ?= 2
test: $(VENV)/.installed-dev  ## the whole suite (embedded PostgreSQL unless TEST_DATABASE_URL)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --durations=15 $(PYTEST_ARGS)

faults: $(VENV)/.installed-dev  ## the fault suite: its own PostgreSQL and Redis, stopped and frozen under load
	$(BIN)/pytest -p no:xdist -m faults tests/faults $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev  ## ruff, and the layers modules may import (.importlinter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

migrations-check: $(VENV)/.installed-dev  ## models and migrations agree
	$(BIN)/alembic upgrade head
	$(BIN)/alembic check

check: lint typecheck migrations-check

# Not committed (.gitignore): regenerate after pulling. The TypeScript part needs node and npm.
CLIENTS ?= clients
clients: $(VENV)/.installed-dev  ## a Python client and TypeScript types from the document, into ./clients
	$(BIN)/python -m tests.contract.run_clients --into $(CLIENTS)

bench: $(VENV)/.installed-dev  ## load benchmark against the floor app (see bench/README.md)
	$(BIN)/python -m bench

bench-quick: $(VENV)/.installed-dev  ## one round per scenario on 2,000 videos, to check a change
	$(BIN)/python -m bench --quick

bench-compare: $(VENV)/.installed-dev  ## previous run vs latest, or OLD=a.json NEW=b.json
	$(BIN)/python -m bench.compare $(OLD) $(NEW)

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
