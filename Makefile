SHELL := /bin/bash
PY := .venv/bin/python
export OMP_THREAD_LIMIT ?= 1

.PHONY: setup run test test-fast lint bench migrate demo screenshots lock

setup:
	bash scripts/setup.sh

## lock: regenerate requirements.lock / requirements-dev.lock (hashed) after changing dependencies in pyproject.toml
lock:
	bash scripts/lock.sh

migrate: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py aussonderung_freigaben_pruefen
	$(PY) manage.py collectstatic --noinput -v 0

demo: migrate
	$(PY) manage.py demo_daten

## run: set everything up, then serve at http://127.0.0.1:$${PORT:-8000} with the workers, beat and the hot folder
##      (Ctrl-C stops all); a second checkout: `make run PORT=8001`
run: demo
	bash scripts/run.sh

## test: set everything up, then the whole suite (unit, API, end-to-end with a real worker, browser)
test: setup
	$(PY) -m pytest -n 2 --dist loadgroup

test-fast: setup
	$(PY) -m pytest -n 2 --dist loadgroup -m "not e2e and not browser"

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/lint-imports

bench: migrate
	$(PY) bench/run_all.py

## screenshots: the browser tests, writing their page screenshots into docs/screenshots
screenshots: setup
	SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest -m browser -p no:randomly
