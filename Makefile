# The README's two commands are `make run` and `make test`; CI (.ci/run) calls `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TEST_SETTINGS := config.settings.test

.PHONY: run setup test lint format typecheck migrations-check services system-deps-run system-deps-test clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

## First command: set up, migrate, load the fictional demo data and serve on 127.0.0.1:8000.
run: setup system-deps-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	$(PY) manage.py runserver 127.0.0.1:8000

## Second command: set up and run the whole test suite (lint, import contracts, migrations
## check, type check, pytest).
## pytest on one process per core (at most four, each with its own test database), then on one
## process the tests that drive Chromium or start Celery workers on Redis (timing and a shared
## Redis database: they run alone).
test: setup system-deps-test services lint migrations-check typecheck
	$(VENV)/bin/pytest --numprocesses=auto --maxprocesses=4 --ignore=tests/browser --ignore=tests/integration
	$(VENV)/bin/pytest tests/browser tests/integration

## Debian packages: WeasyPrint's libraries for the PDF summaries; Chromium for the browser tests.
system-deps-run:
	bash scripts/ensure-system-deps.sh pdf

system-deps-test:
	bash scripts/ensure-system-deps.sh pdf browser

services:
	bash scripts/ensure-services.sh

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck:
	$(VENV)/bin/mypy apps/pathways

migrations-check:
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache .mypy_cache
