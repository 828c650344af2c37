"""Any OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp, LM Studio).

The module that speaks the OpenAI wire format through ``openai`` and ``instructor``, using only
their public API (DESIGN rule 4).

Two retry layers, kept apart:

* transport: the openai client sends through ``RetryingTransport`` (``transport.py``), which
  retries 429 / 408 / 409 / 5xx / timeouts / dropped connections / malformed 200 answers within
  a deadline; the client's own ``max_retries`` is 0. A transport failure is never shown to the
  model.
* validation: ``max_reasks`` answers after the first, shared by instructor's re-asks (an answer
  that breaks the schema) and ours (an answer that states what the article does not: the
  grounding report is sent back as the reason).

The response model is prepared once (``instructor.response_schema``), so instructor does not
wrap and re-derive it on every call; each call's attempts and tokens are counted through
instructor's per-call hooks.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import ssl
import weakref
from collections.abc import AsyncGenerator, Sequence
from typing import Any, NoReturn

import httpx2 as httpx
import instructor
import openai
from instructor.core import Hooks, IncompleteOutputException, InstructorError, InstructorRetryException
from pydantic import ValidationError

from ..config import Settings
from ..errors import BackendError, ConfigError, MineralBriefError, TransportError, ValidationFailedError
from ..grounding import ground, reask_message
from ..models import BriefContent, Usage
from ..prompts import prompt_version, render
from ..ratelimit import RateLimiter
from ..redact import protect_logs, redact
from ..retry import RETRY_AFTER_CAP, RETRY_STATUSES
from ..telemetry import AttemptSpans
from .base import BaseBackend, Generation, GenerationRequest, chunk_requests, merge_generations, spent_before
from .replay import QUIET, Replay, Unsent
from .transport import (
    ATTEMPTS_HEADER,
    BILLED_HEADER,
    ESTIMATED,
    AsyncRetryingTransport,
    ExchangeFailed,
    RetryingTransport,
    billed_header,
    usage_of,
)

RESPONSE_MODEL = instructor.response_schema(BriefContent)
MODES = {"tools": instructor.Mode.TOOLS, "json": instructor.Mode.JSON, "md_json": instructor.Mode.MD_JSON}
# connections kept open: a batch of 32 calls in flight reuses them instead of reconnecting
_LIMITS = httpx.Limits(max_connections=256, max_keepalive_connections=128)


def scrub(text: str, settings: Settings) -> str:
    """Remove the API key (and anything shaped like one) from a message."""
    return redact(text, frozenset({settings.api_key.get_secret_value()}) if settings.api_key else frozenset())


def raw_answer(completion: Any) -> str | None:
    """The JSON text of an answer, whatever the mode (tool call, JSON, fenced JSON)."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    if calls:  # a list of calls, as the transport checked (a replayed Batch API answer was not)
        first = calls[0] if isinstance(calls, list) else None
        return str(getattr(getattr(first, "function", None), "arguments", None))
    content = getattr(message, "content", None)
    if not content or not isinstance(content, str):
        return None if not content else str(content)
    fenced = re.search(r"```(?:json)?\s*(.*?)```", content, re.S)
    return fenced.group(1) if fenced else str(content)


def fence_for(content_hash: str) -> str:
    """The tag that fences an article in the prompt: named after the article's own hash, so
    the article cannot contain its closing tag (it would change the hash)."""
    return f"article-{content_hash[:12]}"


