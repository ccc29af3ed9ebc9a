# Two commands on a fresh machine: `make run` (the portal with the seed communes) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# uv installs the locked dependencies; without one on PATH, it is bootstrapped into .tools/.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Bytecode compiled once and kept: a machine that sets PYTHONDONTWRITEBYTECODE (this one does)
# otherwise compiles Django and the portal again in every process (each test worker, each Celery
# worker and command a test starts: about 7 s each).
export UV_COMPILE_BYTECODE := 1
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run setup test lint format check migrate seed demo remind worker beat clean

# Demo logins (one published password) and demo figures only on the embedded SQLite demo: never
# when DATABASE_URL names a real database (and the commands themselves refuse a database that holds
# communes other than the seeds).
run: export DEBUG ?= 1
run: setup migrate seed $(if $(DATABASE_URL),,demo) remind
	@$(if $(DATABASE_URL),echo "No demo accounts on DATABASE_URL: create yours with .venv/bin/python manage.py createsuperuser")
	@echo "Portal: http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	$(MANAGE) runserver $(HOST):$(PORT)

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==0.13.8"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced
	@DEBUG=1 $(MANAGE) compilemessages --ignore=.venv --ignore=.tools -v0

migrate: setup
	$(MANAGE) migrate --noinput -v0

seed: setup
	$(MANAGE) load_seeds

demo: setup
	@$(MANAGE) demo_figures --demo
	@$(MANAGE) demo_accounts --demo

# Today's deadline reminders, in process (mail on the console unless EMAIL_URL says otherwise);
# each is sent once, so running it again only lists them. DATE=YYYY-MM-DD for another day,
# DRY_RUN=1 to list without sending. With Redis, `make beat` and `make worker` do it every day.
remind: export DEBUG ?= 1
remind: setup
	$(MANAGE) send_reminders $(if $(DATE),--date $(DATE)) $(if $(DRY_RUN),--dry-run)

# The README's test command: SQLite by default; DATABASE_URL / REDIS_URL select PostgreSQL / Redis.
# On every core (pytest-xdist, at most 4 workers). The browser tests are one unit of work
# (tests/conftest.py): one worker runs them from the start while the others share the rest.
PYTEST_ARGS ?= -n auto --maxprocesses=4
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: setup
	DEBUG=1 $(MANAGE) check
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9') ALLOWED_HOSTS=portal.example.vn EMAIL_URL=smtp+tls://user:password@smtp.example.vn:587 \
		$(MANAGE) check --deploy --fail-level WARNING

# Local development: DEBUG on unless set (production runs celery from the image, see docker-compose.yml).
worker: export DEBUG ?= 1
worker: setup
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: export DEBUG ?= 1
beat: setup
	$(VENV)/bin/celery -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) .tools db.sqlite3 media staticfiles
