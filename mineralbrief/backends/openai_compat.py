"""Any OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp, LM Studio).

The only module in mineralbrief that imports ``openai`` and ``instructor`` (DESIGN rule 4).

Two retry layers, kept apart:

* transport: every HTTP call instructor makes goes through ``_call``, which retries 429 /
  408 / 409 / 5xx / timeouts / dropped connections with the tenacity policy of ``retry.py``
  (the openai client's own ``max_retries`` is 0). When retries run out it raises
  ``TransportError``, which instructor does not treat as a validation failure, so the model
  never sees it.
* validation: instructor re-asks up to ``max_reasks`` times when the answer breaks the schema
  or the grounding validator (run through instructor's validation context).

Instructor renders message contents as Jinja templates whenever a validation context is given.
The article must reach the model byte for byte (and a ``{{`` in it must not be evaluated), so
the messages are the placeholders ``{{ mb_system }}`` / ``{{ mb_user }}`` and the real texts
travel in the context: Jinja substitutes a value once and never evaluates what it contains.
"""

from __future__ import annotations

import asyncio
import json
import re
import selectors
import threading
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from textwrap import dedent
from typing import Any, Callable

import anyio
import instructor
import openai
# the client imports its resources on the first ``client.chat`` (0.32 s here), which a batch
# would pay on its event loop while every request waits: pay it when the backend is made
import openai.resources.chat  # noqa: F401
from instructor import response_schema
from instructor.core.exceptions import IncompleteOutputException, InstructorError, InstructorRetryException
from jinja2.sandbox import SandboxedEnvironment
from pydantic import ValidationError

try:  # instructor loads its OpenAI handlers (requests and urllib3 with them, 0.2 s here) on the
    # first call, which a batch pays on its event loop, or every worker process on its first
    # requests: pay it when this module is imported
    import instructor.v2.providers.openai  # noqa: F401
    import instructor.v2.providers.openai.templating  # noqa: F401
    from instructor.v2.providers.openai.schema import generate_openai_schema
except ImportError:  # pragma: no cover - other instructor layouts
    generate_openai_schema = None

from ..config import Settings
from ..errors import BackendError, ConfigError, MineralBriefError, TransportError, ValidationFailedError
from ..gate import CallGate, current_gate
from ..grounding import CONTEXT_KEY, GroundedBriefContent
from ..models import BriefContent, Usage
from ..prompts import prompt_version, render
from ..retry import RETRY_STATUSES, Transient, async_transport_retrying, parse_retry_after, transport_retrying
from .base import Generation, GenerationRequest, chunk_requests, merge_generations


def _replace_once(module: Any, name: str, build: Callable[[Any], Any]) -> Any:
    """Replace ``module.name`` with ``build(original)`` once, marked so a second call does
    nothing; returns the original, or None when the name is missing (instructor moved it)."""
    original = getattr(module, name, None)
    if original is None or getattr(original, "_mineralbrief_memo", False):
        return None
    replacement = build(original)
    replacement._mineralbrief_memo = True
    setattr(module, name, replacement)
    return original


def _memoise_async_validator_check() -> None:
    """Instructor walks the whole response-model type tree on every call (six times per
    create) to refuse models with async validators; the answer depends only on the class, and
    the walk was a third of the client's CPU in a 32-way batch. Cache it per class. Guarded:
    if instructor's internals move, this does nothing and instructor behaves as shipped."""
    try:
        import instructor.v2.core.patch as patch_module
        import instructor.v2.validation.async_validators as module
    except ImportError:  # pragma: no cover - other instructor layouts
        return

    def build(original: Any) -> Any:
        checked: set[int] = set()
        keep: list[Any] = []  # hold the classes so their ids stay theirs

        def reject_async_validators(response_model: Any) -> None:
            key = id(response_model)
            if key in checked:
                return
            original(response_model)  # raises for a model with async validators: never cached
            checked.add(key)
            keep.append(response_model)

        return reject_async_validators

    original = _replace_once(module, "reject_async_validators", build)
    if original is not None and getattr(patch_module, "reject_async_validators", None) is original:
        patch_module.reject_async_validators = module.reject_async_validators