class _Tally:
    """What instructor's per-call hooks count of one dialogue: attempts, tokens, the last raw answer.

    Kept apart from the dialogue: the hooks hold these methods, and a hook bound to the dialogue
    made a cycle (dialogue -> hooks -> dialogue) that kept its request, the article's facts and
    index (~140 objects by a count of the garbage) alive until the garbage collector came by,
    instead of freed when the call ends; in a batch they were carried into the oldest generation
    and walked again by every full collection. (A call that instructor re-asks, or that fails,
    still waits for the collector: the tracebacks of the exceptions inside instructor's retry
    loop hold the call's frames.)"""

    def __init__(self) -> None:
        self.usage = Usage()
        self.attempts = 0
        self.last_raw: str | None = None
        self.refusal: str | None = None  # the last answer's refusal, when the model declined
        self.filtered = False  # whether the endpoint's content filter cut the last answer off

    def sent(self, *args: Any, **kwargs: Any) -> None:
        self.attempts += 1
        self.usage = self.usage + Usage(requests=1)

    def received(self, response: Any) -> None:
        u = getattr(response, "usage", None)
        if u is not None:  # as the server tells it: never below zero, nor below its own parts
            told = usage_of(getattr(u, "prompt_tokens", None), getattr(u, "completion_tokens", None),
                            getattr(u, "total_tokens", None))
            if getattr(u, ESTIMATED, None) is True:  # the transport estimated what a server did not report
                told = told.model_copy(update={"estimated": True})
            self.usage = self.usage + told
        self.last_raw = raw_answer(response)
        choice = next(iter(getattr(response, "choices", None) or []), None)
        refusal = getattr(getattr(choice, "message", None), "refusal", None)
        self.refusal = refusal if isinstance(refusal, str) and refusal.strip() else None
        self.filtered = getattr(choice, "finish_reason", None) == "content_filter"


