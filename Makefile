# PressLens: `make reports` builds the report site, `make test` runs the tests.
# Both set up .venv first (plain python3 -m venv, pinned dependencies, spaCy model, kernel).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= data/sample
STORE ?= data/processed/$(notdir $(abspath $(CORPUS)))
REPORTS ?= reports
WORKERS ?= 2
# Gold annotations for the validation report: the bundled ones go with the bundled sample.
GOLD ?= $(if $(filter $(abspath data/sample),$(abspath $(CORPUS))),data/gold/sample.jsonl)
SHARED ?= ../shared

CORPUS_FILES := $(shell find $(CORPUS) -type f 2>/dev/null)
LIB_FILES := $(shell find lib/presslens -type f \( -name '*.py' -o -name '*.yml' \) 2>/dev/null)
ACTORS_TABLE := $(wildcard data/actors.yml)
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
TEMPLATE_FILES := $(shell find lib/presslens/templates -type f 2>/dev/null)

.PHONY: help setup extract reports test test-fast lab eval bench bench-site lint clean clean-all

help: ## list the targets
	@echo "PressLens: make TARGET [CORPUS=path/to/articles] [WORKERS=N]"
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-11s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name presslens --display-name "PressLens (Python 3)" >/dev/null
	touch $@

setup: $(VENV)/.installed ## create .venv: dependencies, spaCy model, 'presslens' Jupyter kernel

$(STORE)/presslens.duckdb: $(VENV)/.installed $(CORPUS_FILES) $(LIB_FILES) $(ACTORS_TABLE)
	$(BIN)/presslens extract $(CORPUS) --out $(STORE) --workers $(WORKERS)

extract: $(STORE)/presslens.duckdb ## extract the corpus (CORPUS=...) into its store

# presslens reports is incremental itself (each report keeps a fingerprint of what it reads), so
# this rule may run whenever an input is newer; it re-executes only the reports that changed.
$(REPORTS)/.built-$(notdir $(STORE)): $(STORE)/presslens.duckdb $(NOTEBOOKS) $(TEMPLATE_FILES) $(LIB_FILES) $(GOLD)
	$(BIN)/presslens reports --store $(STORE) --out $(REPORTS) --workers $(WORKERS) $(if $(GOLD),--gold $(GOLD))
	touch $@

reports: $(REPORTS)/.built-$(notdir $(STORE)) ## set up, extract and render every report into reports/ (GOLD=file adds validation)
	@echo "open $(REPORTS)/index.html"

test: $(VENV)/.installed ## run the whole test suite (notebooks and browser tests included)
	PRESSLENS_SHARED=$(SHARED) $(BIN)/python -m pytest -q

test-fast: $(VENV)/.installed ## the tests without notebook execution and browser
	PRESSLENS_SHARED=$(SHARED) $(BIN)/python -m pytest -q -m "not slow"

lab: $(STORE)/presslens.duckdb ## extract the corpus if needed, open JupyterLab on the exploration notebook
	$(BIN)/jupyter lab notebooks/01-explore.ipynb

eval: $(VENV)/.installed ## run the public benchmark suites from ../shared/eval
	$(BIN)/presslens eval all --suites $(SHARED)/eval

bench: $(VENV)/.installed ## extraction speed, caches, memory at scale and Dask vs bare spaCy, in one run
	PRESSLENS_SHARED=$(SHARED) nice -n 10 $(BIN)/python benchmarks/bench_extract.py --workers $(WORKERS)

bench-site: $(STORE)/presslens.duckdb ## report site: warm kernels vs one bare papermill + nbconvert run, 1 and 2 workers, site size
	$(BIN)/python benchmarks/bench_site.py --store $(STORE) --workers 1,2

lint: $(VENV)/.installed ## ruff
	$(BIN)/ruff check lib tests

clean: ## remove stores, reports and caches (keeps .venv)
	rm -rf data/processed $(REPORTS)/*.html $(REPORTS)/notebooks $(REPORTS)/assets $(REPORTS)/.built-* $(REPORTS)/.presslens-reports.json $(REPORTS)/site.json

clean-all: clean ## also remove .venv
	rm -rf $(VENV)
