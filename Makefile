# Two commands: `make run` starts the portal, `make test` runs every test.
# Each sets up its own virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The exact versions of every package the tests passed with (`make lock` writes it).
LOCK := constraints.txt
UV := uv==0.13.9

.PHONY: run test lint lock bench clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --constraint $(LOCK) -e '.[dev,postgresql]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/portal run

# The site's browser tests read axe-core (and the map's source shapes) from tests/node_modules,
# installed as tests/package-lock.json pins them; nothing from npm is used at run time.
NODE_TOOLS := tests/node_modules/.package-lock.json

$(NODE_TOOLS): tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_TOOLS)

test: $(STAMP) $(NODE_TOOLS)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot store digests tests
	$(BIN)/mypy bot store digests

# Regenerate constraints.txt after a dependency is added or changed in pyproject.toml, then
# commit it (tests/test_lock.py fails while a requirement is missing from it). Versions already
# pinned stay when they still fit; `make lock LOCK_ARGS=--upgrade` moves all to the newest.
# The lock is universal (any platform, Python 3.11 and later) and made by uv (on PyPI).
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet '$(UV)'
	$(BIN)/uv pip compile pyproject.toml --extra postgresql --extra dev --universal \
		--python-version 3.11 --custom-compile-command 'make lock' --quiet $(LOCK_ARGS) -o $(LOCK)

# Benchmarks (PERFORMANCE.md): SQLite, and PostgreSQL too when PORTAL_TEST_POSTGRES_URL is set.
# BENCH_ARGS="--quick" for small sizes, "--only intake,matching", "--db sqlite".
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/node_modules
