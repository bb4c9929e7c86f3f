# Registre: `make demo` and `make test` bootstrap .venv on a fresh machine (Python 3.11, make).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
DEMO_DIR ?= demo
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lock demo test lint typecheck unit messages clean

# Every package, direct or transitive, comes from the hash-pinned lock; Registre itself is then
# installed in editable mode without resolving anything again.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

demo: install
	@$(BIN)/registre demo --dir $(DEMO_DIR) --serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -n auto

test: lint typecheck unit

# Refresh the lock after changing a dependency in pyproject.toml: the pins already there are kept, new
# packages get their newest release within the ranges; `make lock UPGRADE=--upgrade` moves every pin to the
# newest release. Setuptools, to build Registre itself, is locked too (uv runs from its own venv).
lock:
	@test -x $(VENV)/lock/bin/uv || ($(PYTHON) -m venv $(VENV)/lock && $(VENV)/lock/bin/python -m pip install --quiet uv)
	echo 'setuptools>=77' | $(VENV)/lock/bin/uv pip compile pyproject.toml - --extra dev --generate-hashes \
		--universal --python-version 3.11 $(UPGRADE) --quiet --no-header -o $(LOCK)

# Refresh the message catalogs after changing translatable text.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -o src/registre/core/locale/registre.pot .
	$(BIN)/pybabel update -i src/registre/core/locale/registre.pot -d src/registre/core/locale -D registre -l fr

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
