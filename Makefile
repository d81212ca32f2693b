# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv and install the pinned dependencies by themselves.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-postgres lint bench messages clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/hrguard demo

test: $(STAMP)
	$(BIN)/pytest -n 2

# The database tests again, on PostgreSQL; DATABASE_URL must point at a server.
test-postgres: $(STAMP)
	$(BIN)/pytest -n 2 -m "not browser"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# Message ids are the Chinese text, so only the English catalogue needs translating.
# The compiled .mo files are committed: a fresh install needs no gettext tools.
messages: $(STAMP)
	mkdir -p src/hrguard/locale
	cd src/hrguard && ../../$(BIN)/hrguard makemessages -l en --no-obsolete --ignore "var/*"
	cd src/hrguard && ../../$(BIN)/hrguard compilemessages -l en

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
