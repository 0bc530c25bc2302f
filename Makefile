# Two commands for a new user: `make run` and `make test`. Everything else is a helper they call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
AXE := .cache/axe/node_modules/axe-core/axe.min.js

.PHONY: run dev test install check lint format bench serve clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools<81" wheel
	# xstatic-bootstrap ships only an sdist that needs pkg_resources at build time.
	$(BIN)/python -m pip install --quiet --no-build-isolation "xstatic-bootstrap>=5.3,<5.4"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The sandbox's boto3 + moto (pinned in pyproject.toml, extra "sandbox-layer"), apart from the web app's packages.
LAYER := $(VENV)/sandbox-layer
$(LAYER)/.stamp: pyproject.toml | $(STAMP)
	rm -rf $(LAYER)
	$(BIN)/python -c "import subprocess, sys, tomllib; \
	pins = tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['sandbox-layer']; \
	subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', '--target', '$(LAYER)', *pins], check=True)"
	chmod -R a+rX $(LAYER)
	touch $@

install: $(STAMP) $(LAYER)/.stamp

# One secret key per checkout, generated once and kept (owner-only) in .venv: sessions survive restarts.
$(VENV)/run-secret: | $(STAMP)
	(umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@)

## Bring the site up on SQLite at http://127.0.0.1:8000, safe to share with a class: DEBUG off (no debug pages),
## WhiteNoise serves the static files, plain http on loopback. Content is validated by `check` at start.
run: install $(VENV)/run-secret
	DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SECRET_KEY="$$(cat $(VENV)/run-secret)" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" sh -c '\
	  $(BIN)/python manage.py migrate --noinput && \
	  $(BIN)/python manage.py check && \
	  $(BIN)/python manage.py collectstatic --noinput -v 0 && \
	  echo "Triggerlab is starting at http://127.0.0.1:8000 (Ctrl+C to stop)" && \
	  exec $(BIN)/python manage.py runserver 127.0.0.1:8000'

## For developers only: DEBUG on (Django's debug pages, autoreload, runserver's static files). Never let learners
## reach it: the debug page shows the process's environment and settings.
dev: install $(VENV)/run-secret
	DJANGO_DEBUG=1 DJANGO_SECRET_KEY="$$(cat $(VENV)/run-secret)" sh -c '\
	  $(BIN)/python manage.py migrate --noinput && \
	  $(BIN)/python manage.py check && \
	  echo "Triggerlab (DEBUG on, developers only) is starting at http://127.0.0.1:8000 (Ctrl+C to stop)" && \
	  exec $(BIN)/python manage.py runserver 127.0.0.1:8000'

## Run the whole suite: lint, content validation, unit, HTTP and browser tests. TEST_JOBS pytest-xdist workers
## (one per core here): whole files go to one worker (--dist loadfile), so a file's fixtures are made once.
TEST_JOBS ?= 2
# A test stuck for 240 s (pyproject's `timeout`) fails with its stack; it is tried once more, and shows as R.
HANG_GUARD := --reruns 1 --only-rerun "Timeout"
test: install $(AXE)
	$(BIN)/ruff check .
	$(BIN)/python manage.py check
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile --durations=15 $(HANG_GUARD)
	@# With TEST_DATABASE_URL set (CI sets it), the suite runs again on that database (PostgreSQL);
	@# pytest-django creates and drops a throw-away test database next to it. Only the tests that reach the
	@# database run again (DB_TESTS_ONLY, tests/conftest.py): the others run the same code on either engine.
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== The database tests again on $${TEST_DATABASE_URL%%@*}@… (browser tests excluded)"; \
		DB_TESTS_ONLY=1 DATABASE_URL="$$TEST_DATABASE_URL" DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile --ignore=tests/browser -q $(HANG_GUARD); \
	fi

# axe-core for the accessibility scans comes from the npm registry at test set-up; it is never committed.
$(AXE):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-save --no-audit --no-fund --prefix .cache/axe axe-core@4 ; \
	else echo "npm not found: accessibility scans will be skipped"; fi

## The production profile on this machine: gunicorn + WhiteNoise, DEBUG off (plain http on 127.0.0.1:8000).
## Uses DATABASE_URL / REDIS_URL when set; the secret key is generated once into .venv/serve-secret.
serve: install
	test -s $(VENV)/serve-secret || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $(VENV)/serve-secret
	DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_SECRET_KEY="$$(cat $(VENV)/serve-secret)" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" sh -c '\
	  $(BIN)/python manage.py migrate --noinput && \
	  $(BIN)/python manage.py collectstatic --noinput -v 0 && \
	  $(BIN)/python -m gunicorn learn.wsgi --bind 127.0.0.1:8000 --workers $${WEB_WORKERS:-2} --threads 4 --access-logfile -'

check: install
	$(BIN)/python manage.py check

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Benchmarks that print figures (the class load test is separate: tests/bench/load.py --help)
bench: install
	$(BIN)/python tests/bench/pages.py
	$(BIN)/python tests/bench/engine.py
	$(BIN)/python tests/bench/diagram_state.py
	$(BIN)/python tests/bench/quiz.py
	$(BIN)/python tests/bench/sandbox.py

clean:
	rm -rf $(VENV) .cache .pytest_cache staticfiles
