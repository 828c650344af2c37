"""Optional OpenTelemetry spans, through ``opentelemetry-api`` only.

Without the API installed (``pip install 'mineralbrief[otel]'``) nothing here does anything,
and nothing imports it. With the API but no SDK configured by the application, the spans are
the API's no-op spans. With an SDK configured, mineralbrief reports:

* ``mineralbrief.summarize``: one span per article (``Summarizer.summarize``/``asummarize``):
  ``mineralbrief.backend``, ``mineralbrief.article.chars``, ``mineralbrief.cache_hit``,
  ``mineralbrief.grounding.ok``, ``mineralbrief.unverified`` (how many items were not found),
  ``mineralbrief.reasks`` (model calls after the first), ``gen_ai.request.model``,
  ``gen_ai.response.model``, ``gen_ai.usage.input_tokens``/``output_tokens`` (all attempts).
* ``chat <model>``: one span per model attempt in the OpenAI-compatible backend (instructor's
  re-asks and ours each make one), with the GenAI semantic-convention attributes
  (``gen_ai.system``, ``gen_ai.operation.name``, ``gen_ai.request.model``,
  ``gen_ai.response.model``, ``gen_ai.usage.*``, ``gen_ai.response.finish_reasons``),
  ``server.address``, ``mineralbrief.attempt`` and, on the attempt whose answer was checked,
  ``mineralbrief.grounding.ok``.

A failure sets the span's status to ERROR and ``error.type`` to the exception's class name.
Messages are never recorded (no ``record_exception``): an endpoint's error can echo the API
key. Article text, titles, URLs and keys never go into a span.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

try:
    from opentelemetry import trace as _trace
    from opentelemetry.trace import SpanKind, Status, StatusCode
except ImportError:  # the [otel] extra is optional: every function below is then a no-op
    _trace = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from .article import Article
    from .backends.base import Backend
    from .config import Settings
    from .models import Brief

TRACER_NAME = "mineralbrief"
# gen_ai.system names the provider; an OpenAI-compatible endpoint is spoken to as "openai"
_SYSTEMS = {"openai": "openai", "local": "llama_cpp"}


def enabled() -> bool:
    """Whether ``opentelemetry-api`` is importable (spans may then be recorded)."""
    return _trace is not None


def recording() -> bool:
    """Whether spans may be recorded: the API is installed and an SDK has set a tracer provider
    (until one does, every tracer is a no-op)."""
    if _trace is None:
        return False
    return not isinstance(_trace.get_tracer_provider(), (_trace.ProxyTracerProvider, _trace.NoOpTracerProvider))


def _tracer() -> Any:
    # looked up on each use: the application may configure its provider after importing us
    return _trace.get_tracer(TRACER_NAME)


def _fail(span: Any, exc: BaseException) -> None:
    # the class name only: an exception's message can carry what an endpoint echoed (a key)
    span.set_attribute("error.type", type(exc).__name__)
    span.set_status(Status(StatusCode.ERROR, type(exc).__name__))


class ArticleSpan:
    """The span of one article; its methods return what they are given, so a call site
    reads ``art = span.article(as_article(x))``. A no-op when nothing records."""

    def __init__(self, span: Any = None, backend: Backend | None = None) -> None:
        self._span = span if span is not None and span.is_recording() else None
        if self._span is not None and backend is not None:
            self._span.set_attribute("mineralbrief.backend", backend.name)
            identity = backend.identity() or {}
            if isinstance(identity.get("model"), str):
                self._span.set_attribute("gen_ai.request.model", identity["model"])
            if backend.name in _SYSTEMS:
                self._span.set_attribute("gen_ai.system", _SYSTEMS[backend.name])

    def article(self, art: Article) -> Article:
        """Record the article's size (never its text)."""
        if self._span is not None:
            self._span.set_attribute("mineralbrief.article.chars", len(art.text))
        return art

    def brief(self, brief: Brief) -> Brief:
        """Record what the brief says about how it was made."""
        if self._span is not None:
            u = brief.usage
            attrs: dict[str, Any] = {
                "mineralbrief.cache_hit": bool(brief.provenance.cached),
                "mineralbrief.grounding.ok": brief.grounding.ok,
                "mineralbrief.unverified": len(brief.grounding.unverified),
                "mineralbrief.reasks": max(0, u.requests - 1),
                "gen_ai.usage.input_tokens": u.prompt_tokens,
                "gen_ai.usage.output_tokens": u.completion_tokens,
            }
            if brief.provenance.model:
                attrs["gen_ai.response.model"] = brief.provenance.model
            self._span.set_attributes(attrs)
        return brief

    def failed(self, exc: BaseException) -> None:
        """Mark the span failed; an ungrounded brief refused by ``strict`` is still described."""
        if self._span is None:
            return
        partial = getattr(exc, "brief", None)
        if partial is not None:
            self.brief(partial)
        _fail(self._span, exc)


