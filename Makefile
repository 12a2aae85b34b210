# Two entry points: `make run` and `make test`. Both create .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test index eval bench browser clean

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

bench: $(STAMP)
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.incremental

clean:
	rm -rf $(VENV) index
