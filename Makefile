PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench score clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) bot.py

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# every benchmark in bench/ (tests/test_bench.py keeps this list whole)
BENCHMARKS := $(sort $(wildcard bench/*.py))

bench: $(STAMP)
	@set -e; for b in $(BENCHMARKS); do echo "== $$b"; $(PY) $$b; done

score: $(STAMP)
	$(PY) ../shared/tools/score.py ../shared/data/dev --run "$(PY) -m extraction --jsonl" --show

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