class _Dialogue:
    """One article's exchange with the model: the first ask, then re-asks (instructor's for
    the schema, ours for grounding) within one limit, ``max_reasks``; every attempt counted."""

    def __init__(self, settings: Settings, system: str, request: GenerationRequest) -> None:
        self.settings = settings
        self.request = request
        article = request.article
        self.messages: list[dict[str, Any]] = [
            {"role": "system", "content": system},
            {"role": "user", "content": render(
                "user.j2", article=article.text, title=article.title, published=article.published,
                hints=request.hints, fence=fence_for(article.content_hash))},
        ]
        self.tally = _Tally()
        self.hooks = Hooks()
        self.hooks.on("completion:kwargs", self.tally.sent)
        self.hooks.on("completion:response", self.tally.received)
        self.spans = AttemptSpans(self.hooks, settings)  # one span per attempt, when OpenTelemetry records

    def kwargs(self) -> dict[str, Any]:
        """The next ``create`` call: the conversation so far and the re-asks left."""
        s = self.settings
        kwargs: dict[str, Any] = {
            "model": s.model, "messages": list(self.messages), "response_model": RESPONSE_MODEL,
            "max_retries": max(0, s.max_reasks - self.tally.attempts), "hooks": self.hooks,
            "temperature": s.temperature, "max_tokens": s.max_tokens,
        }
        if s.seed is not None:
            kwargs["seed"] = s.seed
        return kwargs

    def answer(self, content: BriefContent) -> Generation | None:
        """The generation, or None when the answer did not ground and a re-ask is left (the
        conversation then carries the answer and the list of what was not found)."""
        report = ground(content, self.request.index)
        self.spans.finish(grounded=report.ok)
        if report.ok or self.tally.attempts > self.settings.max_reasks:
            return Generation(content=content, usage=self.tally.usage, model=self.settings.model, grounding=report)
        self.messages += [
            {"role": "assistant", "content": self.tally.last_raw or content.model_dump_json()},
            {"role": "user", "content": reask_message(report)},
        ]
        return None

    def fail(self, exc: Exception) -> NoReturn:
        """Raise what a failed call means (``failure``), chained to what instructor raised."""
        err = self.failure(exc)
        if err is exc:
            raise exc
        raise err from exc

    def failure(self, exc: Exception) -> BaseException:
        """What a failed call raises: one of ours, with the attempts and usage so far."""
        article_id = self.request.article.id
        self.spans.finish(error=exc)  # when no hook closed the attempt (an answer cut off at max_tokens)
        if isinstance(exc, MineralBriefError):
            return exc
        if isinstance(exc, IncompleteOutputException):
            return ValidationFailedError(
                f"the answer was cut off at max_tokens={self.settings.max_tokens}; raise max_tokens",
                attempts=self.tally.attempts, last_raw=self.tally.last_raw, errors=[], article_id=article_id,
                usage=self.tally.usage)
        cause = exc.__cause__ if isinstance(exc, InstructorRetryException) and exc.__cause__ else exc
        if isinstance(cause, openai.APIError):
            return self._transport_failure(cause)
        if self.tally.refusal is not None:
            # a model that declines (OpenAI's ``message.refusal``) made instructor raise a bare
            # AssertionError, shown as an internal error: it is the endpoint's answer, and paid for
            why = scrub(self.tally.refusal, self.settings)[:300]
            return BackendError(f"the model refused to brief the article: {why}", article_id=article_id,
                                usage=self.tally.usage)
        if self.tally.filtered:  # (Azure's filters stop answers on defence news) not a schema the model missed
            return BackendError("the endpoint's content filter cut the model's answer off (finish_reason "
                                "content_filter)", article_id=article_id, usage=self.tally.usage)
        if isinstance(cause, (ValidationError, json.JSONDecodeError, InstructorError)):
            errors: list[Any] = cause.errors() if isinstance(cause, ValidationError) else [str(cause)]
            summary = "; ".join(
                f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" if isinstance(e, dict) else str(e)
                for e in errors[:5])
            return ValidationFailedError(
                f"the model's answer did not fit the schema after {self.tally.attempts} attempt(s): "
                f"{scrub(summary, self.settings)[:400]}",
                attempts=self.tally.attempts, last_raw=self.tally.last_raw, errors=errors, article_id=article_id,
                usage=self.tally.usage)
        return cause  # not the endpoint, not the answer: a bug, shown as it is

    def _transport_failure(self, exc: openai.APIError) -> MineralBriefError:
        article_id, s = self.request.article.id, self.settings
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            attempts = int(exc.response.headers.get(ATTEMPTS_HEADER, "1"))
            # the 200 answers the transport threw away before this one
            self.tally.usage = self.tally.usage + billed_header(exc.response.headers.get(BILLED_HEADER, ""))
            if status in RETRY_STATUSES or status >= 500:
                return TransportError(
                    f"endpoint kept failing: HTTP {status} after {attempts} attempt(s): {scrub(str(exc), s)[:200]}",
                    attempts=attempts, last_status=status, article_id=article_id, usage=self.tally.usage)
            return BackendError(f"endpoint refused the request (HTTP {status}): {scrub(str(exc), s)[:300]}",
                                article_id=article_id, usage=self.tally.usage)
        root: BaseException = exc  # "Connection error." says nothing: name what went wrong below it
        while root.__cause__ is not None and not isinstance(root, ExchangeFailed):
            root = root.__cause__
        if isinstance(root, ExchangeFailed):
            attempts, last, what = root.attempts, root.last_status, str(root)
            self.tally.usage = self.tally.usage + root.billed
        else:
            attempts, last, what = 1, None, f"{type(root).__name__}: {root}"
        return TransportError(f"endpoint kept failing: {scrub(what, s)[:200]}", attempts=attempts,
                              last_status=last, article_id=article_id, usage=self.tally.usage)


_LoopClient = tuple[instructor.AsyncInstructor, openai.AsyncOpenAI, AsyncGenerator[None, None]]


async def _close_with_loop(client: openai.AsyncOpenAI, registry: weakref.WeakKeyDictionary[Any, Any],
                           loop: asyncio.AbstractEventLoop) -> AsyncGenerator[None, None]:
    """Yields once, then waits: closed by ``aclose()`` or by the loop's shutdown, it closes the
    client's connections and forgets it."""
    try:
        yield
    finally:
        registry.pop(loop, None)
        await client.close()


