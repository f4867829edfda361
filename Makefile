# The two commands a new machine needs: `make run` and `make test`. While editing:
# `make check` (the fast tests) and `make lint`.
# Only Python 3, pip and make are assumed; uv is installed when missing.
SHELL := /bin/bash
PORT ?= 8000
# Links in e-mails point at the server `make run` starts, unless SITE_URL says otherwise.
SITE_URL ?= http://127.0.0.1:$(PORT)
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
MANAGE := $(UV) run --frozen python manage.py

.PHONY: run test check lint install migrate seed bench load check-deploy openapi

install:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages uv
	$(UV) sync --frozen

migrate: install
	$(MANAGE) migrate --no-input

seed: migrate
	$(MANAGE) seed_templates
	$(MANAGE) seed_demo

run: seed
	@echo ""
	@echo "  Lockstep is running at http://127.0.0.1:$(PORT)/"
	@echo "  Sign in as demo / lockstep-demo  (also a site admin: /admin/)"
	@echo ""
	@# Reminders, digests and rituals: a Celery worker with beat when REDIS_URL is set, else
	@# the periodic tasks tick in a side process (tasks themselves run in-process, eagerly).
	@# The one worker here consumes both queues: the default one and the imports'.
	@trap 'kill $$side 2>/dev/null' EXIT INT TERM; export DEBUG=true PORT='$(PORT)' SITE_URL='$(SITE_URL)'; \
	  if [ -n "$$REDIS_URL" ]; then $(UV) run --frozen celery -A config worker --beat --loglevel=WARNING \
	    -Q "$${CELERY_QUEUE:-lockstep},$${CELERY_IMPORTS_QUEUE:-imports}" & side=$$!; \
	  else $(MANAGE) run_ticks & side=$$!; fi; \
	  $(MANAGE) runserver 127.0.0.1:$(PORT)

# Tests run on both cores (pytest-xdist); each worker has its own test database and its own
# cache keys (config/settings/test.py). worksteal: a worker that finishes early takes over
# tests queued for the other, so one slow module does not leave a core idle.
WORKERS ?= 2
XDIST := -n $(WORKERS) --dist worksteal
# Compiled modules (and pytest's rewritten test modules) are cached in __pycache__ even
# where the environment says not to write them (PYTHONDONTWRITEBYTECODE): otherwise each
# worker, and each server or command a test starts, compiles Django and the app from
# source again, several seconds a process.
BYTECODE := env -u PYTHONDONTWRITEBYTECODE

# The whole suite, on the database and Redis of the environment (SQLite and in-process by
# default). Browser tests drive Debian's Chromium; without it they fail loudly instead of skipping.
test: install
	$(BYTECODE) $(UV) run --frozen pytest $(XDIST) $(PYTEST_ARGS)

# The daily loop: everything but the browser and fuzz tests, on SQLite with the cache in
# memory, whatever the environment says.
check: install
	$(BYTECODE) -u DATABASE_URL -u REDIS_URL $(UV) run --frozen pytest $(XDIST) -m "not browser and not fuzz" $(PYTEST_ARGS)

# Lint, formatting, types and the apps' layers; changes nothing.
lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy
	$(UV) run --frozen lint-imports

bench: install
	$(UV) run --frozen python -m tests.bench

# The workshop under Locust; needs DATABASE_URL (PostgreSQL) and REDIS_URL. See README.
# LISTENERS=N: pages stream their changes (a uvicorn stream process), N more only listen.
EDITORS ?= 50
DURATION ?= 60
LISTENERS ?= 0
load: install
	$(UV) run --frozen python -m tests.load --editors $(EDITORS) --duration $(DURATION) --listeners $(LISTENERS) $(LOAD_ARGS)

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(60))') \
	  ALLOWED_HOSTS=lockstep.example.com $(MANAGE) check --deploy --fail-level WARNING

# The API's OpenAPI document, committed as docs/openapi.json (a test fails when it is stale).
openapi: install
	$(MANAGE) export_openapi_schema --api api.v1.api --indent 2 --sorted --output docs/openapi.json
