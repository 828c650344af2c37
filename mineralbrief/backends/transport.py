"""Transport retries as an HTTP transport: every request the openai client sends goes through it.

This is the outer of the two retry layers (DESIGN rule 11). It sits under the openai client, as
an ``httpx`` transport (the openai client's own retries are off), so instructor and openai are
used exactly as published, and a re-ask by instructor is one call here however many HTTP
attempts it took:

* 408, 409, 429 and 5xx answers, dropped connections, timeouts, and 200 answers that are not a
  chat completion (an empty body, ``{}``, ``choices: []``, JSON nested past reason, a body that
  does not decode as its content-encoding says) are tried again with the policy of
  ``retry.py`` (backoff with jitter, ``Retry-After`` honoured);
* each call has a total deadline (``Settings.deadline``), however slowly a server trickles its
  bytes (its headers too, in async calls; a synchronous call reads each byte of the headers
  under the read timeout, and its body under the deadline); a ``Retry-After`` longer than the
  time left fails at once instead of sleeping;
* a chat completion that reports no ``usage`` (some servers send none) is given an estimate,
  marked ``estimated``, so that a token budget still counts it;
* when the attempts run out, the last answer is handed to the openai client as it came (it
  raises its status error) with the attempt count in a header, or, when there was none, an
  ``ExchangeFailed`` says what happened;
* with a ``RateLimiter`` (``ratelimit.py``), every attempt waits its turn before it is sent, and
  every answer's rate-limit headers and 429s are handed back to it, so all the calls sharing
  the limiter slow down together.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
from tenacity import AsyncRetrying, RetryCallState, Retrying

from ..config import Settings
from ..models import Usage
from ..ratelimit import BYTES_PER_TOKEN, CircuitOpen, RateLimiter, Ticket, estimate_tokens
from ..retry import RETRY_STATUSES, parse_retry_after, transport_policy

ATTEMPTS_HEADER = "x-mineralbrief-attempts"
BILLED_HEADER = "x-mineralbrief-billed"  # "prompt,completion,total(,estimated)" of answers thrown away
ESTIMATED = "mineralbrief_estimated"  # in a ``usage`` the transport estimated
MAX_BODY = 32 * 1024 * 1024  # bytes: no chat completion is this large


class ExchangeFailed(Exception):
    """No usable answer came back within the attempts and the deadline.

    Attributes:
        attempts: HTTP attempts made.
        last_status: the last HTTP status seen, or None.
        billed: the tokens of the 200 answers thrown away on the way (``Billed``).
    """

    def __init__(self, message: str, *, attempts: int, last_status: int | None,
                 billed: Usage | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_status = last_status
        self.billed = billed or Usage()


def token_count(value: Any) -> int:
    """A token count an answer's ``usage`` reports: a count, else 0 (a negative number, a string
    that is not one, anything else a server may send)."""
    if isinstance(value, bool):
        return 0
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return max(0, n)


def usage_of(prompt: Any, completion: Any, total: Any) -> Usage:
    """Tokens as a server reports them: never below zero, the total never below its parts."""
    p, c = token_count(prompt), token_count(completion)
    return Usage(prompt_tokens=p, completion_tokens=c, total_tokens=max(token_count(total), p + c))


def _reported(usage: dict[str, Any]) -> Usage:
    """The tokens an answer's ``usage`` object reports (``usage_of``)."""
    return usage_of(usage.get("prompt_tokens"), usage.get("completion_tokens"), usage.get("total_tokens"))


def billed_header(value: str) -> Usage:
    """The tokens a ``BILLED_HEADER`` says (``give_up``); none for any other text."""
    parts = value.split(",")
    if len(parts) not in (3, 4) or len(parts) == 4 and parts[3] != "estimated":
        return Usage()
    return usage_of(*parts[:3]).model_copy(update={"estimated": len(parts) == 4})


def _sent(request: httpx.Request) -> bytes:
    """The request's body; none for a streamed one (priced by the server's headers alone)."""
    try:
        return request.content
    except httpx.RequestNotRead:
        return b""


