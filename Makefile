# The whole interface: `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export FISCAL_RAW_DIR ?= $(CURDIR)/raw
export FISCAL_DB_PATH ?= $(CURDIR)/warehouse/fiscal.duckdb
export FISCAL_REPORT_DIR ?= $(CURDIR)/reports
export DBT_PROFILES_DIR := $(CURDIR)/dbt
export DO_NOT_TRACK := 1

.PHONY: install system-deps run test dev lint docs bench corpus clean

install: $(STAMP)

# Reinstall only when the declared dependencies change.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# dagster-dbt reads dbt's manifest when the definitions load.
dbt/target/manifest.json: $(STAMP) $(shell find dbt -name '*.sql' -o -name '*.yml' -o -name '*.csv' 2>/dev/null | grep -v target/)
	cd dbt && ../$(VENV)/bin/dbt parse --quiet
	touch $@

run: install dbt/target/manifest.json
	mkdir -p $(DAGSTER_HOME) $(dir $(FISCAL_DB_PATH)) $(FISCAL_REPORT_DIR)
	$(VENV)/bin/dagster job execute -m dagster_project.definitions -j fiscal_full_build

# The report test opens the page in a real headless browser (Debian's chromium, CJK fonts).
system-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'cjk\|wqy'; then \
	  echo "installing chromium and CJK fonts (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	@if ! command -v soffice >/dev/null; then \
	  echo "installing LibreOffice Writer headless (apt), to print the Word test fixtures to PDF"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui >/dev/null; \
	fi

test: install system-deps dbt/target/manifest.json
	mkdir -p $(DAGSTER_HOME)
	$(PY) -m pytest

dev: install dbt/target/manifest.json
	mkdir -p $(DAGSTER_HOME)
	$(VENV)/bin/dagster dev -m dagster_project.definitions

lint: install
	$(VENV)/bin/ruff check dagster_project expectations tests

# dbt's documentation site (static_index.html works offline), with the catalog read
# from a copy of the published warehouse so analysts' connections are never disturbed.
docs: run
	cp $(FISCAL_DB_PATH) $(FISCAL_DB_PATH).docs
	cd dbt && FISCAL_DB_PATH=$(FISCAL_DB_PATH).docs ../$(VENV)/bin/dbt docs generate --static --target-path $(FISCAL_REPORT_DIR)/dbt_docs
	rm -f $(FISCAL_DB_PATH).docs
	@echo "dbt docs: $(FISCAL_REPORT_DIR)/dbt_docs/static_index.html"

N ?= 1000
corpus: install
	$(PY) -m bench.corpus --n $(N) --out bench/corpus/$(N)

SIZES ?= 1000,10000,100000
bench: install dbt/target/manifest.json
	$(PY) -m bench.run --sizes $(SIZES)
	-$(PY) -m bench.readers  # PDF reader vs the raw-text floor (skips without ../shared/real)

clean:
	rm -rf warehouse reports .dagster_home dbt/target dbt/logs .pytest_cache
