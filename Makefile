# The two commands a new machine needs: `make run` (set up what the assistant needs to run, build
# the index on first start, serve) and `make test` (also the test and benchmark tools, torch as the
# pinned CPU build). Everything installs into .venv from PyPI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
# setuptools warns about every editable install; nothing in it is for the user.
PIP := PYTHONWARNINGS=ignore $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: setup dev browser run test lint eval bench

$(VENV)/.run-installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed
	$(PIP) torch==2.13.0
	$(PIP) -e '.[dev,bench]'
	touch $@

setup: $(VENV)/.run-installed

dev: $(VENV)/.dev-installed

# The widget's end-to-end tests drive Debian's chromium (never a browser downloaded by playwright).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

run: setup
	$(BIN)/assistant serve

test: dev browser
	$(BIN)/python -m pytest

lint: dev
	$(BIN)/ruff check assistant api tests bench fuzz

# The evaluation sets (tests/eval/): the five policies; pages drawn from ../shared/corpora beside them.
eval: dev
	$(BIN)/assistant eval tests/eval/questions.jsonl
	$(BIN)/assistant eval tests/eval/unseen/tune.jsonl tests/eval/unseen/test.jsonl \
		--documents tests/eval/unseen/documents.json
	$(BIN)/assistant eval tests/eval/blind/questions.jsonl \
		--documents tests/eval/unseen/documents.json --documents tests/eval/blind/documents.json

bench: dev
	$(BIN)/python -m bench.search_vs_langchain
	$(BIN)/python -m bench.latency
	$(BIN)/python -m bench.build
