"""Client-side rate limits: pace requests before they are sent, and stop the batch once on a 429.

One ``RateLimiter`` belongs to one backend, so every call of a ``Summarizer`` (threads and
event loops alike) draws from it. It keeps two token buckets, requests and tokens per minute:

* their rates come from the settings (``rpm``, ``tpm``), or, when those are unset, from the
  provider's ``x-ratelimit-limit-*`` headers (per minute, as OpenAI, Azure, Groq and vLLM's
  gateways send them);
* their levels follow the provider's ``x-ratelimit-remaining-*`` headers, less what was sent
  after the answer that carried them, so the client slows down *before* the server says 429
  and may use a burst the server still has;
* a 429 empties the buckets and pauses every call until its ``Retry-After`` (or the
  ``x-ratelimit-reset-*`` time) has passed: the first 429 stops the whole batch once, instead
  of each call in flight discovering it. A ``Retry-After`` longer than a call may wait opens the
  breaker: every call fails at once, unsent, until that time.

A request is priced as OpenAI prices it against a token limit: its prompt (estimated at four
bytes of request body per token) plus the ``max_tokens`` it may generate.

The limiter never sleeps while holding its lock, so it is safe to share between threads and
event loops; ``acquire`` sleeps the thread, ``aacquire`` awaits.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_MAX_TOKENS = re.compile(rb'"max(?:_completion)?_tokens"\s*:\s*(\d+)')
BYTES_PER_TOKEN = 4
JITTER = 0.05  # seconds


def parse_duration(value: str | None) -> float | None:
    """Seconds in a reset header: ``"1s"``, ``"6m0s"``, ``"120ms"``, ``"1h2m3.5s"`` or ``"2.5"``."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parts = _DURATION.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value.replace(" ", ""):
        return None
    return sum(float(n) * _UNIT[u] for n, u in parts)


def estimate_tokens(body: bytes) -> int:
    """What a chat-completion request counts against a token limit: prompt plus ``max_tokens``."""
    found = _MAX_TOKENS.search(body)
    return len(body) // BYTES_PER_TOKEN + (int(found.group(1)) if found else 0)


class CircuitOpen(Exception):
    """The provider asked to wait longer than a call may: nothing is sent until ``until``.

    Attributes:
        until: ``time.monotonic()`` when the breaker closes.
        retry_after: the wait the provider asked for, in seconds.
    """

    def __init__(self, message: str, *, until: float, retry_after: float) -> None:
        super().__init__(message)
        self.until = until
        self.retry_after = retry_after


@dataclass
class Ticket:
    """One request let through: when, its place in the sending order and its token price."""

    at: float
    seq: int
    tokens: int
    tokens_mark: int  # tokens let through before this one, to tell what was sent after it


@dataclass
class _Bucket:
    """A token bucket: ``rate`` per second up to ``capacity``; no rate means no pacing.

    The capacity (the burst) starts at one second of the limit: providers enforce a limit per
    minute over shorter periods (OpenAI: 60,000 a minute may be 1,000 a second), so a whole
    minute at once is a volley of 429s. It grows to whatever the provider says is left.
    """

    rate: float | None = None
    capacity: float = 0.0
    level: float = 0.0
    stamp: float = 0.0
    fixed: bool = False  # the rate came from the settings: headers do not change it

    def set_limit(self, per_minute: float, now: float) -> None:
        self.rate = per_minute / 60.0
        self.capacity = self.level = max(1.0, self.rate)
        self.stamp = now

    def refill(self, now: float) -> None:
        if self.rate is not None:
            self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_for(self, amount: float) -> float:
        if self.rate is None:
            return 0.0
        # a margin of 50 ms of the limit absorbs the jitter between our clock and the server's;
        # a request dearer than the bucket goes when the bucket is full
        need = min(amount + self.rate * JITTER, self.capacity)
        return 0.0 if self.level >= need - 1e-9 else (need - self.level) / self.rate


@dataclass
class LimiterStats:
    """What the limiter saw: requests let through, 429s, time spent waiting (all calls summed)."""

    sent: int = 0
    throttled: int = 0
    waited: float = 0.0
    pauses: int = 0


