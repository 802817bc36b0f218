# One command to try it, one to test it. Both create .venv with Python >= 3.11 first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test check bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## demo: set up, then run the sample campaign on the built-in CAMS sandbox
demo: $(BIN)/.installed
	$(BIN)/qrbatch run jobs/demo.toml --no-progress

## test: set up, then run every check (tests, types, lint)
test: $(BIN)/.installed
	$(BIN)/python -m pytest
	$(BIN)/lint-imports
	$(BIN)/python -m mypy
	$(BIN)/python -m ruff check qrbatch tests bench

## bench: every benchmark (about 20 minutes; not part of the tests)
bench: $(BIN)/.installed
	$(BIN)/python bench/pacing_bench.py --rows 300
	$(BIN)/python bench/faults_bench.py
	$(BIN)/python bench/overhead_bench.py --rows 10000 100000
	$(BIN)/python bench/read_bench.py --rows 100000
	$(BIN)/python bench/registry_bench.py
	$(BIN)/python bench/startup_bench.py --base ceef2df

clean:
	rm -rf $(VENV) out
