"""Replays of recorded HTTP exchanges (cassettes/), matched on method, path and JSON body.

The cassettes were recorded against tests/oai_server.py serving the hand-written reference
answers in tests/data/reference/ (FIXTURE answers, not a model's). To re-record against a real
endpoint, see cassettes/README.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import mineralbrief

from conftest import KEY_PATTERN, ROOT, SEEDS
from oai_server import FakeOpenAIServer, Reply, article_key, article_of, completion, reference_answers

MODEL = os.environ.get("MINERALBRIEF_RECORD_MODEL", "gpt-4o-mini")
CASSETTE_SEEDS = ["rarex_ussm_mou", "mp_materials_dod"]


@pytest.fixture
def endpoint() -> Iterator[str]:
    """Where recordings go: a real endpoint when MINERALBRIEF_RECORD_BASE_URL is set, else the
    fixture server with reference answers. On replay no request leaves the process."""
    real = os.environ.get("MINERALBRIEF_RECORD_BASE_URL")
    if real:
        yield real
        return
    refs = reference_answers(SEEDS)

    def default(request: dict) -> Reply:
        return Reply(body=completion(request, refs[article_key(article_of(request))], tokens=(1200, 400)))

    with FakeOpenAIServer(default=default) as srv:
        yield srv.base_url


@pytest.mark.vcr
@pytest.mark.parametrize("seed", CASSETTE_SEEDS)
def test_replay_reference_answer(seed, endpoint):
    brief = mineralbrief.summarize(
        SEEDS / f"{seed}.txt", base_url=endpoint, model=MODEL, cache=False,
        api_key=os.environ.get("OPENAI_RECORD_API_KEY"),
    )
    assert brief.provenance.backend == "openai"
    assert brief.grounding.ok, brief.grounding.unverified
    assert brief.usage.requests == 1 and brief.usage.total_tokens > 0
    assert brief.deals and brief.deals[0].parties
    assert all(ev.verified for kp in brief.key_points for ev in kp.evidence)


def test_cassettes_exist_and_hold_no_secrets():
    files = sorted((ROOT / "cassettes").glob("*.yaml"))
    assert len(files) >= len(CASSETTE_SEEDS)
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not KEY_PATTERN.search(text), f"{path.name} looks like it holds a key"
        lowered = text.lower()
        for header in ("authorization:", "api-key:", "x-api-key:", "cookie:"):
            assert header not in lowered, f"{path.name} holds a {header} header"
