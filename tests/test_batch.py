"""Batches and the daily brief: every article accounted for, resumable, merged across sources."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pytest

import mineralbrief
from mineralbrief.batch import asummarize_many, summarize_many
from mineralbrief.daily import daily_brief
from mineralbrief.runner import run_daily

from conftest import FAST, SEEDS
from fixture_model import article_bucket, fixture_reply
from helpers import outputs
from oai_server import FakeOpenAIServer, Reply

DAY = date(2026, 11, 21)


class Crash(BaseException):
    """Stands in for Ctrl-C without touching pytest's own KeyboardInterrupt handling."""


def make_inbox(root: Path, copies: int = 4) -> Path:
    inbox = root / "inbox"
    inbox.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        for i in range(copies):
            (inbox / f"{seed.stem}-{i}.txt").write_text(seed.read_text() + f"\nUpdate {i}.\n")
    (inbox / "empty.txt").write_text("   \n")
    (inbox / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (inbox / "latin1.txt").write_bytes("Prix du n\xe9odyme".encode("latin-1"))
    (inbox / "records.jsonl").write_text(
        json.dumps({"text": (SEEDS / "ucore_dod_award.txt").read_text(), "title": "Ucore", "url": "https://example.test/u"})
        + "\n{not json\n")
    return inbox


def flaky_server() -> FakeOpenAIServer:
    """FIXTURE server: a fifth of the articles always get 500; the rest get one 429 first."""
    seen: dict[int, int] = {}
    lock = threading.Lock()

    def answer(request: dict) -> Reply:
        key = hash(json.dumps(request["messages"][-1]))
        with lock:
            seen[key] = seen.get(key, 0) + 1
            first = seen[key] == 1
        if article_bucket(request, 5) == 0:
            return Reply(status=500, body={"error": {"message": "fixture: permanent failure"}})
        if first:
            return Reply(status=429, body={"error": {"message": "slow down"}}, headers={"retry-after": "0"})
        return fixture_reply(request)

    return FakeOpenAIServer(default=answer)


def test_summarize_many_accounts_for_every_article(tmp_path):
    inbox = make_inbox(tmp_path)
    items = list(mineralbrief.sources.files.iter_articles(inbox))
    with flaky_server() as srv:
        results = list(summarize_many(items, concurrency=6, base_url=srv.base_url, cache=False,
                                      max_attempts=3, **FAST))
    assert sorted(r.index for r in results) == list(range(len(items)))  # nothing lost, nothing twice
    by = {r.status for r in results}
    assert by <= {"done", "failed"} and "done" in by and "failed" in by
    for r in results:
        assert (r.brief is not None) == (r.status == "done")
        if r.status == "failed":
            assert r.error and ("TransportError" in r.error or "ArticleError" in r.error)
    bad = [r for r in results if r.error and "ArticleError" in r.error]
    assert len(bad) == 4  # empty, binary, latin-1, bad jsonl line


def test_budget_skips_instead_of_losing(tmp_path):
    texts = [(SEEDS / "rarex_ussm_mou.txt").read_text() + f"\n{i}\n" for i in range(12)]
    with FakeOpenAIServer(default=fixture_reply) as srv:
        results = list(summarize_many(texts, concurrency=2, budget_tokens=400, base_url=srv.base_url,
                                      cache=False, **FAST))
    assert sorted(r.index for r in results) == list(range(12))
    skipped = [r for r in results if r.status == "skipped_budget"]
    done = [r for r in results if r.status == "done"]
    assert skipped and done and len(srv.requests) == len(done)
    assert all("budget" in r.error for r in skipped)


@pytest.mark.parametrize("run", ["sync", "async"])
def test_an_input_that_breaks_still_delivers_what_was_in_flight(run):
    # a generator that raised mid-way (a loader's bug) cancelled the articles in flight: their
    # answers, paid for, were lost; they are finished and yielded first, then its error raised
    import asyncio

    from mineralbrief.batch import asummarize_many

    def articles():
        for i in range(3):
            yield (SEEDS / "rarex_ussm_mou.txt").read_text() + f"\n{i}\n"
        raise ValueError("fixture: the loader broke")

    def slow(request: dict) -> Reply:
        reply = fixture_reply(request)
        reply.delay = 0.3
        return reply

    with FakeOpenAIServer(default=slow) as srv:
        kw = dict(concurrency=8, base_url=srv.base_url, cache=False, **FAST)
        got: list = []
        with pytest.raises(ValueError, match="the loader broke"):
            if run == "sync":
                got.extend(summarize_many(articles(), **kw))
            else:
                async def collect() -> None:
                    async for r in asummarize_many(articles(), **kw):
                        got.append(r)
                asyncio.run(collect())
    assert sorted(r.index for r in got) == [0, 1, 2] and all(r.status == "done" for r in got)


def test_cached_second_batch_makes_no_requests(tmp_path):
    texts = [(SEEDS / "rarex_ussm_mou.txt").read_text() + f"\n{i}\n" for i in range(5)]
    with FakeOpenAIServer(default=fixture_reply) as srv:
        first = list(summarize_many(texts, concurrency=3, base_url=srv.base_url))
        second = list(summarize_many(texts, concurrency=3, base_url=srv.base_url))
    assert {r.status for r in first} == {"done"} and {r.status for r in second} == {"cached"}
    assert len(srv.requests) == 5


def test_second_batch_with_the_same_summarizer_sends_one_request_per_article(tmp_path):
    """Each summarize_many runs its own event loop; a client (and its pooled connections) left
    from the last loop must not be reused: that cost a failed attempt and a retry per stale
    connection."""
    texts = [(SEEDS / "rarex_ussm_mou.txt").read_text() + f"\n{i}\n" for i in range(12)]
    with FakeOpenAIServer(default=fixture_reply) as srv:
        s = mineralbrief.Summarizer(base_url=srv.base_url, cache=False, **FAST)
        for part in (texts[:6], texts[6:]):
            results = list(summarize_many(part, concurrency=6, summarizer=s))
            assert {r.status for r in results} == {"done"}
            assert [r.brief.usage.requests for r in results] == [1] * 6
    assert len(srv.requests) == 12


async def test_asummarize_many_offline():
    results = [r async for r in mineralbrief.batch.asummarize_many(sorted(SEEDS.glob("*.txt")), concurrency=3,
                                                                    backend="offline")]
    assert len(results) == 7 and all(r.ok for r in results)


def test_interrupted_run_resumes_to_the_same_outputs(tmp_path):
    inbox = make_inbox(tmp_path, copies=2)
    whole = tmp_path / "whole"
    run_daily(inbox, DAY, whole, summarizer=mineralbrief.Summarizer(backend="offline"), concurrency=2)

    calls = {"n": 0}
    real = mineralbrief.backends.offline.OfflineBackend()

    class Dies(mineralbrief.BaseBackend):
        name = "offline"

        def generate(self, request):
            calls["n"] += 1
            if calls["n"] == 6:
                raise Crash  # like Ctrl-C in the middle of the batch (a BaseException, not an Exception)
            return real.generate(request)

    resumed = tmp_path / "resumed"
    with pytest.raises(Crash):
        run_daily(inbox, DAY, resumed, summarizer=mineralbrief.Summarizer(backend=Dies()), concurrency=1)
    partial = [p for p in (resumed / DAY.isoformat()).glob("*.json")]
    assert 0 < len(partial) < 14 and not list(resumed.rglob("*.tmp"))
    _, progress = run_daily(inbox, DAY, resumed, summarizer=mineralbrief.Summarizer(backend="offline"), concurrency=2)
    assert progress.counts["kept"] == len(partial)
    assert outputs(resumed) == outputs(whole)


def test_daily_merges_one_deal_from_two_sources():
    a = mineralbrief.summarize(SEEDS / "rarex_ussm_mou.txt", backend="offline")
    text = (SEEDS / "rarex_ussm_mou.txt").read_text().replace("PERTH, Western Australia", "SYDNEY")
    b = mineralbrief.summarize(mineralbrief.Article(text=text, url="https://example.test/wire"), backend="offline")
    c = mineralbrief.summarize(SEEDS / "mp_materials_dod.txt", backend="offline")
    day = daily_brief([a, b, c], date=DAY)
    mous = [d for d in day.deals if d.deal.deal_type == "mou"]
    assert len(mous) == 1 and len(mous[0].sources) == 2
    money = [d for d in day.deals if d.deal.deal_type in ("investment", "funding")]
    assert len(money) >= 2  # MP's stake and loan stay two deals
    assert "## Bottom line" in day.to_markdown()
    again = daily_brief([a, c], date=DAY, previous=day)
    assert {d.status for d in again.deals} == {"unchanged"}
    fresh = daily_brief([a, c, mineralbrief.summarize(SEEDS / "iluka_eneabba_loan.txt", backend="offline")],
                        date=DAY, previous=daily_brief([a], date=DAY))
    assert {d.status for d in fresh.deals} >= {"new", "unchanged"}


def test_daily_cli(tmp_path, capsys):
    from mineralbrief.cli import main

    inbox = make_inbox(tmp_path, copies=1)
    out = tmp_path / "briefs"
    assert main(["daily", str(inbox), "--date", "2026-11-21", "--out", str(out), "--backend", "offline"]) == 2  # some inputs failed
    assert (out / "2026-11-21.md").exists() and (out / "2026-11-21.json").exists()
    failures = (out / "2026-11-21" / "failures.jsonl").read_text().splitlines()
    assert len(failures) == 4 and all(json.loads(f)["error"] for f in failures)
    err = capsys.readouterr().err
    assert "done" in err and "failed 4" in err


def test_budget_counts_the_tokens_of_failed_attempts():
    """Ten articles whose answers never fit the schema: the first spends 3 x 150 tokens (two
    re-asks), which is past a 400-token budget, so the other nine are never sent."""
    from helpers import schema_breaking
    from oai_server import answer

    texts = [(SEEDS / "rarex_ussm_mou.txt").read_text() + f"\n{i}\n" for i in range(10)]
    with FakeOpenAIServer(default=lambda req: answer(schema_breaking()).body and Reply(
            body=answer(schema_breaking()).body)) as srv:
        results = list(summarize_many(texts, concurrency=1, budget_tokens=400, base_url=srv.base_url,
                                      cache=False, max_reasks=2, **FAST))
    assert [r.status for r in results].count("failed") == 1
    assert [r.status for r in results].count("skipped_budget") == 9
    assert len(srv.requests) == 3  # 450 tokens, not 4,500


# concurrency=nan started no article and returned no result (nan < 1 and len(pending) < nan are
# both False); "4" or None raised a bare TypeError
@pytest.mark.parametrize("bad", [{"budget_tokens": -1}, {"concurrency": 0}, {"concurrency": float("nan")},
                                 {"concurrency": 2.5}, {"concurrency": "4"}, {"concurrency": None},
                                 {"budget_tokens": float("nan")}, {"budget_tokens": "100"}])
def test_negative_budget_or_no_concurrency_is_a_clear_error(bad):
    with pytest.raises(mineralbrief.ConfigError, match="budget_tokens|concurrency"):
        list(summarize_many(["text"], backend="offline", **{"concurrency": 1, **bad}))


def test_a_warm_batch_answers_hits_at_once_and_still_reports_misses_and_failures(tmp_path):
    """Hits come from Summarizer.cached (no task, no request); a new article is still briefed and
    a bad one still fails, in the same batch."""
    texts = [(SEEDS / "rarex_ussm_mou.txt").read_text() + f"\n{i}\n" for i in range(4)]
    with FakeOpenAIServer(default=fixture_reply) as srv:
        s = mineralbrief.Summarizer(base_url=srv.base_url, cache_dir=tmp_path / "cache", **FAST)
        assert s.cached(texts[0]) is None and not srv.requests  # a miss asks nobody
        list(summarize_many(texts[:3], concurrency=2, summarizer=s))
        assert s.cached(texts[0]).provenance.cached
        results = list(summarize_many([*texts, "   "], concurrency=2, summarizer=s))
    by_index = {r.index: r.status for r in results}
    assert by_index == {0: "cached", 1: "cached", 2: "cached", 3: "done", 4: "failed"}
    assert len(srv.requests) == 4


def test_a_cached_brief_that_strict_mode_refuses_is_a_failure_not_a_hit(tmp_path):
    text = (SEEDS / "rarex_ussm_mou.txt").read_text()
    with FakeOpenAIServer(default=fixture_reply) as srv:
        loose = mineralbrief.Summarizer(base_url=srv.base_url, cache_dir=tmp_path / "cache", **FAST)
        brief = loose.summarize(text)
        key = loose.cache_key(mineralbrief.article.as_article(text))
        bad = brief.model_copy(update={"grounding": brief.grounding.model_copy(update={"ok": False})})
        loose.cache.set(key, bad)  # FIXTURE: a cached brief whose grounding failed
        strict = mineralbrief.Summarizer(base_url=srv.base_url, cache_dir=tmp_path / "cache", strict=True, **FAST)
        [result] = list(summarize_many([text], summarizer=strict))
    assert result.status == "failed" and "UngroundedBriefError" in result.error


class _CountingCache:
    """A cache that counts its reads and writes (a dict underneath)."""

    def __init__(self) -> None:
        self.held: dict = {}
        self.gets = self.sets = 0

    def get(self, key):
        self.gets += 1
        return self.held.get(key)

    def set(self, key, brief):
        self.sets += 1
        self.held[key] = brief


def test_a_batch_looks_each_article_up_once_and_stores_each_miss_once():
    texts = [(SEEDS / "rarex_ussm_mou.txt").read_text() + f"\n{i}\n" for i in range(5)]
    store = _CountingCache()
    with FakeOpenAIServer(default=fixture_reply) as srv:
        s = mineralbrief.Summarizer(base_url=srv.base_url, store=store, **FAST)
        assert {r.status for r in summarize_many(texts, concurrency=3, summarizer=s)} == {"done"}
        assert (store.gets, store.sets) == (5, 5)
        assert {r.status for r in summarize_many(texts, concurrency=3, summarizer=s)} == {"cached"}
        assert (store.gets, store.sets) == (10, 5)
    assert len(srv.requests) == 5


def test_refresh_briefs_again_and_replaces_the_cached_brief():
    text = (SEEDS / "rarex_ussm_mou.txt").read_text()
    store = _CountingCache()
    with FakeOpenAIServer(default=fixture_reply) as srv:
        s = mineralbrief.Summarizer(base_url=srv.base_url, store=store, **FAST)
        s.summarize(text)
        assert s.summarize(text).provenance.cached
        again = s.summarize(text, refresh=True)
    assert not again.provenance.cached and len(srv.requests) == 2
    assert (store.gets, store.sets) == (2, 2)


class _Recorded:
    """A summarizer and a backend that record, in order, each article scanned and each request sent."""

    def __init__(self) -> None:
        import asyncio

        events: list[str] = []
        offline = mineralbrief.backends.offline.OfflineBackend()

        class Remote(mineralbrief.BaseBackend):
            name = "remote"

            async def agenerate(self, request):
                events.append("sent")  # in its first turn of the loop
                await asyncio.sleep(0.01)
                return offline.generate(request)

        class Recorded(mineralbrief.Summarizer):
            def prepare(self, art):
                events.append("scanned")
                return super().prepare(art)

        self.events = events
        self.summarizer = Recorded(backend=Remote())


def _texts(n: int) -> list[str]:
    return [(SEEDS / "rarex_ussm_mou.txt").read_text() + f"\nItem {i}.\n" for i in range(n)]


def test_the_articles_that_can_start_together_are_scanned_together_then_sent():
    # each article was scanned between other articles' answers (7% slower with 32 in flight,
    # bench/batch.py): those with room to start are now scanned one after another, then sent
    seen = _Recorded()
    results = list(summarize_many(_texts(12), concurrency=6, summarizer=seen.summarizer))
    assert all(r.ok for r in results) and len(results) == 12
    events = seen.events
    assert events[:6] == ["scanned"] * 6  # as many as there is room for
    seventh = [i for i, e in enumerate(events) if e == "scanned"][6]
    assert events[:seventh].count("sent") >= 5  # the group is sent before more input is read


def test_a_slow_input_or_an_async_one_is_not_held_back_in_a_group():
    import asyncio
    import time

    from mineralbrief.batch import GROUP_WAIT

    def slow():  # each article takes longer to read than a group may wait
        for text in _texts(3):
            time.sleep(GROUP_WAIT * 1.5)
            yield text

    seen = _Recorded()
    assert all(r.ok for r in summarize_many(slow(), concurrency=3, summarizer=seen.summarizer))
    assert seen.events[:4] == ["scanned", "sent", "scanned", "sent"]

    async def feed():  # an async input may wait on the network at any read
        for text in _texts(3):
            yield text

    async def run(s):
        return [r async for r in asummarize_many(feed(), concurrency=3, summarizer=s)]

    seen = _Recorded()
    assert all(r.ok for r in asyncio.run(run(seen.summarizer)))
    assert seen.events[:4] == ["scanned", "sent", "scanned", "sent"]


def test_the_work_of_a_completion_does_not_grow_with_the_articles_in_flight():
    # the batch found each completion with asyncio.wait, which hooks a callback on every pending
    # task (and unhooks it) each time: work and garbage grew as articles x concurrency
    import asyncio

    from mineralbrief.backends.base import Generation

    brief = mineralbrief.summarize(SEEDS / "rarex_ussm_mou.txt", backend="offline")  # a FIXTURE answer
    content = mineralbrief.BriefContent.model_validate(
        brief.model_dump(include=set(mineralbrief.BriefContent.model_fields)))

    class Server(mineralbrief.BaseBackend):
        name = "server"

        async def agenerate(self, request):  # answers one by one, as a server's do
            await asyncio.sleep(0.05 + int(request.article.content_hash[:4], 16) / 0xFFFF / 10)
            return Generation(content=content, usage=mineralbrief.Usage(), model="fixture")

    hooked = 0

    class Counted(asyncio.Task):  # type: ignore[type-arg]
        def add_done_callback(self, fn, *, context=None):  # type: ignore[no-untyped-def]
            nonlocal hooked
            hooked += 1
            super().add_done_callback(fn, context=context)

    async def run() -> int:
        asyncio.get_running_loop().set_task_factory(lambda loop, coro, **kw: Counted(coro, loop=loop, **kw))
        summarizer = mineralbrief.Summarizer(backend=Server())
        return len([r async for r in mineralbrief.asummarize_many(
            [f"Item {i}." for i in range(400)], concurrency=100, summarizer=summarizer)])

    assert asyncio.run(run()) == 400
    assert hooked < 5 * 400  # a hook per completion and pending task would be ~40,000


@pytest.mark.parametrize("concurrency", [2, 4])
def test_articles_that_end_together_all_count_against_the_budget_before_another_starts(concurrency):
    # the runner took one completion from its queue and started the next article before counting
    # the others that had already ended: one article more was sent past a budget already spent
    import asyncio

    from mineralbrief.backends.base import Generation

    brief = mineralbrief.summarize(SEEDS / "rarex_ussm_mou.txt", backend="offline")  # a FIXTURE answer
    content = mineralbrief.BriefContent.model_validate(
        brief.model_dump(include=set(mineralbrief.BriefContent.model_fields)))
    sent: list[str] = []
    wave: asyncio.Event | None = None

    class Server(mineralbrief.BaseBackend):
        name = "server"

        async def agenerate(self, request):
            nonlocal wave
            wave = wave or asyncio.Event()  # made in the batch's own loop
            sent.append(request.article.text)
            if len(sent) >= concurrency:
                wave.set()
            await wave.wait()  # every article in flight answers in the same turn (not by a timer)
            return Generation(content=content, usage=mineralbrief.Usage(requests=1, total_tokens=60), model="fixture")

    texts = [f"Item {i}." for i in range(12)]
    results = list(summarize_many(texts, concurrency=concurrency, budget_tokens=100,
                                  summarizer=mineralbrief.Summarizer(backend=Server())))
    assert sorted(r.index for r in results) == list(range(12))
    assert len(sent) == concurrency  # the first wave spent the budget: nothing more was sent
    assert [r.status for r in results].count("skipped_budget") == 12 - concurrency


def test_a_backend_that_raises_cancelled_error_fails_its_article_not_the_batch():
    # a CancelledError a backend raised itself (not the batch being stopped) ended the whole
    # batch: it is now that article's failure, while stopping the batch still cancels
    import asyncio

    offline = mineralbrief.backends.offline.OfflineBackend()

    class Flaky(mineralbrief.BaseBackend):
        name = "flaky"

        async def agenerate(self, request):
            await asyncio.sleep(0)
            if "Item 2." in request.article.text:
                raise asyncio.CancelledError("a cancel scope of the backend's own leaked out")
            return offline.generate(request)

    texts = [(SEEDS / "rarex_ussm_mou.txt").read_text() + f"\nItem {i}.\n" for i in range(5)]
    results = list(summarize_many(texts, concurrency=2, summarizer=mineralbrief.Summarizer(backend=Flaky())))
    assert sorted(r.index for r in results) == list(range(5))
    failed = [r for r in results if r.status == "failed"]
    assert [r.index for r in failed] == [2] and failed[0].error.startswith("CancelledError")


def test_copies_of_an_article_in_flight_are_paid_for_once(tmp_path):
    # the same story twice in one batch (two feeds, a copied file) missed the cache twice while
    # the first was in flight, so every copy was a paid call; a copy now waits for it and is its hit
    text = (SEEDS / "rarex_ussm_mou.txt").read_text()
    other = (SEEDS / "mp_materials_dod.txt").read_text()
    items = [mineralbrief.Article(text=text, url=f"https://example.test/{i}") for i in range(5)] + [other, text]

    def slow(request: dict) -> Reply:
        reply = fixture_reply(request)
        reply.delay = 0.2
        return reply

    with FakeOpenAIServer(default=slow) as srv:
        results = list(summarize_many(items, concurrency=8, base_url=srv.base_url, cache_dir=tmp_path / "c",
                                      max_reasks=0, **FAST))
    assert len(srv.requests) == 2
    assert sorted(r.index for r in results) == list(range(7))
    statuses = sorted(r.status for r in results)
    assert statuses == ["cached"] * 5 + ["done"] * 2
    urls = {r.index: r.brief.source.url for r in results}
    assert [urls[i] for i in range(5)] == [f"https://example.test/{i}" for i in range(5)]  # each its own source


def test_a_copy_of_an_article_that_failed_is_briefed_itself(tmp_path):
    text = (SEEDS / "rarex_ussm_mou.txt").read_text()
    with FakeOpenAIServer(default=fixture_reply) as srv:
        srv.push(Reply(status=400, body={"error": {"message": "fixture: refused once"}}))
        results = list(summarize_many([text, text, text], concurrency=3, base_url=srv.base_url,
                                      cache_dir=tmp_path / "c", max_reasks=0, **FAST))
    assert sorted(r.status for r in results) == ["cached", "done", "failed"]
    assert len(srv.requests) == 2  # the failed call, then one for the copies


def test_without_a_cache_copies_of_an_article_are_briefed_side_by_side():
    text = (SEEDS / "rarex_ussm_mou.txt").read_text()
    with FakeOpenAIServer(default=fixture_reply) as srv:
        results = list(summarize_many([text] * 3, concurrency=3, base_url=srv.base_url, cache=False,
                                      max_reasks=0, **FAST))
    assert [r.status for r in results] == ["done"] * 3 and len(srv.requests) == 3


async def test_asummarize_many_takes_an_async_iterable():
    # async code has async generators (a feed's pages, a database's rows): iter() of one raised a
    # bare TypeError at the first article
    async def articles():
        for path in sorted(SEEDS.glob("*.txt"))[:3]:
            yield path
        yield ""  # a bad one is its own failure, as from a list

    results = [r async for r in mineralbrief.asummarize_many(articles(), concurrency=2, backend="offline")]
    assert sorted(r.index for r in results) == [0, 1, 2, 3]
    assert [r.status for r in sorted(results, key=lambda r: r.index)] == ["done"] * 3 + ["failed"]


async def test_an_async_input_that_breaks_raises_after_what_was_briefed():
    async def articles():
        yield SEEDS / "rarex_ussm_mou.txt"
        raise ValueError("fixture: the feed broke")

    got: list = []
    with pytest.raises(ValueError, match="the feed broke"):
        async for r in mineralbrief.asummarize_many(articles(), backend="offline"):
            got.append(r)
    assert [r.status for r in got] == ["done"]


@pytest.mark.parametrize("one", ["RareX signs an MOU with USSM.", SEEDS / "rarex_ussm_mou.txt", SEEDS,
                                 mineralbrief.Article(text="RareX signs an MOU with USSM."), {"a": "text"}, 5])
def test_one_article_where_many_belong_is_a_clear_error_not_a_call_per_character(one):
    # summarize_many(text) iterated the text: every character an article, and with a model a
    # paid call each; a Path (a folder, say) raised a bare TypeError
    with FakeOpenAIServer(default=fixture_reply) as srv:
        with pytest.raises(mineralbrief.ConfigError, match="iterable of articles"):
            list(summarize_many(one, base_url=srv.base_url, cache=False, **FAST))
    assert not srv.requests


def test_a_run_that_briefs_nothing_keeps_the_day_an_earlier_run_wrote(tmp_path, capsys):
    # the evening's `daily FEED` with the feed down (or an empty stdin, or the endpoint failing
    # every call) replaced the morning's day with an empty one
    from mineralbrief.cli import main

    out = tmp_path / "briefs"
    run_daily(SEEDS / "rarex_ussm_mou.txt", DAY, out, summarizer=mineralbrief.Summarizer(backend="offline"))
    before = {p.name: p.read_text() for p in (out / "2026-11-21.md", out / "2026-11-21.json")}
    bad = tmp_path / "down.txt"
    bad.write_text("   \n")
    day, progress = run_daily(bad, DAY, out, summarizer=mineralbrief.Summarizer(backend="offline"))
    assert progress.briefed == 0 and len(day.articles) == 1
    assert {p.name: p.read_text() for p in (out / "2026-11-21.md", out / "2026-11-21.json")} == before
    assert "the article is empty" in (out / "2026-11-21" / "failures.jsonl").read_text()
    assert main(["daily", str(bad), "--out", str(out), "--date", "2026-11-21", "--backend", "offline", "-q"]) == 3
    assert capsys.readouterr().out.startswith("kept ")


def test_an_article_whose_scan_fails_is_that_articles_failure():
    # the batch scans the articles it starts together before sending them: a scan that raises
    # (a bug on a hostile text) fails that article only, as when each article scanned itself
    seen = _Recorded()
    real = seen.summarizer.prepare

    def prepare(art):
        if "Item 2." in art.text:
            raise RuntimeError("scan broke")
        return real(art)

    seen.summarizer.prepare = prepare
    results = sorted(summarize_many(_texts(5), concurrency=5, summarizer=seen.summarizer), key=lambda r: r.index)
    assert [r.status for r in results] == ["done", "done", "failed", "done", "done"]
    assert results[2].error == "RuntimeError: scan broke"


def test_an_article_read_from_a_generator_is_not_held_while_the_next_one_is_awaited():
    # a generator's next article may not be there yet (a queue, a watched folder, a feed's next
    # page): the article read before it was held in its group, unsent, for as long as that took
    import time

    seen = _Recorded()

    def feed():
        texts = _texts(2)
        yield texts[0]  # read at once
        seen.events.append("waiting for the next")
        time.sleep(0.1)
        yield texts[1]

    assert all(r.ok for r in summarize_many(feed(), concurrency=4, summarizer=seen.summarizer))
    assert seen.events[:3] == ["scanned", "sent", "waiting for the next"]


def test_the_articles_read_before_a_long_one_are_sent_before_it_is_scanned():
    # a long article's scan (8 s for a hostile 1.9 MB text here) held the group read before it,
    # unsent, for all that time: its length is known before the scan, so the group goes out first
    seen = _Recorded()
    short = _texts(1)[0]
    long = "\n\n".join(_texts(30)) + "\nThe long one.\n"  # about 50 KB
    assert all(r.ok for r in summarize_many([short, long], concurrency=4, summarizer=seen.summarizer))
    assert seen.events[:3] == ["scanned", "sent", "scanned"]


async def test_closing_asummarize_many_cancels_what_is_in_flight_before_closing_the_backend():
    # aclose() closed the outer generator only: the runner inside it, and the calls it had in
    # flight, ran on after aclose returned, and the backend was closed under them
    import asyncio

    offline = mineralbrief.backends.offline.OfflineBackend()
    live: list[int] = []
    seen: dict[str, int] = {}

    class Remote(mineralbrief.BaseBackend):
        name = "remote"

        async def agenerate(self, request):
            live.append(1)
            try:
                await asyncio.sleep(0 if "Item 0." in request.article.text else 30)
                return offline.generate(request)
            finally:
                live.pop()

        async def aclose(self):
            seen["in flight at close"] = len(live)

    batch = asummarize_many(_texts(4), concurrency=4, summarizer=mineralbrief.Summarizer(backend=Remote()))
    first = await batch.__anext__()
    await batch.aclose()
    assert first.index == 0 and not live and seen == {"in flight at close": 0}
