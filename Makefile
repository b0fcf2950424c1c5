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

.PHONY: install system-deps docs-assets run sql test dev lint lock docs bench corpus clean

install: $(STAMP)

# Reinstall only when the declared dependencies or the lock change. requirements.lock pins every
# package of the environment (pip constraints), so a fresh clone gets the versions tested here.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

# After adding or upgrading a dependency (pyproject.toml, then pip install into .venv): pin the
# environment as it is now. The project itself (editable) is not pinned.
lock:
	@{ echo "# The whole environment of make install, pinned (pip constraints). Regenerate: make lock"; \
	   $(PY) -m pip freeze --exclude-editable --disable-pip-version-check | grep -v '^-e '; } > requirements.lock
	@echo "requirements.lock: $$(grep -vc '^#' requirements.lock) packages"

# dagster-dbt reads dbt's manifest when the definitions load. Parsed with the profile a run uses
# (the build file next to the warehouse), so the run's dbt can reuse this parse.
dbt/target/manifest.json: $(STAMP) $(shell find dbt -name '*.sql' -o -name '*.yml' -o -name '*.csv' -o -name '*.md' 2>/dev/null | grep -v target/)
	cd dbt && FISCAL_DB_PATH=$(FISCAL_DB_PATH).build ../$(VENV)/bin/dbt parse --quiet
	touch $@

# GX Data Docs load jQuery, Bootstrap, Vega … from CDNs; the quality step serves local copies,
# fetched once from the npm registry into .cache/ (expectations/data_docs.py pins the versions).
docs-assets: install
	$(PY) -c "from expectations.data_docs import fetch_assets; fetch_assets()"

# The whole pipeline; a few lines of progress, then where the warehouse and the report are.
# Dagster's log (INFO) and dbt's output: $(DAGSTER_HOME)/logs/fiscal.log.
# The marts are rebuilt for the changed files only; FULL=1 rebuilds them from every file.
run: install docs-assets dbt/target/manifest.json
	mkdir -p $(dir $(FISCAL_DB_PATH)) $(FISCAL_REPORT_DIR)
	$(PY) -m dagster_project.run $(if $(FULL),--full-refresh)

# The published warehouse in the DuckDB CLI, read-only (runs go on meanwhile; reconnect to see the newest).
sql: install
	@test -f $(FISCAL_DB_PATH) || { echo "no warehouse at $(FISCAL_DB_PATH): run 'make run' first"; exit 1; }
	@$(VENV)/bin/duckdb -readonly $(FISCAL_DB_PATH) || { echo "(a warehouse written by DuckDB 2 before the"\
	  "1.5-compatible format: rebuild it once with 'make clean run')"; exit 1; }

# The report test opens the page in a real headless browser (Debian's chromium, CJK fonts).
system-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi 'cjk\|wqy'; then \
	  echo "installing chromium and CJK fonts (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	@if ! command -v soffice >/dev/null || { ! dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 \
	    && ! dpkg -s libreoffice-calc >/dev/null 2>&1; }; then \
	  echo "installing LibreOffice Writer and Calc headless (apt): the Word fixtures printed to PDF, a workbook saved as old Excel"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui libreoffice-calc-nogui >/dev/null; \
	fi

# The modules run on two workers (pytest-xdist, --dist loadfile): each module's fixtures stay on one
# worker, the session's shared pipeline runs are made once (tests/conftest.py). PYTEST_ARGS= runs serially.
# --no-loadscope-reorder: the modules go out in the order tests/conftest.py gives them (longest first).
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder
test: install system-deps docs-assets dbt/target/manifest.json
	mkdir -p $(DAGSTER_HOME)
	$(PY) -m pytest $(PYTEST_ARGS)

# No -m: dagster reads [tool.dagster] in pyproject.toml, so the code location is named `fiscal`.
# `dagster dev` warns that `dg dev` supersedes it; dg needs a dg project layout we do not use.
dev: install dbt/target/manifest.json
	$(PY) -m dagster_project.run --prepare-home
	$(PY) -W 'ignore:Function `dev_command` is superseded' -m dagster dev

lint: install
	$(VENV)/bin/ruff check dagster_project expectations tests

# dbt's documentation site (static_index.html works offline), with the catalog read from a copy
# of the published warehouse so analysts' connections are never disturbed. Runs the pipeline only
# when there is no warehouse yet; then writes the quality report again so that it links the docs.
$(FISCAL_DB_PATH):
	$(MAKE) run

docs: install dbt/target/manifest.json $(FISCAL_DB_PATH)
	cp $(FISCAL_DB_PATH) $(FISCAL_DB_PATH).docs
	cd dbt && FISCAL_DB_PATH=$(FISCAL_DB_PATH).docs ../$(VENV)/bin/dbt docs generate --quiet --static \
	  --target-path $(FISCAL_REPORT_DIR)/dbt_docs --log-path $(CURDIR)/dbt/logs
	rm -f $(FISCAL_DB_PATH).docs $(FISCAL_DB_PATH).docs.wal
	$(PY) -m dagster_project.reporting
	@echo "dbt docs: $(FISCAL_REPORT_DIR)/dbt_docs/static_index.html"

N ?= 1000
corpus: install
	$(PY) -m bench.corpus --n $(N) --out bench/corpus/$(N)

SIZES ?= 1000,10000,100000
# above DETAIL reports only the three make runs (the incremental table) are measured
DETAIL ?= 10000
bench: install dbt/target/manifest.json
	$(PY) -m bench.run --sizes $(SIZES) --runs-only-above $(DETAIL) --no-dagster
	$(PY) -m bench.run --sizes $(SIZES) --runs-only-above $(DETAIL) --findings-heavy --timeout 7200  # findings in ≥ 1/3 of the reports, every rule family
	-$(PY) -m bench.readers  # PDF reader vs the raw-text floor (skips without ../shared/real)
	$(PY) -m bench.parse --n 10000 --profile 5  # the parse stage alone: reports/s per core, where the time goes

clean:
	rm -rf warehouse reports .dagster_home dbt/target dbt/logs .pytest_cache .cache
