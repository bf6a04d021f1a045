# Shortcuts for people who have make. Everything also works without it: see README.md.
PYTHON ?= python3
VENV_BIN := .venv/bin

.PHONY: run test lint format seed ci

run:  ## web server + Celery worker with the demo data on http://127.0.0.1:8000
	$(PYTHON) scripts/dev.py run

test:  ## the whole test suite; make test ARGS="-x tests/test_smoke.py"
	$(PYTHON) scripts/dev.py test $(ARGS)

lint:  ## ruff lint and format check
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .

format:  ## fix what ruff can fix, then format
	$(VENV_BIN)/ruff check --fix .
	$(VENV_BIN)/ruff format .

seed:  ## (re)load the demo data into the embedded database
	$(VENV_BIN)/python manage.py migrate --noinput
	$(VENV_BIN)/python manage.py seed_demo

ci:  ## what CI runs: the suite with PostgreSQL, Redis, S3 and browser tests
	bash .ci/run