def _memoise_templates() -> None:
    """Instructor renders each message as a Jinja template when a context is given, building a
    new sandboxed environment and compiling the template on every call (about a millisecond per
    request, all on the event loop in a batch). Our messages are two fixed placeholders, so the
    compiled templates are kept. Same rendering, same sandbox; guarded like the memo above."""
    try:
        import instructor.v2.core.templating as module
    except ImportError:  # pragma: no cover - other instructor layouts
        return

    def build(_original: Any) -> Any:
        compiled = lru_cache(maxsize=64)(SandboxedEnvironment().from_string)

        def apply_template(text: str, context: dict[str, Any]) -> str:
            return dedent(compiled(text).render(**context))

        return apply_template

    _replace_once(module, "apply_template", build)


# Wrapped once: instructor re-wraps (and re-derives the JSON schema of) a plain model on every
# call; a ResponseSchema subclass is used as is and its schema stays in instructor's cache.
RESPONSE_MODEL = response_schema(GroundedBriefContent)
MODES = {"tools": instructor.Mode.TOOLS, "json": instructor.Mode.JSON, "md_json": instructor.Mode.MD_JSON}
_KEY_LIKE = re.compile(r"(sk-[A-Za-z0-9_*.-]{4,}|Bearer\s+\S+)")


def classify(exc: BaseException) -> Transient | None:
    """Transient transport errors and what they say; None for everything else."""
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status not in RETRY_STATUSES and status < 500:
            return None
        headers = exc.response.headers if exc.response is not None else {}
        retry_after = parse_retry_after(headers.get("retry-after"))
        if retry_after is None and headers.get("retry-after-ms"):
            retry_after = parse_retry_after(headers.get("retry-after-ms", "") + "ms")
        return Transient(status=status, retry_after=retry_after)
    if isinstance(exc, openai.APIConnectionError):  # timeouts included
        return Transient(status=None)
    if isinstance(exc, (json.JSONDecodeError, openai.APIResponseValidationError, MalformedResponse)):
        return Transient(status=200)  # a body that is not JSON: a broken proxy, worth a retry
    return None


class MalformedResponse(Exception):
    """The endpoint answered 200 with something that is not a chat completion."""


def _is_transport(exc: BaseException) -> bool:
    """Errors of the HTTP exchange (to be typed as ours), as opposed to bugs (to propagate)."""
    return isinstance(exc, openai.APIError) or classify(exc) is not None


# Sent as they are: openai walks every request parameter against its TypedDicts before sending
# (for aliases, dates and files, which these never hold); for the article and the tool schema
# that walk cost about 0.7 ms per request, all of it on the event loop in a batch. Through
# ``extra_body`` they reach the same JSON body untouched (a test compares the bodies).
_AS_IS = ("messages", "tools", "tool_choice", "response_format")


