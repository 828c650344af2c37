"""Worker processes (workers=N) and the batch's gate on LLM calls: same briefs as one process,
every article accounted for when workers die or the endpoint fails, calls bounded, budgets kept."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

import pytest

import mineralbrief
from conftest import FAST, SEEDS
from helpers import gone
from fixture_model import fixture_reply, offline_answer
from mineralbrief.batch import asummarize_many, summarize_many
from mineralbrief.gate import CallGate
from mineralbrief.workers import WorkerPool
from oai_server import FakeOpenAIServer, Reply, completion


def texts(n: int, tag: str = "Wire") -> list[str]:
    seeds = [p.read_text() for p in sorted(SEEDS.glob("*.txt"))]
    return [seeds[i % len(seeds)] + f"\n{tag} {i}.\n" for i in range(n)]


class Counting:
    """FIXTURE server answers (the offline backend's brief) after ``hold`` seconds, counting how
    many requests are inside the server at once."""

    def __init__(self, hold: float = 0.05) -> None:
        self.hold, self.now, self.most = hold, 0, 0
        self.lock = threading.Lock()

    def __call__(self, request: dict) -> Reply:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(self.hold)
        with self.lock:
            self.now -= 1
        return fixture_reply(request)


def test_workers_brief_exactly_what_one_process_briefs():
    articles = texts(14)
    with FakeOpenAIServer(default=fixture_reply) as srv:
        one = {r.index: r for r in summarize_many(articles, concurrency=4, base_url=srv.base_url, cache=False)}
        two = {r.index: r for r in summarize_many(articles, concurrency=4, base_url=srv.base_url, cache=False,
                                                  workers=2)}
    assert sorted(two) == list(range(14)) and {r.status for r in two.values()} == {"done"}
    for i in range(14):
        assert two[i].brief.model_dump(exclude={"provenance"}) == one[i].brief.model_dump(exclude={"provenance"})


@pytest.mark.parametrize("workers", [1, 2])
def test_gate_bounds_llm_calls_not_articles(workers):
    server = Counting()
    with FakeOpenAIServer(default=server) as srv:
        results = list(summarize_many(texts(24), concurrency=3, base_url=srv.base_url, cache=False,
                                      workers=workers))
    assert len(results) == 24 and all(r.status == "done" for r in results)
    assert server.most == 3  # the bound is reached and never passed, across processes too


def test_gate_refuses_calls_once_closed():
    gate = CallGate(2, reason="budget gone")

    async def run() -> None:
        async with gate.slot():
            pass
        gate.close()
        with pytest.raises(mineralbrief.BudgetExhaustedError, match="budget gone"):
            async with gate.slot():
                pass

    asyncio.run(run())


def test_http_thread_hands_over_and_says_when_idle():
    from mineralbrief.backends.openai_compat import HttpThread

    http = HttpThread()
    assert http._selector.idle.wait(2)  # a loop with nothing to run says so
    seen: list[bool] = []

    async def exchange() -> str:
        seen.append(http._selector.idle.is_set())  # running: not idle
        await asyncio.sleep(0.05)
        return "answer"

    async def caller() -> str:
        return await http.run(exchange())

    assert asyncio.run(caller()) == "answer"
    assert seen == [False]

    async def failing() -> None:
        raise ValueError("fixture: the exchange failed")

    async def caller_of_failing() -> None:
        await http.run(failing())

    with pytest.raises(ValueError, match="fixture: the exchange failed"):
        asyncio.run(caller_of_failing())
    http.loop.call_soon_threadsafe(http.loop.stop)


def test_budget_with_workers_skips_instead_of_losing():
    articles = texts(16)
    with FakeOpenAIServer(default=fixture_reply) as srv:
        results = list(summarize_many(articles, concurrency=2, budget_tokens=400, base_url=srv.base_url,
                                      cache=False, workers=2, **FAST))
    assert sorted(r.index for r in results) == list(range(16))
    done = [r for r in results if r.status == "done"]
    skipped = [r for r in results if r.status == "skipped_budget"]
    assert done and skipped and len(done) + len(skipped) == 16
    assert len(srv.requests) == len(done)  # a skipped article made no call
    assert all("budget" in r.error for r in skipped)


def test_errors_cross_from_workers_with_their_type_and_context():
    with FakeOpenAIServer(default=lambda req: Reply(status=503, body={"error": {"message": "fixture: down"}})) as srv:
        with mineralbrief.Summarizer(base_url=srv.base_url, cache=False, workers=2, max_attempts=2, **FAST) as s:
            with pytest.raises(mineralbrief.TransportError) as info:
                asyncio.run(s.asummarize(texts(1)[0]))
            results = list(summarize_many(texts(3), concurrency=2, summarizer=s))
    assert info.value.attempts == 2 and info.value.last_status == 503
    assert all(r.status == "failed" and r.error.startswith("TransportError: endpoint kept failing") for r in results)


def invented(request: dict) -> Reply:
    """FIXTURE: the offline brief with a quote the article does not contain."""
    answer = offline_answer(request)
    answer["key_points"][0]["evidence"] = [{"quote": "Invented Holdings agreed to buy the project for $9 billion"}]
    return Reply(body=completion(request, answer))


def test_strict_is_checked_in_the_callers_process():
    with FakeOpenAIServer(default=invented) as srv:
        with mineralbrief.Summarizer(base_url=srv.base_url, cache=False, workers=2, max_reasks=0, **FAST) as s:
            flagged = asyncio.run(s.asummarize(texts(1)[0]))
        with mineralbrief.Summarizer(base_url=srv.base_url, cache=False, workers=2, strict=True,
                                     max_reasks=0, **FAST) as s:
            with pytest.raises(mineralbrief.UngroundedBriefError) as info:
                asyncio.run(s.asummarize(texts(1)[0]))
    assert not flagged.grounding.ok and any("Invented" in u for u in flagged.grounding.unverified)
    assert info.value.unverified == flagged.grounding.unverified


def test_a_killed_worker_loses_no_article():
    """A worker SIGKILLed mid-batch: what it held goes to a live worker, a new worker takes its
    place, and every article is briefed."""
    articles = texts(40)
    server = Counting(hold=0.15)
    with FakeOpenAIServer(default=server) as srv, \
            mineralbrief.Summarizer(base_url=srv.base_url, cache=False, workers=2) as s:
        pool = s.start_workers()
        victim = pool.pids[0]
        results = []
        for r in summarize_many(articles, concurrency=8, summarizer=s):
            results.append(r)
            if len(results) == 5:
                os.kill(victim, signal.SIGKILL)
        assert victim not in pool.pids and len(pool.pids) == 2  # replaced
    assert sorted(r.index for r in results) == list(range(40))
    assert all(r.status == "done" for r in results), [r.error for r in results if r.error]
    assert len(srv.requests) > 40  # what the dead worker had in flight was asked again


def test_workers_need_a_backend_chosen_by_name():
    with pytest.raises(mineralbrief.ConfigError, match="backend chosen by name"):
        mineralbrief.Summarizer(backend=mineralbrief.FakeBackend([]), workers=2)


def test_worker_settings_keep_the_callers_cache(tmp_path):
    with FakeOpenAIServer(default=fixture_reply) as srv:
        with mineralbrief.Summarizer(base_url=srv.base_url, cache_dir=tmp_path / "c", workers=2) as s:
            first = list(summarize_many(texts(6), concurrency=3, summarizer=s))
        with mineralbrief.Summarizer(base_url=srv.base_url, cache_dir=tmp_path / "c") as s:
            second = list(summarize_many(texts(6), concurrency=3, summarizer=s))  # one process, same cache
    assert {r.status for r in first} == {"done"} and {r.status for r in second} == {"cached"}
    assert len(srv.requests) == 6


async def test_asummarize_many_with_workers_offline():
    results = [r async for r in asummarize_many(sorted(SEEDS.glob("*.txt")), concurrency=3, backend="offline",
                                                workers=2)]
    assert len(results) == 7 and all(r.status == "done" for r in results)


def test_closed_summarizer_starts_new_workers_when_used_again():
    s = mineralbrief.Summarizer(backend="offline", workers=2)
    first = s.start_workers().pids
    s.close()
    assert all(gone(p) for p in first)
    assert len(list(summarize_many(texts(4), summarizer=s))) == 4
    assert s.start_workers().pids != first
    s.close()


def test_articles_sent_before_the_workers_are_ready_are_not_lost():
    """A worker reads its settings without reading ahead: articles already queued behind them in
    the pipe (a batch submits while the workers still import) must reach its event loop."""
    pool = WorkerPool(mineralbrief.Settings(backend="offline"), 2)
    try:
        futures = [pool.submit(mineralbrief.Article(text=t)) for t in texts(20)]  # before ready
        briefs = [f.result(timeout=60) for f in futures]
    finally:
        pool.close()
    assert all(isinstance(b, mineralbrief.Brief) and b.headline for b in briefs)


def test_settings_beside_a_summarizer_are_an_error_not_ignored():
    s = mineralbrief.Summarizer(backend="offline")
    with pytest.raises(TypeError, match="workers"):
        list(summarize_many(texts(1), summarizer=s, workers=2))


def test_a_worker_that_cannot_start_says_so(capfd):
    """No key and no endpoint: the worker stops before it is ready, with one line on stderr,
    and every article fails with a WorkerError that points to it (no hang, no traceback)."""
    with mineralbrief.Summarizer(backend="openai", cache=False, workers=2) as s:
        with pytest.raises(mineralbrief.WorkerError, match="before it was ready"):
            s.start_workers()
        results = list(summarize_many(texts(3), summarizer=s))
    assert [r.status for r in results] == ["failed"] * 3
    assert all("WorkerError" in r.error for r in results)
    err = capfd.readouterr().err
    assert "mineralbrief worker: ConfigError: no API key" in err and "Traceback" not in err