class RateLimiter:
    """Paces requests to stay under requests- and tokens-per-minute limits.

    Args:
        rpm: requests per minute; None learns it from ``x-ratelimit-limit-requests``.
        tpm: tokens per minute; None learns it from ``x-ratelimit-limit-tokens``.
        max_pause: the longest ``Retry-After`` that pauses calls; a longer one opens the breaker.
        clock: a monotonic clock (tests pass a fake one).
    """

    def __init__(self, rpm: int | None = None, tpm: int | None = None, *, max_pause: float = 120.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        now = clock()
        self._buckets = {"requests": _Bucket(), "tokens": _Bucket()}
        for kind, limit in (("requests", rpm), ("tokens", tpm)):
            if limit is not None:
                self._buckets[kind].set_limit(limit, now)
                self._buckets[kind].fixed = True
        self.max_pause = max_pause
        self._paused_until = 0.0
        self._open: CircuitOpen | None = None
        self._seq = 0
        self._tokens_sent = 0
        self.stats = LimiterStats()

    # -- letting a request through ---------------------------------------------------------
    def _try(self, tokens: int) -> Ticket | float:
        """A ticket, or the seconds to wait before asking again."""
        with self._lock:
            now = self._clock()
            if self._open is not None:
                if now < self._open.until:
                    raise self._open
                self._open = None
            if now < self._paused_until:
                return self._paused_until - now
            req, tok = self._buckets["requests"], self._buckets["tokens"]
            req.refill(now)
            tok.refill(now)
            wait = max(req.wait_for(1), tok.wait_for(tokens))
            if wait > 0:
                return wait
            if req.rate is not None:
                req.level -= 1
            if tok.rate is not None:
                tok.level -= tokens
            ticket = Ticket(now, self._seq, tokens, self._tokens_sent)
            self._seq += 1
            self._tokens_sent += tokens
            self.stats.sent += 1
            return ticket

    def acquire(self, tokens: int = 0) -> Ticket:
        """Wait (sleeping this thread) until a request of ``tokens`` may be sent.

        Raises:
            CircuitOpen: the provider asked for a wait longer than ``max_pause``.
        """
        waited = 0.0
        while True:
            got = self._try(tokens)
            if isinstance(got, Ticket):
                self._count_wait(waited)
                return got
            time.sleep(got)
            waited += got

    async def aacquire(self, tokens: int = 0) -> Ticket:
        """``acquire`` for asyncio: awaits instead of sleeping the thread."""
        waited = 0.0
        while True:
            got = self._try(tokens)
            if isinstance(got, Ticket):
                self._count_wait(waited)
                return got
            await asyncio.sleep(got)
            waited += got

    def _count_wait(self, waited: float) -> None:
        if waited:
            with self._lock:
                self.stats.waited += waited

    # -- learning from the answers ---------------------------------------------------------
    def observe(self, ticket: Ticket | None, status: int, headers: Mapping[str, str],
                retry_after: float | None = None) -> None:
        """Take in an answer's rate-limit headers (and its 429, with the wait it asked for)."""
        with self._lock:
            now = self._clock()
            resets: list[float] = []
            for kind, bucket in self._buckets.items():
                limit = _number(headers.get(f"x-ratelimit-limit-{kind}"))
                remaining = _number(headers.get(f"x-ratelimit-remaining-{kind}"))
                reset = parse_duration(headers.get(f"x-ratelimit-reset-{kind}"))
                if limit and not bucket.fixed and (bucket.rate is None or bucket.rate * 60 != limit):
                    bucket.set_limit(limit, now)
                bucket.refill(now)
                if remaining is not None and bucket.rate is not None and ticket is not None:
                    # the server had ``remaining`` when it let this request in; since then it has
                    # refilled and we have sent ``after`` more. If it counted them already (its
                    # count is of when it answered), ``remaining`` is the bound: take the lower.
                    after = (self._seq - ticket.seq - 1 if kind == "requests"
                             else self._tokens_sent - ticket.tokens_mark - ticket.tokens)
                    bucket.capacity = max(bucket.capacity, min(remaining, bucket.rate * 60))
                    bucket.level = min(bucket.capacity, remaining,
                                       remaining - after + bucket.rate * (now - ticket.at))
                elif bucket.rate is None and reset and (status == 429 or (remaining is not None and remaining < 1)):
                    resets.append(reset)  # no rate to pace by: wait for the server's own reset
            if status == 429:
                self.stats.throttled += 1
                for bucket in self._buckets.values():
                    bucket.level = min(bucket.level, 0.0)
                wait = retry_after if retry_after is not None else max(resets, default=None)
                if wait is not None:
                    self._pause(now, wait)
            elif resets:
                self._pause(now, max(resets))

    def _pause(self, now: float, wait: float) -> None:
        if wait > self.max_pause:
            until = now + wait
            if self._open is None or self._open.until < until:
                self._open = CircuitOpen(
                    f"the endpoint asked to wait {wait:,.0f} s (Retry-After), longer than a call may wait "
                    f"({self.max_pause:,.0f} s): not sent", until=until, retry_after=wait)
            return
        if now + wait > self._paused_until:
            if self._paused_until <= now:
                self.stats.pauses += 1
            self._paused_until = now + wait

    @property
    def limits(self) -> dict[str, float | None]:
        """The per-minute limits in force (from the settings or learned), None when unknown."""
        with self._lock:
            return {k: (b.rate * 60 if b.rate is not None else None) for k, b in self._buckets.items()}


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None
