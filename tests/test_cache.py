"""The brief cache: hits make no request, every key component is a miss, corrupt is a miss."""

from __future__ import annotations

import pytest

import mineralbrief
from mineralbrief.cache import BriefCache, cache_key

from conftest import FAST, SEEDS
from helpers import reference
from oai_server import answer

ARTICLE = SEEDS / "rarex_ussm_mou.txt"


def call(server, article=ARTICLE, **kw):
    return mineralbrief.summarize(article, base_url=server.base_url, **{**FAST, **kw})


def test_second_identical_call_makes_no_request(server):
    server.push(answer(reference()))
    first = call(server)
    second = call(server)
    assert len(server.requests) == 1
    assert first.provenance.cached is False and second.provenance.cached is True
    assert second.usage.requests == 0
    assert second.model_dump(exclude={"provenance", "usage"}) == first.model_dump(exclude={"provenance", "usage"})


@pytest.mark.parametrize("change", [
    {"model": "other-model"},
    {"temperature": 0.7},
    {"max_tokens": 1000},
    {"seed": 7},
    {"max_reasks": 0},
    {"mode": "json"},
])
def test_changing_a_key_component_is_a_miss(server, change):
    server.push(answer(reference()), answer(reference()))
    call(server)
    again = call(server, **change)
    assert len(server.requests) == 2 and again.provenance.cached is False


def test_changed_article_is_a_miss(server):
    server.push(answer(reference()), answer(reference()))
    call(server)
    call(server, article=ARTICLE.read_text() + "\nUpdated.\n")
    assert len(server.requests) == 2


def test_changed_endpoint_host_is_a_miss(server):
    from oai_server import FakeOpenAIServer

    server.push(answer(reference()))
    call(server)
    with FakeOpenAIServer() as other:
        other.push(answer(reference()))
        brief = mineralbrief.summarize(ARTICLE, base_url=other.base_url, **FAST)
    assert brief.provenance.cached is False and len(other.requests) == 1


@pytest.mark.parametrize("component", ["mineralbrief.backends.openai_compat.prompt_version", "mineralbrief.api._schema_hash"])
def test_changed_prompt_or_schema_is_a_miss(server, monkeypatch, component):
    server.push(answer(reference()), answer(reference()))
    call(server)
    monkeypatch.setattr(component, lambda *names: "changed")
    mineralbrief.api.close_shared()  # a new version of the prompts or models comes with a new process
    call(server)
    assert len(server.requests) == 2


def test_api_key_is_not_part_of_the_key(server):
    server.push(answer(reference()))
    call(server, api_key="sk-first-aaaaaaaaaaaaaaaaaaaa")
    again = call(server, api_key="sk-second-bbbbbbbbbbbbbbbbbbbb")
    assert again.provenance.cached is True and len(server.requests) == 1


def test_cache_false_neither_reads_nor_writes(server):
    server.push(answer(reference()), answer(reference()))
    call(server, cache=False)
    call(server, cache=False)
    assert len(server.requests) == 2


def test_corrupt_entry_is_a_miss(server, tmp_path):
    server.push(answer(reference()), answer(reference()))
    s = mineralbrief.Summarizer(base_url=server.base_url, **FAST)
    s.summarize(ARTICLE)
    store: BriefCache = s.cache  # type: ignore[assignment]
    (key,) = list(store._cache.iterkeys())
    store._cache.set(key, '{"headline": "truncat')
    brief = s.summarize(ARTICLE)
    assert brief.provenance.cached is False and len(server.requests) == 2
    assert s.summarize(ARTICLE).provenance.cached is True  # rewritten, readable again


def test_cache_key_refuses_an_api_key():
    with pytest.raises(ValueError):
        cache_key(article="x", api_key="sk-123")