def _as_is(kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with the parameters openai need not walk moved into ``extra_body``."""
    moved = {k: kwargs[k] for k in _AS_IS if k in kwargs}
    if not moved:
        return kwargs
    rest = {k: v for k, v in kwargs.items() if k not in moved}
    rest["messages"] = []  # required by the signature; extra_body's messages replace it
    rest["extra_body"] = {**moved, **(kwargs.get("extra_body") or {})}
    return rest


class _IdleSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """The HTTP loop's selector: ``idle`` is set while the loop waits for I/O with nothing
    else to run."""

    def __init__(self) -> None:
        super().__init__()
        self.idle = threading.Event()

    def select(self, timeout: float | None = None) -> Any:
        if timeout is None or timeout > 0:  # no callback is ready: the loop is about to block
            self.idle.set()
        try:
            return super().select(timeout)
        finally:
            self.idle.clear()


class HttpThread:
    """An event loop on a daemon thread of its own, for HTTP exchanges only."""

    HAND_OVER_WAIT = 0.005  # seconds the caller's thread gives a new exchange, at most

    def __init__(self) -> None:
        self._selector = _IdleSelector()
        self.loop = asyncio.SelectorEventLoop(self._selector)
        threading.Thread(target=self.loop.run_forever, daemon=True, name="mineralbrief-http").start()

    async def run(self, coro: Any) -> Any:
        """Await ``coro`` on the HTTP thread's loop (cancelling this cancels it there).

        The calling thread first blocks, without the GIL, until that loop has nothing left
        to run (at most ``HAND_OVER_WAIT``): the request goes out at once. Otherwise the
        caller goes on to the next article's CPU work, and the HTTP thread, which needs the
        GIL for each of the dozen loop steps of sending a request, gets it once a switch
        interval. Measured: 16 requests out in 48 ms instead of 73 ms from one loop; the
        workers=2 batch at 1.058x instead of 1.068x (medians of 10 alternating rounds).
        """
        self._selector.idle.clear()  # not idle from here until the loop has taken the exchange
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        self._selector.idle.wait(self.HAND_OVER_WAIT)
        return await asyncio.wrap_future(future)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # outside a loop (a test inspecting the client)
        return None


@lru_cache(maxsize=1)
def _system_prompt() -> str:
    return render("system.j2")  # takes no variables


def _checked_response(response: Any) -> Any:
    if not hasattr(response, "choices"):
        raise MalformedResponse(f"expected a chat completion, got {type(response).__name__}: {str(response)[:80]!r}")
    return response


def scrub(text: str, settings: Settings) -> str:
    """Remove the API key (and anything shaped like one) from a message."""
    if settings.api_key is not None:
        secret = settings.api_key.get_secret_value()
        if secret:
            text = text.replace(secret, "***")
    return _KEY_LIKE.sub("***", text)


@dataclass
class Tally:
    """Requests and tokens over every HTTP attempt of one generation."""

    usage: Usage
    last_status: int | None = None
    attempts: int = 0

    def count_response(self, response: Any) -> None:
        u = getattr(response, "usage", None)
        if u is not None:
            self.usage = self.usage + Usage(
                prompt_tokens=u.prompt_tokens or 0,
                completion_tokens=u.completion_tokens or 0,
                total_tokens=u.total_tokens or 0,
            )


def raw_answer(completion: Any) -> str | None:
    """The JSON text of an answer, whatever the mode (tool call, JSON, fenced JSON)."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return None
    calls = getattr(message, "tool_calls", None) or []
    if calls:
        return calls[0].function.arguments
    content = getattr(message, "content", None)
    if not content:
        return None
    fenced = re.search(r"```(?:json)?\s*(.*?)```", content, re.S)
    return fenced.group(1) if fenced else content


class OpenAICompatBackend:
    """Briefs from an OpenAI-compatible chat-completions endpoint, through instructor.

    Args:
        settings: endpoint, key, model, mode, sampling, limits. The clients are made on first
            use and reused for every article.
    """

    name = "openai"
    cacheable = True
    uses_call_gate = True  # each HTTP attempt takes a slot of the batch's gate (gate.py)

    def __init__(self, settings: Settings) -> None:
        _memoise_async_validator_check()
        _memoise_templates()
        self.settings = settings
        self._client: openai.OpenAI | None = None
        self._aclient: openai.AsyncOpenAI | None = None
        self._aclient_loop: asyncio.AbstractEventLoop | None = None
        self._http: HttpThread | None = None

    def identity(self) -> dict[str, str | None]:
        """What the cache key needs besides the settings it reads itself."""
        s = self.settings
        return {"model": s.model, "endpoint": s.endpoint_host, "mode": s.mode, "prompt": prompt_version()}

    # -- clients ---------------------------------------------------------------------------
    def _client_kwargs(self) -> dict[str, Any]:
        s = self.settings
        if s.api_key is not None:
            key = s.api_key.get_secret_value()
        elif s.base_url:
            key = "not-needed"  # local servers (Ollama, vLLM, llama.cpp) ignore the key
        else:
            raise ConfigError(
                "no API key: set OPENAI_API_KEY (or MINERALBRIEF_API_KEY), pass api_key=..., "
                "or point base_url at a local OpenAI-compatible server"
            )
        return {
            "api_key": key,
            "base_url": s.base_url,
            "max_retries": 0,  # transport retries are ours (retry.py), never multiplied
            "timeout": openai.Timeout(s.timeout, connect=s.connect_timeout),
        }

    @property
    def client(self) -> openai.OpenAI:
        if self._client is None:
            self._client = openai.OpenAI(**self._client_kwargs())
        return self._client

    @property
    def aclient(self) -> openai.AsyncOpenAI:
        """The async client of the running event loop.

        Its pooled connections belong to that loop: a client left from a loop that has ended
        (``summarize_many`` runs one per call) would fail once per stale connection and retry,
        so each loop gets its own client."""
        loop = _running_loop()
        if self._aclient is None or self._aclient_loop is not loop:
            self._aclient = openai.AsyncOpenAI(**self._client_kwargs())
            self._aclient_loop = loop
        return self._aclient

    async def aclose(self) -> None:
        """Close the running loop's async client (and its connections) before the loop ends."""
        if self._aclient is not None and self._aclient_loop is _running_loop():
            client, self._aclient, self._aclient_loop = self._aclient, None, None
            await client.close()

    def use_http_thread(self) -> None:
        """Run every async HTTP exchange on an event loop of its own thread (worker processes do).

        In a process whose loop is busy with other articles' CPU work (domain scans, validation,
        grounding), an answer that arrives waits for each of its reading steps behind that work:
        measured, 26 ms on top of a 200 ms server at 16 calls in flight. On a loop that does
        nothing else, it is read as it arrives; the rest of the flow stays on the caller's loop.
        """
        if self._http is None:
            self._http = HttpThread()

    def warm_up(self) -> None:
        """Pay the first request's one-time costs now (worker processes do, before they take
        articles): the HTTP thread's client with its SSL context and anyio's backend (40-60 ms
        here), the system prompt, and instructor's tool schema of the brief (25 ms)."""
        if self._http is not None:
            asyncio.run_coroutine_threadsafe(self._make_client(), self._http.loop).result()
        _system_prompt()
        if generate_openai_schema is not None:
            generate_openai_schema(RESPONSE_MODEL)  # cached by instructor per class

    async def _make_client(self) -> None:
        self.aclient  # noqa: B018 - made for the running loop
        await anyio.sleep(0)  # loads anyio's asyncio backend, which httpx's first connection needs

    async def _exchange(self, kwargs: dict[str, Any], gate: CallGate | None, started: Callable[[], None]) -> Any:
        """One HTTP attempt: on the running loop, or on the HTTP thread's loop, where the slot
        of the batch's gate is taken and given back too, so a freed slot goes to the next
        request as the answer arrives, whatever the caller's loop is busy with."""
        if self._http is not None:
            return await self._http.run(self._send(kwargs, gate, started))
        return await self._send(kwargs, gate, started)

    async def _send(self, kwargs: dict[str, Any], gate: CallGate | None, started: Callable[[], None]) -> Any:
        async with gate.slot() if gate is not None else nullcontext():  # the batch's bound on calls
            started()
            return _checked_response(await self.aclient.chat.completions.create(**_as_is(kwargs)))

    # -- the request -----------------------------------------------------------------------
    def _create_kwargs(self, request: GenerationRequest) -> dict[str, Any]:
        s, article = request.settings, request.article
        context = {
            "mb_system": _system_prompt(),
            "mb_user": render(
                "user.j2", article=article.text, title=article.title,
                published=article.published, hints=request.hints,
            ),
            CONTEXT_KEY: request.index,
        }
        kwargs: dict[str, Any] = {
            "model": s.model,
            "messages": [
                {"role": "system", "content": "{{ mb_system }}"},
                {"role": "user", "content": "{{ mb_user }}"},
            ],
            "response_model": RESPONSE_MODEL,
            "context": context,
            "max_retries": s.max_reasks,
            "temperature": s.temperature,
            "max_tokens": s.max_tokens,
        }
        if s.seed is not None:
            kwargs["seed"] = s.seed
        return kwargs

    def _transport_error(self, exc: BaseException, tally: Tally) -> MineralBriefError:
        info = classify(exc)
        if info is not None:
            what = (
                "a malformed response body" if info.status == 200
                else f"HTTP {info.status}" if info.status else type(exc).__name__
            )
            return TransportError(
                f"endpoint kept failing: {what} after {tally.attempts} attempt(s): "
                f"{scrub(str(exc), self.settings)[:200]}",
                attempts=tally.attempts, last_status=info.status,
            )
        status = getattr(exc, "status_code", None)
        return BackendError(f"endpoint refused the request (HTTP {status}): {scrub(str(exc), self.settings)[:300]}")

    # An article over the input budget goes in chunks, each grounded against the whole article
    # (its index), so quotes keep their true offsets.
    def generate(self, request: GenerationRequest) -> Generation:
        chunks = chunk_requests(request, self.settings.max_input_chars)
        if chunks is None:
            return self._generate_one(request)
        return merge_generations([self._generate_one(c) for c in chunks], self.settings.model)

    async def agenerate(self, request: GenerationRequest) -> Generation:
        chunks = chunk_requests(request, self.settings.max_input_chars)
        if chunks is None:
            return await self._agenerate_one(request)
        return merge_generations([await self._agenerate_one(c) for c in chunks], self.settings.model)

    def _generate_one(self, request: GenerationRequest) -> Generation:
        tally = Tally(Usage())
        client = self.client  # a missing key is a ConfigError here, before any request

        def call(**kwargs: Any) -> Any:
            try:
                for attempt in transport_retrying(self.settings, classify):
                    with attempt:
                        tally.attempts += 1
                        tally.usage = tally.usage + Usage(requests=1)
                        response = _checked_response(client.chat.completions.create(**_as_is(kwargs)))
            except Exception as exc:
                if not _is_transport(exc):
                    raise
                raise self._transport_error(exc, tally) from exc
            tally.count_response(response)
            return response

        create = instructor.patch(create=call, mode=MODES[self.settings.mode])
        try:
            content = create(**self._create_kwargs(request))
        except (InstructorRetryException, IncompleteOutputException) as exc:
            return self._after_failure(exc, request, tally)
        return Generation(
            content=content, usage=tally.usage, model=self.settings.model,
            grounding=getattr(content, "_report", None),
        )

    async def _agenerate_one(self, request: GenerationRequest) -> Generation:
        tally = Tally(Usage())
        self._client_kwargs()  # a missing key is a ConfigError here, before any request

        gate = current_gate.get()

        def started() -> None:
            tally.attempts += 1
            tally.usage = tally.usage + Usage(requests=1)

        async def call(**kwargs: Any) -> Any:
            try:
                async for attempt in async_transport_retrying(self.settings, classify):
                    with attempt:
                        response = await self._exchange(kwargs, gate, started)
            except Exception as exc:
                if not _is_transport(exc):
                    raise
                raise self._transport_error(exc, tally) from exc
            tally.count_response(response)
            return response

        create = instructor.patch(create=call, mode=MODES[self.settings.mode])
        try:
            content = await create(**self._create_kwargs(request))
        except (InstructorRetryException, IncompleteOutputException) as exc:
            return self._after_failure(exc, request, tally)
        return Generation(
            content=content, usage=tally.usage, model=self.settings.model,
            grounding=getattr(content, "_report", None),
        )

    def _after_failure(self, exc: Exception, request: GenerationRequest, tally: Tally) -> Generation:
        return after_failure(exc, request, self.settings, tally.attempts, tally.usage,
                             BriefContent.model_validate_json)


def after_failure(
    exc: Exception, request: GenerationRequest, settings: Settings, attempts_made: int, usage: Usage,
    parse: Callable[[str], BriefContent], model: str | None = None,
) -> Generation:
    """Re-asks ran out (or the answer was cut off): decide between a flagged draft and an error.

    When the last answer fit the schema and only grounding failed, ``parse(raw)`` makes it a
    draft; the API grounds it again and flags it (or raises with ``strict=True``). Anything
    else is an error that says what went wrong. Shared by every backend that re-asks through
    instructor.
    """
    article_id = request.article.id
    cause = exc.__cause__
    if isinstance(cause, MineralBriefError):
        cause.article_id = cause.article_id or article_id
        raise cause
    if isinstance(exc, IncompleteOutputException):
        raise ValidationFailedError(
            f"the answer was cut off at max_tokens={settings.max_tokens}; raise max_tokens",
            attempts=attempts_made, last_raw=None, errors=[], article_id=article_id,
        ) from exc
    if cause is not None and not isinstance(cause, (ValidationError, json.JSONDecodeError, InstructorError)):
        raise cause  # not a validation failure: a bug or an unexpected error, shown as is
    last = getattr(exc, "last_completion", None)
    raw = raw_answer(last) if last is not None else None
    errors = cause.errors() if isinstance(cause, ValidationError) else [str(cause or exc)]
    only_grounding = bool(errors) and all(
        isinstance(e, dict) and e.get("type") == "ungrounded" for e in errors
    )
    if only_grounding and raw is not None:
        try:
            return Generation(content=parse(raw), usage=usage, model=model or settings.model)
        except ValidationError:
            pass
    attempts = getattr(exc, "n_attempts", None) or attempts_made
    summary = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" if isinstance(e, dict) else str(e)
        for e in errors[:5]
    )
    raise ValidationFailedError(
        f"the model's answer did not fit the schema after {attempts} attempt(s): "
        f"{scrub(summary, settings)[:400]}",
        attempts=attempts, last_raw=raw, errors=errors, article_id=article_id,
    ) from exc

