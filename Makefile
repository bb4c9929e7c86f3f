# Registre: `make demo` and `make test` bootstrap .venv on a fresh machine (Python 3.11, make).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_DIR ?= demo

.PHONY: install demo test lint typecheck unit messages clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

demo: install
	$(BIN)/registre demo --dir $(DEMO_DIR) --serve

lint: install
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -n auto

test: lint typecheck unit

# Refresh the message catalogs after changing translatable text.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -o src/registre/core/locale/registre.pot src/registre
	$(BIN)/pybabel update -i src/registre/core/locale/registre.pot -d src/registre/core/locale -D registre -l fr

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
