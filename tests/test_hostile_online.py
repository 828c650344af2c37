"""The online path against a hostile endpoint and hostile answers (a second review's findings).

FIXTURE: every answer here is scripted; none is a real model's output."""

from __future__ import annotations

import json
import time

import pytest

import mineralbrief
from mineralbrief.batch import summarize_many

from conftest import FAST, SEEDS
from helpers import invented, reference
from oai_server import FakeOpenAIServer, Reply, completion

ARTICLE = SEEDS / "rarex_ussm_mou.txt"


def variants(n: int) -> list[str]:
    return [ARTICLE.read_text() + f"\nDesk note {i}.\n" for i in range(n)]


def test_a_strict_batch_counts_the_tokens_of_briefs_it_refused():
    # strict=True raised UngroundedBriefError, which carries the paid brief but is no
    # BackendError: the batch counted 0 tokens for it, so the budget never stopped a batch of
    # ungrounded answers (4 articles at 1,000 tokens each went out under a 1,500 budget)
    def ungrounded(req):
        return Reply(body=completion(req, invented(), tokens=(1000, 0)))

    with FakeOpenAIServer(default=ungrounded) as srv:
        results = list(summarize_many(variants(4), concurrency=1, budget_tokens=1500, base_url=srv.base_url,
                                      cache=False, strict=True, max_reasks=0, **FAST))
        sent = len(srv.requests)
    statuses = [r.status for r in sorted(results, key=lambda r: r.index)]
    assert statuses == ["failed", "failed", "skipped_budget", "skipped_budget"] and sent == 2


@pytest.mark.parametrize("call", ["sync", "async"])
def test_a_chunked_article_that_fails_keeps_what_its_earlier_chunks_cost(call):
    # the first chunk was answered (5,000 tokens), the second refused: the error's usage held
    # only the second chunk's, so a batch's budget never saw the first
    import asyncio

    text = (ARTICLE.read_text() + "\n\n") * 3
    replies = [Reply(body=lambda req: completion(req, reference(), tokens=(5000, 0))),
               Reply(status=400, body={"error": {"message": "bad request"}})]

    def script(req):
        return replies.pop(0) if replies else Reply(status=400, body={"error": {"message": "bad request"}})

    with FakeOpenAIServer(default=script) as srv, mineralbrief.Summarizer(
            base_url=srv.base_url, cache=False, max_input_chars=len(text) // 2, **FAST) as s:
        with pytest.raises(mineralbrief.BackendError) as info:
            if call == "sync":
                s.summarize(text)
            else:
                asyncio.run(_asummarize_and_close(s, text))
        assert len(srv.requests) == 2
    assert info.value.usage is not None and info.value.usage.total_tokens == 5000
    assert info.value.usage.requests == 2


async def _asummarize_and_close(s, text):
    try:
        return await s.asummarize(text)
    finally:
        await s.aclose()


def _raw_completion(message, usage):
    return {"id": "x", "object": "chat.completion", "created": 1, "model": "m",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}], "usage": usage}


def _tool_message(req, answer):
    import json

    name = req["tools"][0]["function"]["name"]
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": name, "arguments": json.dumps(answer)}}]}


@pytest.mark.parametrize("usage,tokens", [
    ({"prompt_tokens": -100000, "completion_tokens": -5, "total_tokens": -100005}, None),
    ({"prompt_tokens": "abc", "completion_tokens": "5", "total_tokens": "x"}, 5),
    ([1, 2], None),
    ({"prompt_tokens": 100, "completion_tokens": 50}, 150),
], ids=["negative", "strings", "a-list", "no-total"])
def test_usage_a_server_lies_about_never_lowers_the_count(server, usage, tokens, recwarn):
    # a negative usage was summed as is (a batch's budget went down with every answer), and one
    # that was not numbers broke the hook that counts it: a traceback warning, tokens lost.
    # (None: a usage that reports no token is estimated, as a missing one is)
    server.push(Reply(body=lambda req: _raw_completion(_tool_message(req, reference()), usage)))
    brief = mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False, **FAST)
    assert brief.grounding.ok
    assert brief.usage.estimated == (tokens is None)
    assert brief.usage.total_tokens == tokens if tokens is not None else brief.usage.total_tokens > 500
    assert brief.usage.prompt_tokens >= 0 and brief.usage.completion_tokens >= 0
    assert not [w for w in recwarn if "handler" in str(w.message)]


@pytest.mark.parametrize("tool_calls", ["oops", [1], [{"id": "c1", "type": "function", "function": "f"}], {"a": 1}],
                         ids=["a-string", "a-number", "function-a-string", "a-dict"])
def test_a_200_whose_tool_calls_are_not_tool_calls_is_a_transport_fault(server, tool_calls):
    # message.tool_calls of the wrong shape reached instructor and our counting hook, and the
    # call ended in a bare AttributeError (not one of ours); it is a malformed answer like a
    # choice without a message: tried again, then one clear TransportError
    bad = Reply(body=lambda req: _raw_completion({"role": "assistant", "content": None, "tool_calls": tool_calls},
                                                  {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}))
    server.push(bad, Reply(body=lambda req: completion(req, reference())))
    brief = mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False, max_attempts=2, **FAST)
    assert brief.grounding.ok and brief.usage.requests == 1 and len(server.requests) == 2
    server.push(bad, bad)
    with pytest.raises(mineralbrief.TransportError, match="not a chat completion"):
        mineralbrief.summarize(ARTICLE, base_url=server.base_url,
                               cache=False, max_attempts=2, **FAST)


def test_an_answer_whose_content_is_not_text_is_one_clear_error(server, recwarn):
    # a message content that is a list broke the hook that keeps the raw answer (a traceback
    # warning per attempt); the call still ends in ValidationFailedError
    server.push(*[Reply(body=_raw_completion({"role": "assistant", "content": [1, 2]}, None))] * 3)
    with pytest.raises(mineralbrief.ValidationFailedError):
        mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False, **FAST)
    assert not [w for w in recwarn if "handler" in str(w.message)]


def test_an_answer_that_lies_about_its_gzip_is_retried(server):
    # "content-encoding: gzip" over plain JSON raised httpx's DecodingError, which the transport
    # did not take as transient: the call failed at once, "endpoint kept failing ... after 1 attempt"
    def lying(req):
        import json

        return Reply(kind="raw", body=json.dumps(completion(req, reference())).encode(),
                     headers={"content-encoding": "gzip"})

    server.push(lying({"tools": [{"function": {"name": "BriefContent"}}]}),
                Reply(body=lambda req: completion(req, reference())))
    brief = mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False, max_attempts=2, **FAST)
    assert brief.grounding.ok and brief.usage.requests == 1 and len(server.requests) == 2
    server.push(*[lying({"tools": [{"function": {"name": "BriefContent"}}]})] * 2)
    with pytest.raises(mineralbrief.TransportError, match="content-encoding") as info:
        mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False, max_attempts=2, **FAST)
    assert info.value.attempts == 2


def test_an_amount_whose_value_the_article_does_not_state_is_flagged(server):
    # grounding checked an amount's text ("$400 million", written in the article) but not its
    # parsed value: an answer saying value=4e9 came back grounded, and the daily merge and the
    # JSON contract carried a sum the article never states
    mp = SEEDS / "mp_materials_dod.txt"
    data = reference("mp_materials_dod")
    data["deals"][0]["amounts"][0]["value"] = 4e9
    server.push(Reply(body=lambda req: completion(req, data)), Reply(body=lambda req: completion(req, data)))
    brief = mineralbrief.summarize(mp, base_url=server.base_url, cache=False, max_reasks=1, **FAST)
    assert len(server.requests) == 2  # re-asked with the reason
    assert "$400 million" in json.dumps(server.requests[1]["messages"][2:])
    assert not brief.grounding.ok
    assert any("deals[0].amounts" in u and "$400 million" in u for u in brief.grounding.unverified)
    server.push(Reply(body=lambda req: completion(req, reference("mp_materials_dod"))))
    assert mineralbrief.summarize(mp, base_url=server.base_url, cache=False, max_reasks=1, **FAST).grounding.ok


def test_a_locked_cache_costs_one_short_wait_not_a_minute_per_article(tmp_path, caplog, monkeypatch):
    # another process holding cache.db's write lock (a long `cache clear`, a backup) made every
    # open, read and write wait diskcache's 60 s busy timeout, and a read that timed out was
    # taken for a corrupt entry and deleted (another 60 s): a 3 s-deadline call took over a
    # minute. Now a short wait, one warning, and the cache left alone for a while
    import logging
    import sqlite3

    from mineralbrief.cache import BriefCache

    monkeypatch.setattr("mineralbrief.cache.BUSY_TIMEOUT", 0.3)  # the wait itself (2 s) need not be waited here
    directory = tmp_path / "cache"
    with FakeOpenAIServer(default=lambda req: Reply(body=completion(req, reference()))) as srv:
        BriefCache(directory).close()
        holder = sqlite3.connect(str(directory / "cache.db"), timeout=0)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            t0 = time.perf_counter()
            brief = mineralbrief.summarize(ARTICLE, base_url=srv.base_url, cache_dir=directory, deadline=3, **FAST)
            assert brief.grounding.ok and time.perf_counter() - t0 < 10  # opened: no, briefed: yes
        finally:
            holder.rollback()
        with mineralbrief.Summarizer(base_url=srv.base_url, cache_dir=directory, **FAST) as s:
            holder.execute("BEGIN EXCLUSIVE")  # locked after the cache was opened
            try:
                caplog.clear()
                t0 = time.perf_counter()
                with caplog.at_level(logging.WARNING):
                    results = list(summarize_many(variants(6), concurrency=2, summarizer=s))
                took = time.perf_counter() - t0
            finally:
                holder.rollback()
                holder.close()
    assert [r.status for r in results] == ["done"] * 6
    assert took < 10, took
    warnings = [r for r in caplog.records if "cache" in r.getMessage()]
    assert len(warnings) <= 2, [r.getMessage() for r in warnings]


@pytest.mark.parametrize("entity", [
    {"name": "Lynas Rare Earths", "kind": "company", "aliases": ["RareX"]},
    {"name": "RareX Limited", "kind": "company", "aliases": ["RareX", "Lynas Rare Earths"]},
], ids=["invented-name-written-alias", "invented-alias"])
def test_a_name_the_article_does_not_write_is_flagged_whatever_its_aliases(server, entity):
    # an entity counted as written when any one of its name and aliases was: an invented name
    # beside a real alias (or an invented alias beside a real name) came back grounded, and a
    # deal party of that name passed too
    data = reference()
    data["entities"].append(entity)
    data["deals"][0]["parties"].append({"name": "Lynas Rare Earths", "role": "buyer"})
    server.push(Reply(body=lambda req: completion(req, data)))
    brief = mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False, max_reasks=0, **FAST)
    assert not brief.grounding.ok
    flagged = " ".join(brief.grounding.unverified)
    assert "entities[4]" in flagged and "deals[0].parties" in flagged and "Lynas Rare Earths" in flagged


@pytest.mark.parametrize("quote", [
    "RareX has not entered into a non-binding memorandum of understanding with U.S. Strategic Metals",
    "has entered into a binding memorandum of understanding with U.S. Strategic Metals",
], ids=["negated", "non-dropped"])
def test_a_quote_found_only_near_enough_shows_the_article_words(server, quote):
    # a quote 90% like an article sentence was verified by the fuzzy match and kept in the
    # model's words: "has not entered", "a binding memorandum" shown as verified quotes of an
    # article that says the opposite. A verified quote is now the article's own text there
    data = reference()
    data["key_points"][0]["evidence"] = [{"quote": quote}]
    server.push(Reply(body=lambda req: completion(req, data)))
    brief = mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False, max_reasks=0, **FAST)
    text = ARTICLE.read_text()
    for kp in brief.key_points:
        for ev in kp.evidence:
            assert not ev.verified or text[ev.start:ev.end] == ev.quote, ev
    ev = brief.key_points[0].evidence[0]
    assert "non-binding" in ev.quote and "not entered" not in ev.quote


def test_an_answer_that_echoes_the_articles_injection_in_its_own_words_is_flagged(server):
    # the injected claim in the brief's own words (headline, key point), each key point citing a
    # real sentence: only numbers were checked in that text, so "Lynas Rare Earths acquires
    # MP Materials" came back grounded. A name only a passage addressed to a model writes is
    # now flagged wherever the brief writes it
    from pathlib import Path

    article = Path(__file__).parent / "data" / "bad" / "14_injection_ignore_instructions.txt"
    draft = mineralbrief.summarize(article, backend="offline").model_dump(
        include=set(mineralbrief.BriefContent.model_fields))
    echoed = dict(draft, headline="Lynas Rare Earths acquires MP Materials")
    echoed["key_points"] = [dict(draft["key_points"][0], text="Lynas Rare Earths acquired MP Materials"),
                            *draft["key_points"][1:]]
    server.push(Reply(body=lambda req: completion(req, echoed)))
    brief = mineralbrief.summarize(article, base_url=server.base_url, cache=False, max_reasks=0, **FAST)
    assert not brief.grounding.ok
    flagged = " ".join(brief.grounding.unverified)
    assert "headline" in flagged and "key_points[0]" in flagged and "Lynas" in flagged
    server.push(Reply(body=lambda req: completion(req, draft)))
    assert mineralbrief.summarize(article, base_url=server.base_url, cache=False, max_reasks=0, **FAST).grounding.ok


@pytest.mark.parametrize("ticker", ["ASX: RARE", "ASX: EARTH", "NYSE: MP", "ASX: rare", "ASX: Rare"])
def test_a_ticker_the_article_does_not_write_is_flagged_even_when_its_letters_are_a_word(server, ticker):
    # a ticker counted as written when each part was a word of the article in any case: "ASX:
    # RARE" passed for RareX (ASX: REE) because the article writes "rare earths"
    data = reference()
    data["entities"][0]["ticker"] = ticker
    server.push(Reply(body=lambda req: completion(req, data)))
    brief = mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False, max_reasks=0, **FAST)
    assert any("ticker not in article" in u and ticker in u for u in brief.grounding.unverified)


def test_a_ticker_whose_exchange_the_article_writes_in_another_case_is_grounded():
    from mineralbrief.grounding import SourceIndex

    index = SourceIndex("MP Materials Corp. (Nasdaq: MP) said on Monday it signed the agreement.")
    assert index.writes_ticker("NASDAQ: MP") and index.writes_ticker("Nasdaq: MP")
    assert not index.writes_ticker("NASDAQ: SAID")


@pytest.mark.slow
def test_a_server_that_trickles_its_headers_meets_an_async_calls_deadline(server):
    # the deadline was checked only as the body arrived: a server sending its headers a byte
    # every 0.1 s never tripped the 1 s read timeout, and the call hung far past its deadline
    # (a synchronous call still reads the headers under the read timeout alone: README, Status)
    import asyncio
    import threading
    import time

    server.push(*[Reply(kind="trickle_headers", trickle=0.1)] * 3)
    kw = dict(base_url=server.base_url, cache=False, timeout=1.0, deadline=1.5, max_attempts=3, **FAST)
    outcome: list[BaseException] = []

    def brief() -> None:
        try:
            asyncio.run(mineralbrief.asummarize(ARTICLE, **kw))
        except BaseException as exc:  # handed to the test
            outcome.append(exc)

    worker = threading.Thread(target=brief, daemon=True)  # a hang fails the test instead of the suite
    t0 = time.perf_counter()
    worker.start()
    worker.join(timeout=8)
    assert not worker.is_alive(), "the call hung past its deadline"
    assert time.perf_counter() - t0 < 4
    assert len(outcome) == 1 and isinstance(outcome[0], mineralbrief.TransportError), outcome
    assert "deadline" in str(outcome[0]) and outcome[0].last_status is None


BILLED = {"prompt_tokens": 700, "completion_tokens": 300, "total_tokens": 1000}


def _thrown_away():
    """Two 200 answers the transport retries (no choices; tool calls that are not tool calls),
    each billed by the server as its usage says."""
    return [Reply(body={"id": "x", "object": "chat.completion", "choices": [], "usage": BILLED}),
            Reply(body=_raw_completion({"role": "assistant", "content": None, "tool_calls": "oops"}, BILLED))]


@pytest.mark.parametrize("call", ["sync", "async"])
def test_a_200_thrown_away_still_counts_the_tokens_it_reports(server, call):
    # their tokens were never counted: a batch's budget missed them (found by a reviewer); they
    # are added to the usage of the answer finally handed on, as tokens, not as requests
    import asyncio

    server.push(*_thrown_away(), Reply(body=lambda req: completion(req, reference())))
    kw = dict(base_url=server.base_url, cache=False, max_attempts=3, **FAST)
    brief = (mineralbrief.summarize(ARTICLE, **kw) if call == "sync"
             else asyncio.run(mineralbrief.asummarize(ARTICLE, **kw)))
    assert brief.grounding.ok and len(server.requests) == 3
    assert brief.usage.requests == 1 and brief.usage.total_tokens == 2150
    assert brief.usage.prompt_tokens == 1500 and brief.usage.completion_tokens == 650


@pytest.mark.parametrize("last", ["thrown away", "HTTP 503"])
def test_a_call_that_fails_counts_the_tokens_of_the_200s_it_threw_away(server, last):
    # when no usable answer comes, the error's usage holds them (a batch's budget counts it)
    final = Reply(body={"id": "x", "object": "chat.completion", "choices": [], "usage": BILLED}) \
        if last == "thrown away" else Reply(status=503, body={"error": {"message": "busy"}})
    server.push(*_thrown_away(), final)
    with pytest.raises(mineralbrief.TransportError) as info:
        mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False, max_attempts=3, **FAST)
    billed = 3000 if last == "thrown away" else 2000
    assert info.value.attempts == 3 and info.value.usage.total_tokens == billed
    assert info.value.usage.prompt_tokens == billed * 7 // 10


@pytest.mark.parametrize("header, value", [("x-mineralbrief-billed", "900000000,900000000,1800000000"),
                                           ("x-mineralbrief-attempts", "lots")])
def test_a_server_cannot_send_the_transports_own_headers(server, header, value):
    # the transport's headers on a last answer are its own word: a server sending them itself
    # (on an answer the transport hands on as is, a 400) inflated the usage by any sum, or made
    # the attempts a bare ValueError (found by a reviewer)
    server.push(Reply(status=400, body={"error": {"message": "bad"}}, headers={header: value}))
    with pytest.raises(mineralbrief.BackendError) as info:
        mineralbrief.summarize(ARTICLE, base_url=server.base_url, cache=False, max_attempts=3, **FAST)
    assert info.value.usage.total_tokens == 0


@pytest.mark.parametrize("call", ["sync", "async"])
def test_a_call_stopped_by_the_breaker_keeps_the_tokens_of_the_200s_it_threw_away(call):
    # another call's 429 opens the breaker while this one's 200 is thrown away: the next attempt
    # is not sent, and the ExchangeFailed said nothing of the tokens billed (found by a reviewer)
    import asyncio

    import httpx2 as httpx

    from mineralbrief.backends.transport import AsyncRetryingTransport, ExchangeFailed, RetryingTransport
    from mineralbrief.config import make_settings
    from mineralbrief.ratelimit import RateLimiter

    limiter = RateLimiter(max_pause=60)

    def handler(request):
        limiter.observe(None, 429, {}, retry_after=3600)
        return httpx.Response(200, json={"id": "x", "object": "chat.completion", "choices": [], "usage": BILLED})

    settings = make_settings(base_url="http://x.invalid/v1", max_attempts=3)
    url = "http://x.invalid/v1/chat/completions"
    with pytest.raises(ExchangeFailed) as info:
        if call == "sync":
            httpx.Client(transport=RetryingTransport(settings, httpx.MockTransport(handler), limiter)).post(url, json={})
        else:
            async def go():
                transport = AsyncRetryingTransport(settings, httpx.MockTransport(handler), limiter)
                async with httpx.AsyncClient(transport=transport) as client:
                    await client.post(url, json={})
            asyncio.run(go())
    assert info.value.last_status == 429 and info.value.billed.total_tokens == 1000


def _without_usage(body):
    body = dict(body)
    body.pop("usage")
    return body


def test_a_server_that_reports_no_usage_is_counted_an_estimate_so_a_budget_stops_it():
    # a server that sends no `usage` (some OpenAI-compatible servers do not) was counted 0
    # tokens: a batch's budget never stopped it (every article of a 1-token budget went out)
    with FakeOpenAIServer(default=lambda req: Reply(body=_without_usage(completion(req, reference())))) as srv:
        results = list(summarize_many(variants(4), concurrency=1, budget_tokens=1, base_url=srv.base_url,
                                      cache=False, **FAST))
        sent = len(srv.requests)
    first = min(results, key=lambda r: r.index)
    assert first.status == "done" and sent == 1
    usage = first.brief.usage
    # the request holds the article (~2 KB) and the schema: thousands of bytes, ~4 to a token
    assert usage.estimated and usage.prompt_tokens > 500 and usage.completion_tokens > 100
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert [r.status for r in results].count("skipped_budget") == 3


