# The two commands a new machine needs: `make run` (set up, build the index on first start, serve)
# and `make test`. Everything installs into .venv from PyPI; torch is the pinned CPU build.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1

.PHONY: setup browser run test lint eval bench

$(BIN)/assistant: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(BIN)/assistant

setup: $(BIN)/assistant

# The widget's end-to-end tests drive Debian's chromium (never a browser downloaded by playwright).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

run: setup
	$(BIN)/assistant serve

test: setup browser
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check assistant api tests bench fuzz

eval: setup
	$(BIN)/assistant eval tests/eval/questions.jsonl

bench: setup
	$(BIN)/python -m bench.search_vs_langchain
