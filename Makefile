# Cité IA — `make` lists the targets. Everything installs itself on first use.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/citeia
REPORTS := var/test-reports
# The secret key of this installation, generated once (see var/secret_key below).
WITH_KEY = SECRET_KEY=$$(cat var/secret_key) CITEIA_SANDBOX_KEY=$$(cat var/sandbox-key)

.DEFAULT_GOAL := help
.PHONY: help install install-dev run demo worker test test-sqlite test-postgresql quality fix \
	messages translations lock bench bench-catalogue clean browser prepare

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[1m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/bin/activate:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 est requis ($(PYTHON) introuvable)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -qq --upgrade pip

$(VENV)/.installed: requirements.txt pyproject.toml | $(VENV)/bin/activate
	$(PIP) install -qq -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install -qq -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed ## Create the virtual environment and install the platform

install-dev: $(VENV)/.installed-dev ## Install the platform and what tests and tools need

messages: $(VENV)/.installed var/secret_key var/sandbox-key ## Compile the translations (.po -> .mo)
	@command -v msgfmt >/dev/null || scripts/apt-install.sh gettext
	@$(WITH_KEY) $(MANAGE) compilemessages -v 0 --ignore=.venv

translations: $(VENV)/.installed var/secret_key var/sandbox-key ## Update locale/en .po files from the source (then translate them)
	$(WITH_KEY) $(MANAGE) makemessages -l en --no-location --ignore=.venv --ignore=var --ignore=tests --ignore=bench

var/secret_key:
	@mkdir -p var && python3 -c "import secrets; print(secrets.token_urlsafe(50))" > $@ && chmod 600 $@

# The sandbox's AES-256 key for encrypted datasets (settings read the same file in demo mode).
var/sandbox-key:
	@mkdir -p var && python3 -c "import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())" > $@ && chmod 600 $@

prepare: $(VENV)/.installed messages var/secret_key var/sandbox-key
	@$(WITH_KEY) CITEIA_DEMO=1 $(MANAGE) migrate --no-input -v 0
	@$(WITH_KEY) $(MANAGE) createcachetable
	@$(WITH_KEY) $(MANAGE) collectstatic --no-input -v 0

demo: prepare ## Load the default territory's demo content and print the demo accounts
	@$(WITH_KEY) CITEIA_DEMO=1 $(MANAGE) load_demo

run: demo ## Install, migrate, load demo content, serve on http://127.0.0.1:8000 with one worker
	@$(WITH_KEY) CITEIA_DEMO=1 scripts/serve.sh

worker: prepare ## Run one task worker in the foreground (add more for more throughput)
	$(WITH_KEY) $(MANAGE) run_worker --no-reload

browser: ## Install Debian's Chromium for the browser tests when it is missing
	@test -x /usr/bin/chromium || scripts/apt-install.sh chromium

quality: $(VENV)/.installed-dev messages ## Lint and static checks (ruff, djlint, mypy, migrations, translations)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint citeia --lint
	$(VENV)/bin/mypy
	CITEIA_TESTING=1 $(MANAGE) makemigrations --check --dry-run
	CITEIA_TESTING=1 $(PY) scripts/check_translations.py

fix: $(VENV)/.installed-dev ## Format code and templates
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint citeia --reformat --quiet || true

test-sqlite: $(VENV)/.installed-dev messages browser ## Run the whole suite on SQLite
	@mkdir -p $(REPORTS)
	CITEIA_TESTING=1 DATABASE_URL= $(VENV)/bin/pytest --junitxml=$(REPORTS)/sqlite.xml $(PYTEST_ARGS)

test-postgresql: $(VENV)/.installed-dev messages browser ## Run the whole suite on PostgreSQL (TEST_DATABASE_URL)
	@mkdir -p $(REPORTS)
	@if $(PY) scripts/pg_reachable.py "$(TEST_DATABASE_URL)"; then \
		CITEIA_TESTING=1 DATABASE_URL="$(TEST_DATABASE_URL)" $(VENV)/bin/pytest --junitxml=$(REPORTS)/postgresql.xml $(PYTEST_ARGS); \
	else \
		rm -f $(REPORTS)/postgresql.xml; echo "PostgreSQL injoignable ($(TEST_DATABASE_URL)) : suite PostgreSQL non lancée."; \
	fi

test: quality test-sqlite test-postgresql ## Lint, then every test on SQLite and on PostgreSQL when reachable

bench: demo ## Load test: gunicorn + worker, 20 clients for 30 s (results in docs/PERFORMANCE.md)
	$(WITH_KEY) $(PY) bench/run.py

bench-catalogue: install-dev var/secret_key var/sandbox-key ## Catalogue at scale: 20 000 solutions, SQLite and PostgreSQL (about 15 min)
	$(WITH_KEY) BENCH_COMMAND="make bench-catalogue" $(PY) bench/catalogue.py

lock: $(VENV)/.installed-dev ## Re-pin requirements*.txt from pyproject.toml
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt pyproject.toml
	$(VENV)/bin/pip-compile -q --strip-extras --extra dev --no-emit-index-url --no-emit-find-links -o requirements-dev.txt pyproject.toml

clean: ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) var
