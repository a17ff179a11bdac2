# Two commands: `make run` starts the portal, `make test` runs every test.
# Each sets up its own virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/portal run

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot store digests tests
	$(BIN)/mypy bot store digests

# Benchmarks (PERFORMANCE.md): SQLite, and PostgreSQL too when PORTAL_TEST_POSTGRES_URL is set.
# BENCH_ARGS="--quick" for small sizes, "--only intake,matching", "--db sqlite".
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
