# The two commands of CONTRACT.md: `make run` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install lint format migrate seed checks audit clean help

help:
	@echo "make run    - install, migrate, load demo data, serve web + worker + beat on http://$(HOST):$(PORT)"
	@echo "make test   - install and run the whole test suite"
	@echo "make lint   - ruff check"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# honcho, with a longer grace between its SIGTERM and SIGKILL than its built-in 5 s: a Celery worker on
# the embedded (polling) broker needs a few seconds for a warm shutdown. `--env /dev/null`: the processes
# see exactly the environment `migrate` and `seed_demo` saw, never a stray .env (that is docker compose's).
run: export HONCHO := import sys, honcho.manager, honcho.command; honcho.manager.KILL_WAIT = 20; sys.argv[0] = "honcho"; honcho.command.main()

# Local development: debug on unless the environment says otherwise.
run: export DJANGO_DEBUG ?= 1
run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo "Intimacy Ops on http://$(HOST):$(PORT)/ (demo users: see README; password intimacy-demo). Ctrl-C stops everything."
	HOST=$(HOST) WEB_PORT=$(PORT) $(BIN)/python -c "$$HONCHO" --env /dev/null --procfile Procfile.dev start

# The suite runs in one process per core (pytest-xdist; each worker has its own test database, var/ folder and
# Redis database: tests/settings.py). `make test TEST_WORKERS=0` runs it in this one process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install
	$(BIN)/python manage.py migrate --no-input

checks: install
	$(BIN)/python manage.py run_checks

# Known vulnerabilities in the installed set (pip-audit); says loudly when no vulnerability service answers.
audit: install
	$(BIN)/python .ci/audit_dependencies.py

clean:
	rm -rf var/test var/staticfiles .pytest_cache .ruff_cache
