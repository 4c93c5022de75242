# Broadsheet: the two commands in the README (`make run`, `make test`) do all set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check-html serve install migrate demo lint bench bench-screening soak clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Run the blog with demo content on SQLite at http://127.0.0.1:8000
run: $(STAMP)
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py demo
	@echo ""
	@echo "  Broadsheet is at   http://127.0.0.1:8000/"
	@echo "  Admin:             http://127.0.0.1:8000/admin/  (user: author, password: broadsheet-demo)"
	@echo "  Moderator:         user: moderator, password: broadsheet-moderator (comments only)"
	@echo ""
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

## Run the test suite (SQLite unless DATABASE_URL says otherwise)
test: $(STAMP)
	$(BIN)/python -m pytest

## Check every kind of page with the Nu HTML Checker: zero errors (needs Java, Debian's default-jre-headless)
# Asked for by name, it fails rather than skips when Java is missing.
check-html: $(STAMP)
	CI=true $(BIN)/python -m pytest tests/test_html_validity.py

## Production-like: gunicorn, DEBUG off, static files collected and served by WhiteNoise
serve: $(STAMP)
	SECRET_KEY=$${SECRET_KEY:-local-serve-key-not-for-production} HTTPS=$${HTTPS:-false} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	CACHE_URL=$${CACHE_URL:-filecache://$(CURDIR)/.cache/serve} sh -c '\
	  $(BIN)/python manage.py migrate --noinput && \
	  $(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	  $(BIN)/python manage.py demo && \
	  echo "" && echo "  Broadsheet (gunicorn) is at http://127.0.0.1:8000/" && echo "" && \
	  $(BIN)/gunicorn -c config/gunicorn.py config.wsgi'

## Time screening one comment with 100,000 spam and 10,000 approved comments stored and ~100,000 trained tokens: p50, p99, comments a second
# DEBUG off, as in production: with DEBUG on, Django records every query and its parameters.
BENCH_ENV := SECRET_KEY=$${SECRET_KEY:-bench-only-key} HTTPS=false STATIC_MANIFEST=false

bench-screening: $(STAMP)
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput
	$(BENCH_ENV) $(BIN)/python manage.py bench_screening

## Pages under load and comments through the form, in a database of its own (README, "Benchmark")
# Flags for the command, e.g. make bench BENCH_ARGS="--duration 5 --json bench.json"
BENCH_ARGS ?=

bench: $(STAMP)
	@$(BENCH_ENV) $(BIN)/python manage.py bench $(BENCH_ARGS)

## Load while the database, the cache and the mail server fail and recover (README, "Soak")
# Flags for the script, e.g. make soak SOAK_ARGS="--duration 20"
SOAK_ARGS ?=

soak: $(STAMP)
	$(BENCH_ENV) $(BIN)/python tests/soak.py $(SOAK_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
