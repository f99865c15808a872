# Desa Sadar Jamsostek: set-up, run and test. `make run` and `make test` do everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export DEBUG ?= true

.PHONY: run test test-quick install assets migrate seed serve worker lint format check-migrations test-postgres clean

run: install assets .env migrate seed serve

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Front-end packages come from the npm registry at set-up time; static/vendor/ is built, never committed.
assets: static/vendor/.built

static/vendor/.built: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf static/vendor
	mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/chart.js static/vendor/leaflet
	cp -r node_modules/bootstrap/dist/css node_modules/bootstrap/dist/js static/vendor/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts static/vendor/bootstrap-icons/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map static/vendor/chart.js/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images static/vendor/leaflet/
	touch $@

# A development .env, so a newcomer's own `.venv/bin/python manage.py createsuperuser` (or shell) works
# without setting DEBUG: DEBUG on and a generated SECRET_KEY. Written only when there is no .env (set -C:
# never over an existing one); .env is git-ignored.
.env:
	@umask 077 && set -C && printf '%s\n' \
		'# Development settings written by make run; never overwritten. Production values: .env.example.' \
		'DEBUG=true' \
		"SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote $@ for development (DEBUG=true, a generated SECRET_KEY)."

migrate: install
	$(PY) manage.py migrate --no-input

seed: install
	$(PY) manage.py seed_demo --if-empty

serve: install
	@echo ""
	@echo "Desa Sadar Jamsostek: http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)"
	@echo "Demo logins, all with password demo12345:"
	@echo "  admin                 superuser, branch administrator"
	@echo "  staf                  branch staff"
	@echo "  kepala                branch head"
	@echo "  operator.batangbarus  official of Nagari Batang Barus (13.02.07.2006)"
	@echo "  operator.sikalang     official of Desa Sikalang (13.73.04.2010)"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:8000

# A Celery worker for background jobs (README, "Background jobs"), for the broker of CELERY_BROKER_URL
# (environment or .env), e.g. `CELERY_BROKER_URL=redis://127.0.0.1:6379/1 make worker`; the web process
# needs the same CELERY_BROKER_URL. WORKER_CONCURRENCY processes (default 2) run jobs side by side.
worker: install
	@$(PY) -c 'import os, django; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "desa_sadar.settings"); django.setup(); from django.conf import settings; raise SystemExit(0 if settings.CELERY_BROKER_URL else "CELERY_BROKER_URL kosong: isi di lingkungan atau .env, misalnya redis://127.0.0.1:6379/1.")'
	$(BIN)/celery -A desa_sadar worker --loglevel=INFO --concurrency=$${WORKER_CONCURRENCY:-2}

test: install assets
	$(BIN)/pytest

# A quick local loop: without the tests that build a demo branch (slow) and the browser tests (e2e).
# `make test` and CI (.ci/run) still run everything.
test-quick: install assets
	$(BIN)/pytest -m "not slow and not e2e"

# The same suite on PostgreSQL (server on 127.0.0.1:5432, user postgres).
test-postgres: install assets
	DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/desa_sadar} $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: install
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles
