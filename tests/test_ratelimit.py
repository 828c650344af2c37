"""Rate limits: the limiter's pacing, what it learns from headers, the shared 429 breaker, and a
batch against a server that enforces a limit (tests/limited_server.py, FIXTURE answers)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from limited_server import TokenBucketLimit

import mineralbrief
from mineralbrief.ratelimit import CircuitOpen, RateLimiter, estimate_tokens, parse_duration

from conftest import FAST
from fixture_model import fixture_reply
from oai_server import FakeOpenAIServer, Reply


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("text,seconds", [("1s", 1.0), ("6m0s", 360.0), ("120ms", 0.12), ("1h2m3.5s", 3723.5),
                                          ("2.5", 2.5), ("", None), ("soon", None), ("1s later", None)])
def test_reset_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_a_request_is_priced_as_prompt_plus_max_tokens():
    body = b'{"messages":[{"role":"user","content":"' + b"x" * 400 + b'"}],"max_tokens":2048}'
    assert estimate_tokens(body) == len(body) // 4 + 2048


def passed(limiter: RateLimiter, n: int, tokens: int = 0) -> int:
    return sum(not isinstance(limiter._try(tokens), float) for _ in range(n))


def test_rpm_paces_evenly_after_one_seconds_worth():
    clock = Clock()
    limiter = RateLimiter(rpm=600, clock=clock)  # 10 a second; a burst of one second, less 50 ms of margin
    assert passed(limiter, 20) == 9
    for _ in range(10):
        wait = limiter._try(0)
        assert isinstance(wait, float) and wait <= 0.1 + 1e-9
        clock.now += wait
        assert passed(limiter, 5) == 1  # one at a time, every 100 ms


def test_tpm_holds_a_request_until_its_tokens_are_there():
    clock = Clock()
    limiter = RateLimiter(tpm=6000, clock=clock)  # 100 tokens a second, a burst of 100
    assert passed(limiter, 1, 90) == 1
    assert limiter._try(300) == pytest.approx(0.9)  # dearer than the burst: goes when it is full
    clock.now += 0.9
    assert passed(limiter, 1, 300) == 1
    assert limiter._try(50) == pytest.approx(2.55)  # then pays the 200 it overdrew, and 55 of its own


def test_headers_teach_the_limit_and_what_is_left():
    clock = Clock()
    limiter = RateLimiter(clock=clock)  # no settings: nothing to pace by yet
    tickets = [limiter._try(0) for _ in range(3)]
    assert all(not isinstance(t, float) for t in tickets)
    # the server let the first through and has 2 left; two more were sent since: none left here
    limiter.observe(tickets[0], 200, {"x-ratelimit-limit-requests": "600", "x-ratelimit-remaining-requests": "2"})
    assert limiter.limits["requests"] == 600
    assert limiter._try(0) == pytest.approx(0.15)  # 10 a second, and 50 ms of margin
    # a later answer says the server still has plenty: that burst is used
    limiter.observe(tickets[2], 200, {"x-ratelimit-limit-requests": "600", "x-ratelimit-remaining-requests": "50"})
    assert passed(limiter, 60) == 49


def test_a_429_pauses_every_call_until_its_retry_after():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    ticket = limiter._try(0)
    limiter.observe(ticket, 429, {}, retry_after=2.0)
    assert limiter._try(0) == pytest.approx(2.0) and limiter._try(10) == pytest.approx(2.0)
    clock.now += 2.0
    assert not isinstance(limiter._try(0), float)
    assert limiter.stats.throttled == 1 and limiter.stats.pauses == 1


def test_a_retry_after_longer_than_a_call_may_wait_opens_the_breaker():
    clock = Clock()
    limiter = RateLimiter(clock=clock, max_pause=120)
    limiter.observe(limiter._try(0), 429, {}, retry_after=3600)
    with pytest.raises(CircuitOpen) as info:
        limiter.acquire()
    assert info.value.retry_after == 3600
    clock.now += 3600
    assert not isinstance(limiter._try(0), float)


def test_no_rate_known_waits_for_the_servers_reset_when_it_has_none_left():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limiter.observe(limiter._try(0), 200, {"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1.5s"})
    assert limiter._try(0) == pytest.approx(1.5)


def test_shared_by_threads_and_event_loops_without_overshooting():
    limiter = RateLimiter(rpm=6000)  # 100 a second, a burst of 100
    got: list[float] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(15):
            limiter.acquire()
            with lock:
                got.append(time.monotonic())

    async def atake() -> None:
        for _ in range(15):
            await limiter.aacquire()
            with lock:
                got.append(time.monotonic())

    t0 = time.monotonic()
    threads = [threading.Thread(target=take) for _ in range(8)] + [
        threading.Thread(target=lambda: asyncio.run(atake())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 150
    assert time.monotonic() - t0 >= 0.45  # 100 at once, then 50 more at 100 a second
    assert sum(1 for t in got if t - t0 < 0.25) <= 126


# -- against a server that enforces a limit --------------------------------------------------
def _texts(seed_text: str, n: int) -> list[str]:
    return [f"{seed_text}\nItem {i}.\n" for i in range(n)]


@pytest.mark.slow
@pytest.mark.parametrize("with_headers", [True, False], ids=["headers", "rpm-setting-only"])
def test_a_batch_at_the_limit_gets_no_429s(seed_text, with_headers):
    limit = TokenBucketLimit(fixture_reply, rpm=1200, headers=with_headers)  # 20 a second, a burst of 20
    with FakeOpenAIServer(default=limit, record=False) as srv:
        t0 = time.monotonic()
        results = list(mineralbrief.summarize_many(
            _texts(seed_text, 50), concurrency=8, base_url=srv.base_url, model="m", cache=False, rpm=1200, **FAST))
        wall = time.monotonic() - t0
    assert all(r.status == "done" for r in results)
    # the server shares this process (and its GIL) with 8 client threads, so requests sent 50 ms
    # apart can arrive together; bench/ratelimit.py runs it in a process of its own for the figures.
    # (Under the parallel slow suite, another worker on the second core, 3 were refused once;
    # without the limiter, the same batch has 72 refused)
    assert limit.refused <= 4
    assert wall < 2 * limit.allowed_seconds(50) + 2.0


@pytest.mark.slow
def test_headers_alone_keep_a_batch_under_the_limit(seed_text):
    """No rpm setting: the limit and what is left come from the answers' headers."""
    limit = TokenBucketLimit(fixture_reply, rpm=1200, burst=0.5)  # a burst of 10
    with FakeOpenAIServer(default=limit, record=False) as srv:
        results = list(mineralbrief.summarize_many(
            _texts(seed_text, 50), concurrency=8, base_url=srv.base_url, model="m", cache=False, **FAST))
    assert all(r.status == "done" for r in results)
    assert limit.refused <= 8  # at most the first volley, sent before any answer taught the limit


@pytest.mark.slow
def test_one_429_pauses_the_whole_batch_once(seed_text):
    """The 6th request gets a 429 asking for 2 s; no call sends anything in those seconds but the
    ones already on their way (given 0.6 s to arrive, however loaded the machine)."""
    arrivals: list[float] = []
    paused: list[float] = []
    lock = threading.Lock()

    def handler(request: dict) -> Reply:
        with lock:
            arrivals.append(time.monotonic())
            if len(arrivals) == 6:
                paused.append(time.monotonic())
                return Reply(status=429, body={"error": {"message": "slow down"}}, headers={"retry-after": "2"})
        return Reply(body=fixture_reply(request).body, delay=0.05)

    with FakeOpenAIServer(default=handler, record=False) as srv:
        results = list(mineralbrief.summarize_many(
            _texts(seed_text, 24), concurrency=4, base_url=srv.base_url, model="m", cache=False, **FAST))
    assert all(r.status == "done" for r in results)
    start = paused[0]
    during = [t for t in arrivals if start + 0.6 < t < start + 1.9]
    assert during == []  # in flight when the 429 came: answered by then (50 ms); nothing new sent


def test_a_long_retry_after_fails_the_batch_without_each_call_asking(seed_text):
    refused: list[float] = []

    def handler(request: dict) -> Reply:
        refused.append(time.monotonic())
        return Reply(status=429, body={"error": {"message": "come back in an hour"}}, headers={"retry-after": "3600"},
                     delay=0.02)

    with FakeOpenAIServer(default=handler, record=False) as srv:
        results = list(mineralbrief.summarize_many(
            _texts(seed_text, 30), concurrency=4, base_url=srv.base_url, model="m", cache=False, **FAST))
    assert all(r.status == "failed" and "TransportError" in (r.error or "") for r in results)
    assert len(refused) <= 4  # the calls in flight at the first 429; the other 26 never sent
    assert any("Retry-After" in (r.error or "") for r in results)
