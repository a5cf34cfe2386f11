# zhengwu — two commands: `make demo` runs the platform with the demo city, `make test` runs
# every check. Both create .venv and install what they need.

# The distribution's Python when it is 3.11 or newer (Debian's is an optimised build: 8-10 % less
# CPU per API request than pyenv's default build, docs/performance.md), else the first python3
# on PATH; if the distribution's cannot make a venv (python3-venv missing), python3 does.
# `make PYTHON=… demo` chooses another.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo /usr/bin/python3 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
export ZHENGWU_VAR_DIR ?= $(CURDIR)/var

# Settings as production runs them, for `check --deploy`.
PROD_ENV = DEBUG=0 ALLOWED_HOSTS=zhengwu.example.gov.cn \
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')

.PHONY: demo test lint test-sqlite test-postgres serve clean openapi bench-api system-tools

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || (rm -rf $(VENV) && python3 -m venv $(VENV))
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

# Tools some tests drive, from Debian's packages: Chromium for the browser tests (Playwright's
# own download is not reachable here), LibreOffice and poppler-utils to open the report exports
# as an official would, curl and jq to run the integration guide's examples. Installed when
# missing on a Debian machine where we are root; otherwise those tests skip, or fail under CI=true.
SYSTEM_TOOLS = /usr/bin/chromium /usr/bin/soffice /usr/bin/pdftotext /usr/bin/curl /usr/bin/jq
SYSTEM_PACKAGES = chromium libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk curl jq
system-tools:
	@missing=0; for tool in $(SYSTEM_TOOLS); do [ -x "$$tool" ] || missing=1; done; \
	if [ $$missing = 1 ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing $(SYSTEM_PACKAGES) for the browser, export and guide tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $(SYSTEM_PACKAGES) >/dev/null) \
		|| echo "could not install them: those tests will skip (and fail under CI=true)"; \
	fi

# The demo sends SMS and e-mail to the console, in-process (no worker needed).
DEMO_ENV = DEBUG=1 TASKS_BACKEND=immediate

demo: $(VENV)/.installed
	mkdir -p $(ZHENGWU_VAR_DIR)
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	@echo "政务平台: http://127.0.0.1:$(PORT)/"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

test: lint
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: $(VENV)/.installed-test system-tools
	env -u DATABASE_URL $(BIN)/pytest

# PostgreSQL is the production database: the same suite runs there when a server answers.
# Under CI=true an unreachable server fails the run instead of skipping it.
test-postgres: $(VENV)/.installed-test system-tools
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$(TEST_POSTGRES_URL)" 2>/dev/null; then \
		echo "PostgreSQL at $(TEST_POSTGRES_URL): running the suite there too"; \
		DATABASE_URL="$(TEST_POSTGRES_URL)" TEST_DATABASE_NAME=test_zhengwu_$$$$ $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(TEST_POSTGRES_URL) is unreachable, and CI=true requires it" >&2; exit 1; \
	else \
		echo "PostgreSQL at $(TEST_POSTGRES_URL) is unreachable: skipped (set TEST_POSTGRES_URL)"; \
	fi

# The REST API's OpenAPI document, kept in the repository (a test fails when it is stale).
openapi: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py export_openapi

# Partner submissions per second under gunicorn + PostgreSQL (see docs/performance.md).
bench-api: $(VENV)/.installed-test
	$(BIN)/python -m bench.api_submissions

clean:
	rm -rf $(VENV) var .ruff_cache