def usage_in(data: Any, request: httpx.Request, body: bytes) -> Usage:
    """The tokens a chat completion (``data``, parsed from ``body``) reports; when it reports none,
    an estimate, as a rate limit prices a request: a token for every ``BYTES_PER_TOKEN`` bytes of
    the request (article, prompt, schema) and of the answer."""
    u = data.get("usage") if isinstance(data, dict) else None
    reported = _reported(u) if isinstance(u, dict) else Usage()
    if reported.total_tokens:
        return reported
    prompt, completion = len(_sent(request)) // BYTES_PER_TOKEN, max(1, len(body) // BYTES_PER_TOKEN)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion,
                 estimated=True)


class Billed:
    """The tokens of one call's 200 answers that were thrown away (not a chat completion): the
    server billed them, so they are counted, added to the ``usage`` of the answer finally
    handed on, or carried by the error (``ExchangeFailed.billed``, or the ``BILLED_HEADER`` of
    a last answer the openai client raises on)."""

    def __init__(self) -> None:
        self.usage = Usage()

    def add(self, request: httpx.Request, body: bytes) -> None:
        """Count a 200 thrown away: what its ``usage`` reports, or an estimate when it is a JSON
        object that reports none (a model's answer of the wrong shape) or one cut short (no JSON,
        but opening as an object: the connection closed mid-answer, and the server billed it).
        A body that is no JSON object (a proxy's page, nothing) is no model's answer: it counts
        nothing."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            if body.lstrip()[:1] == b"{":
                self.usage = self.usage + usage_in(None, request, body)
            return
        if isinstance(data, dict):
            self.usage = self.usage + usage_in(data, request, body)

    def told(self, answer: httpx.Response) -> httpx.Response:
        """``answer`` (one the openai client raises on) with the tokens thrown away in its
        ``BILLED_HEADER``."""
        u = self.usage
        answer.headers[BILLED_HEADER] = (f"{u.prompt_tokens},{u.completion_tokens},{u.total_tokens}"
                                         + (",estimated" if u.estimated else ""))
        return answer

    def onto(self, request: httpx.Request, answer: httpx.Response, data: dict[str, Any]) -> httpx.Response:
        """``answer`` (a chat completion, ``data`` parsed) with the tokens thrown away added to
        its ``usage``, and an estimate in it when it reports none."""
        told = data.get("usage")
        u: dict[str, Any] = told if isinstance(told, dict) else {}
        mine = usage_in(data, request, answer.content)
        if not self.usage.total_tokens and not mine.estimated and ESTIMATED not in u:  # (the mark is ours alone)
            return answer
        both = mine + self.usage
        data["usage"] = {**u, "prompt_tokens": both.prompt_tokens, "completion_tokens": both.completion_tokens,
                         "total_tokens": both.total_tokens, ESTIMATED: both.estimated}
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() not in ("content-encoding", "content-length")]
        return httpx.Response(answer.status_code, headers=headers, content=json.dumps(data).encode(),
                              extensions=answer.extensions)


@dataclass
class _Retry(Exception):
    """One failed attempt that may be tried again."""

    reason: str
    status: int | None = None
    retry_after: float | None = None
    response: httpx.Response | None = None

    def __str__(self) -> str:
        return self.reason


def _retry_after(headers: httpx.Headers) -> float | None:
    wait = parse_retry_after(headers.get("retry-after"))
    if wait is None and headers.get("retry-after-ms"):
        wait = parse_retry_after(headers["retry-after-ms"] + "ms")
    return wait


def _judge(request: httpx.Request, response: httpx.Response) -> dict[str, Any] | None:
    """Raise ``_Retry`` when a read answer is worth another attempt; return the parsed body of
    a chat completion."""
    status = response.status_code
    if status in RETRY_STATUSES or status >= 500:
        raise _Retry(f"HTTP {status}", status=status, retry_after=_retry_after(response.headers), response=response)
    if status == 200 and request.url.path.endswith("/chat/completions"):
        data, problem = _completion(response.content)
        if problem:
            raise _Retry(f"a 200 answer that is not a chat completion ({problem})", status=200)
        return data
    return None


def not_a_completion(body: bytes) -> str | None:
    """What makes ``body`` unusable as a chat completion (``"no choices"``, ...), or None."""
    return _completion(body)[1]


def _completion(body: bytes) -> tuple[dict[str, Any], str | None]:
    """``body`` parsed, and what makes it unusable as a chat completion, or None."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return {}, "not JSON" if body.strip() else "empty body"
    if not isinstance(data, dict):
        return {}, f"a JSON {type(data).__name__}"
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        return data, "no choices"
    first = choices[0]
    if not isinstance(first, dict) or not isinstance(first.get("message"), dict):
        return data, "a choice without a message"
    calls = first["message"].get("tool_calls")
    if calls is not None and not (isinstance(calls, list) and all(
            isinstance(c, dict) and isinstance(c.get("function"), dict) for c in calls)):
        return data, "tool calls that are not a list of function calls"
    return data, None


