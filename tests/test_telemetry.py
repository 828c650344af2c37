"""OpenTelemetry spans, read back with the SDK's in-memory exporter."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

import mineralbrief

from conftest import FAST, ROOT, SEEDS
from helpers import invented, reference, schema_breaking
from oai_server import Reply, answer

ARTICLE = SEEDS / "rarex_ussm_mou.txt"
KEY = "sk-telemetry-test-0123456789abcdefghij"
_EXPORTER = InMemorySpanExporter()


@pytest.fixture
def spans():
    # the global provider can be set once per process: set it, or join the one already set
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    if not getattr(provider, "_mineralbrief_test", False):
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        provider._mineralbrief_test = True  # type: ignore[attr-defined]
    _EXPORTER.clear()
    yield _EXPORTER
    _EXPORTER.clear()


def by_name(exporter, name):
    return [s for s in exporter.get_finished_spans() if s.name == name]


def everything(span) -> str:
    """All a span says, as text: to check that no article text or key is in it."""
    return json.dumps({"attrs": dict(span.attributes), "status": span.status.description,
                       "events": [(e.name, dict(e.attributes)) for e in span.events]}, default=str)


def test_an_offline_article_has_one_span_with_our_attributes(spans):
    brief = mineralbrief.summarize(ARTICLE, backend="offline")
    [span] = by_name(spans, "mineralbrief.summarize")
    a = span.attributes
    assert a["mineralbrief.backend"] == "offline" and a["mineralbrief.article.chars"] == len(mineralbrief.load_article(ARTICLE).text)
    assert a["mineralbrief.cache_hit"] is False and a["mineralbrief.grounding.ok"] is True
    assert a["mineralbrief.unverified"] == 0 and a["mineralbrief.reasks"] == 0
    assert span.status.status_code is StatusCode.UNSET and brief.grounding.ok
    assert "RareX" not in everything(span)


def test_model_attempts_nest_under_the_article_with_genai_attributes(server, spans):
    server.push(answer(schema_breaking()), answer(invented()), answer(reference()))
    brief = mineralbrief.summarize(ARTICLE, base_url=server.base_url, api_key=KEY, model="m-1", cache=False, **FAST)
    [article] = by_name(spans, "mineralbrief.summarize")
    attempts = by_name(spans, "chat m-1")
    assert len(attempts) == 3 and all(s.parent.span_id == article.context.span_id for s in attempts)
    first, second, third = attempts
    assert first.attributes["error.type"] == "ValidationError" and first.status.status_code is StatusCode.ERROR
    assert second.attributes["mineralbrief.grounding.ok"] is False  # re-asked with what was not found
    assert third.attributes["mineralbrief.grounding.ok"] is True
    for s in attempts:
        assert s.attributes["gen_ai.system"] == "openai" and s.attributes["gen_ai.operation.name"] == "chat"
        assert s.attributes["gen_ai.request.model"] == "m-1" and s.attributes["server.address"] == "127.0.0.1"
        assert s.attributes["gen_ai.usage.input_tokens"] == 100 and s.attributes["gen_ai.usage.output_tokens"] == 50
        assert "gen_ai.response.model" in s.attributes
    a = article.attributes
    assert a["mineralbrief.backend"] == "openai" and a["gen_ai.request.model"] == "m-1" and a["gen_ai.system"] == "openai"
    assert a["mineralbrief.reasks"] == 2 and a["gen_ai.usage.input_tokens"] == 300 == brief.usage.prompt_tokens
    assert a["mineralbrief.grounding.ok"] is True and a["mineralbrief.cache_hit"] is False
    text = ARTICLE.read_text()
    for s in [article, *attempts]:
        assert KEY not in everything(s) and text[:40] not in everything(s)


def test_a_cache_hit_is_marked_and_makes_no_attempt(server, spans):
    server.push(answer(reference()))
    for _ in range(2):
        mineralbrief.summarize(ARTICLE, base_url=server.base_url, api_key=KEY, **FAST)
    first, second = by_name(spans, "mineralbrief.summarize")
    assert first.attributes["mineralbrief.cache_hit"] is False and second.attributes["mineralbrief.cache_hit"] is True
    assert second.attributes["gen_ai.usage.input_tokens"] == 0
    assert len([s for s in spans.get_finished_spans() if s.name.startswith("chat ")]) == 1


def test_a_failure_sets_the_status_and_the_error_type_never_the_message(server, spans):
    server.push(Reply(status=401, body={"error": {"message": f"Incorrect API key provided: {KEY}"}}))
    with pytest.raises(mineralbrief.BackendError):
        mineralbrief.summarize(ARTICLE, base_url=server.base_url, api_key=KEY, cache=False, **FAST)
    [article] = by_name(spans, "mineralbrief.summarize")
    [attempt] = [s for s in spans.get_finished_spans() if s.name.startswith("chat ")]
    assert article.status.status_code is StatusCode.ERROR and article.attributes["error.type"] == "BackendError"
    assert attempt.status.status_code is StatusCode.ERROR and attempt.attributes["error.type"] == "AuthenticationError"
    assert attempt.attributes["http.response.status_code"] == 401
    for s in (article, attempt):
        assert KEY not in everything(s) and "Incorrect" not in everything(s) and not s.events


def test_an_unreadable_article_and_a_strict_refusal_are_failed_spans(server, spans):
    with pytest.raises(mineralbrief.ArticleError):
        mineralbrief.summarize("   ", backend="offline")
    server.push(*[answer(invented())] * 3)
    with pytest.raises(mineralbrief.UngroundedBriefError):
        mineralbrief.summarize(ARTICLE, base_url=server.base_url, api_key=KEY, cache=False, strict=True, **FAST)
    unreadable, refused = by_name(spans, "mineralbrief.summarize")
    assert unreadable.attributes["error.type"] == "ArticleError" and unreadable.status.status_code is StatusCode.ERROR
    assert refused.attributes["error.type"] == "UngroundedBriefError"
    assert refused.attributes["mineralbrief.grounding.ok"] is False and refused.attributes["mineralbrief.unverified"] > 0


async def test_asummarize_and_batches_give_one_span_per_article(spans):
    await mineralbrief.asummarize(ARTICLE, backend="offline")
    results = list(mineralbrief.summarize_many(sorted(SEEDS.glob("*.txt"))[:3], backend="offline", concurrency=2))
    assert all(r.ok for r in results)
    assert len(by_name(spans, "mineralbrief.summarize")) == 4


def test_the_library_runs_without_opentelemetry(tmp_path):
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'opentelemetry':\n"
        "            raise ImportError('blocked for the test')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import mineralbrief, mineralbrief.telemetry as t\n"
        f"b = mineralbrief.summarize(__import__('pathlib').Path({str(ARTICLE)!r}), backend='offline')\n"
        "assert not t.enabled() and b.grounding.ok and 'opentelemetry' not in sys.modules\n"
        "print('ok')\n")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("MINERALBRIEF_", "OPENAI_"))},
           "PYTHONPATH": str(ROOT), "MINERALBRIEF_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


def test_nothing_is_traced_until_an_sdk_sets_a_tracer_provider():
    """With the API alone (no SDK provider) every span would be a no-op: none is started and no
    hook is given to instructor; once a provider is set, spans are recorded."""
    import subprocess
    import sys

    code = (
        "from mineralbrief import telemetry\n"
        "from opentelemetry import trace\n"
        "from opentelemetry.sdk.trace import TracerProvider\n"
        "before = telemetry.recording()\n"
        "trace.set_tracer_provider(TracerProvider())\n"
        "print(before, telemetry.recording())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "True"], out.stderr


def test_a_batch_article_whose_scan_fails_still_has_its_failed_span(spans):
    # a batch scans its articles before sending them: an article whose scan raised was a failed
    # result with no span at all, where summarize and asummarize give it one marked ERROR
    class Breaks(mineralbrief.Summarizer):
        def prepare(self, art):
            if "Item 1." in art.text:
                raise RuntimeError("scan broke")
            return super().prepare(art)

    texts = [ARTICLE.read_text() + f"\nItem {i}.\n" for i in range(3)]
    results = list(mineralbrief.summarize_many(texts, concurrency=3, summarizer=Breaks(backend="offline", cache=False)))
    assert sorted(r.status for r in results) == ["done", "done", "failed"]
    articles = by_name(spans, "mineralbrief.summarize")
    assert len(articles) == 3
    [failed] = [s for s in articles if s.status.status_code is StatusCode.ERROR]
    assert failed.attributes["error.type"] == "RuntimeError"
    assert failed.attributes["mineralbrief.article.chars"] == len(texts[1])
