# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck messages install

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# The portal on the embedded default: SQLite, eager tasks, console email, demo data, and the periodic
# tasks of production (SLA sweep, reminders, outbox retry, purge) on a thread of the same process.
run: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py run_periodic --runserver 127.0.0.1:8000

# The whole test suite; DATABASE_URL and REDIS_URL select real servers when set.
test: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l en --no-obsolete -i ".venv/*" -i "staticfiles/*"
	DEBUG=1 $(PY) manage.py compilemessages -i .venv