class _Body:
    """An answer's bytes as they arrive, within the call's deadline and the size cap."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.data = bytearray()

    def add(self, chunk: bytes) -> None:
        self.data += chunk
        if time.monotonic() > self.deadline:
            raise httpx.ReadTimeout("the call's deadline passed while the answer was arriving")
        if len(self.data) > MAX_BODY:
            raise _Retry("an answer over 32 MiB")


def _rebuilt(response: httpx.Response, raw: bytes) -> httpx.Response:
    """The answer with its whole body read (and decoded by its content-encoding)."""
    try:
        answer = httpx.Response(response.status_code, headers=response.headers, content=raw,
                                extensions=response.extensions)
        answer.read()
        for own in (ATTEMPTS_HEADER, BILLED_HEADER):  # the transport's word alone, never the server's
            answer.headers.pop(own, None)
    except httpx.DecodingError as exc:  # "gzip" over plain bytes: a malformed answer, worth another try
        raise _Retry(f"an answer that does not decode as its content-encoding says ({exc})",
                     status=response.status_code) from exc
    return answer


class _Attempts:
    """What both transports share: the policy, the deadline, the rate limiter, and what to do
    when it ends."""

    def __init__(self, settings: Settings, limiter: RateLimiter | None) -> None:
        self.settings = settings
        self.limiter = limiter

    @staticmethod
    def price(request: httpx.Request) -> int:
        """The tokens a request counts against a token limit (none but a chat completion's)."""
        if not request.url.path.endswith("/chat/completions"):
            return 0
        return estimate_tokens(_sent(request))

    def answer(self, request: httpx.Request, response: httpx.Response, body: _Body,
               ticket: Ticket | None, billed: Billed) -> httpx.Response:
        """The read answer, told to the rate limiter and judged (``_Retry`` when worth another
        try; a 200 thrown away so has its tokens kept in ``billed``)."""
        answer = _rebuilt(response, bytes(body.data))
        if self.limiter is not None:
            self.limiter.observe(ticket, answer.status_code, answer.headers, _retry_after(answer.headers)
                                 if answer.status_code == 429 else None)
        try:
            data = _judge(request, answer)
        except _Retry as exc:
            if exc.status == 200:
                billed.add(request, answer.content)
            raise
        if data is None:  # an answer not retried (a 400): the 200s thrown away before it count
            return billed.told(answer) if billed.usage.total_tokens else answer
        return billed.onto(request, answer, data)

    @staticmethod
    def circuit_open(exc: CircuitOpen, state: RetryCallState | None, billed: Billed) -> ExchangeFailed:
        sent = state.attempt_number - 1 if state else 0  # the attempt the breaker stopped was not sent
        return ExchangeFailed(f"{exc} (HTTP 429)", attempts=sent, last_status=429, billed=billed.usage)

    def retrying(self, deadline: float, cls: type[Retrying] | type[AsyncRetrying]) -> Any:
        return cls(**transport_policy(self.settings, deadline, _is_transient))

    @staticmethod
    def give_up(exc: BaseException, attempts: int, billed: Billed) -> httpx.Response:
        """The last answer, for the openai client to raise on, or ``ExchangeFailed``."""
        if isinstance(exc, _Retry) and exc.response is not None:
            exc.response.headers[ATTEMPTS_HEADER] = str(attempts)
            return billed.told(exc.response)
        status = exc.status if isinstance(exc, _Retry) else None
        raise ExchangeFailed(f"{exc} after {attempts} attempt(s)", attempts=attempts, last_status=status,
                             billed=billed.usage) from exc


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, (_Retry, httpx.TransportError))