@contextlib.contextmanager
def article_span(backend: Backend) -> Iterator[ArticleSpan]:
    """The span around one article's brief (the current span while it runs, so the model
    attempts nest under it)."""
    if not recording():
        yield ArticleSpan()
        return
    with _tracer().start_as_current_span("mineralbrief.summarize", kind=SpanKind.INTERNAL, record_exception=False,
                                         set_status_on_exception=False) as span:
        recorder = ArticleSpan(span, backend)
        try:
            yield recorder
        except BaseException as exc:
            recorder.failed(exc)
            raise


class AttemptSpans:
    """One span per model attempt, opened and closed by instructor's per-call hooks (an
    attempt may be a re-ask instructor makes inside one ``create`` call).

    Args:
        hooks: the ``instructor`` Hooks of one dialogue.
        settings: for the model and the endpoint host (never the key).
    """

    def __init__(self, hooks: Any, settings: Settings) -> None:
        self._span: Any = None
        self.attempt = 0
        if not recording():  # no hooks at all: instructor calls each one per attempt
            return
        self._model = settings.model
        endpoint = urlparse(settings.base_url or "https://api.openai.com")
        self._server = {"server.address": endpoint.hostname, "server.port": endpoint.port}
        hooks.on("completion:kwargs", self._start)
        hooks.on("completion:response", self._response)
        hooks.on("completion:error", self._error)
        hooks.on("parse:error", self._error)

    def _start(self, *args: Any, **kwargs: Any) -> None:
        self.finish()  # the previous attempt was answered and re-asked
        self.attempt += 1
        attrs: dict[str, Any] = {"gen_ai.system": "openai", "gen_ai.operation.name": "chat",
                                 "gen_ai.request.model": self._model, "mineralbrief.attempt": self.attempt}
        attrs.update({k: v for k, v in self._server.items() if v is not None})
        self._span = _tracer().start_span(f"chat {self._model}", kind=SpanKind.CLIENT, attributes=attrs)

    def _response(self, response: Any) -> None:
        if self._span is None:
            return
        usage = getattr(response, "usage", None)
        attrs: dict[str, Any] = {}
        if usage is not None:
            attrs["gen_ai.usage.input_tokens"] = getattr(usage, "prompt_tokens", None) or 0
            attrs["gen_ai.usage.output_tokens"] = getattr(usage, "completion_tokens", None) or 0
        if isinstance(getattr(response, "model", None), str):
            attrs["gen_ai.response.model"] = response.model
        reasons = [c.finish_reason for c in getattr(response, "choices", None) or []
                   if isinstance(getattr(c, "finish_reason", None), str)]
        if reasons:
            attrs["gen_ai.response.finish_reasons"] = reasons
        self._span.set_attributes(attrs)

    def _error(self, error: BaseException, **kwargs: Any) -> None:
        self.finish(error=error)

    def finish(self, *, grounded: bool | None = None, error: BaseException | None = None) -> None:
        """End the open attempt's span: with the grounding verdict of its answer, or failed."""
        span, self._span = self._span, None
        if span is None:
            return
        if grounded is not None:
            span.set_attribute("mineralbrief.grounding.ok", grounded)
        if error is not None:
            status = getattr(error, "status_code", None)
            if isinstance(status, int):
                span.set_attribute("http.response.status_code", status)
            _fail(span, error)
        span.end()
