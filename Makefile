# Two commands do everything on a fresh machine:
#   make demo   create .venv, install, brief a sample article offline (no key, no network)
#   make test   create .venv, install with test extras, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE ?= seeds/rarex_ussm_mou.txt

.PHONY: demo test bench cassettes schemas clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,html]"
	touch $(STAMP)

demo: $(STAMP)
	MINERALBRIEF_CACHE_DIR=$(VENV)/demo-cache $(BIN)/mineralbrief summarize $(SAMPLE) --backend offline

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/overhead.py

cassettes: $(STAMP)
	$(BIN)/python -m pytest tests/test_cassettes.py -k replay --record-mode=rewrite

schemas: $(STAMP)
	$(BIN)/mineralbrief schema --write schemas/

clean:
	rm -rf $(VENV) .pytest_cache
