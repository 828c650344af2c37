# Two commands do everything on a fresh machine:
#   make demo   create .venv, install, brief a sample article offline (no key, no network)
#   make test   create .venv, install with test extras and the local model, run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SAMPLE ?= seeds/rarex_ussm_mou.txt

.PHONY: demo demo-local test bench bench-local bench-ray cassettes schemas clean

LOCAL  := $(VENV)/.installed-local
RAY    := $(VENV)/.installed-ray
# portable llama.cpp build (no -march=native), so a cached wheel runs on any x86-64 machine
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,html,redis]"
	touch $(STAMP)

# the [local] extra: pip builds llama-cpp-python from source the first time (~10 min on 2 cores)
$(LOCAL): $(STAMP)
	@echo "installing the [local] extra: the first time, pip builds llama.cpp from source (about 10 minutes"
	@echo "on 2 cores, with no output while 'Building wheel for llama-cpp-python' runs); later installs reuse the wheel"
	$(BIN)/python -m pip install --progress-bar off -e ".[dev,html,local]" | grep --line-buffered -E "Building wheel|Successfully|ERROR" || true
	$(BIN)/python -c "import llama_cpp" || (echo "the [local] extra did not install: see the pip output above" && false)
	touch $(LOCAL)

# the [ray] extra: Ray Data (with pyarrow and pandas), for tests/test_ray.py and bench/ray.py
$(RAY): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,html,redis,ray]"
	touch $(RAY)

demo: $(STAMP)
	MINERALBRIEF_CACHE_DIR=$(VENV)/demo-cache $(BIN)/mineralbrief summarize "$(SAMPLE)" --backend offline

# lint, types, the fast suite (with a redis-server from Debian, which the Redis cache tests
# start on 127.0.0.1 and fail without here), then the slow markers (slow: wall-clock pacing
# and linear growth; soak; local: the real
# model, which fails rather than skips here; ray: a local Ray cluster on 127.0.0.1 with a
# redis-server; browser: the HTML review page in Debian's headless chromium)
test: $(LOCAL) $(RAY)
	$(BIN)/ruff check mineralbrief tests bench
	$(BIN)/mypy
	command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)
	MINERALBRIEF_REQUIRE_REDIS=1 $(BIN)/python -m pytest
	$(BIN)/python -m pytest -m slow
	MINERALBRIEF_REQUIRE_LOCAL=1 $(BIN)/python -m pytest -n 0 -m "soak or local"
	MINERALBRIEF_REQUIRE_RAY=1 MINERALBRIEF_REQUIRE_REDIS=1 $(BIN)/python -m pytest -n 0 -m ray
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)
	$(BIN)/python -m pytest -n 0 -m browser

demo-local: $(LOCAL)
	MINERALBRIEF_CACHE_DIR=$(VENV)/demo-cache $(BIN)/mineralbrief summarize "$(SAMPLE)" --backend local

bench-local: $(LOCAL)
	$(BIN)/python bench/local.py --both

bench: $(STAMP)
	$(BIN)/python bench/overhead.py

bench-ray: $(RAY)
	$(BIN)/python bench/ray.py

cassettes: $(STAMP)
	$(BIN)/python -m pytest -n 0 tests/test_cassettes.py -k replay --record-mode=rewrite

schemas: $(STAMP)
	$(BIN)/mineralbrief schema --write schemas/

clean:
	rm -rf $(VENV) .pytest_cache
