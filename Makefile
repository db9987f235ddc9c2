PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
INSTALL_LOG := $(VENV)/install.log

.PHONY: run console test lint bench score explain extract db-check db-stats db-reload db-upgrade clean

# Quiet install: one line before, one after; pip's own output goes to .venv/install.log (shown when it fails).
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	@echo "Installing dependencies into $(VENV) (the first time takes 2-3 minutes; log: $(INSTALL_LOG))..."
	@start=$$(date +%s); \
	{ $(PY) -m pip install -q --upgrade pip && $(PY) -m pip install -q -e '.[dev]'; } >$(INSTALL_LOG) 2>&1 \
	  || { tail -n 30 $(INSTALL_LOG); echo "Install failed: see $(INSTALL_LOG)"; exit 1; }; \
	echo "Installed in $$(( $$(date +%s) - start )) s."
	@touch $(STAMP)

run: $(STAMP)
	$(PY) bot.py

console: $(STAMP)
	$(PY) bot.py --console

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# every benchmark in bench/ (tests/test_bench.py keeps this list whole)
BENCHMARKS := $(sort $(wildcard bench/*.py))

# The command-line tools, with no need to activate the venv: make explain FILE=article.txt (or .html)
explain: $(STAMP)
	@test -n "$(FILE)" || { echo "Usage: make explain FILE=article.txt [PUBLISHED=YYYY-MM-DD]"; exit 2; }
	$(PY) -m extraction "$(FILE)" --explain $(if $(PUBLISHED),--published $(PUBLISHED))

extract: $(STAMP)
	@test -n "$(FILE)" || { echo "Usage: make extract FILE=article.txt [PUBLISHED=YYYY-MM-DD]"; exit 2; }
	$(PY) -m extraction "$(FILE)" $(if $(PUBLISHED),--published $(PUBLISHED))

db-check: $(STAMP)
	$(PY) -m db check

db-stats: $(STAMP)
	$(PY) -m db stats

db-upgrade: $(STAMP)
	$(PY) -m db upgrade

db-reload: $(STAMP)
	$(PY) -m db reload $(DIR)

bench: $(STAMP)
	@set -e; for b in $(BENCHMARKS); do echo "== $$b"; $(PY) $$b; done

# needs the team's ../shared checkout (gold data and the scorer), which a clone of this repository lacks
score: $(STAMP)
	@test -f ../shared/tools/score.py || { echo "make score needs ../shared (tools/score.py and data/dev), not part of this repository"; exit 2; }
	$(PY) ../shared/tools/score.py ../shared/data/dev --run "$(PY) -m extraction --jsonl" --show

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
