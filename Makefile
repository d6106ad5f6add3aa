# The two commands a new machine needs: `make run` (set up what the assistant needs to run, build
# the index on first start, serve) and `make test` (also the test and benchmark tools, torch as the
# pinned CPU build). Everything installs into .venv from PyPI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
# setuptools warns about every editable install; nothing in it is for the user.
PIP := PYTHONWARNINGS=ignore $(BIN)/pip install --quiet --disable-pip-version-check
# Every package at the version the README's figures were measured with (`make constraints` writes it
# from a working .venv): a ranking that ties to two decimals can turn on a numpy or bm25s release.
PINNED := -c constraints.txt

.PHONY: setup dev ocr browser test-packages run test lint eval bench constraints

$(VENV)/.run-installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	$(PIP) $(PINNED) -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed
	$(PIP) $(PINNED) torch==2.13.0
	$(PIP) $(PINNED) -e '.[dev,bench]'
	touch $@

setup: $(VENV)/.run-installed

dev: $(VENV)/.dev-installed

# Debian packages, installed with apt-get when missing (one `apt-get update` for all a target needs):
# Tesseract with its Swedish and English data reads PDF pages that are scans (without it such a PDF
# is refused); the widget's end-to-end tests drive Debian's chromium (never a browser downloaded by
# playwright). Each *_MISSING is a shell expression naming the packages that are not installed.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-swe tesseract-ocr-eng
OCR_MISSING = $$(langs=$$(tesseract --list-langs 2>/dev/null); \
	echo "$$langs" | grep -qx swe && echo "$$langs" | grep -qx eng || echo $(OCR_PACKAGES))
