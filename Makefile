# Election Warehouse. Every target sets up .venv first (idempotent, instant when current).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: setup run test lint format ui serve sql export maps docs bench clean

setup: $(INSTALLED)

# Reinstall only when the dependency list or the pins change.
$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

## run: build the warehouse from raw/ (ELECTIONS_RAW_DIR) into ELECTIONS_WAREHOUSE
run: setup
	@$(BIN)/elections run

## test: lint, then the whole test suite
test: setup lint
	$(BIN)/python -m pytest -n auto --dist loadfile

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## ui: the Dagster UI on http://127.0.0.1:3000 (DAGSTER_PORT to change)
ui: setup
	@$(BIN)/elections ui

## sql: an interactive SQL prompt on the warehouse, read-only
sql: setup
	@$(BIN)/elections sql

## export: Parquet of every table and view, and a MEDSL-shaped CSV, into warehouse/export/
export: setup
	@$(BIN)/elections export

## maps: draw the county map of each election (make ui draws them after each reload)
maps: setup
	@$(BIN)/elections maps

## bench: the whole `make run` on generated corpora against its floors (cold run and reload:
##        median of three), peak RSS at 1k/2k/4k articles, and a flame graph of a cold run
##        (docs/benchmarks.md; about 2 minutes)
bench: setup
	$(BIN)/python -m benchmarks.run --flame docs/benchmarks-flame.svg

## serve: production mode, dagster-webserver + dagster-daemon (docs/deploy.md)
serve: setup
	@$(BIN)/elections serve

## docs: regenerate the generated parts of README.md and docs/ (outputs from real runs)
docs: setup
	@$(BIN)/elections docs

## clean: remove everything the project generates (git-ignored files only; raw/ stays)
clean:
	rm -rf $(VENV) .dagster .pytest_cache .ruff_cache build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find warehouse -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
