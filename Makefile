# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint types install dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(STAMP)
dev: $(DEVSTAMP)

run: $(STAMP)
	$(BIN)/banshi migrate --noinput -v0
	$(BIN)/banshi demo --if-empty --cases 2000
	$(BIN)/banshi serve

test: $(DEVSTAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy banshi/cases banshi/sla banshi/orgs banshi/core banshi/notify banshi/triage banshi/stats banshi/services banshi/notary banshi/judicial_aid banshi/psych
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -n 2 tests
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(or $(PG_TEST_URL),postgresql://postgres@127.0.0.1:5432/postgres)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== PostgreSQL answers: running the suite again on PostgreSQL =="; \
		DATABASE_URL=$(or $(PG_TEST_URL),postgresql://postgres@127.0.0.1:5432/postgres) $(BIN)/python -m pytest -q -n 2 tests -m "not browser"; \
	else \
		echo "== PostgreSQL not reachable at 127.0.0.1:5432: PostgreSQL run SKIPPED (SQLite run above is complete) =="; \
	fi

lint: $(DEVSTAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var test-artifacts
