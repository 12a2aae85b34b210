# Two entry points: `make run` and `make test`. Both create .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test index eval bench bench-scale bench-keyword browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,sentence-transformers]'
	touch $(STAMP)

index/CURRENT: | $(STAMP)
	$(BIN)/assistant index build

run: $(STAMP) index/CURRENT
	$(BIN)/python app.py

index: $(STAMP)
	$(BIN)/assistant index build

# Debian's chromium and a CJK font for the browser tests (screenshots need the font to show Chinese);
# where apt cannot install them, the browser tests skip themselves.
browser:
	@(command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto sans cjk") || \
	  (command -v apt-get >/dev/null 2>&1 && apt-get update -qq >/dev/null 2>&1 && \
	   apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1) || \
	  echo "chromium not installed: browser tests will be skipped"

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/assistant eval --split all

# Speed and memory against the model's own costs, measured in the same run (bench/results/latest.md).
bench: $(STAMP) index/CURRENT
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.incremental

# The same at 200,000 synthesised clauses, bounded to about 10 minutes (bench/results/scale.md).
bench-scale: $(STAMP) index/CURRENT
	timeout 900 $(BIN)/python -m bench.scale

# Our keyword index (bm25s) against Milvus full-text search on milvus-lite, 20,000 synthesised clauses, bounded to
# a few minutes (bench/results/keyword.md).
bench-keyword: $(STAMP) index/CURRENT
	timeout 600 $(BIN)/python -m bench.keyword_scale

clean:
	rm -rf $(VENV) index