class OpenAICompatBackend(BaseBackend):
    """Briefs from an OpenAI-compatible chat-completions endpoint, through instructor.

    Args:
        settings: endpoint, key, model, mode, sampling, limits. The clients are made on first
            use and reused for every article (one async client per event loop).

    Raises:
        ConfigError: no API key and no endpoint.
    """

    name = "openai"

    def __init__(self, settings: Settings) -> None:
        if settings.api_key is None and not settings.base_url:
            raise ConfigError(
                "no API key: set OPENAI_API_KEY (or MINERALBRIEF_API_KEY), pass api_key=..., "
                "or point base_url (--base-url) at a local OpenAI-compatible server")
        self.settings = settings
        protect_logs(settings.api_key.get_secret_value() if settings.api_key else "")
        self._system = render("system.j2")
        # one limiter for every call this backend makes, sync or async, in any thread or loop
        self.limiter = RateLimiter(settings.rpm, settings.tpm, max_pause=RETRY_AFTER_CAP)
        self._transport: RetryingTransport | None = None
        self._tls: ssl.SSLContext | None = None
        self._openai: openai.OpenAI | None = None
        self._client: instructor.Instructor | None = None
        self._aclients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopClient] = (
            weakref.WeakKeyDictionary())

    def identity(self) -> dict[str, object]:
        s = self.settings
        return {
            "model": s.model, "endpoint": s.endpoint_host, "mode": s.mode, "prompt": prompt_version(),
            "temperature": s.temperature, "max_tokens": s.max_tokens, "seed": s.seed,
            "max_reasks": s.max_reasks, "max_input_chars": s.max_input_chars,
        }

    def _client_kwargs(self) -> dict[str, Any]:
        s = self.settings
        # local servers (Ollama, vLLM, llama.cpp) ignore the key
        key = s.api_key.get_secret_value() if s.api_key is not None else "not-needed"
        return {"api_key": key, "base_url": s.base_url, "max_retries": 0,
                "timeout": openai.Timeout(s.timeout, connect=s.connect_timeout)}

    def _tls_context(self) -> ssl.SSLContext:
        """One TLS context for every client of this backend (each event loop gets a client of
        its own): making one reads the CA bundle, 20-40 ms, which a batch paid at each start."""
        if self._tls is None:
            self._tls = httpx.create_ssl_context()
        return self._tls

    @property
    def client(self) -> instructor.Instructor:
        if self._client is None:
            self._transport = RetryingTransport(
                self.settings, httpx.HTTPTransport(verify=self._tls_context(), limits=_LIMITS), self.limiter)
            self._openai = openai.OpenAI(**self._client_kwargs(), http_client=httpx.Client(transport=self._transport))
            self._client = instructor.from_openai(self._openai, mode=MODES[self.settings.mode])
        return self._client

    async def aclient(self) -> instructor.AsyncInstructor:
        """The async client of the running event loop: its connections belong to that loop.

        Each loop gets its own client (threads that each run a loop do not take turns on one),
        and the client closes when its loop shuts down: ``asyncio.run`` closes the loop's
        async generators first, and one is kept per client to close it (no socket is left for
        the garbage collector to warn about).
        """
        loop = asyncio.get_running_loop()
        found = self._aclients.get(loop)
        if found is None:
            transport = AsyncRetryingTransport(
                self.settings, httpx.AsyncHTTPTransport(verify=self._tls_context(), limits=_LIMITS), self.limiter)
            raw = openai.AsyncOpenAI(**self._client_kwargs(), http_client=httpx.AsyncClient(transport=transport))
            closer = _close_with_loop(raw, self._aclients, loop)
            await closer.__anext__()  # registered with the loop from here on
            found = self._aclients[loop] = (instructor.from_openai(raw, mode=MODES[self.settings.mode]), raw, closer)
        return found[0]

    def generate(self, request: GenerationRequest) -> Generation:
        chunks = chunk_requests(request, self.settings.max_input_chars)
        if chunks is None:
            return self._generate_one(request)
        gens: list[Generation] = []
        try:
            for c in chunks:
                gens.append(self._generate_one(c))
        except BackendError as exc:
            spent_before(exc, gens)
            raise
        return merge_generations(gens, self.settings.model)

    async def agenerate(self, request: GenerationRequest) -> Generation:
        chunks = chunk_requests(request, self.settings.max_input_chars)
        if chunks is None:
            return await self._agenerate_one(request)
        gens: list[Generation] = []
        try:
            for c in chunks:
                gens.append(await self._agenerate_one(c))
        except BackendError as exc:
            spent_before(exc, gens)
            raise
        return merge_generations(gens, self.settings.model)

    def _generate_one(self, request: GenerationRequest) -> Generation:
        return _converse(self.client, _Dialogue(self.settings, self._system, request))

    async def _agenerate_one(self, request: GenerationRequest) -> Generation:
        talk = _Dialogue(self.settings, self._system, request)
        while True:
            try:
                content = await (await self.aclient()).create(**talk.kwargs())
            except Exception as exc:
                talk.fail(exc)
            done = talk.answer(content)
            if done is not None:
                return done

    def close(self) -> None:
        if self._openai is not None:
            self._openai.close()
        self._openai = self._client = self._transport = None

    async def aclose(self) -> None:
        """Close the running loop's client now (a later call in this loop opens a new one)."""
        found = self._aclients.pop(asyncio.get_running_loop(), None)
        if found is not None:
            await found[2].aclose()

    # -- for the Batch API (batchapi.py) ---------------------------------------------------
    def request_body(self, request: GenerationRequest) -> dict[str, Any]:
        """The JSON body of the first request for ``request``, byte for byte the online path's.
        ``request`` is one request as ``generate`` sends it (split long articles first:
        ``chunk_requests``)."""
        body = self.replay(request, [])
        assert isinstance(body, dict)  # no answers: the dialogue cannot end before asking
        return body

    def replay(self, request: GenerationRequest, answers: Sequence[dict[str, Any]], *,
               online: bool = False) -> Generation | dict[str, Any]:
        """Run ``request``'s dialogue as online, the model's answers taken from ``answers``
        (chat-completion bodies, in the order they were asked for): each is validated through
        instructor, grounded and re-asked within ``max_reasks``, and counted in ``usage``.

        Returns:
            The ``Generation`` once the answers settle it; otherwise the JSON body of the next
            request (the first ask when ``answers`` is empty, then a re-ask). With
            ``online=True`` that request is sent, and the dialogue ends online (a ``Generation``).

        Raises:
            ValidationFailedError: the answers never fit the schema within ``max_reasks``.
            TransportError: online only, as ``generate``.
        """
        if online:
            self.client  # noqa: B018 - builds the shared transport the dialogue goes on over
        transport = Replay(answers, self._transport if online else None)
        kwargs = self._client_kwargs()
        if not online:  # nothing leaves the process: say so in httpx's request log
            kwargs["base_url"] = "http://batch-replay.invalid/v1"
        raw = openai.OpenAI(**kwargs, http_client=httpx.Client(transport=transport))
        for name in ("instructor", "instructor.v2.retry"):  # each logs a failed call at ERROR
            if QUIET not in logging.getLogger(name).filters:
                logging.getLogger(name).addFilter(QUIET)
        try:
            talk = _Dialogue(self.settings, self._system, request)
            return _converse(instructor.from_openai(raw, mode=MODES[self.settings.mode]), talk, transport)
        except Unsent as kept:
            return kept.body
        finally:
            raw.close()

    @property
    def batch_client(self) -> openai.OpenAI:
        """A client for the Files and Batches endpoints: openai's own retries, and no cap on an
        answer's size (a batch's output file may hold hundreds of megabytes)."""
        return openai.OpenAI(**{**self._client_kwargs(), "max_retries": self.settings.max_attempts - 1})


def _converse(client: instructor.Instructor, talk: _Dialogue, replay: Replay | None = None) -> Generation:
    """Run one dialogue to its end: the generation, or one of our errors."""
    while True:
        try:
            content = client.create(**talk.kwargs())
        except Exception as exc:
            if replay is not None and replay.unsent is not None:
                raise Unsent(replay.unsent) from None
            talk.fail(exc)
        done = talk.answer(content)
        if done is not None:
            return done