def test_a_reported_usage_is_taken_as_the_server_gives_it_not_estimated():
    with FakeOpenAIServer(default=lambda req: Reply(body=completion(req, reference(), tokens=(7, 3)))) as srv:
        brief = mineralbrief.summarize(ARTICLE.read_text(), base_url=srv.base_url, cache=False, **FAST)
    assert (brief.usage.total_tokens, brief.usage.estimated) == (10, False)


@pytest.mark.parametrize("call", ["sync", "async"])
def test_a_discarded_answer_without_usage_is_counted_an_estimate_too(call):
    # a 200 the transport throws away (no choices) and that reports no usage was billed by the
    # server all the same
    import asyncio

    replies = [Reply(body={"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": []}),
               Reply(body=lambda req: completion(req, reference(), tokens=(7, 3)))]

    with FakeOpenAIServer(default=lambda req: replies.pop(0)) as srv, mineralbrief.Summarizer(
            base_url=srv.base_url, cache=False, **FAST) as s:
        brief = s.summarize(ARTICLE.read_text()) if call == "sync" else asyncio.run(
            _asummarize_and_close(s, ARTICLE.read_text()))
    assert brief.usage.estimated and brief.usage.total_tokens > 10 + 500


def test_a_server_cannot_mark_the_usage_it_reports_an_estimate():
    # "mineralbrief_estimated" is the transport's word: a server that wrote it in its own usage
    # had the tokens it reported counted as an estimate
    def spoofed(req):
        body = completion(req, reference(), tokens=(7, 3))
        body["usage"]["mineralbrief_estimated"] = True
        return Reply(body=body)

    with FakeOpenAIServer(default=spoofed) as srv:
        brief = mineralbrief.summarize(ARTICLE.read_text(), base_url=srv.base_url, cache=False, **FAST)
    assert (brief.usage.total_tokens, brief.usage.estimated) == (10, False)


@pytest.mark.parametrize("call", ["sync", "async"])
def test_a_discarded_answer_is_counted_when_the_call_then_fails_with_a_client_error(call):
    # a 200 thrown away (no choices), then a 400 the transport does not retry: the tokens of the
    # 200 were lost (the billed header was only set when the attempts ran out)
    import asyncio

    replies = [Reply(body={"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": [],
                           "usage": {"prompt_tokens": 700, "completion_tokens": 300, "total_tokens": 1000}}),
               Reply(status=400, body={"error": {"message": "bad request"}})]
    with FakeOpenAIServer(default=lambda req: replies.pop(0)) as srv, mineralbrief.Summarizer(
            base_url=srv.base_url, cache=False, **FAST) as s, pytest.raises(mineralbrief.BackendError) as info:
        s.summarize(ARTICLE.read_text()) if call == "sync" else asyncio.run(
            _asummarize_and_close(s, ARTICLE.read_text()))
    assert info.value.usage is not None and info.value.usage.total_tokens == 1000


def test_a_200_that_is_no_json_is_not_counted_as_tokens():
    # a proxy's HTML page or an empty body with status 200 is no model's answer: nothing was
    # billed for it, but it was counted a token for every 4 bytes (a 32 MB page ate a budget)
    page = "<html><body>" + "Service temporarily unavailable. " * 3000 + "</body></html>"
    replies = [Reply(kind="raw", body=page, headers={"content-type": "text/html"}),
               Reply(body=lambda req: completion(req, reference(), tokens=(7, 3)))]
    with FakeOpenAIServer(default=lambda req: replies.pop(0)) as srv:
        brief = mineralbrief.summarize(ARTICLE.read_text(), base_url=srv.base_url, cache=False, **FAST)
    assert (brief.usage.total_tokens, brief.usage.estimated) == (10, False)


def test_a_200_that_is_a_json_answer_cut_short_is_still_counted_as_tokens():
    # a chat completion whose body was cut off (a connection closed mid-answer) is no JSON, but
    # it is a model's answer the server billed: counted nothing, it left a budget's spend short
    def cut(req):
        whole = json.dumps({**completion(req, reference()), "usage": None})
        return Reply(kind="raw", body=whole[: len(whole) // 2].encode(), headers={"content-type": "application/json"})
    replies = [cut, lambda req: Reply(body=completion(req, reference(), tokens=(7, 3)))]
    with FakeOpenAIServer(default=lambda req: replies.pop(0)(req)) as srv:
        brief = mineralbrief.summarize(ARTICLE.read_text(), base_url=srv.base_url, cache=False, **FAST)
    assert brief.usage.total_tokens > 10 and brief.usage.estimated