BROWSER_MISSING = $$(command -v chromium >/dev/null || echo chromium)
apt_install = missing="$(1)"; set -- $$missing; [ $$\# -eq 0 ] || \
	{ apt-get update -qq && apt-get install -y -qq "$$@" >/dev/null; }

# Serving works without OCR: where apt-get cannot install it (not root, not Debian), a warning.
ocr:
	@$(call apt_install,$(OCR_MISSING)) || echo "warning: could not install $(OCR_PACKAGES);" \
		"PDF pages without a text layer will be refused" >&2

browser:
	@$(call apt_install,$(BROWSER_MISSING))

test-packages:
	@$(call apt_install,$(OCR_MISSING) $(BROWSER_MISSING))

run: setup ocr
	$(BIN)/assistant serve

# Two workers, each file on a fixed one (tests/conftest.py); the schemathesis runs, which need one
# process, after them.
test: dev test-packages
	$(BIN)/python -m pytest -n 2 --dist loadgroup --ignore tests/fuzz/test_schemathesis.py
	$(BIN)/python -m pytest tests/fuzz/test_schemathesis.py

lint: dev
	$(BIN)/ruff check assistant api tests bench fuzz

# The evaluation sets (tests/eval/): the five policies; pages drawn from ../shared/corpora beside them.
eval: dev
	$(BIN)/assistant eval tests/eval/questions.jsonl tests/eval/offtopic/tune.jsonl tests/eval/offtopic/test.jsonl
	$(BIN)/assistant eval tests/eval/unseen/tune.jsonl tests/eval/unseen/test.jsonl \
		--documents tests/eval/unseen/documents.json
	$(BIN)/assistant eval tests/eval/blind/questions.jsonl \
		--documents tests/eval/unseen/documents.json --documents tests/eval/blind/documents.json
	$(BIN)/assistant eval tests/eval/large/tune.jsonl tests/eval/large/test.jsonl tests/eval/offtopic/tune.jsonl \
		tests/eval/offtopic/test.jsonl --documents tests/eval/large/documents.json
	$(BIN)/assistant eval tests/eval/english/tune.jsonl tests/eval/english/test.jsonl \
		--documents tests/eval/english/documents.json
	$(BIN)/assistant eval tests/eval/fresh/questions.jsonl --documents tests/eval/fresh/documents.json
	$(BIN)/assistant eval tests/eval/tuning/questions.jsonl --documents tests/eval/tuning/documents.json
	$(BIN)/assistant eval tests/eval/trial/questions.jsonl --documents tests/eval/trial/documents.json
	$(BIN)/assistant eval tests/eval/check/questions.jsonl --documents tests/eval/check/documents.json
	$(BIN)/assistant eval tests/eval/facts/questions.jsonl --documents tests/eval/facts/documents.json
	$(BIN)/assistant eval tests/eval/facts2/questions.jsonl --documents tests/eval/facts2/documents.json
	$(BIN)/assistant eval tests/eval/staff/questions.jsonl --documents tests/eval/staff/documents.json
	$(BIN)/assistant eval tests/eval/fresh2/questions.jsonl --documents tests/eval/fresh2/documents.json
	$(BIN)/assistant eval tests/eval/round1/questions.jsonl --documents tests/eval/round1/documents.json
	$(BIN)/assistant eval tests/eval/round2/questions.jsonl --documents tests/eval/round2/documents.json
	$(BIN)/assistant eval tests/eval/round3/questions.jsonl --documents tests/eval/round3/documents.json
	$(BIN)/assistant eval tests/eval/round4/questions.jsonl --documents tests/eval/round4/documents.json
	$(BIN)/assistant eval tests/eval/round5/questions.jsonl --documents tests/eval/round5/documents.json
	$(BIN)/assistant eval tests/eval/round6/questions.jsonl --documents tests/eval/round6/documents.json
	$(BIN)/assistant eval tests/eval/round7/questions.jsonl --documents tests/eval/round7/documents.json
	$(BIN)/assistant eval tests/eval/round8/questions.jsonl --documents tests/eval/round8/documents.json
	$(BIN)/assistant eval tests/eval/round9/questions.jsonl --documents tests/eval/round9/documents.json
	$(BIN)/assistant eval tests/eval/round10/questions.jsonl --documents tests/eval/round10/documents.json
	$(BIN)/assistant eval tests/eval/round11/questions.jsonl --documents tests/eval/round11/documents.json
	$(BIN)/assistant eval tests/eval/round12/questions.jsonl --documents tests/eval/round12/documents.json
	$(BIN)/assistant eval tests/eval/round13/questions.jsonl --documents tests/eval/round13/documents.json
	$(BIN)/assistant eval tests/eval/round14/questions.jsonl --documents tests/eval/round14/documents.json
	$(BIN)/assistant eval tests/eval/round15/questions.jsonl --documents tests/eval/round15/documents.json
	$(BIN)/assistant eval tests/eval/round16/questions.jsonl --documents tests/eval/round16/documents.json
	$(BIN)/assistant eval tests/eval/round17/questions.jsonl --documents tests/eval/round17/documents.json
	$(BIN)/assistant eval tests/eval/round18/questions.jsonl --documents tests/eval/round18/documents.json
	$(BIN)/assistant eval tests/eval/round19/questions.jsonl --documents tests/eval/round19/documents.json
	$(BIN)/assistant eval tests/eval/round20/questions.jsonl --documents tests/eval/round20/documents.json
	$(BIN)/assistant eval tests/eval/round21/questions.jsonl --documents tests/eval/round21/documents.json
	$(BIN)/assistant eval tests/eval/round22/questions.jsonl --documents tests/eval/round22/documents.json
	$(BIN)/assistant eval tests/eval/round23/questions.jsonl --documents tests/eval/round23/documents.json
	$(BIN)/assistant eval tests/eval/round24/questions.jsonl --documents tests/eval/round24/documents.json
	$(BIN)/assistant eval tests/eval/round25/questions.jsonl --documents tests/eval/round25/documents.json
	$(BIN)/assistant eval tests/eval/round26/questions.jsonl --documents tests/eval/round26/documents.json
	$(BIN)/assistant eval tests/eval/round27/questions.jsonl --documents tests/eval/round27/documents.json
	$(BIN)/assistant eval tests/eval/round28/questions.jsonl --documents tests/eval/round28/documents.json
	$(BIN)/assistant eval tests/eval/round29/questions.jsonl --documents tests/eval/round29/documents.json
	$(BIN)/assistant eval tests/eval/round30/questions.jsonl --documents tests/eval/round30/documents.json
	$(BIN)/assistant eval tests/eval/round31/questions.jsonl --documents tests/eval/round31/documents.json
	$(BIN)/assistant eval tests/eval/round32/questions.jsonl --documents tests/eval/round32/documents.json
	$(BIN)/assistant eval tests/eval/round33/questions.jsonl --documents tests/eval/round33/documents.json
	$(BIN)/assistant eval tests/eval/round34/questions.jsonl --documents tests/eval/round34/documents.json
	$(BIN)/assistant eval tests/eval/round35/questions.jsonl --documents tests/eval/round35/documents.json
	$(BIN)/assistant eval tests/eval/round36/questions.jsonl --documents tests/eval/round36/documents.json
	$(BIN)/assistant eval tests/eval/round37/questions.jsonl --documents tests/eval/round37/documents.json
	$(BIN)/assistant eval tests/eval/round38/questions.jsonl --documents tests/eval/round38/documents.json
	$(BIN)/assistant eval tests/eval/round39/questions.jsonl --documents tests/eval/round39/documents.json
	$(BIN)/assistant eval tests/eval/round40/questions.jsonl --documents tests/eval/round40/documents.json
	$(BIN)/assistant eval tests/eval/round41/questions.jsonl --documents tests/eval/round41/documents.json
	$(BIN)/assistant eval tests/eval/round42/questions.jsonl --documents tests/eval/round42/documents.json
	$(BIN)/assistant eval tests/eval/round43/questions.jsonl --documents tests/eval/round43/documents.json
	$(BIN)/assistant eval tests/eval/round44/questions.jsonl --documents tests/eval/round44/documents.json
	$(BIN)/assistant eval tests/eval/round45/questions.jsonl --documents tests/eval/round45/documents.json
	$(BIN)/assistant eval tests/eval/round46/questions.jsonl --documents tests/eval/round46/documents.json
	$(BIN)/assistant eval tests/eval/round47/questions.jsonl --documents tests/eval/round47/documents.json
	$(BIN)/assistant eval tests/eval/round48/questions.jsonl --documents tests/eval/round48/documents.json
	$(BIN)/assistant eval tests/eval/round49/questions.jsonl --documents tests/eval/round49/documents.json
	$(BIN)/assistant eval tests/eval/round50/questions.jsonl --documents tests/eval/round50/documents.json
	$(BIN)/assistant eval tests/eval/round51/questions.jsonl --documents tests/eval/round51/documents.json
	$(BIN)/assistant eval tests/eval/round52/questions.jsonl --documents tests/eval/round52/documents.json
	$(BIN)/assistant eval tests/eval/round53/questions.jsonl --documents tests/eval/round53/documents.json
	$(BIN)/assistant eval tests/eval/round54/questions.jsonl --documents tests/eval/round54/documents.json
	$(BIN)/assistant eval tests/eval/round55/questions.jsonl --documents tests/eval/round55/documents.json
	$(BIN)/assistant eval tests/eval/round56/questions.jsonl --documents tests/eval/round56/documents.json
	$(BIN)/assistant eval tests/eval/round57/questions.jsonl --documents tests/eval/round57/documents.json
	$(BIN)/assistant eval tests/eval/round58/questions.jsonl --documents tests/eval/round58/documents.json
	$(BIN)/assistant eval tests/eval/round59/questions.jsonl --documents tests/eval/round59/documents.json
	$(BIN)/assistant eval tests/eval/round60/questions.jsonl --documents tests/eval/round60/documents.json
	$(BIN)/assistant eval tests/eval/round61/questions.jsonl --documents tests/eval/round61/documents.json
	$(BIN)/assistant eval tests/eval/round62/questions.jsonl --documents tests/eval/round62/documents.json
	$(BIN)/assistant eval tests/eval/round63/questions.jsonl --documents tests/eval/round63/documents.json
	$(BIN)/assistant eval tests/eval/round64/questions.jsonl --documents tests/eval/round64/documents.json
	$(BIN)/assistant eval tests/eval/round65/questions.jsonl --documents tests/eval/round65/documents.json
	$(BIN)/assistant eval tests/eval/round66/questions.jsonl --documents tests/eval/round66/documents.json
	$(BIN)/assistant eval tests/eval/round67/questions.jsonl --documents tests/eval/round67/documents.json
	$(BIN)/assistant eval tests/eval/round68/questions.jsonl --documents tests/eval/round68/documents.json
	$(BIN)/assistant eval tests/eval/round69/questions.jsonl --documents tests/eval/round69/documents.json
	$(BIN)/assistant eval tests/eval/round70/questions.jsonl --documents tests/eval/round70/documents.json
	$(BIN)/assistant eval tests/eval/round71/questions.jsonl --documents tests/eval/round71/documents.json
	$(BIN)/assistant eval tests/eval/round72/questions.jsonl --documents tests/eval/round72/documents.json
	$(BIN)/assistant eval tests/eval/round73/questions.jsonl --documents tests/eval/round73/documents.json
	$(BIN)/assistant eval tests/eval/round74/questions.jsonl --documents tests/eval/round74/documents.json
	$(BIN)/assistant eval tests/eval/round75/questions.jsonl --documents tests/eval/round75/documents.json
	$(BIN)/assistant eval tests/eval/round76/questions.jsonl --documents tests/eval/round76/documents.json
	$(BIN)/assistant eval tests/eval/round77/questions.jsonl --documents tests/eval/round77/documents.json
	$(BIN)/assistant eval tests/eval/round78/questions.jsonl --documents tests/eval/round78/documents.json
	$(BIN)/assistant eval tests/eval/round79/questions.jsonl --documents tests/eval/round79/documents.json
	$(BIN)/assistant eval tests/eval/round80/questions.jsonl --documents tests/eval/round80/documents.json
	$(BIN)/assistant eval tests/eval/round81/questions.jsonl --documents tests/eval/round81/documents.json
	$(BIN)/assistant eval tests/eval/round82/questions.jsonl --documents tests/eval/round82/documents.json

# Pin what .venv holds now (after a deliberate upgrade, and a re-measure of the README's figures).
# torch is written without its local label ("+cpu"): pip resolves 2.13.0 to the CPU build here.
constraints:
	{ echo "# Written by \`make constraints\` from a .venv the README's figures were measured with."; \
	  $(BIN)/pip freeze --exclude-editable --disable-pip-version-check | sed 's/^torch==\([^+]*\)+.*/torch==\1/'; \
	} > constraints.txt

bench: dev
	$(BIN)/python -m bench.search_vs_langchain
	$(BIN)/python -m bench.latency
	$(BIN)/python -m bench.build
