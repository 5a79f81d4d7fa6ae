# kokumin_nenkin — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: help run serve test browser lint format bench bench-load venv migrate demo worker check-deploy lock clean

help:
	@echo "make run    — set up (venv, packages, database, demo data) and serve on http://$(HOST):$(PORT)"
	@echo "make test   — the whole test suite (DATABASE_URL selects the database; SQLite by default)"
	@echo "make lint   — ruff lint + format check, mypy, template checks (djLint, {# #}), migrations check"
	@echo "make bench  — the benchmarks (figures go to docs/performance.md)"
	@echo "make bench-load — 50 staff on gunicorn + PostgreSQL, measured with locust (DATABASE_URL)"

# Find a Python >= 3.12: pyenv's choice from .python-version, then python3.13 / python3.12 / python3.
$(VENV)/bin/python:
	@set -e; py=""; \
	cands=""; \
	if command -v pyenv >/dev/null 2>&1; then cands="$$(pyenv which python 2>/dev/null || true)"; fi; \
	cands="$$cands python3.13 python3.12 python3"; \
	for c in $$cands; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then py=$$c; break; fi; \
	done; \
	if [ -z "$$py" ]; then \
	  echo "エラー: Python 3.12 以上が見つかりません。 / No Python >= 3.12 found: install python3.12 (or pyenv install 3.12) and retry." >&2; exit 1; \
	fi; \
	echo "Using $$($$py -c 'import sys; print(sys.executable, sys.version.split()[0])')"; \
	$$py -m venv $(VENV)

$(STAMP): $(VENV)/bin/python requirements.lock pyproject.toml
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	@touch $(STAMP)

venv: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --if-empty

run: demo
	@$(PY) manage.py demo_logins --host $(HOST) --port $(PORT)
	@mkdir -p var; $(PY) manage.py worker > var/worker.log 2>&1 & echo $$! > var/worker.pid; \
	trap 'kill $$(cat var/worker.pid) 2>/dev/null; rm -f var/worker.pid' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium: installed here when missing (as root, with apt);
# without it they are skipped and say so.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Chromium をインストールします / installing Chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "Chromium could not be installed: the browser tests will be skipped"; \
	  else echo "Chromium not found: the browser tests will be skipped (apt-get install chromium)"; fi; }

test: $(STAMP) browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint templates --lint
	$(PY) -m kokumin_nenkin.template_lint
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) -m benchmarks

# Locust against gunicorn on PostgreSQL (DATABASE_URL; seeds 100,000 persons the first time).
# BENCH_LOAD_USERS, BENCH_LOAD_SECONDS, BENCH_LOAD_PERSONS … : benchmarks/load/run.py
bench-load: $(STAMP)
	$(PY) -m benchmarks.load.run

check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=kokumin_nenkin.settings.prod \
	SECRET_KEY=$${SECRET_KEY:-ci-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=')} \
	MY_NUMBER_KEY=$${MY_NUMBER_KEY:-$$(head -c 32 /dev/urandom | base64)} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-nenkin.example.jp} \
	$(PY) manage.py check --deploy --fail-level WARNING

lock: $(VENV)/bin/python
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	@{ echo "# Pinned versions: every install is the same. Regenerate with \`make lock\` after changing"; \
	   echo "# the ranges in pyproject.toml."; $(PIP) freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache .mypy_cache
