# The two commands of the README: `make demo` and `make test`. Both work on a fresh clone.
# The README's interpreter (a fresh machine has python3.11; `make demo PYTHON=python3.12` for another).
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= demo-out

.PHONY: demo test install install-test system-deps lint format bench clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(BIN)/kg

install: $(BIN)/kg

$(VENV)/.test-deps: $(BIN)/kg
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	@touch $@

install-test: $(VENV)/.test-deps system-deps

system-deps:
	@bash scripts/install-system-deps.sh

## Run the main job on the bundled sample documents and say where the outputs are.
demo: install
	$(BIN)/kg demo --out $(OUT)

## Install everything the tests need (Python packages with pyspark, Debian chromium and Java) and run the whole suite.
test: install-test
	$(BIN)/ruff check kg tests scripts
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

lint:
	$(BIN)/ruff check kg tests scripts
	$(BIN)/ruff format --check kg tests scripts

format:
	$(BIN)/ruff format kg tests scripts
	$(BIN)/ruff check --fix kg tests scripts

## Benchmarks (never part of the test suite): prints a table, writes bench-out/bench.json.
bench: install-test
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) $(OUT) kg-store tour bench-out .pytest_cache .ruff_cache
