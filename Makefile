# Family Safeguarding: set-up, run, test.
#
#   make run              the demo on http://127.0.0.1:8000 (SQLite, seeded demo sign-ins)
#   make run PORT=8080    or: PORT=8080 make run
#   make test             the whole suite on SQLite, then on a throwaway PostgreSQL (in parallel: see below)
#   make help             everything else
#
# Set-up is a chain of stamp files, so a second `make run` with nothing changed starts in a second:
# pip runs only when requirements*.txt change, npm ci only when the lock file changes, and the
# front-end build only when its sources change.

SHELL := /bin/bash
# -e: a failing line fails its target; pipefail: so does a failure on the left of a pipe.
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PORT ?= 8000
PYTHON ?= python3
# Extra arguments for both pytest passes, e.g. make test PYTEST_ARGS="-k allocation -x".
PYTEST_ARGS ?=
# pytest-xdist workers for each pass: one per core ("auto"); each has its own test database and live
# server. PYTEST_WORKERS=0 runs in one process (for --pdb, or to read a failure's output in order).
PYTEST_WORKERS ?= auto
# Each test module goes whole to one worker (pytest-xdist's loadfile): a module whose tests share the demo
# council gets it once (conftest.py), not once on each worker its tests were spread over. Measured on a
# SQLite pass: 355 s of CPU against 417 s with tests spread one by one (--dist load), 4:22 against 4:59.
PYTEST_DIST ?= loadfile

VENV := .venv
PY := $(VENV)/bin/python
PIP_STAMP := $(VENV)/.requirements.stamp
NPM_STAMP := frontend/node_modules/.package-lock.stamp
FRONTEND_STAMP := build/static/frontend/.build.stamp
FRONTEND_SOURCES := frontend/build.mjs $(shell find frontend/scss -type f 2>/dev/null)

# Debian packages the browser tests, PostgreSQL tests and PDF checks need.
APT_PACKAGES := chromium chromium-headless-shell chromium-driver fonts-liberation2 postgresql poppler-utils

.PHONY: help setup run test system-deps bench lint

help: ## List the targets
	@echo "Usage: make TARGET [PORT=8000] [PYTEST_ARGS=...] [PYTEST_WORKERS=auto]"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

setup: $(PIP_STAMP) $(FRONTEND_STAMP) ## Create .venv, install Python and npm packages, build front-end assets

$(PY):
	$(PYTHON) -m venv $(VENV)

# Order-only on the interpreter: .venv/bin/python is a symlink whose date is the system Python's.
$(PIP_STAMP): $(wildcard requirements*.txt) | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

# npm ci deletes node_modules first, so the stamp inside it goes too if the install fails.
$(NPM_STAMP): frontend/package-lock.json frontend/package.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

$(FRONTEND_STAMP): $(NPM_STAMP) $(FRONTEND_SOURCES)
	node frontend/build.mjs
	@touch $@

run: export DJANGO_SETTINGS_MODULE := config.settings.dev
run: setup ## Migrate, seed the demo (prints the sign-ins), serve on 127.0.0.1:PORT (8000)
	@# SQLite does not create missing folders; settings put the file under var/ (or SAFEGUARDING_VAR_DIR).
	@mkdir -p "$${SAFEGUARDING_VAR_DIR:-var}"
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Both passes always run, so one database's failures never hide the other's; the target fails if
# either failed, with pytest's own exit status (5 = no tests collected is a failure too).
# DJANGO_SETTINGS_MODULE is unset because pytest-django lets it override pyproject.toml's test settings.
# PYTHONDONTWRITEBYTECODE is unset so that Python and pytest keep the compiled modules they write: with it
# set (as some machines and CI images do), every worker of both passes compiled and assertion-rewrote every
# module again, about 6 s of CPU each (`pytest --collect-only`: 10.1 s of CPU, 4.4 s with the cache).
# Each pass runs on PYTEST_WORKERS processes (pytest-xdist); the demo council is built once per worker and
# database, not per test (conftest.py).
test: setup system-deps ## Run the whole suite on SQLite, then on PostgreSQL (scripts/with-postgres)
	@sqlite=0; postgres=0; \
	echo; echo "==================== make test: pass 1 of 2: SQLite ===================="; \
	env -u DATABASE_URL -u DJANGO_SETTINGS_MODULE -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(PYTEST_ARGS) || sqlite=$$?; \
	echo; echo "==================== make test: pass 2 of 2: PostgreSQL ================"; \
	env -u DJANGO_SETTINGS_MODULE -u PYTHONDONTWRITEBYTECODE scripts/with-postgres $(PY) -m pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(PYTEST_ARGS) || postgres=$$?; \
	echo; echo "==================== make test: summary ================================"; \
	for pass in sqlite postgres; do \
	  code=$${!pass}; \
	  if [ "$$code" -eq 0 ]; then echo "  $$pass: passed"; else echo "  $$pass: FAILED (pytest exit status $$code)"; fi; \
	done; \
	[ "$$sqlite" -eq 0 ] && [ "$$postgres" -eq 0 ]

# Installs what is missing when it can (root, or passwordless sudo); otherwise says exactly what to run.
system-deps: ## Check for (and if root, install) Chromium, PostgreSQL and the PDF tools
	@missing=(); \
	[ -x /usr/bin/chromium ] || missing+=("/usr/bin/chromium"); \
	[ -x /usr/bin/chromium-headless-shell ] || missing+=("/usr/bin/chromium-headless-shell"); \
	compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=("/usr/lib/postgresql/*/bin/initdb"); \
	[ -x /usr/bin/pdftotext ] || missing+=("/usr/bin/pdftotext"); \
	if [ $${#missing[@]} -eq 0 ]; then exit 0; fi; \
	echo "system-deps: missing $${missing[*]}"; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=(); \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo); \
	else \
	  echo "system-deps: not root and no passwordless sudo. Install them with:"; \
	  echo; echo "    sudo apt-get update && sudo apt-get install -y $(APT_PACKAGES)"; echo; \
	  exit 1; \
	fi; \
	set -x; \
	"$${sudo[@]}" apt-get update; \
	"$${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y $(APT_PACKAGES)

# The benchmark script decides its own settings and data; this runs it on each database in turn.
bench: setup system-deps ## Run bench/run.py on SQLite, then on PostgreSQL
	@sqlite=0; postgres=0; \
	echo; echo "==================== make bench: SQLite ================================"; \
	env -u DATABASE_URL $(PY) bench/run.py || sqlite=$$?; \
	echo; echo "==================== make bench: PostgreSQL ============================"; \
	scripts/with-postgres $(PY) bench/run.py || postgres=$$?; \
	[ "$$sqlite" -eq 0 ] && [ "$$postgres" -eq 0 ]

lint: $(PIP_STAMP) ## ruff check, ruff format --check, and the import layers (docs/architecture.md)
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	$(PY) tests/architecture/layers.py || status=1; \
	exit $$status