class RetryingTransport(httpx.BaseTransport):
    """A synchronous transport that retries, reads within a deadline and checks answers."""

    def __init__(self, settings: Settings, inner: httpx.BaseTransport | None = None,
                 limiter: RateLimiter | None = None) -> None:
        self._inner = inner or httpx.HTTPTransport()
        self._attempts = _Attempts(settings, limiter)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        limiter, cost = self._attempts.limiter, self._attempts.price(request)
        state: RetryCallState | None = None
        billed = Billed()
        try:
            # the first turn is taken before the deadline starts: waiting for it is our pacing,
            # not the endpoint's slowness
            ticket = limiter.acquire(cost) if limiter is not None else None
            deadline = time.monotonic() + self._attempts.settings.deadline
            for attempt in self._attempts.retrying(deadline, Retrying):
                state = attempt.retry_state
                with attempt:
                    if limiter is not None and ticket is None:
                        ticket = limiter.acquire(cost)
                    sent, ticket = ticket, None  # each attempt is a request the server counts
                    response = self._inner.handle_request(request)
                    body = _Body(deadline)
                    try:
                        for chunk in response.stream:  # type: ignore[union-attr]
                            body.add(chunk)
                    finally:
                        response.close()
                    return self._attempts.answer(request, response, body, sent, billed)
        except (_Retry, httpx.TransportError) as exc:
            return self._attempts.give_up(exc, state.attempt_number if state else 1, billed)
        except CircuitOpen as exc:
            raise self._attempts.circuit_open(exc, state, billed) from exc
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    def close(self) -> None:
        self._inner.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    """``RetryingTransport`` for the async client."""

    def __init__(self, settings: Settings, inner: httpx.AsyncBaseTransport | None = None,
                 limiter: RateLimiter | None = None) -> None:
        self._inner = inner or httpx.AsyncHTTPTransport()
        self._attempts = _Attempts(settings, limiter)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        limiter, cost = self._attempts.limiter, self._attempts.price(request)
        state: RetryCallState | None = None
        billed = Billed()
        try:
            ticket = await limiter.aacquire(cost) if limiter is not None else None
            deadline = time.monotonic() + self._attempts.settings.deadline
            async for attempt in self._attempts.retrying(deadline, AsyncRetrying):
                state = attempt.retry_state
                with attempt:
                    if limiter is not None and ticket is None:
                        ticket = await limiter.aacquire(cost)
                    sent, ticket = ticket, None  # each attempt is a request the server counts
                    # the status line and headers are read inside httpx, each byte under the read
                    # timeout: a server trickling them is held to the deadline here
                    try:
                        async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                            response = await self._inner.handle_async_request(request)
                    except TimeoutError:
                        raise httpx.ReadTimeout("the call's deadline passed while waiting for the answer") from None
                    body = _Body(deadline)
                    try:
                        async for chunk in response.stream:  # type: ignore[union-attr]
                            body.add(chunk)
                    finally:
                        await response.aclose()
                    return self._attempts.answer(request, response, body, sent, billed)
        except (_Retry, httpx.TransportError) as exc:
            return self._attempts.give_up(exc, state.attempt_number if state else 1, billed)
        except CircuitOpen as exc:
            raise self._attempts.circuit_open(exc, state, billed) from exc
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    async def aclose(self) -> None:
        await self._inner.aclose()
